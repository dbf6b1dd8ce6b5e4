/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: tools/include's bitmap.h, plus the bitmap_set() it lacks
 * (its bitmap_clear() comes with tools/lib/bitmap.c).
 */
#ifndef _KHO_SHIM_LINUX_BITMAP_H
#define _KHO_SHIM_LINUX_BITMAP_H

#include_next <linux/bitmap.h>

/* The atomic bit operations tools/include names but does not define. */
static inline bool test_and_set_bit(unsigned long nr, unsigned long *map)
{
	unsigned long bit = 1UL << (nr % BITS_PER_LONG);

	return __atomic_fetch_or(map + BIT_WORD(nr), bit, __ATOMIC_SEQ_CST) & bit;
}

static inline bool test_and_clear_bit(unsigned long nr, unsigned long *map)
{
	unsigned long bit = 1UL << (nr % BITS_PER_LONG);

	return __atomic_fetch_and(map + BIT_WORD(nr), ~bit, __ATOMIC_SEQ_CST) &
	       bit;
}

static inline void bitmap_set(unsigned long *map, unsigned int start,
			      unsigned int nbits)
{
	unsigned long *p = map + BIT_WORD(start);
	unsigned int end = start + nbits;
	unsigned long mask = BITMAP_FIRST_WORD_MASK(start);

	if (!nbits)
		return;
	while (BIT_WORD(start) < BIT_WORD(end - 1)) {
		*p++ |= mask;
		start = (BIT_WORD(start) + 1) * BITS_PER_LONG;
		mask = ~0UL;
	}
	*p |= mask & BITMAP_LAST_WORD_MASK(end);
}

#endif
