// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live Update Orchestrator: files and their handlers.
 *
 * A file handler (&struct liveupdate_file_handler) knows how to keep one
 * kind of file across a kexec.  PRESERVE_FD asks each registered handler
 * in turn whether it takes the file; the first that does preserves it and
 * gives LUO a handle (serialized_data) that goes into the file's record,
 * together with the handler's compatible string and the user's token.
 * Records of one session live in a kho_block chain that grows by one
 * record per file, so the reboot step only updates them.
 */

#define pr_fmt(fmt) "LUO: " fmt

#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kexec_handover.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "luo_internal.h"

static_assert(sizeof(struct luo_file_ser) == 64);

/**
 * struct luo_file - a file in a session
 * @list:         on its session's files, oldest first
 * @fh:           its handler; NULL for an incoming file no handler knows
 * @file:         outgoing: the preserved file (a reference is held);
 *                incoming: the retrieved file, or NULL
 * @ser:          outgoing: its record
 * @token:        the user's token
 * @data:         the handler's handle for it (serialized_data)
 * @private_data: the handler's pointer for it
 * @compatible:   incoming: the compatible string of its record
 * @frozen:       outgoing: freeze() succeeded
 * @retrieved:    incoming: retrieve() succeeded
 */
struct luo_file {
	struct list_head list;
	struct liveupdate_file_handler *fh;
	struct file *file;
	struct luo_file_ser *ser;
	u64 token;
	u64 data;
	void *private_data;
	char compatible[LIVEUPDATE_HNDL_COMPAT_LENGTH];
	bool frozen;
	bool retrieved;
};

/* Registered handlers, in registration order; under luo_lock. */
static LIST_HEAD(luo_handlers);

static struct liveupdate_file_op_args luo_file_args(struct luo_file *f)
{
	return (struct liveupdate_file_op_args){
		.handler = f->fh,
		.retrieved = f->retrieved,
		.file = f->file,
		.serialized_data = f->data,
		.private_data = f->private_data,
	};
}

/**
 * luo_block_usable - may a block of a handed-over chain be read?
 * @pa:  the block's address
 * @arg: unused
 *
 * Return: true if @pa is a preserved page outside scratch.
 */
bool luo_block_usable(phys_addr_t pa, void *arg)
{
	return kho_is_preserved(pa, 0);
}

/**
 * luo_handler_find - the handler of a compatible string
 * @compatible: the string, NUL terminated
 *
 * Context: luo_lock held.
 * Return: the handler, or NULL if none is registered.
 */
struct liveupdate_file_handler *luo_handler_find(const char *compatible)
{
	struct liveupdate_file_handler *fh;

	list_for_each_entry(fh, &luo_handlers, list) {
		if (!strcmp(fh->compatible, compatible))
			return fh;
	}
	return NULL;
}

static struct luo_file *luo_file_find(struct luo_session *s, u64 token)
{
	struct luo_file *f;

	list_for_each_entry(f, &s->files, list) {
		if (f->token == token)
			return f;
	}
	return NULL;
}

/* Is @file preserved in any outgoing session? */
static bool luo_file_preserved(struct file *file)
{
	struct luo_session *s;
	struct luo_file *f;

	list_for_each_entry(s, &luo_sessions_out, list) {
		list_for_each_entry(f, &s->files, list) {
			if (f->file == file)
				return true;
		}
	}
	return false;
}

/**
 * luo_file_preserve - LIVEUPDATE_SESSION_PRESERVE_FD
 * @s:     an outgoing session
 * @fd:    the user's file descriptor
 * @token: the user's token for it
 *
 * Context: luo_lock held.
 * Return: 0; -EBADF for a bad @fd; -ENOENT if no handler takes the file;
 * -EEXIST if @token is used in @s; -EBUSY if the file is preserved
 * already; -ENOMEM; or the handler's error.
 */
