// SPDX-License-Identifier: GPL-2.0-only
/*
 * The preserved-memory tracker of kexec handover.
 *
 * A radix tree of pages keyed by (order, physical address); see the layout
 * in include/linux/kho/abi/kexec_handover.h.  The outgoing kernel adds and
 * removes keys; the next kernel walks the tree it was handed, vetting every
 * table pointer before it follows it.  The tree has a fixed depth, so a walk
 * always ends, whatever the tree holds.
 *
 * Only basic kernel headers are used here so that tools/testing/kho can
 * build this file natively.
 */
#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "kho_radix.h"

/* Nodes are levels 5..1, leaves level 0. */
#define KHO_NODE_LEVELS		(KHO_TREE_MAX_DEPTH - 1)
#define KHO_TABLE_ENTRIES	BIT(KHO_TABLE_SIZE_LOG2)
#define KHO_BITMAP_BITS		BIT(KHO_BITMAP_SIZE_LOG2)

static_assert(sizeof(struct kho_radix_node) == PAGE_SIZE);
static_assert(sizeof(struct kho_radix_leaf) == PAGE_SIZE);

/**
 * kho_radix_encode_key - the tracker key of a block
 * @phys:  physical address of the block, aligned to its size
 * @order: the block is 2^@order pages
 *
 * Return: the key, or 0 (never a valid key) if @order is not below
 * KHO_ORDER_0_LOG2.
 */
u64 kho_radix_encode_key(phys_addr_t phys, unsigned int order)
{
	if (order >= KHO_ORDER_0_LOG2)
		return 0;
	return BIT_ULL(KHO_ORDER_0_LOG2 - order) |
	       ((u64)phys >> (PAGE_SHIFT + order));
}
EXPORT_SYMBOL_IF_KUNIT(kho_radix_encode_key);

/**
 * kho_radix_decode_key - the block a tracker key stands for
 * @key:   a key, as kho_radix_encode_key() makes them
 * @order: where to store the block's order
 *
 * Return: the block's physical address.  A key with no order bit in range
 * (0 or 1, or a bit above KHO_ORDER_0_LOG2) sets @order to UINT_MAX.
 */
phys_addr_t kho_radix_decode_key(u64 key, unsigned int *order)
{
	unsigned int top;

	if (key <= 1 || key >> (KHO_ORDER_0_LOG2 + 1)) {
		*order = UINT_MAX;
		return 0;
	}
	top = fls64(key) - 1;
	*order = KHO_ORDER_0_LOG2 - top;
	return (phys_addr_t)((key & ~BIT_ULL(top)) << (PAGE_SHIFT + *order));
}
EXPORT_SYMBOL_IF_KUNIT(kho_radix_decode_key);

/* Is @phys aligned to a block of @order (below KHO_ORDER_0_LOG2)? */
static bool kho_radix_aligned(phys_addr_t phys, unsigned int order)
{
	return !((u64)phys & ((1ULL << (PAGE_SHIFT + order)) - 1));
}

/*
 * Every tree page comes from here, so that KUnit can make an allocation
 * fail at any depth and check that the tree stays consistent.
 */
VISIBLE_IF_KUNIT void *kho_radix_alloc_table(void)
{
	KUNIT_STATIC_STUB_REDIRECT(kho_radix_alloc_table);
	return (void *)get_zeroed_page(GFP_KERNEL);
}
EXPORT_SYMBOL_IF_KUNIT(kho_radix_alloc_table);

/* Index of @key in a node of @level (1..5). */
static unsigned int kho_radix_index(u64 key, unsigned int level)
{
	unsigned int shift = KHO_BITMAP_SIZE_LOG2 +
			     (level - 1) * KHO_TABLE_SIZE_LOG2;

	return (key >> shift) & (KHO_TABLE_ENTRIES - 1);
}

/**
 * kho_radix_init - set up an empty outgoing tree
 * @tree: the tree
 *
 * Return: 0, or -ENOMEM if the root node cannot be allocated.
 */
int kho_radix_init(struct kho_radix_tree *tree)
{
	memset(tree, 0, sizeof(*tree));
	mutex_init(&tree->lock);
	tree->root = kho_radix_alloc_table();
	if (!tree->root)
		return -ENOMEM;
	tree->nodes = 1;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kho_radix_init);

static void kho_radix_free_level(struct kho_radix_node *node,
				 unsigned int level)
{
	unsigned int i;

	for (i = 0; i < KHO_TABLE_ENTRIES; i++) {
		void *child;

		if (!node->table[i])
			continue;
		child = phys_to_virt(node->table[i]);
		if (level > 1)
			kho_radix_free_level(child, level - 1);
		else
			free_page((unsigned long)child);
	}
	free_page((unsigned long)node);
}

/**
 * kho_radix_destroy - free every page of an outgoing tree
 * @tree: the tree; it must be set up again before further use
 */
