// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the preserved-memory tracker of kexec handover.
 *
 * The expected values below come from the layout in
 * include/linux/kho/abi/kexec_handover.h, not from kho_radix.c: keys and
 * table indices are worked out by hand (for 4 KiB pages), and trees are
 * inspected, and for the walk tests also built, page by page.
 *
 * Tests that damage a tree on purpose restore it right after the walk,
 * before anything that may abort the test, so that kho_radix_destroy()
 * only ever sees a sound tree.
 */
#include <kunit/resource.h>
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/sort.h>

#include "kho_radix.h"

#define KHO_TEST_NODE_LEVELS	(KHO_TREE_MAX_DEPTH - 1)
#define KHO_TEST_TABLE_ENTRIES	BIT(KHO_TABLE_SIZE_LOG2)
#define KHO_TEST_LEAF_BITS	BIT(KHO_BITMAP_SIZE_LOG2)

/*
 * Largest order the tests use.  Order KHO_ORDER_0_LOG2 would shift a u64
 * by 64 bits in kho_radix_encode_key() and kho_radix_decode_key().
 */
#define KHO_TEST_MAX_ORDER	(KHO_ORDER_0_LOG2 - 1)

/* The highest page of the 64-bit physical range, with 4 KiB pages. */
#define KHO_TEST_TOP_4K		0xfffffffffffff000ULL

struct kho_test_block {
	phys_addr_t phys;
	unsigned int order;
};

/* A walk's argument: what the callbacks saw, and when they should object. */
struct kho_test_walk {
	/* check */
	unsigned long checks;
	bool limit_checks;
	unsigned long max_checks;
	const phys_addr_t *known;
	unsigned int nr_known;
	bool bad_check;
	/* visit */
	unsigned long visits;
	unsigned long stop_at;
	int stop_ret;
	struct kho_test_block *seen;
	unsigned long max_seen;
	struct kho_test_block last;
	bool out_of_order;
};

/* ------------------------------------------------------------------ */
/* Helpers                                                            */

/* The key of a block, straight from the formula of the ABI. */
static u64 kho_test_key(phys_addr_t phys, unsigned int order)
{
	return BIT_ULL(KHO_ORDER_0_LOG2 - order) |
	       ((u64)phys >> (PAGE_SHIFT + order));
}

/* Shift of the index used in a node of @level (5 = root .. 1). */
static unsigned int kho_test_shift(unsigned int level)
{
	return KHO_BITMAP_SIZE_LOG2 + (level - 1) * KHO_TABLE_SIZE_LOG2;
}

static unsigned int kho_test_index(u64 key, unsigned int level)
{
	return (key >> kho_test_shift(level)) & (KHO_TEST_TABLE_ENTRIES - 1);
}

/* Ascending key order is descending order, then ascending address. */
static int kho_test_cmp(const void *a, const void *b)
{
	const struct kho_test_block *x = a, *y = b;

	if (x->order != y->order)
		return x->order > y->order ? -1 : 1;
	if (x->phys != y->phys)
		return x->phys < y->phys ? -1 : 1;
	return 0;
}

static bool kho_test_leaf_bit(const struct kho_radix_leaf *leaf,
			      unsigned int n)
{
	/* bit n of a leaf is bit n % 64 of word n / 64 */
	return (leaf->bitmap[n / BITS_PER_LONG] >> (n % BITS_PER_LONG)) & 1;
}

KUNIT_DEFINE_ACTION_WRAPPER(kho_test_destroy_action, kho_radix_destroy,
			    struct kho_radix_tree *);

/* A tree that is destroyed when the test ends, however it ends. */
static struct kho_radix_tree *kho_test_tree(struct kunit *test)
{
	struct kho_radix_tree *tree;
	int err;

	tree = kunit_kzalloc(test, sizeof(*tree), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tree);
	KUNIT_ASSERT_EQ(test, kho_radix_init(tree), 0);
	err = kunit_add_action_or_reset(test, kho_test_destroy_action, tree);
	KUNIT_ASSERT_EQ(test, err, 0);
	return tree;
}

static void kho_test_free_page(void *page)
{
	free_page((unsigned long)page);
}

/* A zeroed page that is freed when the test ends. */
static void *kho_test_page(struct kunit *test)
{
	void *page = (void *)get_zeroed_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							kho_test_free_page,
							page), 0);
	return page;
}

static void kho_test_link(void *node, unsigned int idx, void *child)
{
	((struct kho_radix_node *)node)->table[idx] = virt_to_phys(child);
}

/* Follow entry @idx of @node by hand. */
static void *kho_test_child(struct kunit *test,
			    const struct kho_radix_node *node, unsigned int idx)
{
	u64 entry = node->table[idx];

	KUNIT_ASSERT_NE_MSG(test, entry, 0ULL, "table entry %u is empty", idx);
	KUNIT_ASSERT_TRUE_MSG(test, PAGE_ALIGNED(entry),
			      "table entry %u is %#llx", idx, entry);
	return phys_to_virt(entry);
}

/*
 * The node of @level on the path @idx from the root: @idx[0] is the index
 * in the root (level 5), @idx[4] the index in the level-1 node.
 */
static struct kho_radix_node *kho_test_node(struct kunit *test,
					    const struct kho_radix_node *root,
					    const unsigned int *idx,
					    unsigned int level)
{
	const struct kho_radix_node *node = root;
	unsigned int l;

	for (l = KHO_TEST_NODE_LEVELS; l > level; l--)
		node = kho_test_child(test, node, idx[KHO_TEST_NODE_LEVELS - l]);
	return (struct kho_radix_node *)node;
}

static struct kho_radix_leaf *kho_test_leaf(struct kunit *test,
					    const struct kho_radix_node *root,
					    const unsigned int *idx)
{
	const struct kho_radix_node *l1 = kho_test_node(test, root, idx, 1);

	return kho_test_child(test, l1, idx[KHO_TEST_NODE_LEVELS - 1]);
}

/* The path of @key, as computed from the ABI. */
static void kho_test_path(u64 key, unsigned int *idx)
{
	unsigned int level;

	for (level = KHO_TEST_NODE_LEVELS; level >= 1; level--)
		idx[KHO_TEST_NODE_LEVELS - level] = kho_test_index(key, level);
}

struct kho_test_shape {
	unsigned long nodes;
	unsigned long leaves;
	unsigned long bits;
	unsigned long entries;
};

/* Count the pages and set bits reachable from @node, by hand. */
static void kho_test_count(const struct kho_radix_node *node,
			   unsigned int level, struct kho_test_shape *s)
{
	unsigned int i;

	for (i = 0; i < KHO_TEST_TABLE_ENTRIES; i++) {
		const void *child;

		if (!node->table[i])
			continue;
		s->entries++;
		child = phys_to_virt(node->table[i]);
		if (level > 1) {
			s->nodes++;
			kho_test_count(child, level - 1, s);
		} else {
			const struct kho_radix_leaf *leaf = child;

			s->leaves++;
			s->bits += bitmap_weight(leaf->bitmap,
						 KHO_TEST_LEAF_BITS);
		}
	}
}

/*
 * The tree's counters are @nodes and @leaves, and so many pages and @bits
 * set bits are reachable from its root.
 */
