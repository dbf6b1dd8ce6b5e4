// SPDX-License-Identifier: GPL-2.0
/*
 * Native unit tests of kho_reserve.c, what the next kernel checks before it
 * trusts a handover, against the real mm/memblock.c: where the root FDT and
 * the scratch array are (kho_handover_check()), the scratch areas
 * (kho_scratch_check()); the tracker walks of kho_reserve_preserved(): what
 * they reserve and mark for a good tree, with and without coalescing, that
 * a tree they refuse (bad blocks, tables in memory this kernel uses, a
 * table DAG, a memblock that cannot grow) leaves memblock as it was; the
 * root FDT and its subtrees in preserved memory
 * (kho_check_preserved_fdts()); and restore of one block by two racing
 * callers (the mark is taken atomically).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bits.h>
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "../../../../kernel/liveupdate/kexec_handover_internal.h"
#include "../../../../kernel/liveupdate/kho_radix.h"
#include "../shim/kho_shim.h"
#include "harness.h"

#define A(off)		(KHO_ARENA_BASE + (off))
#define MiB		BIT_ULL(20)
#define PB		(PAGE_SIZE << pageblock_order)

struct region {
	phys_addr_t base, size;
	unsigned int flags;
};

static struct kho_radix_tree tree;
static unsigned long blocks[KHO_ORDER_0_LOG2 + 1];

/* memblock sees the whole arena as memory, nothing reserved */
static void setup(void)
{
	kho_mb_reset();
	ASSERT(!memblock_add(kho_arena.base, kho_arena.size));
	memset(blocks, 0, sizeof(blocks));
	ASSERT(!kho_radix_init(&tree));
}

static int reserve(const struct kho_scratch_area *s, unsigned int n)
{
	int err = kho_reserve_preserved(virt_to_phys(tree.root), s, n, blocks);

	/* the walk's bitmap is freed, whatever the outcome */
	EXPECT_EQ(kho_mb_allocs_live(), 0);
	return err;
}

/* The tracker's own pages, which stay reserved too. */
#define MAX_TABLES	64
static phys_addr_t tables[MAX_TABLES];
static unsigned long nr_tables;

static bool note_table(phys_addr_t phys, void *arg)
{
	if (nr_tables < MAX_TABLES)
		tables[nr_tables] = phys;
	nr_tables++;
	return true;
}

static int visit_none(phys_addr_t phys, unsigned int order, unsigned long nr,
		      void *arg)
{
	return 0;
}

static bool all_tables(phys_addr_t base, phys_addr_t size)
{
	phys_addr_t p;
	unsigned long i;

	for (p = base; p < base + size; p += PAGE_SIZE) {
		for (i = 0; i < nr_tables && tables[i] != p; i++)
			;
		if (i == nr_tables)
			return false;
	}
	return true;
}

/*
 * The reserved regions (only KHO's with @kho_only) but those of the
 * tracker's pages: how many, and the first @max of them in @r.
 */
static unsigned long count_regions(struct region *r, unsigned long max,
				   bool kho_only)
{
	unsigned long i, n = 0;

	tables[0] = virt_to_phys(tree.root);
	nr_tables = 1;
	ASSERT(!kho_radix_walk(tree.root, note_table, visit_none, NULL));
	ASSERT(nr_tables <= MAX_TABLES);
	for (i = 0; i < kho_mb_reserved_cnt(); i++) {
		struct region x;

		kho_mb_reserved_region(i, &x.base, &x.size, &x.flags);
		if ((x.flags & MEMBLOCK_RSRV_KHO) ?
		    all_tables(x.base, x.size) : kho_only)
			continue;
		if (n < max)
			r[n] = x;
		n++;
	}
	return n;
}

static unsigned long regions(struct region *r, unsigned long max)
{
	return count_regions(r, max, false);
}

/* Does the tracker, as the next kernel reads it, hold this block? */
static bool marked(phys_addr_t phys, unsigned int order)
{
	return kho_preserved_test(tree.root, phys, order) &&
	       kho_preserved_order(tree.root, phys) == (int)order;
}

