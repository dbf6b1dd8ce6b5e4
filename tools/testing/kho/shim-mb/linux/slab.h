/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness, memblock side: tools/include's slab.h, and the slab state
 * that the kernel declares in mm/slab.h and tools/testing/memblock's
 * lib/slab.c defines; lib/memblock_glue.c sets it.
 */
#ifndef _KHO_SHIM_MB_LINUX_SLAB_H
#define _KHO_SHIM_MB_LINUX_SLAB_H

#include_next <linux/slab.h>

extern enum slab_state slab_state;

#endif