static void kho_test_expect_shape(struct kunit *test,
				  const struct kho_radix_tree *tree,
				  unsigned long nodes, unsigned long leaves,
				  unsigned long bits)
{
	struct kho_test_shape s = { .nodes = 1 };

	KUNIT_EXPECT_EQ(test, tree->nodes, nodes);
	KUNIT_EXPECT_EQ(test, tree->leaves, leaves);
	KUNIT_ASSERT_NOT_NULL(test, tree->root);
	kho_test_count(tree->root, KHO_TEST_NODE_LEVELS, &s);
	KUNIT_EXPECT_EQ(test, s.nodes, nodes);
	KUNIT_EXPECT_EQ(test, s.leaves, leaves);
	KUNIT_EXPECT_EQ(test, s.entries, nodes - 1 + leaves);
	KUNIT_EXPECT_EQ(test, s.bits, bits);
}

static unsigned long kho_test_distinct(const u64 *keys, unsigned int n,
				       unsigned int shift)
{
	unsigned long count = 0;
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (keys[j] >> shift == keys[i] >> shift)
				break;
		if (j == i)
			count++;
	}
	return count;
}

/*
 * Tables are never freed, so every key ever added has its path: a node
 * of level L below the root for each distinct key prefix above the
 * indices of level L + 1, and a leaf for each distinct prefix above the
 * bit in a leaf.
 */
static void kho_test_model_shape(const u64 *keys, unsigned int n,
				 unsigned long *nodes, unsigned long *leaves)
{
	unsigned int level;

	*nodes = 1;
	for (level = 2; level <= KHO_TEST_NODE_LEVELS; level++)
		*nodes += kho_test_distinct(keys, n, kho_test_shift(level));
	*leaves = kho_test_distinct(keys, n, kho_test_shift(1));
}

static void kho_test_expect_blocks(struct kunit *test,
				   const struct kho_radix_tree *tree,
				   const struct kho_test_block *blocks,
				   unsigned int n)
{
	unsigned long expect[KHO_ORDER_0_LOG2 + 1] = { };
	unsigned int i;

	for (i = 0; i < n; i++)
		expect[blocks[i].order]++;
	for (i = 0; i <= KHO_ORDER_0_LOG2; i++)
		KUNIT_EXPECT_EQ_MSG(test, tree->blocks[i], expect[i],
				    "order %u", i);
}

static void kho_test_add_all(struct kunit *test, struct kho_radix_tree *tree,
			     const struct kho_test_block *blocks,
			     unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ_MSG(test,
				    kho_radix_add(tree, blocks[i].phys,
						  blocks[i].order),
				    0, "add %#llx order %u",
				    (u64)blocks[i].phys, blocks[i].order);
}

/* Known pages only: real, allocated memory, or one of w->known. */
static bool kho_test_check(phys_addr_t phys, void *arg)
{
	struct kho_test_walk *w = arg;
	unsigned long pfn = PHYS_PFN(phys);
	unsigned int i;

	w->checks++;
	if (!PAGE_ALIGNED(phys)) {
		w->bad_check = true;
		return false;
	}
	if (w->known) {
		for (i = 0; i < w->nr_known; i++)
			if (w->known[i] == phys)
				break;
		if (i == w->nr_known) {
			w->bad_check = true;
			return false;
		}
	} else if (!pfn_valid(pfn) || !virt_addr_valid(phys_to_virt(phys)) ||
		   !page_count(pfn_to_page(pfn))) {
		w->bad_check = true;
		return false;
	}
	return !w->limit_checks || w->checks <= w->max_checks;
}

static int kho_test_visit(phys_addr_t phys, unsigned int order,
			  unsigned long nr, void *arg)
{
	struct kho_test_walk *w = arg;
	unsigned long i;

	if (!nr)
		w->out_of_order = true;
	for (i = 0; i < nr; i++) {
		struct kho_test_block b = {
			.phys = phys + i * (PAGE_SIZE << order),
			.order = order,
		};

		if (w->visits && kho_test_cmp(&w->last, &b) >= 0)
			w->out_of_order = true;
		w->last = b;
		if (w->visits < w->max_seen)
			w->seen[w->visits] = b;
		w->visits++;
		if (w->stop_at && w->visits == w->stop_at)
			return w->stop_ret;
	}
	return 0;
}

/* @blocks sorted in place, then compared with what a walk of @root sees. */
static void kho_test_expect_walk(struct kunit *test,
				 const struct kho_radix_node *root,
				 struct kho_test_block *blocks, unsigned int n,
				 unsigned long tables,
				 const phys_addr_t *known, unsigned int nr_known)
{
	struct kho_test_walk w = {
		.known = known,
		.nr_known = nr_known,
		.max_seen = n + 1,
	};
	unsigned int i;

	w.seen = kunit_kcalloc(test, n + 1, sizeof(*w.seen), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w.seen);
	sort(blocks, n, sizeof(*blocks), kho_test_cmp, NULL);

	KUNIT_EXPECT_EQ(test, kho_radix_walk(root, kho_test_check,
					     kho_test_visit, &w), 0);
	KUNIT_EXPECT_EQ(test, w.checks, tables);
	KUNIT_EXPECT_FALSE(test, w.bad_check);
	KUNIT_EXPECT_FALSE(test, w.out_of_order);
	KUNIT_ASSERT_EQ(test, w.visits, (unsigned long)n);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, w.seen[i].phys, blocks[i].phys,
				    "block %u", i);
		KUNIT_EXPECT_EQ_MSG(test, w.seen[i].order, blocks[i].order,
				    "block %u", i);
	}
}

/* A walk of an outgoing tree checks every table but the root, once. */
static unsigned long kho_test_tables(const struct kho_radix_tree *tree)
{
	return tree->nodes - 1 + tree->leaves;
}

static struct kho_test_block *kho_test_dup(struct kunit *test,
					   const struct kho_test_block *blocks,
					   unsigned int n)
{
	struct kho_test_block *copy;

	copy = kunit_kmalloc_array(test, n, sizeof(*copy), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	memcpy(copy, blocks, n * sizeof(*copy));
	return copy;
}

static void kho_test_need_4k(struct kunit *test)
{
	if (PAGE_SHIFT != 12)
		kunit_skip(test, "hand-computed values assume 4 KiB pages");
}

/*
 * A mix of orders, with blocks at both ends of the physical range, given
 * out of key order.
 */
static const struct kho_test_block kho_test_mix[] = {
	{ KHO_TEST_TOP_4K,		0 },
	{ SZ_2M,			9 },
	{ 0,				0 },
	{ BIT_ULL(46),			0 },
	{ SZ_4K,			0 },
	{ SZ_4M,			10 },
	{ 0xffffffffffc00000ULL,	10 },
	{ SZ_1G,			18 },
	{ 0,				18 },
	{ BIT_ULL(46),			10 },
	{ BIT_ULL(63),			51 },
	{ 0,				51 },
	{ 0,				40 },
	{ BIT_ULL(46),			34 },
};

/* ------------------------------------------------------------------ */
/* Keys                                                               */

static void kho_radix_kunit_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct kho_radix_node), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sizeof(struct kho_radix_leaf), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, BIT(KHO_TABLE_SIZE_LOG2) * sizeof(u64),
			PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, BIT(KHO_BITMAP_SIZE_LOG2), PAGE_SIZE * 8);
	/* the root's indices hold the order-0 bit, the level below not */
	KUNIT_EXPECT_GE(test, kho_test_shift(KHO_TEST_NODE_LEVELS) +
			KHO_TABLE_SIZE_LOG2, KHO_ORDER_0_LOG2 + 1);
	KUNIT_EXPECT_LE(test, kho_test_shift(KHO_TEST_NODE_LEVELS),
			KHO_ORDER_0_LOG2);

	kho_test_need_4k(test);
	KUNIT_EXPECT_EQ(test, KHO_ORDER_0_LOG2, 52);
	KUNIT_EXPECT_EQ(test, KHO_TABLE_SIZE_LOG2, 9);
	KUNIT_EXPECT_EQ(test, KHO_BITMAP_SIZE_LOG2, 15);
	KUNIT_EXPECT_EQ(test, KHO_TREE_MAX_DEPTH, 6);
	/* L5 is bits 59:51 ... L1 bits 23:15 */
	KUNIT_EXPECT_EQ(test, kho_test_shift(5), 51U);
	KUNIT_EXPECT_EQ(test, kho_test_shift(4), 42U);
	KUNIT_EXPECT_EQ(test, kho_test_shift(3), 33U);
	KUNIT_EXPECT_EQ(test, kho_test_shift(2), 24U);
	KUNIT_EXPECT_EQ(test, kho_test_shift(1), 15U);
}