static void test_reserve_runs(void)
{
	struct region r[8];
	unsigned int i;

	setup();
	/*
	 * 16 contiguous order-0 pages, then a gap, then two order-2 blocks
	 * and an order-9 block after them.
	 */
	for (i = 0; i < 16; i++)
		ASSERT(!kho_radix_add(&tree, A(1 * MiB + i * PAGE_SIZE), 0));
	ASSERT(!kho_radix_add(&tree, A(3 * MiB), 2));
	ASSERT(!kho_radix_add(&tree, A(3 * MiB + 4 * PAGE_SIZE), 2));
	ASSERT(!kho_radix_add(&tree, A(4 * MiB), 9));

	EXPECT_EQ(reserve(NULL, 0), 0);
	EXPECT_EQ(blocks[0], 16);
	EXPECT_EQ(blocks[2], 2);
	EXPECT_EQ(blocks[9], 1);
	ASSERT(regions(r, 8) == 3);
	EXPECT_EQ(r[0].base, A(1 * MiB));
	EXPECT_EQ(r[0].size, 16 * PAGE_SIZE);
	EXPECT_EQ(r[1].base, A(3 * MiB));
	EXPECT_EQ(r[1].size, 8 * PAGE_SIZE);
	EXPECT_EQ(r[2].base, A(4 * MiB));
	EXPECT_EQ(r[2].size, 2 * MiB);
	for (i = 0; i < 3; i++)
		EXPECT(r[i].flags & kho_mb_flag_noinit());
	for (i = 0; i < 16; i++)
		EXPECT(marked(A(1 * MiB + i * PAGE_SIZE), 0));
	EXPECT(marked(A(3 * MiB + 4 * PAGE_SIZE), 2));
	EXPECT(marked(A(4 * MiB), 9));
	EXPECT(!marked(A(4 * MiB + PAGE_SIZE), 9));
	EXPECT_EQ(kho_log_errors(), 0);
}

/*
 * memblock ends up with exactly the runs of preserved pages, computed here
 * from the blocks themselves: sorted, maximal, one region each.
 */
static void test_regions_exact(void)
{
	unsigned long nr = 4096 * 4, *map = calloc(BITS_TO_LONGS(nr), sizeof(long));
	struct region *a = calloc(4096, sizeof(*a));
	unsigned long na, i, n = 0, start, end;

	ASSERT(a && map);
	setup();
	/*
	 * 16 KiB slots, each empty or holding one block: no overlaps, as in
	 * any tracker a kernel writes; long runs and lone blocks.
	 */
	for (i = 0; i < 4096; i++) {
		unsigned int order = kho_test_rand() % 3;
		unsigned long off = i * 4 + (kho_test_rand() % 4 &
					     ~((1UL << order) - 1));

		if (kho_test_rand() % 4) {
			/* above the tracker's own pages, at the arena's start */
			ASSERT(!kho_radix_add(&tree, A(64 * MiB + off * PAGE_SIZE),
					      order));
			for (start = 0; start < 1UL << order; start++)
				map[(off + start) / BITS_PER_LONG] |=
					1UL << ((off + start) % BITS_PER_LONG);
		}
	}
	ASSERT(!reserve(NULL, 0));
	na = regions(a, 4096);
	EXPECT(na > 100);
	EXPECT_EQ(kho_mb_reserve_kho_calls() > 0, true);
	EXPECT_EQ(kho_log_warnings(), 0);
	for (start = find_next_bit(map, nr, 0); start < nr;
	     start = find_next_bit(map, nr, end)) {
		end = find_next_zero_bit(map, nr, start);
		if (n >= na || a[n].base != A(64 * MiB + start * PAGE_SIZE) ||
		    a[n].size != (end - start) * PAGE_SIZE ||
		    !(a[n].flags & kho_mb_flag_noinit())) {
			EXPECT_EQ(a[n].base, A(64 * MiB + start * PAGE_SIZE));
			break;
		}
		n++;
	}
	EXPECT_EQ(n, na);
	free(a);
	free(map);
}

/* The walk writes no struct page. */
static bool no_marks(void)
{
	unsigned long i;

	for (i = 0; i < kho_arena.nr_pages; i++)
		if (kho_arena.memmap[i].private)
			return false;
	return true;
}

static void expect_nothing_reserved(void)
{
	EXPECT_EQ(kho_mb_reserved_cnt(), 0);
	EXPECT_EQ(memblock_reserved_size(), 0);
}

