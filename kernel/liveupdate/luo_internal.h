/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Live Update Orchestrator: what its files share and nothing else should
 * see.
 */
#ifndef _KERNEL_LIVEUPDATE_LUO_INTERNAL_H
#define _KERNEL_LIVEUPDATE_LUO_INTERNAL_H

#include <linux/kho_block.h>
#include <linux/liveupdate.h>
#include <linux/mutex.h>
#include <linux/types.h>

struct file;

/*
 * Locking: luo_lock serialises everything in LUO: the session lists, the
 * files and records of every session, the handler list, every ioctl and
 * the reboot step.  File handlers are called with it held.
 */
extern struct mutex luo_lock;

/* Set by a successful reboot step: nothing may change any more. */
extern bool luo_frozen;

/**
 * struct luo_session - a session, outgoing or incoming
 * @name:      its name, NUL terminated
 * @list:      on luo_sessions_out or luo_sessions_in
 * @ser:       outgoing: its record in the chain of session records
 * @files:     its &struct luo_file, oldest first
 * @nr_files:  number of entries on @files
 * @file_set:  outgoing: the chain of its file records, one per file
 * @incoming:  handed over by the previous kernel
 * @retrieved: incoming: RETRIEVE_SESSION gave it out
 * @finished:  incoming: FINISH ran, @files is empty
 */
struct luo_session {
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	struct list_head list;
	struct luo_session_ser *ser;
	struct list_head files;
	unsigned long nr_files;
	struct kho_block_set file_set;
	bool incoming;
	bool retrieved;
	bool finished;
};

/**
 * struct luo_ucmd - one ioctl being carried out
 * @file:     the file the ioctl was made on
 * @cmd:      the kernel's copy of the argument, copied back on success
 * @new_file: a file to install at @new_fd once the reply is out
 * @new_fd:   a descriptor reserved with luo_ucmd_reserve_fd(), or -1
 * @cancel:   if the reply cannot be copied out, called (with luo_lock
 *            held) before @new_file is put, to undo what the ioctl did
 */
struct luo_ucmd {
	struct file *file;
	void *cmd;
	struct file *new_file;
	int new_fd;
	void (*cancel)(struct luo_ucmd *ucmd);
};

/**
 * struct luo_ioctl_op - one entry of an ioctl table
 * @cmd:      the full ioctl number
 * @size:     size of the kernel's argument structure
 * @min_size: end of its last field when the ioctl was introduced
 * @execute:  carries it out, with luo_lock held
 */
struct luo_ioctl_op {
	unsigned int cmd;
	unsigned int size;
	unsigned int min_size;
	int (*execute)(struct luo_ucmd *ucmd);
};

#define LUO_IOCTL_OP(_cmd, _fn, _struct, _last)				\
	{								\
		.cmd = _cmd,						\
		.size = sizeof(_struct),				\
		.min_size = offsetofend(_struct, _last),		\
		.execute = _fn,						\
	}

/* luo_core.c */
long luo_ioctl(struct file *file, unsigned int cmd, unsigned long arg,
	       const struct luo_ioctl_op *ops, unsigned int nr_ops,
	       unsigned int base);
int luo_ucmd_reserve_fd(struct luo_ucmd *ucmd, s32 *fd);

/* luo_session.c */
extern struct list_head luo_sessions_out;
int luo_session_create(struct luo_ucmd *ucmd);
int luo_session_retrieve(struct luo_ucmd *ucmd);
int luo_sessions_freeze(phys_addr_t *head);
void luo_sessions_unfreeze(void);
int luo_sessions_restore(phys_addr_t head);
bool luo_sessions_exist(void);
bool luo_sessions_outgoing(void);

/* luo_file.c */
struct liveupdate_file_handler *luo_handler_find(const char *compatible);
int luo_file_preserve(struct luo_session *s, int fd, u64 token);
void luo_files_unpreserve(struct luo_session *s);
int luo_file_retrieve(struct luo_session *s, u64 token, struct file **filep);
int luo_files_finish(struct luo_session *s, bool force);
int luo_files_freeze(struct luo_session *s);
void luo_files_unfreeze(struct luo_session *s);
int luo_files_restore(struct luo_session *s, phys_addr_t head, u64 nr);
int luo_files_validate(struct luo_session *s);
void luo_files_drop(struct luo_session *s);
bool luo_block_usable(phys_addr_t pa, void *arg);

#endif /* _KERNEL_LIVEUPDATE_LUO_INTERNAL_H */