static void kho_test_expect_decode(struct kunit *test, u64 key,
				   phys_addr_t phys, unsigned int order)
{
	unsigned int got = 12345;

	KUNIT_EXPECT_EQ_MSG(test, kho_radix_decode_key(key, &got), phys,
			    "key %#llx", key);
	KUNIT_EXPECT_EQ_MSG(test, got, order, "key %#llx", key);
}

static void kho_radix_kunit_key_values(struct kunit *test)
{
	static const u64 bad[] = {
		0, BIT_ULL(53), BIT_ULL(53) | BIT_ULL(52), BIT_ULL(53) | 1,
		BIT_ULL(59), BIT_ULL(63), U64_MAX,
	};
	unsigned int i, order;

	kho_test_need_4k(test);

	KUNIT_EXPECT_EQ(test, kho_radix_encode_key(0, 0), BIT_ULL(52));
	KUNIT_EXPECT_EQ(test, kho_radix_encode_key(SZ_4K, 0),
			BIT_ULL(52) | 1);
	KUNIT_EXPECT_EQ(test, kho_radix_encode_key(SZ_2M, 9),
			BIT_ULL(43) | 1);
	KUNIT_EXPECT_EQ(test, kho_radix_encode_key(SZ_4M, 10),
			BIT_ULL(42) | 1);
	KUNIT_EXPECT_EQ(test, kho_radix_encode_key(SZ_1G, 18),
			BIT_ULL(34) | 1);
	KUNIT_EXPECT_EQ(test, kho_radix_encode_key(BIT_ULL(46), 0),
			BIT_ULL(52) | BIT_ULL(34));
	KUNIT_EXPECT_EQ(test, kho_radix_encode_key(KHO_TEST_TOP_4K, 0),
			GENMASK_ULL(52, 0));
	KUNIT_EXPECT_EQ(test, kho_radix_encode_key(0xffffffffffc00000ULL, 10),
			GENMASK_ULL(42, 0));
	KUNIT_EXPECT_EQ(test, kho_radix_encode_key(0, 51), 2ULL);
	KUNIT_EXPECT_EQ(test, kho_radix_encode_key(BIT_ULL(63), 51), 3ULL);
	KUNIT_EXPECT_EQ(test, kho_radix_encode_key(0, 53), 0ULL);
	KUNIT_EXPECT_EQ(test, kho_radix_encode_key(0, UINT_MAX), 0ULL);

	kho_test_expect_decode(test, BIT_ULL(52), 0, 0);
	kho_test_expect_decode(test, BIT_ULL(52) | 1, SZ_4K, 0);
	kho_test_expect_decode(test, BIT_ULL(43) | 1, SZ_2M, 9);
	kho_test_expect_decode(test, BIT_ULL(34) | 1, SZ_1G, 18);
	kho_test_expect_decode(test, BIT_ULL(52) | BIT_ULL(34), BIT_ULL(46),
			       0);
	kho_test_expect_decode(test, GENMASK_ULL(52, 0), KHO_TEST_TOP_4K, 0);
	kho_test_expect_decode(test, GENMASK_ULL(42, 0),
			       0xffffffffffc00000ULL, 10);
	kho_test_expect_decode(test, 3, BIT_ULL(63), 51);
	kho_test_expect_decode(test, 5, BIT_ULL(62), 50);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		order = 0;
		kho_radix_decode_key(bad[i], &order);
		KUNIT_EXPECT_EQ_MSG(test, order, UINT_MAX, "key %#llx", bad[i]);
	}
}

static void kho_radix_kunit_key_round_trip(struct kunit *test)
{
	unsigned int order, i;

	for (order = 0; order <= KHO_TEST_MAX_ORDER; order++) {
		u64 mask = GENMASK_ULL(63, PAGE_SHIFT + order);
		u64 size = BIT_ULL(PAGE_SHIFT + order);
		const phys_addr_t phys[] = {
			0,
			0x5555555555555555ULL & mask,
			BIT_ULL(46) & mask,
			0xa5a5a5a5a5a5a5a5ULL & mask,
			mask,	/* the highest block of the range */
		};

		KUNIT_EXPECT_EQ_MSG(test, kho_radix_encode_key(0, order),
				    BIT_ULL(KHO_ORDER_0_LOG2 - order),
				    "order %u", order);
		KUNIT_EXPECT_EQ_MSG(test, kho_radix_encode_key(mask, order),
				    GENMASK_ULL(KHO_ORDER_0_LOG2 - order, 0),
				    "order %u", order);

		for (i = 0; i < ARRAY_SIZE(phys); i++) {
			u64 key = kho_radix_encode_key(phys[i], order);
			unsigned int got = UINT_MAX;
			phys_addr_t back;

			KUNIT_EXPECT_EQ_MSG(test, key,
					    kho_test_key(phys[i], order),
					    "%#llx order %u", (u64)phys[i],
					    order);
			/* exactly one order bit, at 52 - order */
			KUNIT_EXPECT_EQ_MSG(test, (unsigned int)fls64(key) - 1,
					    KHO_ORDER_0_LOG2 - order,
					    "%#llx order %u", (u64)phys[i],
					    order);
			back = kho_radix_decode_key(key, &got);
			KUNIT_EXPECT_EQ_MSG(test, back, phys[i], "order %u",
					    order);
			KUNIT_EXPECT_EQ_MSG(test, got, order, "%#llx",
					    (u64)phys[i]);
			/* the next block has the next key */
			if (phys[i] != mask)
				KUNIT_EXPECT_EQ_MSG(test,
						    kho_radix_encode_key(phys[i] + size,
									 order),
						    key + 1, "%#llx order %u",
						    (u64)phys[i], order);
		}
	}
}

static void kho_radix_kunit_key_orders_disjoint(struct kunit *test)
{
	static const phys_addr_t phys[] = {
		0, SZ_2M, SZ_1G, BIT_ULL(46), BIT_ULL(63),
	};
	const unsigned int max = ARRAY_SIZE(phys) * (KHO_TEST_MAX_ORDER + 1);
	struct kho_test_block *b;
	unsigned int n = 0, i, j, order;
	u64 *keys;

	b = kunit_kcalloc(test, max, sizeof(*b), GFP_KERNEL);
	keys = kunit_kcalloc(test, max, sizeof(*keys), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, keys);

	for (i = 0; i < ARRAY_SIZE(phys); i++) {
		for (order = 0; order <= KHO_TEST_MAX_ORDER; order++) {
			if (phys[i] & (BIT_ULL(PAGE_SHIFT + order) - 1))
				break;
			b[n].phys = phys[i];
			b[n].order = order;
			keys[n] = kho_radix_encode_key(phys[i], order);
			/* keys of one order lie in [2^(52-o), 2^(53-o)) */
			KUNIT_EXPECT_GE(test, keys[n],
					BIT_ULL(KHO_ORDER_0_LOG2 - order));
			KUNIT_EXPECT_LT(test, keys[n],
					BIT_ULL(KHO_ORDER_0_LOG2 + 1 - order));
			n++;
		}
	}
	/* 0 and 2^63 reach order 51, 2 MiB order 9, 1 GiB 18, 2^46 34 */
	KUNIT_EXPECT_EQ(test, n, 52U + 10 + 19 + 35 + 52);

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE_MSG(test, keys[i], keys[j],
					    "%#llx/%u and %#llx/%u",
					    (u64)b[i].phys, b[i].order,
					    (u64)b[j].phys, b[j].order);
}

