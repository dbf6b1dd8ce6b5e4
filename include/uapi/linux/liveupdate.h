/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * Live Update Orchestrator: keep file descriptors across a kexec.
 *
 * See Documentation/userspace-api/liveupdate.rst.
 */
#ifndef _UAPI_LINUX_LIVEUPDATE_H
#define _UAPI_LINUX_LIVEUPDATE_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * DOC: Live Update uAPI
 *
 * /dev/liveupdate (root only, one opener at a time) creates and retrieves
 * sessions.  A session is a file descriptor with a unique name; files put
 * into it with LIVEUPDATE_SESSION_PRESERVE_FD survive a kexec_file_load(2)
 * reboot and are retrieved, by the token given at preservation, in the
 * next kernel.
 *
 * Every ioctl takes a pointer to a structure that starts with its own size
 * in bytes, so that the structures can grow.  The kernel reads @size first:
 * a size smaller than the structure the ioctl was introduced with is
 * EINVAL; a larger one is accepted if every byte beyond the structure the
 * kernel knows is zero (E2BIG otherwise), and the kernel writes back at
 * most @size bytes.  The ioctl numbers carry no size or direction bits.
 */

/* The ioctl type of /dev/liveupdate and of session file descriptors. */
#define LIVEUPDATE_IOCTL_TYPE		0xBA

/* Size of a session name, including its terminating NUL. */
#define LIVEUPDATE_SESSION_NAME_LENGTH	64

/* ioctl numbers on /dev/liveupdate */
enum {
	LIVEUPDATE_CMD_BASE = 0x00,
	LIVEUPDATE_CMD_CREATE_SESSION = LIVEUPDATE_CMD_BASE,
	LIVEUPDATE_CMD_RETRIEVE_SESSION = 0x01,
};

/* ioctl numbers on a session file descriptor */
enum {
	LIVEUPDATE_CMD_SESSION_BASE = 0x40,
	LIVEUPDATE_CMD_SESSION_PRESERVE_FD = LIVEUPDATE_CMD_SESSION_BASE,
	LIVEUPDATE_CMD_SESSION_RETRIEVE_FD = 0x41,
	LIVEUPDATE_CMD_SESSION_FINISH = 0x42,
	LIVEUPDATE_CMD_SESSION_GET_NAME = 0x43,
};

/**
 * struct liveupdate_ioctl_create_session - LIVEUPDATE_IOCTL_CREATE_SESSION
 * @size: sizeof(struct liveupdate_ioctl_create_session)
 * @fd:   output: the new session's file descriptor (close-on-exec)
 * @name: input: the session's name, NUL terminated, not empty, unique
 *        among the outgoing sessions
 *
 * Creates an outgoing session.  Closing its file descriptor before the
 * kexec ends the session and unpreserves every file in it.
 */
struct liveupdate_ioctl_create_session {
	__u32 size;
	__s32 fd;
	__u8 name[LIVEUPDATE_SESSION_NAME_LENGTH];
};

#define LIVEUPDATE_IOCTL_CREATE_SESSION					\
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_CREATE_SESSION)

/**
 * struct liveupdate_ioctl_retrieve_session - LIVEUPDATE_IOCTL_RETRIEVE_SESSION
 * @size: sizeof(struct liveupdate_ioctl_retrieve_session)
 * @fd:   output: the session's file descriptor (close-on-exec)
 * @name: input: the name of a session the previous kernel handed over
 *
 * Each incoming session is retrieved once; closing its file descriptor
 * finishes it.
 */
struct liveupdate_ioctl_retrieve_session {
	__u32 size;
	__s32 fd;
	__u8 name[LIVEUPDATE_SESSION_NAME_LENGTH];
};

#define LIVEUPDATE_IOCTL_RETRIEVE_SESSION				\
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_RETRIEVE_SESSION)

/**
 * struct liveupdate_session_preserve_fd - LIVEUPDATE_SESSION_PRESERVE_FD
 * @size:  sizeof(struct liveupdate_session_preserve_fd)
 * @fd:    input: the file descriptor to preserve
 * @token: input: the value that names the file in the next kernel, unique
 *         within the session
 *
 * Preserves the open file @fd refers to, in an outgoing session.  The
 * session keeps a reference on the file.
 */
struct liveupdate_session_preserve_fd {
	__u32 size;
	__s32 fd;
	__aligned_u64 token;
};

#define LIVEUPDATE_SESSION_PRESERVE_FD					\
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_PRESERVE_FD)

/**
 * struct liveupdate_session_retrieve_fd - LIVEUPDATE_SESSION_RETRIEVE_FD
 * @size:  sizeof(struct liveupdate_session_retrieve_fd)
 * @fd:    output: a new file descriptor for the file
 * @token: input: the token the file was preserved with
 *
 * Gives back a file of a retrieved session.  Asking again gives another
 * file descriptor for the same file.
 */
struct liveupdate_session_retrieve_fd {
	__u32 size;
	__s32 fd;
	__aligned_u64 token;
};

#define LIVEUPDATE_SESSION_RETRIEVE_FD					\
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_RETRIEVE_FD)

/**
 * struct liveupdate_session_finish - LIVEUPDATE_SESSION_FINISH
 * @size:     sizeof(struct liveupdate_session_finish)
 * @reserved: must be 0
 *
 * Ends a retrieved session: every file in it is finished and dropped by
 * the session (file descriptors already handed out stay valid).  Files
 * never retrieved have their memory freed.
 */
struct liveupdate_session_finish {
	__u32 size;
	__u32 reserved;
};

#define LIVEUPDATE_SESSION_FINISH					\
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_FINISH)

/**
 * struct liveupdate_session_get_name - LIVEUPDATE_SESSION_GET_NAME
 * @size:     sizeof(struct liveupdate_session_get_name)
 * @reserved: must be 0
 * @name:     output: the session's name, NUL terminated
 */
struct liveupdate_session_get_name {
	__u32 size;
	__u32 reserved;
	__u8 name[LIVEUPDATE_SESSION_NAME_LENGTH];
};

#define LIVEUPDATE_SESSION_GET_NAME					\
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_GET_NAME)

#endif /* _UAPI_LINUX_LIVEUPDATE_H */
