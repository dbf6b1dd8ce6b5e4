/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: the code under test runs on one thread, so a mutex only
 * checks that it is used in pairs.
 */
#ifndef _KHO_SHIM_LINUX_MUTEX_H
#define _KHO_SHIM_LINUX_MUTEX_H

#include <linux/bug.h>

struct mutex {
	int locked;
};

#define __MUTEX_INITIALIZER(name)	{ .locked = 0 }
#define DEFINE_MUTEX(name)	struct mutex name = __MUTEX_INITIALIZER(name)

static inline void mutex_init(struct mutex *m)
{
	m->locked = 0;
}

static inline void mutex_lock(struct mutex *m)
{
	BUG_ON(m->locked);
	m->locked = 1;
}

static inline void mutex_unlock(struct mutex *m)
{
	BUG_ON(!m->locked);
	m->locked = 0;
}

static inline int mutex_is_locked(struct mutex *m)
{
	return m->locked;
}

#endif