/* ------------------------------------------------------------------ */
/* Tree layout                                                        */

struct kho_test_step {
	phys_addr_t phys;
	unsigned int order;
	unsigned int idx[KHO_TEST_NODE_LEVELS];
	unsigned int bit;
	unsigned long nodes;
	unsigned long leaves;
};

static void kho_radix_kunit_index_split(struct kunit *test)
{
	/*
	 * Worked out by hand from the bit layout; the first address has a
	 * different index at every level (3, 5, 7, 11, 13, bit 1000).
	 */
	static const struct kho_test_step steps[] = {
		{ 0x8140e0b0683e8000ULL, 0, { 3, 5, 7, 11, 13 }, 1000, 5, 1 },
		{ SZ_2M, 9, { 0, 2, 0, 0, 0 }, 1, 9, 2 },
		{ 0, 0, { 2, 0, 0, 0, 0 }, 0, 13, 3 },
		{ SZ_4K, 0, { 2, 0, 0, 0, 0 }, 1, 13, 3 },
		{ SZ_128M, 0, { 2, 0, 0, 0, 1 }, 0, 13, 4 },
		{ SZ_64G, 0, { 2, 0, 0, 1, 0 }, 0, 14, 5 },
		{ BIT_ULL(45), 0, { 2, 0, 1, 0, 0 }, 0, 16, 6 },
		{ BIT_ULL(54), 0, { 2, 1, 0, 0, 0 }, 0, 19, 7 },
		{ BIT_ULL(63), 0, { 3, 0, 0, 0, 0 }, 0, 22, 8 },
		{ KHO_TEST_TOP_4K, 0, { 3, 511, 511, 511, 511 }, 32767, 25, 9 },
	};
	struct kho_radix_tree *tree;
	struct kho_radix_leaf *leaf;
	unsigned int i, n, level;

	kho_test_need_4k(test);
	tree = kho_test_tree(test);

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		const struct kho_test_step *s = &steps[i];
		u64 key = kho_radix_encode_key(s->phys, s->order);

		for (level = KHO_TEST_NODE_LEVELS; level >= 1; level--)
			KUNIT_EXPECT_EQ_MSG(test, kho_test_index(key, level),
					    s->idx[KHO_TEST_NODE_LEVELS - level],
					    "step %u level %u", i, level);
		KUNIT_EXPECT_EQ_MSG(test, key & (KHO_TEST_LEAF_BITS - 1),
				    (u64)s->bit, "step %u", i);

		KUNIT_ASSERT_EQ(test, kho_radix_add(tree, s->phys, s->order),
				0);
		leaf = kho_test_leaf(test, tree->root, s->idx);
		KUNIT_EXPECT_TRUE_MSG(test, kho_test_leaf_bit(leaf, s->bit),
				      "step %u", i);
		kho_test_expect_shape(test, tree, s->nodes, s->leaves, i + 1);
	}

	/* bit n of a leaf is bit n % 64 of word n / 64 */
	leaf = kho_test_leaf(test, tree->root, steps[0].idx);
	KUNIT_EXPECT_EQ(test, leaf->bitmap[15], BIT(40));
	KUNIT_EXPECT_EQ(test, bitmap_weight(leaf->bitmap, KHO_TEST_LEAF_BITS),
			1U);
	leaf = kho_test_leaf(test, tree->root, steps[2].idx);
	KUNIT_EXPECT_EQ(test, leaf->bitmap[0], 3UL);
	KUNIT_EXPECT_EQ(test, bitmap_weight(leaf->bitmap, KHO_TEST_LEAF_BITS),
			2U);
	leaf = kho_test_leaf(test, tree->root, steps[9].idx);
	KUNIT_EXPECT_EQ(test, leaf->bitmap[511], BIT(63));

	/* the root holds L5 indices 0, 2 and 3 only */
	for (i = 0, n = 0; i < KHO_TEST_TABLE_ENTRIES; i++)
		n += !!tree->root->table[i];
	KUNIT_EXPECT_EQ(test, n, 3U);
	KUNIT_EXPECT_NE(test, tree->root->table[0], 0ULL);
	KUNIT_EXPECT_EQ(test, tree->root->table[1], 0ULL);
	KUNIT_EXPECT_NE(test, tree->root->table[2], 0ULL);
	KUNIT_EXPECT_NE(test, tree->root->table[3], 0ULL);
}

/* ------------------------------------------------------------------ */
/* add, test, del                                                     */

