/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: the code under test runs on one thread, so a mutex only
 * checks that it is used in pairs, and stops the program as BUG() does if
 * it is not.
 */
#ifndef _KHO_SHIM_LINUX_MUTEX_H
#define _KHO_SHIM_LINUX_MUTEX_H

#include <linux/bug.h>

struct mutex {
	int locked;
};

#define DEFINE_MUTEX(name)	struct mutex name = { .locked = 0 }

static inline void mutex_init(struct mutex *m)
{
	m->locked = 0;
}

static inline void mutex_lock(struct mutex *m)
{
	if (unlikely(m->locked))
		kho_shim_bug(__FILE__, __LINE__, "locking a locked mutex");
	m->locked = 1;
}

static inline void mutex_unlock(struct mutex *m)
{
	if (unlikely(!m->locked))
		kho_shim_bug(__FILE__, __LINE__, "unlocking an unlocked mutex");
	m->locked = 0;
}

static inline int mutex_is_locked(struct mutex *m)
{
	return m->locked;
}

#endif