void kho_radix_destroy(struct kho_radix_tree *tree)
{
	mutex_lock(&tree->lock);
	if (tree->root)
		kho_radix_free_level(tree->root, KHO_NODE_LEVELS);
	tree->root = NULL;
	tree->nodes = 0;
	tree->leaves = 0;
	memset(tree->blocks, 0, sizeof(tree->blocks));
	mutex_unlock(&tree->lock);
}
EXPORT_SYMBOL_IF_KUNIT(kho_radix_destroy);

/*
 * The leaf that holds @key, or NULL.  With @alloc, missing nodes and the
 * leaf are allocated on the way down.
 */
static struct kho_radix_leaf *kho_radix_leaf(struct kho_radix_tree *tree,
					     u64 key, bool alloc)
{
	struct kho_radix_node *node = tree->root;
	unsigned int level;

	for (level = KHO_NODE_LEVELS; level >= 1; level--) {
		u64 *slot = &node->table[kho_radix_index(key, level)];

		if (!*slot) {
			void *page;

			if (!alloc)
				return NULL;
			page = kho_radix_alloc_table();
			if (!page)
				return NULL;
			*slot = virt_to_phys(page);
			if (level > 1)
				tree->nodes++;
			else
				tree->leaves++;
		}
		node = phys_to_virt(*slot);
	}
	return (struct kho_radix_leaf *)node;
}

/**
 * kho_radix_in_leaf - the leaf of a key in a tree another kernel wrote
 * @root: the root of a tree that a kho_radix_walk() vetted whole
 * @key:  a key, as kho_radix_encode_key() makes them
 *
 * Follows only table pointers the walk vetted, so needs no checks of its
 * own.  The caller serialises nothing: the tables do not change, and the
 * bits are read and cleared atomically.
 *
 * Return: the leaf that holds @key, or NULL if the tree has none.
 */
struct kho_radix_leaf *kho_radix_in_leaf(struct kho_radix_node *root, u64 key)
{
	struct kho_radix_node *node = root;
	unsigned int level;

	for (level = KHO_NODE_LEVELS; level >= 1; level--) {
		phys_addr_t child = node->table[kho_radix_index(key, level)];

		if (!child)
			return NULL;
		node = phys_to_virt(child);
	}
	return (struct kho_radix_leaf *)node;
}
EXPORT_SYMBOL_IF_KUNIT(kho_radix_in_leaf);

/**
 * kho_radix_add - record a preserved block
 * @tree:  the tree
 * @phys:  physical address of the block
 * @order: the block is 2^@order pages
 *
 * Return: 0; -EINVAL if @order is not below KHO_ORDER_0_LOG2 or @phys is
 * not aligned to the block size; -EEXIST if the block is already recorded;
 * -ENOMEM if a tree page cannot be allocated (the tree is left as it was,
 * apart from empty tables).
 */