static void test_refused(void)
{
	struct kho_scratch_area scratch = { A(8 * MiB), 2 * MiB };
	struct kho_radix_node *node;
	u64 key;

	/* a block in scratch */
	setup();
	ASSERT(!kho_radix_add(&tree, A(1 * MiB), 0));
	ASSERT(!kho_radix_add(&tree, A(9 * MiB), 0));
	EXPECT_EQ(reserve(&scratch, 1), -EINVAL);
	EXPECT_LOG("bad preserved-memory map");
	expect_nothing_reserved();
	EXPECT(no_marks());

	/* a block in memory outside the direct map (NOMAP) */
	setup();
	ASSERT(!memblock_mark_nomap(A(9 * MiB), MiB));
	ASSERT(!kho_radix_add(&tree, A(9 * MiB + PAGE_SIZE), 0));
	kho_log_reset();
	EXPECT_EQ(reserve(NULL, 0), -EINVAL);
	EXPECT_LOG("bad preserved-memory map");
	expect_nothing_reserved();

	/* a tracker table there */
	setup();
	ASSERT(!kho_radix_add(&tree, A(1 * MiB), 0));
	ASSERT(!memblock_mark_nomap(virt_to_phys(tree.root), PAGE_SIZE));
	kho_log_reset();
	EXPECT_EQ(reserve(NULL, 0), -EINVAL);
	EXPECT_LOG("bad tracker root");
	expect_nothing_reserved();

	/* a block outside memory */
	setup();
	ASSERT(!kho_radix_add(&tree, A(kho_arena.size), 0));
	EXPECT_EQ(reserve(NULL, 0), -EINVAL);
	expect_nothing_reserved();

	/* a block above MAX_PAGE_ORDER */
	setup();
	ASSERT(!kho_radix_add(&tree, A(0), 11));
	EXPECT_EQ(reserve(NULL, 0), -EINVAL);
	expect_nothing_reserved();

	/* the root outside memory, or in scratch */
	setup();
	EXPECT_EQ(kho_reserve_preserved(0x1000, NULL, 0, blocks), -EINVAL);
	EXPECT_LOG("bad tracker root");
	EXPECT_EQ(kho_reserve_preserved(A(8 * MiB), &scratch, 1, blocks),
		  -EINVAL);
	expect_nothing_reserved();

	/* a table outside memory */
	setup();
	ASSERT(!kho_radix_add(&tree, A(0), 0));
	key = kho_radix_encode_key(A(0), 0);
	node = phys_to_virt(tree.root->table[(key >> 51) & 511]);
	node->table[(key >> 42) & 511] = 0x7fff0000000ULL;
	EXPECT_EQ(reserve(NULL, 0), -EINVAL);
	expect_nothing_reserved();
	EXPECT_EQ(kho_arena.traps, 0);
}

static void test_table_bound(void)
{
	struct kho_radix_node *self, *node, *next;
	unsigned int i;

	/* a tree that links one node everywhere: bounded by memory size */
	setup();
	self = (void *)get_zeroed_page(GFP_KERNEL);
	ASSERT(self);
	for (i = 0; i < 512; i++)
		self->table[i] = virt_to_phys(self);
	tree.root->table[2] = virt_to_phys(self);
	EXPECT_EQ(reserve(NULL, 0), -EINVAL);
	expect_nothing_reserved();

	/* more distinct (empty) leaves than this much memory can need */
	setup();
	node = tree.root;
	for (i = 0; i < 4; i++) {
		next = (void *)get_zeroed_page(GFP_KERNEL);
		ASSERT(next);
		node->table[i ? 0 : 2] = virt_to_phys(next);
		node = next;
	}
	for (i = 0; i < 200; i++) {
		void *leaf = (void *)get_zeroed_page(GFP_KERNEL);

		ASSERT(leaf);
		node->table[i] = virt_to_phys(leaf);
	}
	kho_log_reset();
	EXPECT_EQ(reserve(NULL, 0), -EINVAL);
	EXPECT_LOG("rejecting the handover: tracker has more than ");
	expect_nothing_reserved();
}

/* Blocks that overlap each other: refused, nothing left reserved. */
static void test_overlap(void)
{
	kho_log_reset();
	setup();
	ASSERT(!kho_radix_add(&tree, A(1 * MiB), 0));
	ASSERT(!kho_radix_add(&tree, A(1 * MiB + PAGE_SIZE), 0));
	ASSERT(!kho_radix_add(&tree, A(2 * MiB), 0));
	ASSERT(!kho_radix_add(&tree, A(2 * MiB), 1));	/* over it */
	ASSERT(!kho_radix_add(&tree, A(3 * MiB), 2));
	EXPECT_EQ(reserve(NULL, 0), -EINVAL);
	EXPECT_LOG("overlaps");
	expect_nothing_reserved();
	EXPECT(no_marks());
	EXPECT_EQ(kho_log_warnings(), 0);
}

/*
 * A block over memory this kernel reserved for itself: refused, and
 * undoing the walk leaves the kernel's own reservation alone.
 */
static void test_overlap_kernel(void)
{
	struct region r[4];
	unsigned int i;

	setup();
	ASSERT(!memblock_reserve(A(5 * MiB + 7 * PAGE_SIZE), PAGE_SIZE));
	ASSERT(!kho_radix_add(&tree, A(2 * MiB), 9));
	for (i = 0; i < 16; i++)
		ASSERT(!kho_radix_add(&tree, A(5 * MiB + i * PAGE_SIZE), 0));
	EXPECT_EQ(reserve(NULL, 0), -EINVAL);
	ASSERT(regions(r, 4) == 1);
	EXPECT_EQ(r[0].base, A(5 * MiB + 7 * PAGE_SIZE));
	EXPECT_EQ(r[0].size, PAGE_SIZE);
	EXPECT_EQ(r[0].flags, 0);
	EXPECT(no_marks());
	EXPECT_EQ(kho_log_warnings(), 0);
}

