// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live Update Orchestrator (LUO): the core.
 *
 * LUO lets user space keep file descriptors across a kexec_file_load(2)
 * reboot.  This file holds what is LUO-wide: the liveupdate= parameter,
 * /dev/liveupdate and its ioctl dispatcher, the live update number, the
 * "LUO" subtree of the kexec handover and the reboot step.  Sessions are
 * in luo_session.c, files and handlers in luo_file.c.
 */

#define pr_fmt(fmt) "LUO: " fmt

#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kexec.h>
#include <linux/kexec_handover.h>
#include <linux/kstrtox.h>
#include <linux/libfdt.h>
#include <linux/miscdevice.h>
#include <linux/uaccess.h>

#include "kexec_handover_internal.h"
#include "luo_internal.h"

/* Serialises everything in LUO, see luo_internal.h. */
DEFINE_MUTEX(luo_lock);
bool luo_frozen;

static bool luo_enable;

/* The outgoing subtree; under luo_lock once LUO is up. */
static void *luo_fdt_out;
/* This kernel's live update number: 0 after a cold boot. */
static u64 luo_number;
/* The incoming state was refused: /dev/liveupdate opens with -EIO. */
static bool luo_refused;
/* /dev/liveupdate is open; under luo_lock. */
static bool luo_dev_busy;
/* What the handover costs, for the reboot step's log line; under luo_lock. */
static struct kho_stats luo_reboot_stats;

static int __init luo_parse_enable(char *p)
{
	return kstrtobool(p, &luo_enable);
}
early_param("liveupdate", luo_parse_enable);

/**
 * liveupdate_enabled - is the Live Update Orchestrator on?
 *
 * Return: true if the kernel was booted with liveupdate=on and kexec
 * handover is on.
 */
bool liveupdate_enabled(void)
{
	return luo_enable && kho_is_enabled();
}
EXPORT_SYMBOL_GPL(liveupdate_enabled);

/**
 * luo_ucmd_reserve_fd - reserve the descriptor of a file the reply gives
 * @ucmd: the ioctl
 * @fd:   where the reply holds the descriptor
 *
 * Called before the ioctl makes anything, so that running out of
 * descriptors undoes nothing.  The ioctl then sets @ucmd->new_file; the
 * file is installed once the reply has been copied out.  If the ioctl or
 * the copy fails, the descriptor is released (and the file put).
 *
 * Return: 0, or -errno (-EMFILE).
 */
int luo_ucmd_reserve_fd(struct luo_ucmd *ucmd, s32 *fd)
{
	int new_fd = get_unused_fd_flags(O_CLOEXEC);

	if (new_fd < 0)
		return new_fd;
	ucmd->new_fd = new_fd;
	*fd = new_fd;
	return 0;
}

/**
 * luo_ioctl - carry out an ioctl of /dev/liveupdate or of a session
 * @file:   the file it was made on
 * @cmd:    the ioctl number
 * @arg:    the user pointer to the argument
 * @ops:    the ioctl table, indexed by number minus @base
 * @nr_ops: number of entries of @ops
 * @base:   the first ioctl number of the table
 *
 * The argument starts with its own size (see include/uapi/linux/liveupdate.h):
 * an unreadable size is -EFAULT, a number outside the table -EINVAL, a
 * known number with other direction or size bits -ENOTTY, a size below
 * the structure's original end -EINVAL and non-zero bytes beyond what
 * the kernel knows -E2BIG.  Takes luo_lock around the operation.
 *
 * Return: 0 or -errno.
 */
