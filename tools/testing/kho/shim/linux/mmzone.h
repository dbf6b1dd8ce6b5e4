/* SPDX-License-Identifier: GPL-2.0 */
/* Native harness: the x86_64 defaults of 6.12. */
#ifndef _KHO_SHIM_LINUX_MMZONE_H
#define _KHO_SHIM_LINUX_MMZONE_H

#include <linux/bits.h>

#define MAX_PAGE_ORDER		10
#define MAX_ORDER_NR_PAGES	BIT(MAX_PAGE_ORDER)
#define NR_PAGE_ORDERS		(MAX_PAGE_ORDER + 1)
#define pageblock_order		MAX_PAGE_ORDER
#define pageblock_nr_pages	BIT(pageblock_order)

#endif
