/* SPDX-License-Identifier: GPL-2.0 */
/* Native harness, memblock side: the WARN family is in linux/bug.h. */
#ifndef _KHO_SHIM_MB_ASM_BUG_H
#define _KHO_SHIM_MB_ASM_BUG_H

#include <linux/bug.h>

#endif