/* An empty tree: only its root stays reserved. */
static void test_empty_tree(void)
{
	struct region r[2];

	setup();
	EXPECT_EQ(reserve(NULL, 0), 0);
	EXPECT_EQ(regions(r, 2), 0);
	ASSERT(kho_mb_reserved_cnt() == 1);
	EXPECT_EQ(memblock_reserved_size(), PAGE_SIZE);
	EXPECT(memblock_is_region_reserved(virt_to_phys(tree.root), PAGE_SIZE));
}

/* Regions of memblock.reserved with MEMBLOCK_RSRV_KHO. */
/* KHO's regions of blocks, without the tracker's */
static unsigned long kho_regions(void)
{
	return count_regions(NULL, 0, true);
}

/* ---- where the handover is ------------------------------------------- */

static void test_handover_where(void)
{
	u64 sa = sizeof(struct kho_scratch_area);

	setup();
	EXPECT_EQ(kho_handover_check(A(0), PAGE_SIZE, A(MiB), 3 * sa), 0);

	/* the FDT: not RAM (a hole, beyond any physical width), wrapping */
	EXPECT_EQ(kho_handover_check(0xfed00000, PAGE_SIZE, A(MiB), 3 * sa),
		  -EINVAL);
	EXPECT_LOG("FDT at 0x00000000fed00000+0x1000 is not RAM");
	EXPECT_EQ(kho_handover_check(1ULL << 62, PAGE_SIZE, A(MiB), 3 * sa),
		  -EINVAL);
	EXPECT_EQ(kho_handover_check(-PAGE_SIZE, 2 * PAGE_SIZE, A(MiB), 3 * sa),
		  -EINVAL);
	EXPECT_EQ(kho_handover_check(A(kho_arena.size - PAGE_SIZE),
				     2 * PAGE_SIZE, A(MiB), 3 * sa), -EINVAL);
	EXPECT_EQ(kho_handover_check(A(8), PAGE_SIZE, A(MiB), 3 * sa), -EINVAL);

	/* the scratch array the same */
	EXPECT_EQ(kho_handover_check(A(0), PAGE_SIZE, 0xfed00000, 3 * sa),
		  -EINVAL);
	EXPECT_LOG("scratch array at 0x00000000fed00000+0x30 is not RAM");
	EXPECT_EQ(kho_handover_check(A(0), PAGE_SIZE, -PAGE_SIZE, PAGE_SIZE),
		  -EINVAL);
	EXPECT_EQ(kho_handover_check(A(0), PAGE_SIZE, A(MiB + 16), 3 * sa),
		  -EINVAL);

	/* sizes */
	EXPECT_EQ(kho_handover_check(A(0), 0, A(MiB), 3 * sa), -EINVAL);
	EXPECT_EQ(kho_handover_check(A(0), KHO_FDT_MAX_SIZE + 1, A(MiB),
				     3 * sa), -EINVAL);
	EXPECT_EQ(kho_handover_check(A(0), PAGE_SIZE, A(MiB), 0), -EINVAL);
	EXPECT_EQ(kho_handover_check(A(0), PAGE_SIZE, A(MiB), sa + 1), -EINVAL);
	EXPECT_EQ(kho_handover_check(A(0), PAGE_SIZE, A(MiB),
				     (KHO_SCRATCH_MAX_AREAS + 1) * sa), -EINVAL);
	EXPECT_LOG("bad sizes");
	EXPECT_EQ(kho_arena.traps, 0);
}

/* Areas as a kernel hands them over: minimum sizes, pageblock aligned. */
static void good_areas(struct kho_scratch_area *s)
{
	s[0].addr = A(0);
	s[0].size = KHO_SCRATCH_MIN_LOWMEM;
	s[1].addr = A(64 * MiB);
	s[1].size = KHO_SCRATCH_MIN_GLOBAL;
	s[2].addr = A(128 * MiB);
	s[2].size = KHO_SCRATCH_MIN_NODE;
}

