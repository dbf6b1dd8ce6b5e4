/* SPDX-License-Identifier: GPL-2.0 */
/* Native harness: the x86_64 defaults of 6.12. */
#ifndef _KHO_SHIM_LINUX_MMZONE_H
#define _KHO_SHIM_LINUX_MMZONE_H

#define MAX_PAGE_ORDER		10
#define MAX_ORDER_NR_PAGES	(1 << MAX_PAGE_ORDER)
#define NR_PAGE_ORDERS		(MAX_PAGE_ORDER + 1)
#define pageblock_order		MAX_PAGE_ORDER
#define pageblock_nr_pages	(1UL << pageblock_order)

#endif