static void kho_radix_kunit_add_test_del(struct kunit *test)
{
	static const struct kho_test_block set[] = {
		{ 0, 0 }, { KHO_TEST_TOP_4K, 0 }, { BIT_ULL(46), 0 },
		{ SZ_2M, 9 }, { SZ_4M, 10 }, { SZ_1G, 18 },
	};
	/* aligned blocks next to, inside or around the ones of set[] */
	static const struct kho_test_block absent[] = {
		{ SZ_4K, 0 }, { KHO_TEST_TOP_4K - SZ_4K, 0 },
		{ BIT_ULL(46) + SZ_4K, 0 }, { BIT_ULL(46) - SZ_4K, 0 },
		{ SZ_2M, 0 }, { SZ_4M, 0 }, { SZ_1G, 0 }, { BIT_ULL(46), 1 },
		{ 0, 1 }, { 0, 9 }, { 0, 10 }, { 0, 18 }, { 0, 51 },
		{ SZ_4M, 9 }, { 3 * SZ_2M, 9 }, { SZ_1G, 9 },
		{ SZ_8M, 10 }, { SZ_1G, 10 }, { 2ULL * SZ_1G, 18 },
		{ 0, KHO_ORDER_0_LOG2 + 1 },
	};
	struct kho_radix_tree *tree;
	unsigned int i;

	kho_test_need_4k(test);
	tree = kho_test_tree(test);

	kho_test_expect_shape(test, tree, 1, 0, 0);
	kho_test_expect_blocks(test, tree, NULL, 0);

	kho_test_add_all(test, tree, set, ARRAY_SIZE(set));
	for (i = 0; i < ARRAY_SIZE(set); i++)
		KUNIT_EXPECT_TRUE_MSG(test, kho_radix_test(tree, set[i].phys,
							   set[i].order),
				      "set[%u]", i);
	for (i = 0; i < ARRAY_SIZE(absent); i++)
		KUNIT_EXPECT_FALSE_MSG(test, kho_radix_test(tree,
							    absent[i].phys,
							    absent[i].order),
				       "absent[%u]", i);
	kho_test_expect_blocks(test, tree, set, ARRAY_SIZE(set));
	/* hand count: 3 L5 indices, 5 L4 and 6 L3/L2/L1 prefixes */
	kho_test_expect_shape(test, tree, 21, 6, 6);

	/* adding twice fails and changes nothing */
	for (i = 0; i < ARRAY_SIZE(set); i++)
		KUNIT_EXPECT_EQ_MSG(test, kho_radix_add(tree, set[i].phys,
							set[i].order),
				    -EEXIST, "set[%u]", i);
	kho_test_expect_blocks(test, tree, set, ARRAY_SIZE(set));
	kho_test_expect_shape(test, tree, 21, 6, 6);

	/* del forgets exactly one block and frees no table */
	kho_radix_del(tree, SZ_2M, 9);
	KUNIT_EXPECT_FALSE(test, kho_radix_test(tree, SZ_2M, 9));
	KUNIT_EXPECT_EQ(test, tree->blocks[0], 3UL);
	KUNIT_EXPECT_EQ(test, tree->blocks[9], 0UL);
	KUNIT_EXPECT_EQ(test, tree->blocks[10], 1UL);
	KUNIT_EXPECT_EQ(test, tree->blocks[18], 1UL);
	kho_test_expect_shape(test, tree, 21, 6, 5);
	for (i = 0; i < ARRAY_SIZE(set); i++)
		if (i != 3)
			KUNIT_EXPECT_TRUE_MSG(test,
					      kho_radix_test(tree, set[i].phys,
							     set[i].order),
					      "set[%u]", i);

	/* deleting what is not there changes nothing, allocates nothing */
	kho_radix_del(tree, SZ_2M, 9);
	kho_radix_del(tree, SZ_4M, 9);
	kho_radix_del(tree, 0, 1);
	kho_radix_del(tree, BIT_ULL(40), 0);
	kho_radix_del(tree, 0, KHO_ORDER_0_LOG2 + 1);
	kho_radix_del(tree, 0, UINT_MAX);
	kho_test_expect_shape(test, tree, 21, 6, 5);
	KUNIT_EXPECT_EQ(test, tree->blocks[0], 3UL);
	KUNIT_EXPECT_EQ(test, tree->blocks[1], 0UL);
	KUNIT_EXPECT_EQ(test, tree->blocks[10], 1UL);
	KUNIT_EXPECT_TRUE(test, kho_radix_test(tree, SZ_4M, 10));
	KUNIT_EXPECT_TRUE(test, kho_radix_test(tree, 0, 0));

	/* a neighbour in the same subtree stays */
	kho_radix_del(tree, 0, 0);
	KUNIT_EXPECT_FALSE(test, kho_radix_test(tree, 0, 0));
	KUNIT_EXPECT_TRUE(test, kho_radix_test(tree, BIT_ULL(46), 0));
	KUNIT_EXPECT_EQ(test, tree->blocks[0], 2UL);

	/* adding again reuses the tables */
	KUNIT_EXPECT_EQ(test, kho_radix_add(tree, SZ_2M, 9), 0);
	KUNIT_EXPECT_EQ(test, kho_radix_add(tree, 0, 0), 0);
	KUNIT_EXPECT_TRUE(test, kho_radix_test(tree, SZ_2M, 9));
	kho_test_expect_blocks(test, tree, set, ARRAY_SIZE(set));
	kho_test_expect_shape(test, tree, 21, 6, 6);

	for (i = 0; i < ARRAY_SIZE(set); i++)
		kho_radix_del(tree, set[i].phys, set[i].order);
	for (i = 0; i < ARRAY_SIZE(set); i++)
		KUNIT_EXPECT_FALSE_MSG(test, kho_radix_test(tree, set[i].phys,
							    set[i].order),
				       "set[%u]", i);
	kho_test_expect_blocks(test, tree, NULL, 0);
	kho_test_expect_shape(test, tree, 21, 6, 0);
}

static void kho_radix_kunit_add_invalid(struct kunit *test)
{
	static const struct kho_test_block bad[] = {
		{ 0x800, 0 },
		{ SZ_4K + 8, 0 },
		{ SZ_4K, 1 },
		{ SZ_2M + SZ_4K, 9 },
		{ SZ_2M, 10 },
		{ SZ_1G + SZ_2M, 18 },
		{ BIT_ULL(46) + SZ_4M, 34 },
		{ KHO_TEST_TOP_4K, 1 },
		{ BIT_ULL(62), 51 },
		{ 0, KHO_ORDER_0_LOG2 + 1 },
		{ 0, 64 },
		{ 0, UINT_MAX },
	};
	struct kho_radix_tree *tree;
	unsigned int i;

	kho_test_need_4k(test);
	tree = kho_test_tree(test);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, kho_radix_add(tree, bad[i].phys,
							bad[i].order),
				    -EINVAL, "bad[%u]", i);
	}
	/* nothing recorded, no table allocated */
	kho_test_expect_blocks(test, tree, NULL, 0);
	kho_test_expect_shape(test, tree, 1, 0, 0);

	/* the tree still works */
	KUNIT_EXPECT_EQ(test, kho_radix_add(tree, 0, 1), 0);
	KUNIT_EXPECT_TRUE(test, kho_radix_test(tree, 0, 1));
	KUNIT_EXPECT_FALSE(test, kho_radix_test(tree, 0, KHO_ORDER_0_LOG2 + 1));
	KUNIT_EXPECT_EQ(test, tree->blocks[1], 1UL);
	kho_test_expect_shape(test, tree, 5, 1, 1);
}

/* ------------------------------------------------------------------ */
/* Walks of outgoing trees                                            */

static void kho_radix_kunit_walk_empty(struct kunit *test)
{
	struct kho_radix_tree *tree = kho_test_tree(test);

	kho_test_expect_walk(test, tree->root, NULL, 0, 0, NULL, 0);
}

static struct kho_radix_tree *kho_test_mix_tree(struct kunit *test)
{
	struct kho_radix_tree *tree;

	kho_test_need_4k(test);
	tree = kho_test_tree(test);
	kho_test_add_all(test, tree, kho_test_mix, ARRAY_SIZE(kho_test_mix));
	return tree;
}

static void kho_radix_kunit_walk_order(struct kunit *test)
{
	struct kho_radix_tree *tree = kho_test_mix_tree(test);
	struct kho_test_block *b;

	b = kho_test_dup(test, kho_test_mix, ARRAY_SIZE(kho_test_mix));
	kho_test_expect_walk(test, tree->root, b, ARRAY_SIZE(kho_test_mix),
			     kho_test_tables(tree), NULL, 0);
	/* keys 2 and 3 first, the highest address of order 0 last */
	KUNIT_EXPECT_EQ(test, b[0].phys, 0ULL);
	KUNIT_EXPECT_EQ(test, b[0].order, 51U);
	KUNIT_EXPECT_EQ(test, b[1].phys, BIT_ULL(63));
	KUNIT_EXPECT_EQ(test, b[1].order, 51U);
	KUNIT_EXPECT_EQ(test, b[ARRAY_SIZE(kho_test_mix) - 1].phys,
			KHO_TEST_TOP_4K);
}