static void test_scratch_areas(void)
{
	phys_addr_t fdt = A(200 * MiB), array = A(8 * MiB);
	struct kho_scratch_area s[3];

	ASSERT(kho_arena.size >= 256 * MiB);
	setup();
	good_areas(s);
	EXPECT_EQ(kho_scratch_check(s, 3, fdt, PAGE_SIZE, array), 0);

	/* a 0-sized area, a tiny one, one below the minimum of its index */
	s[2].size = 0;
	EXPECT_EQ(kho_scratch_check(s, 3, fdt, PAGE_SIZE, array), -EINVAL);
	EXPECT_LOG("bad scratch area 2");
	good_areas(s);
	s[0].size = PB;
	EXPECT_EQ(kho_scratch_check(s, 3, fdt, PAGE_SIZE, array), -EINVAL);
	good_areas(s);
	s[1].size = KHO_SCRATCH_MIN_NODE;
	EXPECT_EQ(kho_scratch_check(s, 3, fdt, PAGE_SIZE, array), -EINVAL);

	/* not aligned to a pageblock, at either end */
	good_areas(s);
	s[1].addr += PAGE_SIZE;
	EXPECT_EQ(kho_scratch_check(s, 3, fdt, PAGE_SIZE, array), -EINVAL);
	good_areas(s);
	s[1].size += PAGE_SIZE;
	EXPECT_EQ(kho_scratch_check(s, 3, fdt, PAGE_SIZE, array), -EINVAL);

	/* not RAM, wrapping */
	good_areas(s);
	s[2].addr = 0xc0000000ULL - KHO_SCRATCH_MIN_NODE;
	EXPECT_EQ(kho_scratch_check(s, 3, fdt, PAGE_SIZE, array), -EINVAL);
	good_areas(s);
	s[2].addr = -KHO_SCRATCH_MIN_NODE;
	s[2].size = 2 * KHO_SCRATCH_MIN_NODE;
	EXPECT_EQ(kho_scratch_check(s, 3, fdt, PAGE_SIZE, array), -EINVAL);

	/* overlapping areas */
	good_areas(s);
	s[2].addr = s[1].addr + PB;
	EXPECT_EQ(kho_scratch_check(s, 3, fdt, PAGE_SIZE, array), -EINVAL);
	EXPECT_LOG("scratch areas 1 and 2 overlap");

	/* the FDT in scratch: it would be validated, then allocated over */
	good_areas(s);
	EXPECT_EQ(kho_scratch_check(s, 3, A(70 * MiB), PAGE_SIZE, array),
		  -EINVAL);
	EXPECT_LOG("FDT at 0x0000000044600000 is in scratch area 1");

	/* the array outside scratch */
	EXPECT_EQ(kho_scratch_check(s, 3, fdt, PAGE_SIZE, A(40 * MiB)),
		  -EINVAL);
	EXPECT_LOG("outside scratch");
	EXPECT_EQ(kho_arena.traps, 0);
}

/* ---- the tracker walks ----------------------------------------------- */

/*
 * A table in memory this kernel reserved for itself (its image, memblock's
 * arrays) could change between the two walks: refused, and the kernel's
 * reservation stays as it was.
 */
static void test_table_in_kernel_memory(void)
{
	struct kho_radix_node *n4;
	phys_addr_t base, size;
	unsigned int flags;
	u64 key;

	setup();
	ASSERT(!kho_radix_add(&tree, A(4 * MiB), 0));
	key = kho_radix_encode_key(A(4 * MiB), 0);
	n4 = phys_to_virt(tree.root->table[(key >> 51) & 511]);
	ASSERT(!memblock_reserve(n4->table[(key >> 42) & 511], PAGE_SIZE));
	EXPECT_EQ(reserve(NULL, 0), -EINVAL);
	EXPECT_LOG("is in memory this kernel uses");
	ASSERT(kho_mb_reserved_cnt() == 1);
	kho_mb_reserved_region(0, &base, &size, &flags);
	EXPECT_EQ(base, n4->table[(key >> 42) & 511]);
	EXPECT_EQ(size, PAGE_SIZE);
	EXPECT_EQ(flags, 0);
	EXPECT(no_marks());
	EXPECT_EQ(blocks[0], 0);
}

/*
 * Tables linked into a DAG with empty leaves: each path is valid, but a
 * walk would read 512^4 tables.  Refused at the second link to a table
 * (test_table_bound covers trees of too many distinct tables).
 */
static void test_table_dag(void)
{
	struct kho_radix_node *p[4];
	void *leaf;
	unsigned int i, j;

	setup();
	for (i = 0; i < 4; i++) {
		p[i] = (void *)get_zeroed_page(GFP_KERNEL);
		ASSERT(p[i]);
	}
	leaf = (void *)get_zeroed_page(GFP_KERNEL);
	ASSERT(leaf);
	for (i = 0; i < 4; i++)
		for (j = 0; j < 512; j++)
			p[i]->table[j] = virt_to_phys(i < 3 ? p[i + 1] : leaf);
	tree.root->table[2] = virt_to_phys(p[0]);	/* order 0 */
	kho_log_reset();
	EXPECT_EQ(reserve(NULL, 0), -EINVAL);
	EXPECT_LOG("rejecting the handover: tracker table ");
	EXPECT_LOG(" is linked twice or lies in a preserved block");
	EXPECT_EQ(kho_mb_reserved_cnt(), 0);
	EXPECT_EQ(kho_log_errors(), 1);
}

