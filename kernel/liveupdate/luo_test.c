// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live Update Orchestrator: a test handler and handover damage, for the
 * selftests in tools/testing/selftests/liveupdate/.  Never for production.
 *
 * /sys/kernel/debug/liveupdate_test/fail_freeze
 *	A file that the "luo-test-fail-freeze-v1" handler preserves and
 *	whose freeze always fails with -ECANCELED: the kexec is cancelled
 *	and reboot(2) returns that error.
 *
 * /sys/kernel/debug/liveupdate_test/corrupt
 *	Write "compatible", "session-chain" or "memfd-header" (or "none"):
 *	at the next kexec after a successful reboot step (from a reboot
 *	notifier, which kernel_kexec() calls after the step), the outgoing
 *	LUO handover is damaged that way, so that the next kernel must
 *	refuse it.
 */

#define pr_fmt(fmt) "LUO: test: " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/libfdt.h>
#include <linux/reboot.h>
#include <linux/string.h>

#include "kexec_handover_internal.h"
#include "luo_internal.h"

/* the handler's compatible string, in every file record it writes */
#define LUO_TEST_HANDLER_COMPATIBLE	"luo-test-fail-freeze-v1"

static const char * const luo_test_damages[] = {
	"none", "compatible", "session-chain", "memfd-header",
};

enum {
	LUO_TEST_NONE,
	LUO_TEST_COMPATIBLE,
	LUO_TEST_SESSION_CHAIN,
	LUO_TEST_MEMFD_HEADER,
};

/* Under luo_lock. */
static unsigned int luo_test_damage_mode;

static const struct file_operations luo_test_fail_fops = {
	.owner	= THIS_MODULE,
};

static bool luo_test_can_preserve(struct liveupdate_file_handler *handler,
				  struct file *file)
{
	return file->f_op == &luo_test_fail_fops;
}

static int luo_test_preserve(struct liveupdate_file_op_args *args)
{
	args->serialized_data = 0;
	return 0;
}

static void luo_test_unpreserve(struct liveupdate_file_op_args *args)
{
}

static int luo_test_freeze(struct liveupdate_file_op_args *args)
{
	return -ECANCELED;
}

/* Freeze never succeeds, so nothing of this handler is ever handed over. */
static int luo_test_retrieve(struct liveupdate_file_op_args *args)
{
	return -EINVAL;
}

static void luo_test_finish(struct liveupdate_file_op_args *args)
{
}

static const struct liveupdate_file_ops luo_test_ops = {
	.can_preserve	= luo_test_can_preserve,
	.preserve	= luo_test_preserve,
	.unpreserve	= luo_test_unpreserve,
	.freeze		= luo_test_freeze,
	.retrieve	= luo_test_retrieve,
	.finish		= luo_test_finish,
	.owner		= THIS_MODULE,
};

static struct liveupdate_file_handler luo_test_handler = {
	.ops		= &luo_test_ops,
	.compatible	= LUO_TEST_HANDLER_COMPATIBLE,
};

/* The first file record of the first session, or NULL. */
static struct luo_file_ser *luo_test_first_file(phys_addr_t head)
{
	struct kho_block_header_ser *block;
	struct luo_session_ser *session;

	if (!head)
		return NULL;
	block = phys_to_virt(head);
	session = (struct luo_session_ser *)(block + 1);
	if (!session->files)
		return NULL;
	block = phys_to_virt(session->files);
	return (struct luo_file_ser *)(block + 1);
}

/* Damage the LUO subtree @fdt, complete and frozen, as asked; luo_lock held. */
static void luo_test_damage(void *fdt)
{
	struct kho_block_header_ser *block;
	struct memfd_luo_ser *memfd;
	struct luo_file_ser *file;
	const u64 *prop;
	struct page *page;
	u64 head;

	if (luo_test_damage_mode == LUO_TEST_NONE)
		return;
	prop = fdt_getprop(fdt, 0, LUO_FDT_SESSIONS, NULL);
	memcpy(&head, prop, sizeof(head));

	switch (luo_test_damage_mode) {
	case LUO_TEST_COMPATIBLE:
		fdt_setprop_inplace(fdt, 0, "compatible", "luo-v0",
				    sizeof("luo-v0"));
		break;
	case LUO_TEST_SESSION_CHAIN:
		if (!head)
			goto nothing;
		block = phys_to_virt(head);
		block->next = head;
		break;
	case LUO_TEST_MEMFD_HEADER:
		file = luo_test_first_file(head);
		if (!file || strcmp(file->compatible, MEMFD_LUO_COMPATIBLE))
			goto nothing;
		page = alloc_page(GFP_KERNEL);
		if (!page)
			goto nothing;
		/* a page this kernel never preserves, on purpose */
		memfd = phys_to_virt(file->data);
		memfd->folios.first = page_to_phys(page);
		break;
	}
	pr_info("damaged the outgoing handover on purpose: %s\n",
		luo_test_damages[luo_test_damage_mode]);
	return;
nothing:
	pr_info("nothing to damage for %s\n",
		luo_test_damages[luo_test_damage_mode]);
}

/*
 * kernel_kexec() runs the reboot notifiers after the live update reboot
 * step: if the step froze the sessions, the LUO subtree of the outgoing
 * root FDT is final and is damaged here.
 */
static int luo_test_reboot(struct notifier_block *nb, unsigned long action,
			   void *data)
{
	const void *root;
	phys_addr_t phys;

	guard(mutex)(&luo_lock);
	if (!luo_frozen || luo_test_damage_mode == LUO_TEST_NONE)
		return NOTIFY_DONE;
	root = kho_out_fdt();
	if (!root || kho_fdt_subtree(root, LUO_FDT_NAME, &phys)) {
		pr_err("no outgoing LUO subtree to damage\n");
		return NOTIFY_DONE;
	}
	luo_test_damage(phys_to_virt(phys));
	return NOTIFY_DONE;
}

static struct notifier_block luo_test_reboot_nb = {
	.notifier_call	= luo_test_reboot,
};

static ssize_t luo_test_corrupt_write(struct file *file,
				      const char __user *ubuf, size_t len,
				      loff_t *ppos)
{
	char buf[32];
	int mode;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	mode = sysfs_match_string(luo_test_damages, strim(buf));
	if (mode < 0)
		return mode;

	guard(mutex)(&luo_lock);
	luo_test_damage_mode = mode;
	return len;
}

static const struct file_operations luo_test_corrupt_fops = {
	.owner	= THIS_MODULE,
	.write	= luo_test_corrupt_write,
};

static int __init luo_test_init(void)
{
	struct dentry *dir;
	int err;

	if (!liveupdate_enabled())
		return 0;
	err = liveupdate_register_file_handler(&luo_test_handler);
	if (err) {
		pr_err("cannot register the test handler (%d)\n", err);
		return err;
	}
	dir = debugfs_create_dir("liveupdate_test", NULL);
	debugfs_create_file_unsafe("fail_freeze", 0400, dir, NULL,
				   &luo_test_fail_fops);
	debugfs_create_file_unsafe("corrupt", 0200, dir, NULL,
				   &luo_test_corrupt_fops);
	return register_reboot_notifier(&luo_test_reboot_nb);
}
late_initcall(luo_test_init);
