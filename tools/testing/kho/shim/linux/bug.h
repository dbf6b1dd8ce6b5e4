/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: warnings are counted (see kho_shim.h) so that tests can
 * expect them.  WARN_ONCE() warns every time, so that counts
 * do not depend on the order tests run in.
 */
#ifndef _KHO_SHIM_LINUX_BUG_H
#define _KHO_SHIM_LINUX_BUG_H

#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/compiler.h>
#include "../kho_shim.h"

/* nothing built here may BUG(): the build fails if something does */
#undef BUG
#undef BUG_ON

#define WARN_ON(cond) ({						\
	int __ret_warn_on = !!(cond);					\
	if (unlikely(__ret_warn_on))					\
		kho_shim_warn(__FILE__, __LINE__, "WARN_ON(%s)", #cond);	\
	unlikely(__ret_warn_on);					\
})

#define WARN(cond, fmt...) ({						\
	int __ret_warn_on = !!(cond);					\
	if (unlikely(__ret_warn_on))					\
		kho_shim_warn(__FILE__, __LINE__, fmt);			\
	unlikely(__ret_warn_on);					\
})

#define WARN_ON_ONCE(cond)	WARN_ON(cond)
#define WARN_ONCE(cond, fmt...)	WARN(cond, fmt)

#endif