/* The bound does not refuse a sound tree that fills memory. */
static void test_dense_tree_in_bound(void)
{
	unsigned long pfn, n = kho_arena.nr_pages;
	unsigned int order;

	/* the tracker's pages from the last MiB, the blocks below */
	n -= 256;
	kho_arena_window(kho_arena.base_pfn + n,
			 kho_arena.base_pfn + kho_arena.nr_pages);
	setup();
	/* every page: order 0 in the first half, the largest blocks after */
	for (pfn = 0; pfn < n; pfn += 1UL << order) {
		order = 0;
		while (pfn >= n / 2 && order < MAX_PAGE_ORDER &&
		       !(pfn & ((2UL << order) - 1)) &&
		       pfn + (2UL << order) <= n)
			order++;
		ASSERT(!kho_radix_add(&tree, A(PFN_PHYS(pfn)), order));
	}
	kho_arena_window(kho_arena.base_pfn,
			 kho_arena.base_pfn + kho_arena.nr_pages);
	EXPECT_EQ(reserve(NULL, 0), 0);
	EXPECT_EQ(kho_log_errors(), 0);
}

/*
 * More separate blocks than memblock can record (its reserved array grows
 * only inside scratch on a KHO boot; here kmalloc() fails): refused with
 * -ENOMEM, and exactly the KHO reservations are dropped again, the
 * kernel's own ones kept, however they border on KHO's.
 */
static void test_reserve_nomem(void)
{
	phys_addr_t base, size;
	unsigned int flags, i;

	setup();
	/* the kernel's own reservation, right before the first block */
	ASSERT(!memblock_reserve(A(4 * MiB - PAGE_SIZE), PAGE_SIZE));
	for (i = 0; i < 4096; i++)
		ASSERT(!kho_radix_add(&tree, A(4 * MiB + 2 * i * PAGE_SIZE), 0));
	/* the reserved array's one growth fails */
	kho_slab_fail_after = 0;
	kho_log_reset();
	EXPECT_EQ(reserve(NULL, 0), -ENOMEM);
	kho_slab_fail_after = -1;
	EXPECT_LOG("rejecting the handover: no memory to reserve the preserved memory (-12)");
	EXPECT_EQ(kho_log_errors(), 1);
	EXPECT_EQ(kho_regions(), 0);
	ASSERT(kho_mb_reserved_cnt() == 1);
	kho_mb_reserved_region(0, &base, &size, &flags);
	EXPECT_EQ(base, A(4 * MiB - PAGE_SIZE));
	EXPECT_EQ(size, PAGE_SIZE);
	EXPECT_EQ(flags, 0);
	EXPECT(no_marks());
	for (i = 0; i < ARRAY_SIZE(blocks); i++)
		EXPECT_EQ(blocks[i], 0);

	/* no memory for the bitmap: refused as cleanly */
	kho_mb_fail_allocs(1);
	kho_log_reset();
	EXPECT_EQ(reserve(NULL, 0), -ENOMEM);
	EXPECT_LOG("rejecting the handover: no memory for a ");
	EXPECT_EQ(kho_log_errors(), 1);
	EXPECT_EQ(kho_mb_reserved_cnt(), 1);

	/* with room, the same tree is taken whole, the array grown once */
	EXPECT_EQ(reserve(NULL, 0), 0);
	EXPECT_EQ(kho_regions(), 4096);
	EXPECT_EQ(blocks[0], 4096);
	EXPECT(kho_mb_reserved_max() <= kho_mb_reserved_cnt() + 1);
}

/*
 * A run of contiguous blocks across memory regions that memblock keeps
 * apart (here split by flags): each block is RAM, so the run is taken
 * whole, in one reservation, though no single memory region covers it.
 */
static void test_run_across_regions(void)
{
	struct region r[1];
	unsigned int i;

	setup();
	ASSERT(!memblock_mark_kho_scratch(A(8 * MiB), 4 * MiB));
	for (i = 0; i < 6 * 256; i++)
		ASSERT(!kho_radix_add(&tree, A(7 * MiB + i * PAGE_SIZE), 0));
	EXPECT_EQ(reserve(NULL, 0), 0);
	ASSERT(regions(r, 1) == 1);
	EXPECT_EQ(r[0].base, A(7 * MiB));
	EXPECT_EQ(r[0].size, 6 * MiB);
	EXPECT_EQ(blocks[0], 6 * 256);

	/* the same with a page in the middle taken out of memory */
	setup();
	ASSERT(!memblock_mark_kho_scratch(A(8 * MiB), 4 * MiB));
	ASSERT(!memblock_remove(A(10 * MiB), PAGE_SIZE));
	for (i = 0; i < 6 * 256; i++)
		ASSERT(!kho_radix_add(&tree, A(7 * MiB + i * PAGE_SIZE), 0));
	EXPECT_EQ(reserve(NULL, 0), -EINVAL);
	EXPECT_EQ(kho_mb_reserved_cnt(), 0);
	EXPECT(no_marks());
}

