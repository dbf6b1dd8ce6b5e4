/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: sort() is qsort(), which swaps elements itself; a swap
 * function is not needed for plain memory.
 */
#ifndef _KHO_SHIM_LINUX_SORT_H
#define _KHO_SHIM_LINUX_SORT_H

#include <stdlib.h>
#include <linux/types.h>

typedef int (*cmp_func_t)(const void *a, const void *b);
typedef void (*swap_func_t)(void *a, void *b, int size);

static inline void sort(void *base, size_t num, size_t size,
			cmp_func_t cmp_func, swap_func_t swap_func)
{
	if (num)
		qsort(base, num, size, cmp_func);
}

#endif