static void kho_radix_kunit_walk_stop(struct kunit *test)
{
	const unsigned int n = ARRAY_SIZE(kho_test_mix);
	static const struct {
		unsigned long stop_at;
		int ret;
	} stops[] = {
		{ 1, -ENOSPC }, { 3, 42 }, { ARRAY_SIZE(kho_test_mix), 1 },
	};
	struct kho_radix_tree *tree = kho_test_mix_tree(test);
	struct kho_test_block *b;
	unsigned int i, j;

	b = kho_test_dup(test, kho_test_mix, n);
	sort(b, n, sizeof(*b), kho_test_cmp, NULL);

	for (i = 0; i < ARRAY_SIZE(stops); i++) {
		struct kho_test_walk w = {
			.stop_at = stops[i].stop_at,
			.stop_ret = stops[i].ret,
			.max_seen = n,
		};

		w.seen = kunit_kcalloc(test, n, sizeof(*w.seen), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, w.seen);
		KUNIT_EXPECT_EQ(test, kho_radix_walk(tree->root, kho_test_check,
						     kho_test_visit, &w),
				stops[i].ret);
		KUNIT_EXPECT_EQ(test, w.visits, stops[i].stop_at);
		KUNIT_EXPECT_FALSE(test, w.out_of_order);
		KUNIT_EXPECT_FALSE(test, w.bad_check);
		for (j = 0; j < min_t(unsigned long, w.visits, n); j++) {
			KUNIT_EXPECT_EQ(test, w.seen[j].phys, b[j].phys);
			KUNIT_EXPECT_EQ(test, w.seen[j].order, b[j].order);
		}
	}
}

static void kho_radix_kunit_walk_check_refuses(struct kunit *test)
{
	const unsigned int n = ARRAY_SIZE(kho_test_mix);
	struct kho_radix_tree *tree = kho_test_mix_tree(test);
	unsigned long tables = kho_test_tables(tree);
	unsigned long first_leaf = 0, last_leaf = 0;
	u64 first = U64_MAX, last = 0, key;
	struct kho_test_walk w = { };
	unsigned int i;

	for (i = 0; i < n; i++) {
		key = kho_test_key(kho_test_mix[i].phys, kho_test_mix[i].order);
		first = min(first, key);
		last = max(last, key);
	}
	for (i = 0; i < n; i++) {
		key = kho_test_key(kho_test_mix[i].phys, kho_test_mix[i].order);
		if (key >> KHO_BITMAP_SIZE_LOG2 == first >> KHO_BITMAP_SIZE_LOG2)
			first_leaf++;
		if (key >> KHO_BITMAP_SIZE_LOG2 == last >> KHO_BITMAP_SIZE_LOG2)
			last_leaf++;
	}

	/* refuse the first table: nothing visited */
	w.limit_checks = true;
	w.max_checks = 0;
	KUNIT_EXPECT_EQ(test, kho_radix_walk(tree->root, kho_test_check,
					     kho_test_visit, &w), -EINVAL);
	KUNIT_EXPECT_EQ(test, w.checks, 1UL);
	KUNIT_EXPECT_EQ(test, w.visits, 0UL);

	/* accept the path to the first leaf, refuse the next table */
	memset(&w, 0, sizeof(w));
	w.limit_checks = true;
	w.max_checks = KHO_TEST_NODE_LEVELS;
	KUNIT_EXPECT_EQ(test, kho_radix_walk(tree->root, kho_test_check,
					     kho_test_visit, &w), -EINVAL);
	KUNIT_EXPECT_EQ(test, w.checks, KHO_TEST_NODE_LEVELS + 1UL);
	KUNIT_EXPECT_EQ(test, w.visits, first_leaf);

	/* refuse only the last table, which is the last leaf */
	memset(&w, 0, sizeof(w));
	w.limit_checks = true;
	w.max_checks = tables - 1;
	KUNIT_EXPECT_EQ(test, kho_radix_walk(tree->root, kho_test_check,
					     kho_test_visit, &w), -EINVAL);
	KUNIT_EXPECT_EQ(test, w.checks, tables);
	KUNIT_EXPECT_EQ(test, w.visits, n - last_leaf);

	/* accept them all */
	memset(&w, 0, sizeof(w));
	w.limit_checks = true;
	w.max_checks = tables;
	KUNIT_EXPECT_EQ(test, kho_radix_walk(tree->root, kho_test_check,
					     kho_test_visit, &w), 0);
	KUNIT_EXPECT_EQ(test, w.checks, tables);
	KUNIT_EXPECT_EQ(test, w.visits, (unsigned long)n);
	KUNIT_EXPECT_FALSE(test, w.bad_check);
}

static void kho_radix_kunit_walk_misaligned_table(struct kunit *test)
{
	const unsigned int n = ARRAY_SIZE(kho_test_mix);
	struct kho_radix_tree *tree = kho_test_mix_tree(test);
	unsigned int idx[KHO_TEST_NODE_LEVELS];
	struct kho_radix_node *node;
	struct kho_test_walk w = { };
	struct kho_test_block *b;
	u64 save;
	int ret;

	/* the root's entry on the path of block 0 at order 0 */
	kho_test_path(kho_test_key(0, 0), idx);
	node = tree->root;
	save = node->table[idx[0]];
	KUNIT_ASSERT_NE(test, save, 0ULL);
	node->table[idx[0]] = save + 8;
	ret = kho_radix_walk(tree->root, kho_test_check, kho_test_visit, &w);
	node->table[idx[0]] = save;
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	/* the bad pointer was refused before check saw it */
	KUNIT_EXPECT_FALSE(test, w.bad_check);

	/* the leaf pointer of the highest block, which is alone in its leaf */
	kho_test_path(kho_test_key(KHO_TEST_TOP_4K, 0), idx);
	node = kho_test_node(test, tree->root, idx, 1);
	save = node->table[idx[KHO_TEST_NODE_LEVELS - 1]];
	KUNIT_ASSERT_NE(test, save, 0ULL);
	memset(&w, 0, sizeof(w));
	node->table[idx[KHO_TEST_NODE_LEVELS - 1]] = save | (PAGE_SIZE / 2);
	ret = kho_radix_walk(tree->root, kho_test_check, kho_test_visit, &w);
	node->table[idx[KHO_TEST_NODE_LEVELS - 1]] = save;
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	KUNIT_EXPECT_FALSE(test, w.bad_check);
	KUNIT_EXPECT_EQ(test, w.visits, n - 1UL);

	/* restored, the tree walks again */
	b = kho_test_dup(test, kho_test_mix, n);
	kho_test_expect_walk(test, tree->root, b, n, kho_test_tables(tree),
			     NULL, 0);
}