long luo_ioctl(struct file *file, unsigned int cmd, unsigned long arg,
	       const struct luo_ioctl_op *ops, unsigned int nr_ops,
	       unsigned int base)
{
	union {
		struct liveupdate_ioctl_create_session create;
		struct liveupdate_ioctl_retrieve_session retrieve;
		struct liveupdate_session_preserve_fd preserve_fd;
		struct liveupdate_session_retrieve_fd retrieve_fd;
		struct liveupdate_session_finish finish;
		struct liveupdate_session_get_name get_name;
	} buf;
	struct luo_ucmd ucmd = { .file = file, .cmd = &buf, .new_fd = -1 };
	void __user *uarg = (void __user *)arg;
	const struct luo_ioctl_op *op;
	unsigned int nr = _IOC_NR(cmd);
	u32 size;
	int err;

	if (get_user(size, (u32 __user *)uarg))
		return -EFAULT;
	if (nr < base || nr - base >= nr_ops || !ops[nr - base].execute)
		return -EINVAL;
	op = &ops[nr - base];
	if (op->cmd != cmd)
		return -ENOTTY;
	if (size < op->min_size)
		return -EINVAL;
	if (WARN_ON_ONCE(op->size > sizeof(buf)))
		return -EINVAL;
	err = copy_struct_from_user(&buf, op->size, uarg, size);
	if (err)
		return err;

	mutex_lock(&luo_lock);
	err = op->execute(&ucmd);
	mutex_unlock(&luo_lock);
	if (!err && copy_to_user(uarg, &buf, min_t(size_t, size, op->size))) {
		if (ucmd.cancel) {
			mutex_lock(&luo_lock);
			ucmd.cancel(&ucmd);
			mutex_unlock(&luo_lock);
		}
		err = -EFAULT;
	}
	if (err) {
		if (ucmd.new_fd >= 0)
			put_unused_fd(ucmd.new_fd);
		if (ucmd.new_file)
			fput(ucmd.new_file);
		return err;
	}
	if (ucmd.new_file)
		fd_install(ucmd.new_fd, ucmd.new_file);
	return 0;
}

static const struct luo_ioctl_op luo_dev_ops[] = {
	[LIVEUPDATE_CMD_CREATE_SESSION - LIVEUPDATE_CMD_BASE] =
		LUO_IOCTL_OP(LIVEUPDATE_IOCTL_CREATE_SESSION,
			     luo_session_create,
			     struct liveupdate_ioctl_create_session, name),
	[LIVEUPDATE_CMD_RETRIEVE_SESSION - LIVEUPDATE_CMD_BASE] =
		LUO_IOCTL_OP(LIVEUPDATE_IOCTL_RETRIEVE_SESSION,
			     luo_session_retrieve,
			     struct liveupdate_ioctl_retrieve_session, name),
};

static long luo_dev_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	return luo_ioctl(file, cmd, arg, luo_dev_ops, ARRAY_SIZE(luo_dev_ops),
			 LIVEUPDATE_CMD_BASE);
}

static int luo_dev_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (luo_refused)
		return -EIO;

	guard(mutex)(&luo_lock);
	if (luo_dev_busy)
		return -EBUSY;
	luo_dev_busy = true;
	return 0;
}

/* Sessions live on with their own file descriptors. */
static int luo_dev_release(struct inode *inode, struct file *file)
{
	guard(mutex)(&luo_lock);
	luo_dev_busy = false;
	return 0;
}

static const struct file_operations luo_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= luo_dev_open,
	.release	= luo_dev_release,
	.unlocked_ioctl	= luo_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static struct miscdevice luo_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "liveupdate",
	.fops	= &luo_dev_fops,
	.mode	= 0600,
};

/* FDT u64 properties of the handover are native-endian, as KHO's. */
static int luo_fdt_get_u64(const void *fdt, const char *name, u64 *val)
{
	const void *prop;
	int len;

	prop = fdt_getprop(fdt, 0, name, &len);
	if (!prop || len != sizeof(*val))
		return -EINVAL;
	memcpy(val, prop, sizeof(*val));
	return 0;
}

static int luo_fdt_set_sessions(phys_addr_t head)
{
	u64 val = head;

	return fdt_setprop_inplace(luo_fdt_out, 0, LUO_FDT_SESSIONS, &val,
				   sizeof(val)) ? -EINVAL : 0;
}

/**
 * liveupdate_reboot - the live update reboot step
 * @image: the kexec image about to be started
 *
 * Called by kernel_kexec() before anything irreversible.  Freezes every
 * preserved file and records every outgoing session in memory preserved
 * beforehand; afterwards nothing in LUO may change.  If a handler fails,
 * what was frozen is unfrozen and the records are cleared.
 *
 * Return: 0 if the kexec may go on; -EINVAL if outgoing sessions exist
 * but @image carries no handover (loaded with kexec_load(2), or KHO is
 * off); otherwise the error of the handler that failed.
 */
int liveupdate_reboot(struct kimage *image)
{
	phys_addr_t head;
	int err;

	if (!luo_fdt_out)
		return 0;

	guard(mutex)(&luo_lock);
	if (!image->kho.fdt) {
		if (!luo_sessions_outgoing())
			return 0;
		pr_err("kexec refused: the loaded image carries no handover, outgoing sessions would be lost\n");
		return -EINVAL;
	}
	err = luo_sessions_freeze(&head);
	if (!err) {
		err = luo_fdt_set_sessions(head);
		if (err)
			luo_sessions_unfreeze();
	}
	if (err) {
		pr_err("kexec refused: cannot freeze the sessions (%d)\n", err);
		return err;
	}
	luo_frozen = true;
	kho_stats(&luo_reboot_stats);
	pr_info("reboot step done: KHO tracker %lu node + %lu leaf pages\n",
		luo_reboot_stats.nodes, luo_reboot_stats.leaves);
	return 0;
}

