// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: kho_block restore and reading in the next kernel, on an
 * arbitrary chain, entry size and set of preserved pages.
 *
 * Properties: no access outside the arena, nor, in restore, to arena pages
 * that are not preserved (they are made inaccessible, so reading one
 * before asking kho_is_preserved() crashes); a refused chain leaves the set
 * empty and frees what it took back; an accepted one holds as many
 * records as its headers count, reads forward and backward the same,
 * every record inside its block; shrinking and destroying free exactly
 * the blocks restored.
 */
#include <string.h>

#include <linux/kho_block.h>
#include <linux/mm.h>

#include "../shim/kho_shim.h"
#include "common.h"
#include "targets.h"

static bool in_arena(phys_addr_t pa, void *arg)
{
	return kho_arena_has(pa, PAGE_SIZE);
}

int kho_fuzz_block(const uint8_t *data, size_t size)
{
	struct fuzz_block_hdr h;
	struct kho_block_set set;
	struct kho_block_set_it it;
	unsigned long n = 0, used, nr = 0, i;
	void *rec;
	int err;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	fuzz_load(data + sizeof(h), size - sizeof(h));
	fuzz_mark(h.marks);
	used = kho_arena.used;

	/* the check alone, with the arena as usable memory */
	err = kho_block_chain_check(h.head_pa, h.entry_size, in_arena, NULL,
				    &nr);
	FUZZ_ASSERT(nr <= KHO_MAX_BLOCKS);
	FUZZ_ASSERT(err || nr <= FUZZ_PAGES);

	fuzz_protect();
	kho_block_set_init(&set, h.entry_size);
	err = kho_block_set_restore(&set, h.head_pa);
	if (err) {
		FUZZ_ASSERT(err == -EINVAL);
		FUZZ_ASSERT(!set.nr_blocks && !set.count && !set.head_pa);
		FUZZ_ASSERT(kho_arena.used <= used);
		return 0;
	}
	FUZZ_ASSERT(set.nr_blocks <= FUZZ_PAGES);
	FUZZ_ASSERT(kho_arena.used == used);

	kho_block_set_it_init(&it, &set, 0);
	while ((rec = kho_block_set_it_read_entry(&it))) {
		phys_addr_t pa = virt_to_phys(rec);

		/* the record lies in one block, after its header */
		FUZZ_ASSERT(offset_in_page(pa) >= 16);
		FUZZ_ASSERT(offset_in_page(pa) + h.entry_size <= PAGE_SIZE);
		n++;
	}
	FUZZ_ASSERT(n == set.count);
	for (i = n; (rec = kho_block_set_it_prev(&it)); i--)
		;
	FUZZ_ASSERT(i == 0);

	nr = set.nr_blocks;
	kho_block_set_shrink(&set, h.shrink);
	FUZZ_ASSERT(set.count == n - (h.shrink < n ? h.shrink : n));
	kho_block_set_destroy(&set);
	FUZZ_ASSERT(kho_arena.used == used - nr);
	return 0;
}