/* ---- the root FDT and its subtrees ------------------------------------ */

/* A preserved order-@order block of arena memory holding an empty FDT. */
static phys_addr_t fdt_block(unsigned int order, unsigned int totalsize)
{
	struct page *page = alloc_pages(GFP_KERNEL, order);
	void *fdt;

	ASSERT(page);
	fdt = page_address(page);
	ASSERT(!fdt_create_empty_tree(fdt, PAGE_SIZE));
	fdt_set_totalsize(fdt, totalsize);
	ASSERT(!kho_radix_add(&tree, page_to_phys(page), order));
	return page_to_phys(page);
}

static void add_subtree(void *fdt, const char *name, u64 phys)
{
	int off = fdt_add_subnode(fdt, 0, name);

	ASSERT(off >= 0);
	ASSERT(!fdt_setprop(fdt, off, KHO_FDT_SUB_TREE_PROP_NAME, &phys,
			    sizeof(phys)));
}

static void test_preserved_fdts(void)
{
	phys_addr_t root, sub, big, plain;
	struct page *page;
	void *fdt;

	setup();
	root = fdt_block(0, PAGE_SIZE);
	sub = fdt_block(0, PAGE_SIZE);
	big = fdt_block(2, 4 * PAGE_SIZE);
	page = alloc_pages(GFP_KERNEL, 0);	/* RAM, never preserved */
	ASSERT(page);
	plain = page_to_phys(page);
	ASSERT(!fdt_create_empty_tree(page_address(page), PAGE_SIZE));
	ASSERT(!reserve(NULL, 0));

	fdt = phys_to_virt(root);
	add_subtree(fdt, "luo", sub);
	add_subtree(fdt, "big", big);
	EXPECT_EQ(kho_check_preserved_fdts(tree.root, fdt, root, PAGE_SIZE), 0);

	/* the root FDT itself outside preserved memory, or longer than it */
	EXPECT_EQ(kho_check_preserved_fdts(tree.root, fdt, plain, PAGE_SIZE), -EINVAL);
	EXPECT_LOG("FDT at");
	EXPECT_EQ(kho_check_preserved_fdts(tree.root, fdt, root, 2 * PAGE_SIZE), -EINVAL);

	/* a subtree in a hole, in plain RAM, not at a block's head */
	add_subtree(fdt, "hole", 0xfed00000);
	EXPECT_EQ(kho_check_preserved_fdts(tree.root, fdt, root, PAGE_SIZE), -EINVAL);
	EXPECT_LOG("subtree hole at 0x00000000fed00000 is not a preserved FDT");
	fdt_del_node(fdt, fdt_subnode_offset(fdt, 0, "hole"));
	add_subtree(fdt, "plain", plain);
	EXPECT_EQ(kho_check_preserved_fdts(tree.root, fdt, root, PAGE_SIZE), -EINVAL);
	EXPECT_LOG("subtree plain at");
	fdt_del_node(fdt, fdt_subnode_offset(fdt, 0, "plain"));
	add_subtree(fdt, "inside", big + PAGE_SIZE);
	EXPECT_EQ(kho_check_preserved_fdts(tree.root, fdt, root, PAGE_SIZE), -EINVAL);
	fdt_del_node(fdt, fdt_subnode_offset(fdt, 0, "inside"));
	EXPECT_EQ(kho_check_preserved_fdts(tree.root, fdt, root, PAGE_SIZE), 0);

	/* a subtree whose header says it is bigger than its block */
	fdt_set_totalsize(phys_to_virt(sub), 2 * PAGE_SIZE);
	EXPECT_EQ(kho_check_preserved_fdts(tree.root, fdt, root, PAGE_SIZE), -EINVAL);
	EXPECT_LOG("subtree luo at");
	fdt_set_totalsize(phys_to_virt(sub), PAGE_SIZE);

	/* a preserved page that is not an FDT */
	fdt_set_magic(phys_to_virt(sub), 0);
	EXPECT_EQ(kho_check_preserved_fdts(tree.root, fdt, root, PAGE_SIZE), -EINVAL);
	EXPECT_EQ(kho_arena.traps, 0);
}

/*
 * 1 GiB of every other page, the pattern of a long-lived memfd: 131072
 * separate blocks take the linear path: one memblock call for all of
 * them (not one per block, whose insertions into the sorted array cost
 * n^2 / 2 region moves), one walk (each table checked once), exactly one
 * region per block, and a reserved array grown no further than needed.
 */
