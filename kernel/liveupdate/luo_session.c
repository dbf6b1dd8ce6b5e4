// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live Update Orchestrator: sessions.
 *
 * An outgoing session exists while its file descriptor is open; its
 * record (&struct luo_session_ser) lives in a kho_block chain that grows
 * by one record when the session is created, so the reboot step only
 * fills in records that exist already.  Closing the descriptor before the
 * kexec unpreserves the session's files and removes its record.
 *
 * Incoming sessions are those the previous kernel froze.  User space
 * retrieves each one once, takes its files back and finishes it; closing
 * a retrieved session finishes it too.  Sessions never retrieved keep
 * their memory for this kernel's life and are not handed on.
 */

#define pr_fmt(fmt) "LUO: " fmt

#include <linux/anon_inodes.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "luo_internal.h"

/* Both lists and the record chain are under luo_lock. */
LIST_HEAD(luo_sessions_out);
static LIST_HEAD(luo_sessions_in);
static struct kho_block_set luo_session_set =
	KHO_BLOCK_SET_INIT(luo_session_set, struct luo_session_ser);

static_assert(sizeof(struct luo_session_ser) == 80);

/**
 * luo_sessions_outgoing - are there outgoing sessions?
 *
 * Context: luo_lock held.
 * Return: true if at least one outgoing session exists.
 */
bool luo_sessions_outgoing(void)
{
	return !list_empty(&luo_sessions_out);
}

/**
 * luo_sessions_exist - are there sessions a handler may be busy with?
 *
 * Context: luo_lock held.
 * Return: true if an outgoing session exists, or an incoming one that was
 * not finished.
 */
bool luo_sessions_exist(void)
{
	struct luo_session *s;

	if (luo_sessions_outgoing())
		return true;
	list_for_each_entry(s, &luo_sessions_in, list) {
		if (!s->finished)
			return true;
	}
	return false;
}

static struct luo_session *luo_session_find(struct list_head *head,
					    const char *name)
{
	struct luo_session *s;

	list_for_each_entry(s, head, list) {
		if (!strncmp(s->name, name, sizeof(s->name)))
			return s;
	}
	return NULL;
}

static struct luo_session *luo_session_alloc(const char *name, bool incoming)
{
	struct luo_session *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	strscpy(s->name, name, sizeof(s->name));
	INIT_LIST_HEAD(&s->files);
	kho_block_set_init(&s->file_set, sizeof(struct luo_file_ser));
	s->incoming = incoming;
	return s;
}

/* Take @s's record out of the chain: the last record moves into its slot. */
static void luo_session_remove_record(struct luo_session *s)
{
	struct luo_session_ser *last;
	struct kho_block_set_it it;
	struct luo_session *o;

	kho_block_set_it_init(&it, &luo_session_set, luo_session_set.count);
	last = kho_block_set_it_prev(&it);
	if (last != s->ser) {
		memcpy(s->ser, last, sizeof(*last));
		list_for_each_entry(o, &luo_sessions_out, list) {
			if (o->ser == last) {
				o->ser = s->ser;
				break;
			}
		}
	}
	kho_block_set_shrink(&luo_session_set, 1);
	s->ser = NULL;
}

static int luo_session_release(struct inode *inode, struct file *file)
{
	struct luo_session *s = file->private_data;

	/* a retrieval whose reply never reached user space */
	if (!s)
		return 0;
	guard(mutex)(&luo_lock);
	/* after the reboot step everything stays as it was recorded */
	if (luo_frozen)
		return 0;
	if (s->incoming) {
		luo_files_finish(s, true);
		return 0;
	}
	luo_files_unpreserve(s);
	luo_session_remove_record(s);
	list_del(&s->list);
	kfree(s);
	return 0;
}

static int luo_session_preserve_fd(struct luo_ucmd *ucmd)
{
	struct liveupdate_session_preserve_fd *arg = ucmd->cmd;
	struct luo_session *s = ucmd->file->private_data;

	if (s->incoming)
		return -EINVAL;
	if (luo_frozen)
		return -EBUSY;
	return luo_file_preserve(s, arg->fd, arg->token);
}

static int luo_session_retrieve_fd(struct luo_ucmd *ucmd)
{
	struct liveupdate_session_retrieve_fd *arg = ucmd->cmd;
	struct luo_session *s = ucmd->file->private_data;
	struct file *file;
	int err;

	if (!s->incoming)
		return -EINVAL;
	err = luo_ucmd_reserve_fd(ucmd, &arg->fd);
	if (err)
		return err;
	err = luo_file_retrieve(s, arg->token, &file);
	if (err)
		return err;
	ucmd->new_file = file;
	return 0;
}

static int luo_session_finish(struct luo_ucmd *ucmd)
{
	struct luo_session *s = ucmd->file->private_data;

	if (!s->incoming)
		return -EINVAL;
	return luo_files_finish(s, false);
}

