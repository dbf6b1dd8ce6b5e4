/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: the tree's libfdt (scripts/dtc/libfdt, which lib/fdt*.c
 * wrap in the kernel), with its own user-space libfdt_env.h.
 */
#ifndef _KHO_SHIM_LINUX_LIBFDT_H
#define _KHO_SHIM_LINUX_LIBFDT_H

#include <libfdt.h>

#endif