static void test_scattered_gib(void)
{
	unsigned long i, n = SZ_1G / PAGE_SIZE / 2, calls;
	struct region r[2];
	char line[64];

	setup();
	for (i = 0; i < n; i++)
		ASSERT(!kho_radix_add(&tree, A(64 * MiB + 2 * i * PAGE_SIZE), 0));
	calls = kho_mb_reserve_kho_calls();
	kho_log_reset();
	ASSERT(!reserve(NULL, 0));
	EXPECT_EQ(kho_mb_reserve_kho_calls() - calls, 1);
	EXPECT_EQ(blocks[0], n);
	EXPECT_EQ(kho_regions(), n);
	EXPECT_EQ(regions(r, 2), n);
	EXPECT_EQ(r[0].base, A(64 * MiB));
	EXPECT_EQ(r[1].base, A(64 * MiB + 2 * PAGE_SIZE));
	EXPECT(kho_mb_reserved_max() < 2 * kho_mb_reserved_cnt());
	/* one walk: each table checked once */
	snprintf(line, sizeof(line), "reserved %lu preserved pages and %lu tracker pages",
		 n, tree.nodes + tree.leaves);
	EXPECT_LOG(line);
	EXPECT(marked(A(64 * MiB + 2 * (n - 1) * PAGE_SIZE), 0));
	EXPECT(!marked(A(64 * MiB + PAGE_SIZE), 0));
	kho_radix_destroy(&tree);
}

/* ---- restore ----------------------------------------------------------- */

#define RACE_ROUNDS	20000

static pthread_barrier_t race_start;
static phys_addr_t race_phys;
static unsigned long race_won[2];

static void *racer(void *arg)
{
	unsigned long me = (unsigned long)arg;
	unsigned int round;

	for (round = 0; round < RACE_ROUNDS; round++) {
		pthread_barrier_wait(&race_start);
		if (kho_preserved_take(tree.root, race_phys, 0))
			race_won[me]++;
		pthread_barrier_wait(&race_start);
	}
	return NULL;
}

/*
 * Two callers restoring the same block at once: its tracker bit is
 * cleared by one atomic operation, so exactly one of them gets it, every
 * round.
 */
static void test_restore_race(void)
{
	pthread_t t[2];
	unsigned int round;
	unsigned long i;

	setup();
	race_phys = A(4 * MiB);
	ASSERT(!kho_radix_add(&tree, race_phys, 0));
	ASSERT(!kho_radix_add(&tree, A(8 * MiB), MAX_PAGE_ORDER));
	ASSERT(!reserve(NULL, 0));
	ASSERT(!pthread_barrier_init(&race_start, NULL, 3));
	for (i = 0; i < 2; i++)
		ASSERT(!pthread_create(&t[i], NULL, racer, (void *)i));
	for (round = 0; round < RACE_ROUNDS; round++) {
		kho_preserved_give(tree.root, race_phys, 0);
		pthread_barrier_wait(&race_start);
		pthread_barrier_wait(&race_start);
		EXPECT(!kho_preserved_test(tree.root, race_phys, 0));
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	EXPECT_EQ(race_won[0] + race_won[1], RACE_ROUNDS);

	/* the wrong order or address is never taken; the right one once */
	EXPECT(!kho_preserved_take(tree.root, A(8 * MiB), MAX_PAGE_ORDER + 1));
	EXPECT(!kho_preserved_take(tree.root, A(8 * MiB), 0));
	EXPECT(!kho_preserved_take(tree.root, A(8 * MiB + PAGE_SIZE), 0));
	EXPECT_EQ(kho_preserved_order(tree.root, A(8 * MiB)), MAX_PAGE_ORDER);
	EXPECT(kho_preserved_take(tree.root, A(8 * MiB), MAX_PAGE_ORDER));
	EXPECT(!kho_preserved_take(tree.root, A(8 * MiB), MAX_PAGE_ORDER));
	EXPECT_EQ(kho_preserved_order(tree.root, A(8 * MiB)), -1);
	kho_radix_destroy(&tree);
}

const struct kho_test kho_reserve_tests[] = {
	KHO_TEST(test_reserve_runs),
	KHO_TEST(test_regions_exact),
	KHO_TEST(test_refused),
	KHO_TEST(test_table_bound),
	KHO_TEST(test_overlap),
	KHO_TEST(test_overlap_kernel),
	KHO_TEST(test_empty_tree),
	KHO_TEST(test_handover_where),
	KHO_TEST(test_scratch_areas),
	KHO_TEST(test_table_in_kernel_memory),
	KHO_TEST(test_table_dag),
	KHO_TEST(test_dense_tree_in_bound),
	KHO_TEST(test_reserve_nomem),
	KHO_TEST(test_run_across_regions),
	KHO_TEST(test_preserved_fdts),
	KHO_TEST(test_scattered_gib),
	KHO_TEST(test_restore_race),
	{ }
};