int luo_file_preserve(struct luo_session *s, int fd, u64 token)
{
	struct liveupdate_file_handler *fh;
	struct liveupdate_file_op_args args;
	struct kho_block_set_it it;
	struct file *file;
	struct luo_file *f;
	int err;

	file = fget(fd);
	if (!file)
		return -EBADF;

	err = -ENOENT;
	list_for_each_entry(fh, &luo_handlers, list) {
		if (fh->ops->can_preserve(fh, file)) {
			err = 0;
			break;
		}
	}
	if (err)
		goto fail_put;
	err = -EEXIST;
	if (luo_file_find(s, token))
		goto fail_put;
	err = -EBUSY;
	if (luo_file_preserved(file))
		goto fail_put;
	err = -ENODEV;
	if (!try_module_get(fh->ops->owner))
		goto fail_put;

	err = -ENOMEM;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		goto fail_module;
	err = kho_block_set_grow(&s->file_set, 1);
	if (err)
		goto fail_free;

	f->fh = fh;
	f->file = file;
	f->token = token;
	args = luo_file_args(f);
	err = fh->ops->preserve(&args);
	if (err)
		goto fail_room;
	f->data = args.serialized_data;
	f->private_data = args.private_data;

	kho_block_set_it_init(&it, &s->file_set, s->file_set.count);
	f->ser = kho_block_set_it_reserve_entry(&it);
	strscpy(f->ser->compatible, fh->compatible,
		sizeof(f->ser->compatible));
	f->ser->data = f->data;
	f->ser->token = token;
	list_add_tail(&f->list, &s->files);
	s->nr_files++;
	return 0;

fail_room:
	kho_block_set_shrink(&s->file_set, 0);
fail_free:
	kfree(f);
fail_module:
	module_put(fh->ops->owner);
fail_put:
	fput(file);
	return err;
}

/**
 * luo_files_unpreserve - unpreserve every file of an outgoing session
 * @s: the session, being closed
 *
 * Newest first; the records and their chain go too.
 *
 * Context: luo_lock held.
 */
void luo_files_unpreserve(struct luo_session *s)
{
	struct liveupdate_file_op_args args;
	struct luo_file *f, *tmp;

	list_for_each_entry_safe_reverse(f, tmp, &s->files, list) {
		args = luo_file_args(f);
		f->fh->ops->unpreserve(&args);
		module_put(f->fh->ops->owner);
		fput(f->file);
		list_del(&f->list);
		kfree(f);
	}
	s->nr_files = 0;
	kho_block_set_destroy(&s->file_set);
}

/**
 * luo_files_freeze - the reboot step for the files of a session
 * @s: an outgoing session
 *
 * Freezes each file whose handler has freeze(), updates the records and
 * completes the session's record.  On failure the files frozen so far
 * are unfrozen, newest first, with luo_files_unfreeze().
 *
 * Context: luo_lock held.
 * Return: 0 or the handler's error.
 */
int luo_files_freeze(struct luo_session *s)
{
	struct liveupdate_file_op_args args;
	struct luo_file *f;
	int err;

	list_for_each_entry(f, &s->files, list) {
		if (f->fh->ops->freeze) {
			args = luo_file_args(f);
			err = f->fh->ops->freeze(&args);
			if (err) {
				pr_err("session '%s': %s cannot freeze the file of token %llu (%d)\n",
				       s->name, f->fh->compatible, f->token, err);
				goto fail;
			}
			f->data = args.serialized_data;
			f->private_data = args.private_data;
			f->ser->data = f->data;
		}
		f->frozen = true;
	}
	s->ser->files = kho_block_set_head_pa(&s->file_set);
	s->ser->nr_files = s->nr_files;
	return 0;

fail:
	/* the failing file is not frozen: only those before it are undone */
	luo_files_unfreeze(s);
	return err;
}

/**
 * luo_files_unfreeze - undo luo_files_freeze()
 * @s: a session whose files were frozen
 *
 * Newest first; the session's record is cleared.
 *
 * Context: luo_lock held.
 */
void luo_files_unfreeze(struct luo_session *s)
{
	struct liveupdate_file_op_args args;
	struct luo_file *f;

	list_for_each_entry_reverse(f, &s->files, list) {
		if (f->frozen && f->fh->ops->unfreeze) {
			args = luo_file_args(f);
			f->fh->ops->unfreeze(&args);
			f->data = args.serialized_data;
			f->private_data = args.private_data;
			f->ser->data = f->data;
		}
		f->frozen = false;
	}
	s->ser->files = 0;
	s->ser->nr_files = 0;
}

