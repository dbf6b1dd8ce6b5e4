// SPDX-License-Identifier: GPL-2.0
/*
 * Native unit tests of kho_reserve_preserved() (kho_reserve.c), the next
 * kernel's walk of the tracker, against the real mm/memblock.c: what it
 * reserves and marks for a good tree, with and without coalescing, and
 * that a tree it refuses leaves memblock untouched.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/errno.h>
#include <linux/memblock.h>
#include <linux/mm.h>

#include "../../../../kernel/liveupdate/kexec_handover_internal.h"
#include "../../../../kernel/liveupdate/kho_radix.h"
#include "../shim/kho_shim.h"
#include "harness.h"

#define A(off)		(KHO_ARENA_BASE + (off))
#define MiB		(1ULL << 20)

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

static int reserve(const struct kho_scratch_area *s, unsigned int n,
		   bool coalesce)
{
	return kho_reserve_preserved(virt_to_phys(tree.root), s, n, blocks,
				     coalesce);
}

static unsigned long regions(struct region *r, unsigned long max)
{
	unsigned long i, n = kho_mb_reserved_cnt();

	for (i = 0; i < n && i < max; i++)
		kho_mb_reserved_region(i, &r[i].base, &r[i].size, &r[i].flags);
	return n;
}

static bool marked(phys_addr_t phys, unsigned int order)
{
	return page_private(pfn_to_page(PHYS_PFN(phys))) ==
	       kho_block_mark(order);
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

	EXPECT_EQ(reserve(NULL, 0, true), 0);
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

/* Coalescing or not, memblock ends up the same. */
static void test_same_as_baseline(void)
{
	struct region *a = calloc(4096, sizeof(*a)), *b = calloc(4096, sizeof(*b));
	unsigned long na, nb, i;

	ASSERT(a && b);
	setup();
	/*
	 * 16 KiB slots, each empty or holding one block: no overlaps, as in
	 * any tracker a kernel writes; long runs and lone blocks.
	 */
	for (i = 0; i < 4096; i++) {
		unsigned int order = kho_test_rand() % 3;
		phys_addr_t off = i * 4 * PAGE_SIZE +
				  (kho_test_rand() % 4 * PAGE_SIZE &
				   ~((PAGE_SIZE << order) - 1));

		if (kho_test_rand() % 4)
			ASSERT(!kho_radix_add(&tree, A(off), order));
	}
	ASSERT(!reserve(NULL, 0, true));
	na = regions(a, 4096);
	kho_mb_reset();
	ASSERT(!memblock_add(kho_arena.base, kho_arena.size));
	ASSERT(!reserve(NULL, 0, false));
	nb = regions(b, 4096);
	ASSERT(na == nb && na <= 4096);
	EXPECT(na > 100);
	EXPECT_EQ(kho_log_warnings(), 0);
	for (i = 0; i < na; i++) {
		if (a[i].base != b[i].base || a[i].size != b[i].size ||
		    a[i].flags != b[i].flags) {
			EXPECT_EQ(a[i].base, b[i].base);
			break;
		}
	}
	free(a);
	free(b);
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
	EXPECT_EQ(reserve(&scratch, 1, true), -EINVAL);
	EXPECT_LOG("bad preserved-memory map");
	expect_nothing_reserved();
	EXPECT(!marked(A(1 * MiB), 0));

	/* a block outside memory */
	setup();
	ASSERT(!kho_radix_add(&tree, A(kho_arena.size), 0));
	EXPECT_EQ(reserve(NULL, 0, true), -EINVAL);
	expect_nothing_reserved();

	/* a block above MAX_PAGE_ORDER */
	setup();
	ASSERT(!kho_radix_add(&tree, A(0), 11));
	EXPECT_EQ(reserve(NULL, 0, true), -EINVAL);
	expect_nothing_reserved();

	/* the root outside memory, or in scratch */
	setup();
	EXPECT_EQ(kho_reserve_preserved(0x1000, NULL, 0, blocks, true),
		  -EINVAL);
	EXPECT_LOG("bad tracker root");
	EXPECT_EQ(kho_reserve_preserved(A(8 * MiB), &scratch, 1, blocks,
					true), -EINVAL);
	expect_nothing_reserved();

	/* a table outside memory */
	setup();
	ASSERT(!kho_radix_add(&tree, A(0), 0));
	key = kho_radix_encode_key(A(0), 0);
	node = phys_to_virt(tree.root->table[(key >> 51) & 511]);
	node->table[(key >> 42) & 511] = 0x7fff0000000ULL;
	EXPECT_EQ(reserve(NULL, 0, true), -EINVAL);
	expect_nothing_reserved();
	EXPECT_EQ(kho_arena.traps, 0);
}

