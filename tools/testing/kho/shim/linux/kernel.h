/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: tools/include's kernel.h (container_of, min, max, ...),
 * with BUG() and BUG_ON() that abort even with NDEBUG.
 */
#ifndef _KHO_SHIM_LINUX_KERNEL_H
#define _KHO_SHIM_LINUX_KERNEL_H

#include_next <linux/kernel.h>

#undef BUG
#undef BUG_ON
#define BUG() kho_shim_bug(__FILE__, __LINE__, "BUG()")
#define BUG_ON(cond) do {						\
	if (unlikely(cond))						\
		kho_shim_bug(__FILE__, __LINE__, "BUG_ON(" #cond ")");	\
} while (0)

#include "../kho_shim.h"

#endif