/**
 * luo_file_retrieve - LIVEUPDATE_SESSION_RETRIEVE_FD
 * @s:     an incoming session
 * @token: the token of the file
 * @filep: where to store a new reference on the file
 *
 * The first call makes the file with the handler's retrieve(); later ones
 * hand out the same file.
 *
 * Context: luo_lock held.
 * Return: 0; -ENOENT for an unknown token (or a finished session);
 * -EINVAL if no handler knows the file or its data is bad; or the
 * handler's error.
 */
int luo_file_retrieve(struct luo_session *s, u64 token, struct file **filep)
{
	struct liveupdate_file_op_args args;
	struct luo_file *f;
	int err;

	f = luo_file_find(s, token);
	if (!f)
		return -ENOENT;
	if (!f->retrieved) {
		if (!f->fh)
			return -EINVAL;
		args = luo_file_args(f);
		err = f->fh->ops->retrieve(&args);
		if (err)
			return err;
		if (WARN_ON_ONCE(!args.file))
			return -EINVAL;
		f->file = args.file;
		f->private_data = args.private_data;
		f->retrieved = true;
	}
	*filep = get_file(f->file);
	return 0;
}

/**
 * luo_files_finish - finish every file of an incoming session
 * @s:     the session
 * @force: finish even if a handler's can_finish() says no (the session's
 *         descriptor is being closed)
 *
 * Files never retrieved have their memory freed by their handler; the
 * session keeps no file afterwards.
 *
 * Context: luo_lock held.
 * Return: 0, or -EBUSY if a handler cannot finish yet (nothing is
 * finished then).
 */
int luo_files_finish(struct luo_session *s, bool force)
{
	struct liveupdate_file_op_args args;
	struct luo_file *f;

	if (s->finished)
		return 0;
	list_for_each_entry(f, &s->files, list) {
		if (!force && f->fh && f->fh->ops->can_finish) {
			args = luo_file_args(f);
			if (!f->fh->ops->can_finish(&args))
				return -EBUSY;
		}
	}
	list_for_each_entry(f, &s->files, list) {
		if (f->fh) {
			args = luo_file_args(f);
			f->fh->ops->finish(&args);
		}
	}
	luo_files_drop(s);
	s->finished = true;
	return 0;
}

/**
 * luo_files_drop - forget the files of an incoming session
 * @s: the session
 *
 * Drops LUO's references; the handlers are not called.
 *
 * Context: luo_lock held.
 */
void luo_files_drop(struct luo_session *s)
{
	struct luo_file *f, *tmp;

	list_for_each_entry_safe(f, tmp, &s->files, list) {
		if (f->file)
			fput(f->file);
		if (f->fh)
			module_put(f->fh->ops->owner);
		list_del(&f->list);
		kfree(f);
	}
	s->nr_files = 0;
}

/* Check and copy the file records of a restored chain. */
static int luo_files_load(struct luo_session *s, struct kho_block_set *set)
{
	const struct luo_file_ser *ser;
	struct kho_block_set_it it;
	struct luo_file *f;
	size_t len;

	kho_block_set_it_init(&it, set, 0);
	while ((ser = kho_block_set_it_read_entry(&it))) {
		len = strnlen(ser->compatible, sizeof(ser->compatible));
		if (!len || len == sizeof(ser->compatible)) {
			pr_err("refusing the handover: session '%s': file record %lu has a bad compatible\n",
			       s->name, s->nr_files);
			return -EINVAL;
		}
		if (luo_file_find(s, ser->token)) {
			pr_err("refusing the handover: session '%s': token %llu appears twice\n",
			       s->name, ser->token);
			return -EINVAL;
		}
		f = kzalloc(sizeof(*f), GFP_KERNEL);
		if (!f)
			return -ENOMEM;
		memcpy(f->compatible, ser->compatible, len);
		f->token = ser->token;
		f->data = ser->data;
		f->fh = luo_handler_find(f->compatible);
		if (f->fh && !try_module_get(f->fh->ops->owner))
			f->fh = NULL;
		list_add_tail(&f->list, &s->files);
		s->nr_files++;
	}
	return 0;
}