static int luo_session_get_name(struct luo_ucmd *ucmd)
{
	struct liveupdate_session_get_name *arg = ucmd->cmd;
	struct luo_session *s = ucmd->file->private_data;

	if (arg->reserved)
		return -EINVAL;
	memcpy(arg->name, s->name, sizeof(arg->name));
	return 0;
}

static const struct luo_ioctl_op luo_session_ops[] = {
	[LIVEUPDATE_CMD_SESSION_PRESERVE_FD - LIVEUPDATE_CMD_SESSION_BASE] =
		LUO_IOCTL_OP(LIVEUPDATE_SESSION_PRESERVE_FD,
			     luo_session_preserve_fd,
			     struct liveupdate_session_preserve_fd, token),
	[LIVEUPDATE_CMD_SESSION_RETRIEVE_FD - LIVEUPDATE_CMD_SESSION_BASE] =
		LUO_IOCTL_OP(LIVEUPDATE_SESSION_RETRIEVE_FD,
			     luo_session_retrieve_fd,
			     struct liveupdate_session_retrieve_fd, token),
	[LIVEUPDATE_CMD_SESSION_FINISH - LIVEUPDATE_CMD_SESSION_BASE] =
		LUO_IOCTL_OP(LIVEUPDATE_SESSION_FINISH, luo_session_finish,
			     struct liveupdate_session_finish, reserved),
	[LIVEUPDATE_CMD_SESSION_GET_NAME - LIVEUPDATE_CMD_SESSION_BASE] =
		LUO_IOCTL_OP(LIVEUPDATE_SESSION_GET_NAME, luo_session_get_name,
			     struct liveupdate_session_get_name, name),
};

static long luo_session_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	return luo_ioctl(file, cmd, arg, luo_session_ops,
			 ARRAY_SIZE(luo_session_ops),
			 LIVEUPDATE_CMD_SESSION_BASE);
}

static const struct file_operations luo_session_fops = {
	.owner		= THIS_MODULE,
	.release	= luo_session_release,
	.unlocked_ioctl	= luo_session_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static int luo_session_name_check(const u8 *name)
{
	size_t len = strnlen(name, LIVEUPDATE_SESSION_NAME_LENGTH);

	return len && len < LIVEUPDATE_SESSION_NAME_LENGTH ? 0 : -EINVAL;
}

static struct file *luo_session_file(struct luo_session *s)
{
	return anon_inode_getfile("[liveupdate_session]", &luo_session_fops,
				  s, O_RDWR);
}

/**
 * luo_session_create - LIVEUPDATE_IOCTL_CREATE_SESSION
 * @ucmd: the ioctl
 *
 * Context: luo_lock held.
 * Return: 0; -EINVAL for a bad name; -EEXIST if an outgoing session has
 * the name; -EBUSY after the reboot step; -ENOMEM.
 */
int luo_session_create(struct luo_ucmd *ucmd)
{
	struct liveupdate_ioctl_create_session *arg = ucmd->cmd;
	struct kho_block_set_it it;
	struct luo_session *s;
	struct file *file;
	int err;

	err = luo_session_name_check(arg->name);
	if (err)
		return err;
	if (luo_session_find(&luo_sessions_out, arg->name))
		return -EEXIST;
	if (luo_frozen)
		return -EBUSY;
	err = luo_ucmd_reserve_fd(ucmd, &arg->fd);
	if (err)
		return err;

	s = luo_session_alloc(arg->name, false);
	if (!s)
		return -ENOMEM;
	err = kho_block_set_grow(&luo_session_set, 1);
	if (err)
		goto fail_free;
	kho_block_set_it_init(&it, &luo_session_set, luo_session_set.count);
	s->ser = kho_block_set_it_reserve_entry(&it);
	memcpy(s->ser->name, s->name, sizeof(s->name));
	list_add_tail(&s->list, &luo_sessions_out);

	file = luo_session_file(s);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto fail_record;
	}
	/* if the reply cannot be copied out, fput() closes the session */
	ucmd->new_file = file;
	return 0;

fail_record:
	luo_session_remove_record(s);
	list_del(&s->list);
fail_free:
	kfree(s);
	return err;
}

/* The reply did not reach user space: the session stays retrievable. */
static void luo_session_retrieve_cancel(struct luo_ucmd *ucmd)
{
	struct luo_session *s = ucmd->new_file->private_data;

	s->retrieved = false;
	ucmd->new_file->private_data = NULL;
}

/**
 * luo_session_retrieve - LIVEUPDATE_IOCTL_RETRIEVE_SESSION
 * @ucmd: the ioctl
 *
 * Context: luo_lock held.
 * Return: 0; -ENOENT if no incoming session has the name; -EINVAL if it
 * was retrieved already (or the name is bad); -ENOMEM.
 */