static void kho_radix_kunit_walk_key_above_order0(struct kunit *test)
{
	static const unsigned int bad_idx[] = { 4, 5, 256, 511 };
	const unsigned int n = ARRAY_SIZE(kho_test_mix);
	struct kho_radix_tree *tree = kho_test_mix_tree(test);
	void *page = kho_test_page(test);
	unsigned int i;
	int ret;

	/* root indices 4 and up stand for keys with bits above bit 52 */
	for (i = 0; i < ARRAY_SIZE(bad_idx); i++) {
		struct kho_test_walk w = { };

		KUNIT_ASSERT_EQ(test, tree->root->table[bad_idx[i]], 0ULL);
		kho_test_link(tree->root, bad_idx[i], page);
		ret = kho_radix_walk(tree->root, kho_test_check,
				     kho_test_visit, &w);
		tree->root->table[bad_idx[i]] = 0;
		KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "index %u", bad_idx[i]);
		/* everything before it was walked, the page never checked */
		KUNIT_EXPECT_EQ(test, w.visits, (unsigned long)n);
		KUNIT_EXPECT_EQ(test, w.checks, kho_test_tables(tree));
		KUNIT_EXPECT_FALSE(test, w.bad_check);
	}
	kho_test_expect_walk(test, tree->root,
			     kho_test_dup(test, kho_test_mix, n), n,
			     kho_test_tables(tree), NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Walks of trees built by hand                                       */

/*
 * A table linked to itself at every index is a walk without end but for
 * its check: a check that starts refusing ends it with -EINVAL.
 */
static void kho_radix_kunit_walk_bounded(struct kunit *test)
{
	struct kho_radix_node *root = kho_test_page(test);
	struct kho_radix_node *self = kho_test_page(test);
	struct kho_test_walk w = { .limit_checks = true, .max_checks = 1000 };
	unsigned int i;

	for (i = 0; i < KHO_TEST_TABLE_ENTRIES; i++)
		kho_test_link(self, i, self);
	kho_test_link(root, 2, self);
	KUNIT_EXPECT_EQ(test, kho_radix_walk(root, kho_test_check,
					     kho_test_visit, &w), -EINVAL);
	KUNIT_EXPECT_LE(test, w.checks, w.max_checks + 1);
	KUNIT_EXPECT_FALSE(test, w.bad_check);
}

#define KHO_TEST_HAND_PAGES	16

struct kho_test_hand {
	struct kunit *test;
	phys_addr_t known[KHO_TEST_HAND_PAGES];
	unsigned int nr;
};

static void *kho_test_hand_page(struct kho_test_hand *h)
{
	void *page = kho_test_page(h->test);

	KUNIT_ASSERT_LT(h->test, h->nr, KHO_TEST_HAND_PAGES);
	h->known[h->nr++] = virt_to_phys(page);
	return page;
}

/* Link a fresh chain of nodes and a leaf below @node, along @idx. */
static struct kho_radix_leaf *kho_test_hand_chain(struct kho_test_hand *h,
						  void *node,
						  const unsigned int *idx,
						  unsigned int from)
{
	unsigned int i;

	for (i = from; i < KHO_TEST_NODE_LEVELS; i++) {
		void *child = kho_test_hand_page(h);

		kho_test_link(node, idx[i], child);
		node = child;
	}
	return node;
}

static void kho_radix_kunit_walk_hand_built(struct kunit *test)
{
	static const unsigned int a[] = { 0, 2, 0, 0, 0 };
	static const unsigned int b[] = { 2, 0, 0, 0, 1 };
	static const unsigned int c[] = { 0, 0, 0, 0, 0 };
	struct kho_test_block expect[] = {
		{ BIT_ULL(62), 50 },
		{ 0, 9 }, { SZ_2M, 9 },
		{ SZ_128M + 5 * SZ_4K, 0 }, { SZ_256M - SZ_4K, 0 },
	};
	struct kho_radix_leaf *la, *lb, *lc;
	struct kho_test_hand *h;
	struct kho_test_walk w = { };
	struct kho_radix_node *root;
	int ret;

	kho_test_need_4k(test);
	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	h->test = test;
	root = kho_test_hand_page(h);

	/* keys 2^43 and 2^43 + 1: order 9 at 0 and at 2 MiB */
	la = kho_test_hand_chain(h, root, a, 0);
	la->bitmap[0] = BIT(0) | BIT(1);
	/* keys 2^52 + 2^15 + 5 and 2^52 + 2^15 + 32767: order 0 */
	lb = kho_test_hand_chain(h, root, b, 0);
	lb->bitmap[0] = BIT(5);
	lb->bitmap[511] = BIT(63);
	KUNIT_ASSERT_EQ(test, h->nr, 11U);

	kho_test_expect_walk(test, root, &expect[1], 4, 10, h->known + 1,
			     h->nr - 1);

	/* the root's entry 0 leads to a level-4 node; add a path at 0/0/0/0 */
	lc = kho_test_hand_chain(h, kho_test_child(test, root, 0), c, 1);
	KUNIT_ASSERT_EQ(test, h->nr, 15U);

	/* key 0 holds no order */
	lc->bitmap[0] = BIT(0);
	w.known = h->known + 1;
	w.nr_known = h->nr - 1;
	ret = kho_radix_walk(root, kho_test_check, kho_test_visit, &w);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	KUNIT_EXPECT_EQ(test, w.visits, 0UL);
	KUNIT_EXPECT_FALSE(test, w.bad_check);

	/* key 5: order 50 at 2^62, the smallest key of this tree */
	lc->bitmap[0] = BIT(5);
	kho_test_expect_walk(test, root, expect, ARRAY_SIZE(expect), 14,
			     h->known + 1, h->nr - 1);

	/* a page that check does not know ends the walk */
	memset(&w, 0, sizeof(w));
	w.known = h->known + 1;
	w.nr_known = h->nr - 2;		/* forget lc */
	ret = kho_radix_walk(root, kho_test_check, kho_test_visit, &w);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	KUNIT_EXPECT_EQ(test, w.visits, 0UL);
	KUNIT_EXPECT_TRUE(test, w.bad_check);
}

/* ------------------------------------------------------------------ */
/* Many adds and dels                                                 */

#define KHO_TEST_CHURN	256

/* Table allocations left before the stub starts failing them. */
static int kho_test_allocs_left;

static void *kho_test_alloc_table(void)
{
	if (kho_test_allocs_left-- <= 0)
		return NULL;
	return (void *)get_zeroed_page(GFP_KERNEL);
}

/*
 * A failed table allocation at any depth: -ENOMEM, no block recorded, the
 * counters match the pages linked so far, and a later add succeeds.
 */
static void kho_radix_kunit_alloc_failure(struct kunit *test)
{
	const phys_addr_t phys = SZ_1G + SZ_2M;
	struct kho_radix_tree *tree;
	unsigned int fail_at, order;
	int ret;

	tree = kunit_kzalloc(test, sizeof(*tree), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tree);

	/* the root itself */
	kunit_activate_static_stub(test, kho_radix_alloc_table,
				   kho_test_alloc_table);
	kho_test_allocs_left = 0;
	KUNIT_EXPECT_EQ(test, kho_radix_init(tree), -ENOMEM);
	KUNIT_EXPECT_NULL(test, tree->root);

	/* an empty tree needs 5 tables for its first block: fail each one */
	for (fail_at = 0; fail_at < KHO_TREE_MAX_DEPTH - 1; fail_at++) {
		kho_test_allocs_left = 1;
		KUNIT_ASSERT_EQ(test, kho_radix_init(tree), 0);
		kho_test_allocs_left = fail_at;
		ret = kho_radix_add(tree, phys, 0);
		KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
		KUNIT_EXPECT_FALSE(test, kho_radix_test(tree, phys, 0));
		for (order = 0; order <= KHO_ORDER_0_LOG2; order++)
			KUNIT_EXPECT_EQ(test, tree->blocks[order], 0UL);
		KUNIT_EXPECT_EQ(test, tree->nodes, 1UL + fail_at);
		KUNIT_EXPECT_EQ(test, tree->leaves, 0UL);

		/* allocations work again: the tables made so far are reused */
		kho_test_allocs_left = INT_MAX;
		KUNIT_EXPECT_EQ(test, kho_radix_add(tree, phys, 0), 0);
		KUNIT_EXPECT_TRUE(test, kho_radix_test(tree, phys, 0));
		KUNIT_EXPECT_EQ(test, tree->nodes, 5UL);
		KUNIT_EXPECT_EQ(test, tree->leaves, 1UL);
		KUNIT_EXPECT_EQ(test, tree->blocks[0], 1UL);
		kho_radix_destroy(tree);
	}
	kunit_deactivate_static_stub(test, kho_radix_alloc_table);
}

/*
 * 128 MiB of order-0 pages, aligned: exactly one leaf and one path of
 * nodes, and a walk that reports every page, in order.
 */
static void kho_radix_kunit_dense_size(struct kunit *test)
{
	struct kho_radix_tree *tree = kho_test_tree(test);
	const unsigned long n = SZ_128M >> PAGE_SHIFT;
	struct kho_test_walk w = {};
	unsigned long i;

	kho_test_need_4k(test);
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, kho_radix_add(tree, SZ_8G + i * PAGE_SIZE,
						    0), 0);
	KUNIT_EXPECT_EQ(test, tree->leaves, 1UL);
	KUNIT_EXPECT_EQ(test, tree->nodes, 5UL);
	KUNIT_EXPECT_EQ(test, tree->blocks[0], n);
	KUNIT_EXPECT_EQ(test, kho_radix_walk(tree->root, kho_test_check,
					     kho_test_visit, &w), 0);
	KUNIT_EXPECT_EQ(test, w.visits, n);
	KUNIT_EXPECT_EQ(test, w.checks, kho_test_tables(tree));
	KUNIT_EXPECT_FALSE(test, w.bad_check);
	KUNIT_EXPECT_FALSE(test, w.out_of_order);
}