int kho_radix_add(struct kho_radix_tree *tree, phys_addr_t phys,
		  unsigned int order)
{
	struct kho_radix_leaf *leaf;
	u64 key;
	int ret = 0;

	if (order >= KHO_ORDER_0_LOG2 || !kho_radix_aligned(phys, order))
		return -EINVAL;
	key = kho_radix_encode_key(phys, order);

	mutex_lock(&tree->lock);
	leaf = kho_radix_leaf(tree, key, true);
	if (!leaf)
		ret = -ENOMEM;
	else if (__test_and_set_bit(key % KHO_BITMAP_BITS, leaf->bitmap))
		ret = -EEXIST;
	else
		tree->blocks[order]++;
	mutex_unlock(&tree->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(kho_radix_add);

/**
 * kho_radix_del - forget a preserved block
 * @tree:  the tree
 * @phys:  physical address of the block
 * @order: the block is 2^@order pages
 *
 * A block that is not recorded (or a misaligned @phys) is ignored.  Tables
 * are not freed.
 */
void kho_radix_del(struct kho_radix_tree *tree, phys_addr_t phys,
		   unsigned int order)
{
	struct kho_radix_leaf *leaf;
	u64 key = kho_radix_encode_key(phys, order);

	if (!key || !kho_radix_aligned(phys, order))
		return;
	mutex_lock(&tree->lock);
	leaf = kho_radix_leaf(tree, key, false);
	if (leaf && __test_and_clear_bit(key % KHO_BITMAP_BITS, leaf->bitmap))
		tree->blocks[order]--;
	mutex_unlock(&tree->lock);
}
EXPORT_SYMBOL_IF_KUNIT(kho_radix_del);

/**
 * kho_radix_test - is a block recorded?
 * @tree:  the tree
 * @phys:  physical address of the block
 * @order: the block is 2^@order pages
 *
 * Return: true if exactly this block (address and order) is recorded.
 */
bool kho_radix_test(struct kho_radix_tree *tree, phys_addr_t phys,
		    unsigned int order)
{
	struct kho_radix_leaf *leaf;
	u64 key = kho_radix_encode_key(phys, order);
	bool ret = false;

	if (!key || !kho_radix_aligned(phys, order))
		return false;
	mutex_lock(&tree->lock);
	leaf = kho_radix_leaf(tree, key, false);
	if (leaf)
		ret = test_bit(key % KHO_BITMAP_BITS, leaf->bitmap);
	mutex_unlock(&tree->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(kho_radix_test);

struct kho_radix_walk_state {
	kho_radix_check_t check;
	kho_radix_visit_t visit;
	void *arg;
};

/*
 * The next set bit from @bit, and the end of its run: in a sparse leaf
 * most are found in the word at hand, which needs no search.
 */
static unsigned long kho_radix_next(const unsigned long *map, unsigned long bit)
{
	unsigned long w;

	if (bit >= KHO_BITMAP_BITS)
		return KHO_BITMAP_BITS;
	w = map[BIT_WORD(bit)] & BITMAP_FIRST_WORD_MASK(bit);
	if (w)
		return round_down(bit, BITS_PER_LONG) + __ffs(w);
	return find_next_bit(map, KHO_BITMAP_BITS, bit);
}

static unsigned long kho_radix_run_end(const unsigned long *map,
				       unsigned long bit)
{
	unsigned long zeros = ~map[BIT_WORD(bit)] & BITMAP_FIRST_WORD_MASK(bit);

	if (zeros)
		return round_down(bit, BITS_PER_LONG) + __ffs(zeros);
	return find_next_zero_bit(map, KHO_BITMAP_BITS, bit);
}

/* Visit each run of set bits: back-to-back blocks of one order. */
static int kho_radix_walk_leaf(const struct kho_radix_leaf *leaf, u64 prefix,
			       struct kho_radix_walk_state *st)
{
	unsigned long bit = 0, end;
	unsigned int order;
	phys_addr_t phys;
	int ret;

	for (;;) {
		bit = kho_radix_next(leaf->bitmap, bit);
		if (bit >= KHO_BITMAP_BITS)
			return 0;
		end = kho_radix_run_end(leaf->bitmap, bit);
		/* a leaf's keys share their order bit, above the bitmap index */
		phys = kho_radix_decode_key(prefix | bit, &order);
		if (order == UINT_MAX)
			return -EINVAL;
		/* a huge order has its bit in the index: one key at a time */
		if (KHO_ORDER_0_LOG2 - order < KHO_BITMAP_SIZE_LOG2)
			end = bit + 1;
		ret = st->visit(phys, order, end - bit, st->arg);
		if (ret)
			return ret;
		bit = end;
	}
}

static int kho_radix_walk_node(const struct kho_radix_node *node,
			       unsigned int level, u64 prefix,
			       struct kho_radix_walk_state *st)
{
	unsigned int shift = KHO_BITMAP_SIZE_LOG2 +
			     (level - 1) * KHO_TABLE_SIZE_LOG2;
	unsigned int i;
	int ret;

	for (i = 0; i < KHO_TABLE_ENTRIES; i++) {
		phys_addr_t child = node->table[i];
		u64 key = prefix | ((u64)i << shift);

		if (!child)
			continue;
		/* keys above the order-0 bit hold no valid order */
		if (key >> (KHO_ORDER_0_LOG2 + 1))
			return -EINVAL;
		if (!PAGE_ALIGNED(child) || !st->check(child, st->arg))
			return -EINVAL;
		if (level > 1)
			ret = kho_radix_walk_node(phys_to_virt(child), level - 1,
						  key, st);
		else
			ret = kho_radix_walk_leaf(phys_to_virt(child), key, st);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * kho_radix_walk - visit every block recorded in a tree
 * @root:  the level-5 node, already vetted by the caller
 * @check: vets each table pointer before the walk reads that page
 * @visit: called for each run of recorded blocks that are back to back in
 *         one leaf (so of one order), in ascending key order
 * @arg:   passed to @check and @visit
 *
 * The tree may come from another kernel and is not trusted: a table
 * pointer that is not page aligned or that @check refuses, and a key that
 * decodes to no valid order, end the walk with -EINVAL.  @check may also
 * bound the number of tables a walk reads.
 *
 * Return: 0 after the last block, -EINVAL for a malformed tree, or the
 * first non-zero value returned by @visit.
 */
int kho_radix_walk(const struct kho_radix_node *root, kho_radix_check_t check,
		   kho_radix_visit_t visit, void *arg)
{
	struct kho_radix_walk_state st = {
		.check = check,
		.visit = visit,
		.arg = arg,
	};

	return kho_radix_walk_node(root, KHO_NODE_LEVELS, 0, &st);
}
EXPORT_SYMBOL_IF_KUNIT(kho_radix_walk);
