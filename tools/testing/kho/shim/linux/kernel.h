/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: tools/include's kernel.h (container_of, min, max, ...),
 * with the BUG() and BUG_ON() of linux/bug.h, which abort even with NDEBUG,
 * in place of its assert()s.
 */
#ifndef _KHO_SHIM_LINUX_KERNEL_H
#define _KHO_SHIM_LINUX_KERNEL_H

#include_next <linux/kernel.h>

#include <linux/bug.h>
#include "../kho_shim.h"

#endif
