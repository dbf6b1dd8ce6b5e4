// SPDX-License-Identifier: GPL-2.0
/*
 * Native harness: __bitmap_clear() and __bitmap_weight(), which
 * tools/include's bitmap_clear() and bitmap_weight() call (the tools
 * library has them, with printing helpers that need more of the kernel's
 * string library than the shims give).
 */
#include <linux/bitmap.h>

void __bitmap_clear(unsigned long *map, unsigned int start, int len)
{
	unsigned long *p = map + BIT_WORD(start);
	unsigned int end = start + len;
	unsigned long mask = BITMAP_FIRST_WORD_MASK(start);

	if (len <= 0)
		return;
	while (BIT_WORD(start) < BIT_WORD(end - 1)) {
		*p++ &= ~mask;
		start = (BIT_WORD(start) + 1) * BITS_PER_LONG;
		mask = ~0UL;
	}
	*p &= ~(mask & BITMAP_LAST_WORD_MASK(end));
}

/* __bitmap_weight(), which bitmap_weight() calls for long bitmaps. */
unsigned int __bitmap_weight(const unsigned long *map, int nbits)
{
	unsigned int w = 0;
	int i;

	for (i = 0; i < nbits / BITS_PER_LONG; i++)
		w += __builtin_popcountl(map[i]);
	if (nbits % BITS_PER_LONG)
		w += __builtin_popcountl(map[i] &
					 BITMAP_LAST_WORD_MASK(nbits));
	return w;
}
