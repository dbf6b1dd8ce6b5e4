/* SPDX-License-Identifier: GPL-2.0 */
/* Native harness: 4 KiB pages, as on x86_64. */
#ifndef _KHO_SHIM_ASM_PAGE_H
#define _KHO_SHIM_ASM_PAGE_H

#include <linux/const.h>

#ifndef PAGE_SHIFT
#define PAGE_SHIFT	12
#endif
#define PAGE_SIZE	(_AC(1, UL) << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PMD_SHIFT	21	/* a 2 MiB huge page */

#endif