int luo_session_retrieve(struct luo_ucmd *ucmd)
{
	struct liveupdate_ioctl_retrieve_session *arg = ucmd->cmd;
	struct luo_session *s;
	struct file *file;
	int err;

	err = luo_session_name_check(arg->name);
	if (err)
		return err;
	s = luo_session_find(&luo_sessions_in, arg->name);
	if (!s)
		return -ENOENT;
	if (s->retrieved)
		return -EINVAL;
	err = luo_ucmd_reserve_fd(ucmd, &arg->fd);
	if (err)
		return err;
	file = luo_session_file(s);
	if (IS_ERR(file))
		return PTR_ERR(file);
	s->retrieved = true;
	ucmd->new_file = file;
	ucmd->cancel = luo_session_retrieve_cancel;
	return 0;
}

/**
 * luo_sessions_freeze - the reboot step for every outgoing session
 * @head: where to store the address of the first session record
 *
 * Freezes the files of every session and completes its record.  On
 * failure every session frozen so far is unfrozen.
 *
 * Context: luo_lock held.
 * Return: 0 or the error of the handler that failed.
 */
int luo_sessions_freeze(phys_addr_t *head)
{
	struct luo_session *s;
	int err;

	list_for_each_entry(s, &luo_sessions_out, list) {
		err = luo_files_freeze(s);
		if (err)
			goto fail;
	}
	*head = kho_block_set_head_pa(&luo_session_set);
	return 0;

fail:
	list_for_each_entry_continue_reverse(s, &luo_sessions_out, list)
		luo_files_unfreeze(s);
	return err;
}

/**
 * luo_sessions_unfreeze - undo a successful luo_sessions_freeze()
 *
 * Context: luo_lock held.
 */
void luo_sessions_unfreeze(void)
{
	struct luo_session *s;

	list_for_each_entry_reverse(s, &luo_sessions_out, list)
		luo_files_unfreeze(s);
}

static void luo_sessions_drop_incoming(void)
{
	struct luo_session *s, *tmp;

	list_for_each_entry_safe(s, tmp, &luo_sessions_in, list) {
		luo_files_drop(s);
		list_del(&s->list);
		kfree(s);
	}
}

/* Check and copy the session records of a restored chain. */
static int __init luo_sessions_load(struct kho_block_set *set)
{
	const struct luo_session_ser *ser;
	struct kho_block_set_it it;
	struct luo_session *s;
	unsigned long n = 0;
	int err;

	kho_block_set_it_init(&it, set, 0);
	while ((ser = kho_block_set_it_read_entry(&it))) {
		if (luo_session_name_check(ser->name)) {
			pr_err("refusing the handover: session record %lu has a bad name\n",
			       n);
			return -EINVAL;
		}
		if (luo_session_find(&luo_sessions_in, ser->name)) {
			pr_err("refusing the handover: session '%s' appears twice\n",
			       ser->name);
			return -EINVAL;
		}
		s = luo_session_alloc(ser->name, true);
		if (!s) {
			pr_err("refusing the handover: out of memory\n");
			return -ENOMEM;
		}
		list_add_tail(&s->list, &luo_sessions_in);
		err = luo_files_restore(s, ser->files, ser->nr_files);
		if (err)
			return err;
		n++;
	}
	list_for_each_entry(s, &luo_sessions_in, list) {
		err = luo_files_validate(s);
		if (err)
			return err;
	}
	return 0;
}

/**
 * luo_sessions_restore - take in the sessions the previous kernel froze
 * @head: address of the first session record, from the LUO subtree
 *
 * Validates the chain of session records and, for each session, its chain
 * of file records and (through the handlers) the files' own data, before
 * any of it can be retrieved.  Anything wrong refuses the whole state with
 * one log line; the memory of the files is then left alone.
 *
 * Return: 0, or -errno if the state was refused.
 */
int __init luo_sessions_restore(phys_addr_t head)
{
	struct kho_block_set set;
	unsigned long nr;
	int err;

	if (!head)
		return 0;
	kho_block_set_init(&set, sizeof(struct luo_session_ser));
	if (kho_block_chain_check(head, set.entry_size, luo_block_usable,
				  NULL, &nr)) {
		pr_err("refusing the handover: bad chain of session records at %pa\n",
		       &head);
		return -EINVAL;
	}
	err = kho_block_set_restore(&set, head);
	if (err) {
		pr_err("refusing the handover: cannot restore the session records (%d)\n",
		       err);
		return err;
	}

	mutex_lock(&luo_lock);
	err = luo_sessions_load(&set);
	if (err)
		luo_sessions_drop_incoming();
	mutex_unlock(&luo_lock);
	kho_block_set_destroy(&set);
	return err;
}
