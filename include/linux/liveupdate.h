/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Live Update Orchestrator (LUO): user space keeps file descriptors, in
 * named sessions, across a kexec.  See Documentation/core-api/liveupdate.rst.
 */
#ifndef _LINUX_LIVEUPDATE_H
#define _LINUX_LIVEUPDATE_H

#include <linux/errno.h>
#include <linux/kho/abi/luo.h>
#include <linux/list.h>
#include <linux/types.h>
#include <uapi/linux/liveupdate.h>

struct file;
struct kimage;
struct module;
struct liveupdate_file_handler;

/**
 * struct liveupdate_file_op_args - what a file handler operation works on
 * @handler:         the handler
 * @retrieved:       for finish(): the file was retrieved in this kernel
 * @file:            the file: the one being preserved in the outgoing
 *                   kernel; in the incoming kernel, set by retrieve()
 * @serialized_data: the handler's handle for the file, handed over in the
 *                   file record: set by preserve(), may be updated by
 *                   freeze(), given back to retrieve() and finish()
 * @private_data:    the handler's own pointer for the file, kept by LUO
 *                   between the operations of one kernel
 */
struct liveupdate_file_op_args {
	struct liveupdate_file_handler *handler;
	bool retrieved;
	struct file *file;
	u64 serialized_data;
	void *private_data;
};

/**
 * struct liveupdate_file_ops - what a file handler does
 * @can_preserve: required: does the handler take @file?  Called without
 *                side effects; the first registered handler that says yes
 *                preserves the file
 * @preserve:     required: preserve @args->file, set serialized_data
 * @unpreserve:   required: undo preserve(), before any kexec
 * @freeze:       optional: called at the reboot step, last chance to update
 *                serialized_data; an error aborts the kexec
 * @unfreeze:     optional: undo freeze() when the kexec is aborted
 * @validate:     optional, beyond upstream: called once at boot for every
 *                handed-over file of the handler, before anything can be
 *                retrieved, to check serialized_data without taking any
 *                memory; an error (logged by the handler with one line
 *                starting "LUO: ") refuses the whole incoming state
 * @retrieve:     required: make a file from serialized_data in the next
 *                kernel and set @args->file (LUO holds that reference)
 * @can_finish:   optional: may the file be finished now?
 * @finish:       required: the session is finished; free what the
 *                handler still holds, and the preserved memory of a file
 *                that was never retrieved (@args->retrieved is false)
 * @owner:        the module that implements the handler
 *
 * Operations of one handler are serialised by LUO and may sleep.
 */
struct liveupdate_file_ops {
	bool (*can_preserve)(struct liveupdate_file_handler *handler,
			     struct file *file);
	int (*preserve)(struct liveupdate_file_op_args *args);
	void (*unpreserve)(struct liveupdate_file_op_args *args);
	int (*freeze)(struct liveupdate_file_op_args *args);
	void (*unfreeze)(struct liveupdate_file_op_args *args);
	int (*validate)(struct liveupdate_file_op_args *args);
	int (*retrieve)(struct liveupdate_file_op_args *args);
	bool (*can_finish)(struct liveupdate_file_op_args *args);
	void (*finish)(struct liveupdate_file_op_args *args);
	struct module *owner;
};

/**
 * struct liveupdate_file_handler - a kind of file LUO can preserve
 * @ops:        its operations
 * @compatible: names the handler and its handover format in file records,
 *              NUL terminated
 * @list:       private to LUO
 */
struct liveupdate_file_handler {
	const struct liveupdate_file_ops *ops;
	const char compatible[LIVEUPDATE_HNDL_COMPAT_LENGTH];
	struct list_head list;
};

#ifdef CONFIG_LIVEUPDATE

bool liveupdate_enabled(void);
int liveupdate_register_file_handler(struct liveupdate_file_handler *fh);
int liveupdate_unregister_file_handler(struct liveupdate_file_handler *fh);

/* The reboot step, called by kernel_kexec(); not for modules. */
int liveupdate_reboot(struct kimage *image);

#else /* !CONFIG_LIVEUPDATE */

static inline bool liveupdate_enabled(void)
{
	return false;
}

static inline int
liveupdate_register_file_handler(struct liveupdate_file_handler *fh)
{
	return -EOPNOTSUPP;
}

static inline int
liveupdate_unregister_file_handler(struct liveupdate_file_handler *fh)
{
	return -EOPNOTSUPP;
}

static inline int liveupdate_reboot(struct kimage *image)
{
	return 0;
}

#endif /* CONFIG_LIVEUPDATE */

#endif /* _LINUX_LIVEUPDATE_H */
