/* SPDX-License-Identifier: GPL-2.0 */
/* Native harness: tools/include's list.h and what it lacks. */
#ifndef _KHO_SHIM_LINUX_LIST_H
#define _KHO_SHIM_LINUX_LIST_H

#include_next <linux/list.h>

#ifndef list_is_first
static inline int list_is_first(const struct list_head *list,
				const struct list_head *head)
{
	return list->prev == head;
}

#define list_is_first list_is_first
#endif

#endif