static void kho_radix_kunit_churn(struct kunit *test)
{
	static const unsigned int orders[] = { 0, 0, 1, 3, 9, 10, 18, 0 };
	struct kho_test_block *all, *uniq, *kept;
	unsigned long nodes, leaves;
	struct kho_radix_tree *tree;
	unsigned int i, j, n = 0, nk = 0;
	u64 *keys;
	int ret;

	all = kunit_kcalloc(test, KHO_TEST_CHURN, sizeof(*all), GFP_KERNEL);
	uniq = kunit_kcalloc(test, KHO_TEST_CHURN, sizeof(*uniq), GFP_KERNEL);
	kept = kunit_kcalloc(test, KHO_TEST_CHURN, sizeof(*kept), GFP_KERNEL);
	keys = kunit_kcalloc(test, KHO_TEST_CHURN, sizeof(*keys), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, all);
	KUNIT_ASSERT_NOT_NULL(test, uniq);
	KUNIT_ASSERT_NOT_NULL(test, kept);
	KUNIT_ASSERT_NOT_NULL(test, keys);

	/* half spread over the whole range, half packed near 0 */
	for (i = 0; i < KHO_TEST_CHURN; i++) {
		unsigned int order = orders[(i / 2) % ARRAY_SIZE(orders)];
		u64 mask = GENMASK_ULL(63, PAGE_SHIFT + order);

		all[i].order = order;
		if (i & 1)
			all[i].phys = (u64)(i / 3) << (PAGE_SHIFT + order);
		else
			all[i].phys = ((i + 1) * 0x9e3779b97f4a7c15ULL) & mask;
	}

	tree = kho_test_tree(test);
	for (i = 0; i < KHO_TEST_CHURN; i++) {
		u64 key = kho_test_key(all[i].phys, all[i].order);

		for (j = 0; j < n; j++)
			if (keys[j] == key)
				break;
		ret = kho_radix_add(tree, all[i].phys, all[i].order);
		KUNIT_EXPECT_EQ_MSG(test, ret, j < n ? -EEXIST : 0,
				    "%#llx order %u", (u64)all[i].phys,
				    all[i].order);
		if (j == n) {
			keys[n] = key;
			uniq[n++] = all[i];
		}
	}
	KUNIT_ASSERT_GT(test, n, KHO_TEST_CHURN / 2);

	kho_test_model_shape(keys, n, &nodes, &leaves);
	kho_test_expect_blocks(test, tree, uniq, n);
	kho_test_expect_shape(test, tree, nodes, leaves, n);
	kho_test_expect_walk(test, tree->root, kho_test_dup(test, uniq, n), n,
			     kho_test_tables(tree), NULL, 0);

	/* forget every other block: counters drop, tables stay */
	for (i = 0; i < n; i++) {
		if (i & 1)
			kept[nk++] = uniq[i];
		else
			kho_radix_del(tree, uniq[i].phys, uniq[i].order);
	}
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, kho_radix_test(tree, uniq[i].phys,
							 uniq[i].order),
				    (bool)(i & 1), "%#llx order %u",
				    (u64)uniq[i].phys, uniq[i].order);
	kho_test_expect_blocks(test, tree, kept, nk);
	kho_test_expect_shape(test, tree, nodes, leaves, nk);
	kho_test_expect_walk(test, tree->root, kho_test_dup(test, kept, nk),
			     nk, kho_test_tables(tree), NULL, 0);

	/* adding them back allocates nothing */
	for (i = 0; i < n; i += 2)
		KUNIT_EXPECT_EQ(test, kho_radix_add(tree, uniq[i].phys,
						    uniq[i].order), 0);
	kho_test_expect_blocks(test, tree, uniq, n);
	kho_test_expect_shape(test, tree, nodes, leaves, n);

	/* forget all, twice */
	for (j = 0; j < 2; j++)
		for (i = 0; i < n; i++)
			kho_radix_del(tree, uniq[i].phys, uniq[i].order);
	kho_test_expect_blocks(test, tree, NULL, 0);
	kho_test_expect_shape(test, tree, nodes, leaves, 0);
	kho_test_expect_walk(test, tree->root, NULL, 0, kho_test_tables(tree),
			     NULL, 0);

	/* destroy leaves an empty tree that can be set up again */
	kho_radix_destroy(tree);
	KUNIT_EXPECT_NULL(test, tree->root);
	KUNIT_EXPECT_EQ(test, tree->nodes, 0UL);
	KUNIT_EXPECT_EQ(test, tree->leaves, 0UL);
	kho_test_expect_blocks(test, tree, NULL, 0);

	KUNIT_ASSERT_EQ(test, kho_radix_init(tree), 0);
	kho_test_expect_shape(test, tree, 1, 0, 0);
	KUNIT_EXPECT_EQ(test, kho_radix_add(tree, uniq[0].phys, uniq[0].order),
			0);
	KUNIT_EXPECT_TRUE(test, kho_radix_test(tree, uniq[0].phys,
					       uniq[0].order));
	kho_test_expect_shape(test, tree, 5, 1, 1);
}

static struct kunit_case kho_radix_test_cases[] = {
	KUNIT_CASE(kho_radix_kunit_layout),
	KUNIT_CASE(kho_radix_kunit_key_values),
	KUNIT_CASE(kho_radix_kunit_key_round_trip),
	KUNIT_CASE(kho_radix_kunit_key_orders_disjoint),
	KUNIT_CASE(kho_radix_kunit_index_split),
	KUNIT_CASE(kho_radix_kunit_add_test_del),
	KUNIT_CASE(kho_radix_kunit_add_invalid),
	KUNIT_CASE(kho_radix_kunit_walk_empty),
	KUNIT_CASE(kho_radix_kunit_walk_order),
	KUNIT_CASE(kho_radix_kunit_walk_stop),
	KUNIT_CASE(kho_radix_kunit_walk_check_refuses),
	KUNIT_CASE(kho_radix_kunit_walk_misaligned_table),
	KUNIT_CASE(kho_radix_kunit_walk_key_above_order0),
	KUNIT_CASE(kho_radix_kunit_walk_bounded),
	KUNIT_CASE(kho_radix_kunit_walk_hand_built),
	KUNIT_CASE(kho_radix_kunit_alloc_failure),
	KUNIT_CASE(kho_radix_kunit_dense_size),
	KUNIT_CASE(kho_radix_kunit_churn),
	{}
};

static struct kunit_suite kho_radix_test_suite = {
	.name = "kho_radix",
	.test_cases = kho_radix_test_cases,
};

kunit_test_suite(kho_radix_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the kexec handover memory tracker");
MODULE_LICENSE("GPL");
