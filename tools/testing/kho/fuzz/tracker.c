// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the next kernel's walk of the preserved-memory tracker,
 * kho_reserve_preserved() of kho_reserve.c, over arbitrary node and leaf
 * contents, against the real memblock.  The arena is all the memory there
 * is; one scratch area may be set.
 *
 * Properties: the walk ends; it never computes a pointer to memory it has
 * not vetted (no trap) and provokes no WARN; it writes no struct page;
 * refused means nothing reserved; accepted means
 * every reserved byte is memory outside scratch, marked noinit, in sorted
 * regions that add up to exactly the pages of the blocks (which do not
 * overlap), and the walk's bitmap is freed either way.
 */
#include <string.h>

#include <linux/memblock.h>
#include <linux/mm.h>

#include "../../../../kernel/liveupdate/kexec_handover_internal.h"
#include "../../../../kernel/liveupdate/kho_radix.h"
#include "../shim/kho_shim.h"
#include "common.h"
#include "targets.h"

/*
 * A WARN (from memblock, say) on handover data is a failure: kernel B must
 * refuse bad data cleanly.  Overlapping blocks used to make memblock WARN
 * (regressions/tracker/overlapping-orders); 0 tolerates WARNs.
 */
#ifndef KHO_FUZZ_WARN_FATAL
#define KHO_FUZZ_WARN_FATAL 1
#endif

#define MAX_REGIONS	(FUZZ_PAGES + 1)

struct outcome {
	int err;
	unsigned long cnt;
	phys_addr_t base[MAX_REGIONS], size[MAX_REGIONS];
	unsigned int flags[MAX_REGIONS];
	unsigned long blocks[KHO_ORDER_0_LOG2 + 1];
	unsigned long marks[FUZZ_PAGES];
};

static struct outcome out[1];

static void run(const struct fuzz_tracker_hdr *h, struct outcome *o)
{
	struct kho_scratch_area sa = { h->scratch_addr, h->scratch_size };
	unsigned long i;

	memset(o, 0, sizeof(*o));
	kho_arena_reset();
	kho_mb_reset();
	memblock_add(kho_arena.base, kho_arena.size);
	o->err = kho_reserve_preserved(h->root, &sa, h->scratch_size ? 1 : 0,
				       o->blocks);
	o->cnt = kho_mb_reserved_cnt();
	FUZZ_ASSERT(o->cnt <= MAX_REGIONS);
	for (i = 0; i < o->cnt; i++)
		kho_mb_reserved_region(i, &o->base[i], &o->size[i],
				       &o->flags[i]);
	for (i = 0; i < FUZZ_PAGES; i++)
		o->marks[i] = kho_arena.memmap[i].private;
}

static bool overlaps(phys_addr_t a, phys_addr_t as, phys_addr_t b,
		     phys_addr_t bs)
{
	return a < b + bs && b < a + as;
}

static bool count_table(phys_addr_t phys, void *arg)
{
	++*(unsigned long *)arg;
	return true;
}

static int count_none(phys_addr_t phys, unsigned int order, unsigned long nr,
		      void *arg)
{
	return 0;
}

int kho_fuzz_tracker(const uint8_t *data, size_t size)
{
	struct fuzz_tracker_hdr h;
	unsigned long i, pages = 0, reserved = 0, tables = 1;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	/* what kho_fdt_check() guarantees of the root before the walk */
	if (!h.root || !PAGE_ALIGNED(h.root))
		return 0;
	fuzz_load(data + sizeof(h), size - sizeof(h));
	kho_log_reset();
	kho_arena.traps = 0;

	run(&h, &out[0]);
	FUZZ_ASSERT(kho_mb_allocs_live() == 0);
	for (i = 0; i < FUZZ_PAGES; i++)
		FUZZ_ASSERT(!out[0].marks[i]);
	FUZZ_ASSERT(kho_arena.traps == 0);
	if (out[0].err) {
		FUZZ_ASSERT(out[0].err == -EINVAL);
		FUZZ_ASSERT(out[0].cnt == 0);
		for (i = 0; i <= KHO_ORDER_0_LOG2; i++)
			FUZZ_ASSERT(!out[0].blocks[i]);
	} else {
		for (i = 0; i <= KHO_ORDER_0_LOG2; i++) {
			FUZZ_ASSERT(!out[0].blocks[i] || i <= MAX_PAGE_ORDER);
			pages += out[0].blocks[i] << i;
		}
		for (i = 0; i < out[0].cnt; i++) {
			FUZZ_ASSERT(kho_arena_has(out[0].base[i],
						  out[0].size[i]));
			FUZZ_ASSERT(!h.scratch_size ||
				    !overlaps(out[0].base[i], out[0].size[i],
					      h.scratch_addr, h.scratch_size));
			FUZZ_ASSERT(out[0].flags[i] & kho_mb_flag_noinit());
			FUZZ_ASSERT(!i || out[0].base[i - 1] + out[0].size[i - 1] <
					  out[0].base[i]);
			reserved += out[0].size[i] >> PAGE_SHIFT;
		}
		/* the tracker's pages stay reserved too, each counted once */
		FUZZ_ASSERT(!kho_radix_walk(phys_to_virt(h.root), count_table,
					    count_none, &tables));
		FUZZ_ASSERT(reserved == pages + tables);
	}
	if (KHO_FUZZ_WARN_FATAL)
		FUZZ_ASSERT(!kho_log_warnings());
	return 0;
}