/**
 * luo_files_restore - take in the file records of an incoming session
 * @s:    the session
 * @head: address of its first file record
 * @nr:   number of records its session record announces
 *
 * Context: luo_lock held, at boot.
 * Return: 0, or -errno with one line logged.
 */
int luo_files_restore(struct luo_session *s, phys_addr_t head, u64 nr)
{
	struct kho_block_set set;
	unsigned long blocks;
	int err;

	kho_block_set_init(&set, sizeof(struct luo_file_ser));
	if (kho_block_chain_check(head, set.entry_size, luo_block_usable,
				  NULL, &blocks)) {
		pr_err("refusing the handover: session '%s': bad chain of file records\n",
		       s->name);
		return -EINVAL;
	}
	err = kho_block_set_restore(&set, head);
	if (err) {
		pr_err("refusing the handover: session '%s': cannot restore the file records (%d)\n",
		       s->name, err);
		return err;
	}
	if (set.count != nr) {
		pr_err("refusing the handover: session '%s': %llu files announced, %lu recorded\n",
		       s->name, nr, set.count);
		err = -EINVAL;
	} else {
		err = luo_files_load(s, &set);
		if (err == -ENOMEM)
			pr_err("refusing the handover: session '%s': out of memory for its files\n",
			       s->name);
	}
	kho_block_set_destroy(&set);
	return err;
}

/**
 * luo_files_validate - let the handlers check an incoming session's files
 * @s: the session
 *
 * Context: luo_lock held, at boot.
 * Return: 0, or the first handler error (the handler logged why).
 */
int luo_files_validate(struct luo_session *s)
{
	struct liveupdate_file_op_args args;
	struct luo_file *f;
	int err;

	list_for_each_entry(f, &s->files, list) {
		if (!f->fh || !f->fh->ops->validate)
			continue;
		args = luo_file_args(f);
		err = f->fh->ops->validate(&args);
		if (err)
			return err;
		f->private_data = args.private_data;
	}
	return 0;
}

/**
 * liveupdate_register_file_handler - add a kind of file LUO can keep
 * @fh: the handler; it must stay valid until unregistered
 *
 * Return: 0; -EOPNOTSUPP if LUO is off; -EINVAL if a required operation
 * is missing or the compatible string is empty or too long; -EEXIST if a
 * handler with the same compatible is registered; -EBUSY while sessions
 * exist.
 */
int liveupdate_register_file_handler(struct liveupdate_file_handler *fh)
{
	const struct liveupdate_file_ops *ops = fh->ops;
	size_t len = strnlen(fh->compatible, sizeof(fh->compatible));

	if (!liveupdate_enabled())
		return -EOPNOTSUPP;
	if (!ops || !ops->can_preserve || !ops->preserve || !ops->unpreserve ||
	    !ops->retrieve || !ops->finish || !len ||
	    len == sizeof(fh->compatible))
		return -EINVAL;

	guard(mutex)(&luo_lock);
	if (luo_sessions_exist())
		return -EBUSY;
	if (luo_handler_find(fh->compatible))
		return -EEXIST;
	list_add_tail(&fh->list, &luo_handlers);
	return 0;
}
EXPORT_SYMBOL_GPL(liveupdate_register_file_handler);

/**
 * liveupdate_unregister_file_handler - remove a handler
 * @fh: a registered handler
 *
 * Return: 0; -EOPNOTSUPP if LUO is off; -EBUSY while sessions exist;
 * -ENOENT if @fh is not registered.
 */
int liveupdate_unregister_file_handler(struct liveupdate_file_handler *fh)
{
	if (!liveupdate_enabled())
		return -EOPNOTSUPP;

	guard(mutex)(&luo_lock);
	if (luo_sessions_exist())
		return -EBUSY;
	if (luo_handler_find(fh->compatible) != fh)
		return -ENOENT;
	list_del(&fh->list);
	return 0;
}
EXPORT_SYMBOL_GPL(liveupdate_unregister_file_handler);