static void test_table_bound(void)
{
	struct kho_radix_node *self;
	unsigned int i;

	/* a tree that links one node everywhere: bounded by memory size */
	setup();
	self = (void *)get_zeroed_page(GFP_KERNEL);
	ASSERT(self);
	for (i = 0; i < 512; i++)
		self->table[i] = virt_to_phys(self);
	tree.root->table[2] = virt_to_phys(self);
	EXPECT_EQ(reserve(NULL, 0, true), -EINVAL);
	expect_nothing_reserved();
}

static bool no_marks(void)
{
	unsigned long i;

	for (i = 0; i < kho_arena.nr_pages; i++)
		if (kho_arena.memmap[i].private)
			return false;
	return true;
}

/* Blocks that overlap each other: refused, nothing left reserved. */
static void test_overlap(void)
{
	int coalesce;

	for (coalesce = 0; coalesce < 2; coalesce++) {
		kho_log_reset();
		setup();
		ASSERT(!kho_radix_add(&tree, A(1 * MiB), 0));
		ASSERT(!kho_radix_add(&tree, A(1 * MiB + PAGE_SIZE), 0));
		ASSERT(!kho_radix_add(&tree, A(2 * MiB), 0));
		ASSERT(!kho_radix_add(&tree, A(2 * MiB), 1));	/* over it */
		ASSERT(!kho_radix_add(&tree, A(3 * MiB), 2));
		EXPECT_EQ(reserve(NULL, 0, coalesce), -EINVAL);
		EXPECT_LOG("overlaps");
		expect_nothing_reserved();
		EXPECT(no_marks());
		EXPECT_EQ(kho_log_warnings(), 0);
	}
}

/*
 * A block over memory this kernel reserved for itself: refused, and
 * undoing the walk leaves the kernel's own reservation alone.
 */
static void test_overlap_kernel(void)
{
	struct region r[4];
	unsigned int i;
	int coalesce;

	for (coalesce = 0; coalesce < 2; coalesce++) {
		setup();
		ASSERT(!memblock_reserve(A(5 * MiB + 7 * PAGE_SIZE), PAGE_SIZE));
		ASSERT(!kho_radix_add(&tree, A(2 * MiB), 9));
		for (i = 0; i < 16; i++)
			ASSERT(!kho_radix_add(&tree, A(5 * MiB + i * PAGE_SIZE),
					      0));
		EXPECT_EQ(reserve(NULL, 0, coalesce), -EINVAL);
		ASSERT(regions(r, 4) == 1);
		EXPECT_EQ(r[0].base, A(5 * MiB + 7 * PAGE_SIZE));
		EXPECT_EQ(r[0].size, PAGE_SIZE);
		EXPECT_EQ(r[0].flags, 0);
		EXPECT(no_marks());
		EXPECT_EQ(kho_log_warnings(), 0);
	}
}

static void test_empty_tree(void)
{
	setup();
	EXPECT_EQ(reserve(NULL, 0, true), 0);
	expect_nothing_reserved();
}

const struct kho_test kho_reserve_tests[] = {
	KHO_TEST(test_reserve_runs),
	KHO_TEST(test_same_as_baseline),
	KHO_TEST(test_refused),
	KHO_TEST(test_table_bound),
	KHO_TEST(test_overlap),
	KHO_TEST(test_overlap_kernel),
	KHO_TEST(test_empty_tree),
	{ }
};