static void *__init luo_fdt_create(void)
{
	u64 number = luo_number, none = 0;
	void *fdt;
	int err;

	fdt = kho_alloc_preserve(PAGE_SIZE);
	if (IS_ERR(fdt))
		return fdt;
	err = fdt_create_empty_tree(fdt, PAGE_SIZE);
	err = err ?: fdt_setprop_string(fdt, 0, "compatible",
					LUO_FDT_COMPATIBLE);
	err = err ?: fdt_setprop(fdt, 0, LUO_FDT_LIVEUPDATE_NUMBER, &number,
				 sizeof(number));
	err = err ?: fdt_setprop(fdt, 0, LUO_FDT_SESSIONS, &none,
				 sizeof(none));
	if (err) {
		kho_unpreserve_free(fdt);
		return ERR_PTR(-EINVAL);
	}
	return fdt;
}

/*
 * Take in what the previous kernel handed over.  The subtree page is taken
 * (so that nothing else can claim it) and kept for this kernel's life:
 * KHO's debugfs may show it.
 */
static int __init luo_incoming(void)
{
	const char *compat;
	phys_addr_t phys;
	u64 number, head;
	const void *fdt;
	int err, len;

	err = kho_retrieve_subtree(LUO_FDT_NAME, &phys);
	if (err == -ENOENT)
		return 0;
	if (err) {
		pr_err("refusing the handover: bad %s subtree node (%d)\n",
		       LUO_FDT_NAME, err);
		return err;
	}
	if (!kho_is_preserved(phys, 0)) {
		pr_err("refusing the handover: subtree at %pa is not a preserved page\n",
		       &phys);
		return -EINVAL;
	}
	fdt = phys_to_virt(phys);
	if (fdt_check_header(fdt) || fdt_totalsize(fdt) > PAGE_SIZE) {
		pr_err("refusing the handover: bad FDT header\n");
		return -EINVAL;
	}
	compat = fdt_getprop(fdt, 0, "compatible", &len);
	if (!compat || len != sizeof(LUO_FDT_COMPATIBLE) ||
	    memcmp(compat, LUO_FDT_COMPATIBLE, len)) {
		pr_err("refusing the handover: not compatible with %s\n",
		       LUO_FDT_COMPATIBLE);
		return -EINVAL;
	}
	if (luo_fdt_get_u64(fdt, LUO_FDT_LIVEUPDATE_NUMBER, &number) ||
	    luo_fdt_get_u64(fdt, LUO_FDT_SESSIONS, &head) ||
	    number == U64_MAX) {
		pr_err("refusing the handover: bad %s or %s property\n",
		       LUO_FDT_LIVEUPDATE_NUMBER, LUO_FDT_SESSIONS);
		return -EINVAL;
	}
	if (!kho_restore_folio(phys))
		return -EINVAL;
	luo_number = number + 1;
	return luo_sessions_restore(head);
}

static int __init luo_init(void)
{
	int err;

	if (!luo_enable)
		return 0;
	if (!kho_is_enabled()) {
		pr_info("kexec handover is off: staying off\n");
		luo_enable = false;
		return 0;
	}

	if (is_kho_boot() && luo_incoming())
		luo_refused = true;

	luo_fdt_out = luo_fdt_create();
	if (IS_ERR(luo_fdt_out)) {
		err = PTR_ERR(luo_fdt_out);
		goto fail;
	}
	err = kho_add_subtree(LUO_FDT_NAME, luo_fdt_out);
	if (err)
		goto fail_fdt;
	err = misc_register(&luo_miscdev);
	if (err)
		goto fail_subtree;
	pr_info("live update number %llu%s\n", luo_number,
		luo_refused ? ", incoming state refused" : "");
	return 0;

fail_subtree:
	kho_remove_subtree(luo_fdt_out);
fail_fdt:
	kho_unpreserve_free(luo_fdt_out);
fail:
	luo_fdt_out = NULL;
	luo_enable = false;
	pr_err("cannot start (%d): staying off\n", err);
	return err;
}
late_initcall_sync(luo_init);
