// SPDX-License-Identifier: GPL-2.0
/*
 * Native unit tests of the preserved-memory tracker (kho_radix.c), with
 * the intent of kho_radix_kunit.c: the key encoding and the layout the ABI
 * states, add/test/del and their errors, and the walk of the next kernel
 * over trees that are well formed, hand built or damaged.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/mm.h>

#include "../../../../kernel/liveupdate/kho_radix.h"
#include "../shim/kho_shim.h"
#include "harness.h"

#define ORDER0		KHO_ORDER_0_LOG2
#define BLOCK(o)	(PAGE_SIZE << (o))
#define A(off)		(KHO_ARENA_BASE + (off))

struct blk {
	phys_addr_t phys;
	unsigned int order;
};

struct seen {
	struct blk *v;
	unsigned long n, max;
	unsigned long stop_at;	/* return 7 from the visit of this one */
	u64 last_key;
	bool ascending;
};

static bool check_arena(phys_addr_t phys, void *arg)
{
	return kho_arena_has(phys, PAGE_SIZE);
}

static int visit(phys_addr_t phys, unsigned int order, unsigned long nr,
		 void *arg)
{
	struct seen *s = arg;
	unsigned long i;

	if (!nr)
		s->ascending = false;
	for (i = 0; i < nr; i++) {
		phys_addr_t p = phys + i * (PAGE_SIZE << order);
		u64 key = kho_radix_encode_key(p, order);

		if (s->n && key <= s->last_key)
			s->ascending = false;
		s->last_key = key;
		if (s->n < s->max)
			s->v[s->n] = (struct blk){ p, order };
		s->n++;
		if (s->stop_at && s->n == s->stop_at)
			return 7;
	}
	return 0;
}

static int walk(struct kho_radix_tree *t, struct seen *s)
{
	s->n = 0;
	s->ascending = true;
	return kho_radix_walk(t->root, check_arena, visit, s);
}

static int cmp_key(const void *a, const void *b)
{
	const struct blk *x = a, *y = b;
	u64 kx = kho_radix_encode_key(x->phys, x->order);
	u64 ky = kho_radix_encode_key(y->phys, y->order);

	return kx < ky ? -1 : kx > ky;
}

static void test_layout(void)
{
	EXPECT_EQ(PAGE_SHIFT, 12);
	EXPECT_EQ(KHO_ORDER_0_LOG2, 52);
	EXPECT_EQ(KHO_TABLE_SIZE_LOG2, 9);
	EXPECT_EQ(KHO_BITMAP_SIZE_LOG2, 15);
	EXPECT_EQ(KHO_TREE_MAX_DEPTH, 6);
	EXPECT_EQ(sizeof(struct kho_radix_node), PAGE_SIZE);
	EXPECT_EQ(sizeof(struct kho_radix_leaf), PAGE_SIZE);
	/* 5 node levels of 9 bits and 15 leaf bits cover bits 59:0 */
	EXPECT_EQ((KHO_TREE_MAX_DEPTH - 1) * KHO_TABLE_SIZE_LOG2 +
		  KHO_BITMAP_SIZE_LOG2, 60);
}

static void test_key_values(void)
{
	unsigned int order;

	/* the ABI formula, written out */
	EXPECT_EQ(kho_radix_encode_key(0, 0), 1ULL << 52);
	EXPECT_EQ(kho_radix_encode_key(0x1000, 0), (1ULL << 52) | 1);
	EXPECT_EQ(kho_radix_encode_key(0x200000, 9), (1ULL << 43) | 1);
	EXPECT_EQ(kho_radix_encode_key(0x40000000, 10),
		  (1ULL << 42) | (0x40000000ULL >> 22));
	EXPECT_EQ(kho_radix_encode_key(0xfffffffff000ULL, 0),
		  (1ULL << 52) | 0xfffffffffULL);
	EXPECT_EQ(kho_radix_encode_key(0, 51), 1ULL << 1);
	EXPECT_EQ(kho_radix_encode_key(0, 52), 0);
	EXPECT_EQ(kho_radix_encode_key(0, 63), 0);

	EXPECT_EQ(kho_radix_decode_key((1ULL << 52) | 5, &order), 0x5000);
	EXPECT_EQ(order, 0);
	EXPECT_EQ(kho_radix_decode_key((1ULL << 42) | 3, &order),
		  3ULL << 22);
	EXPECT_EQ(order, 10);
	EXPECT_EQ(kho_radix_decode_key(2, &order), 0);
	EXPECT_EQ(order, 51);
	kho_radix_decode_key(0, &order);
	EXPECT_EQ(order, UINT_MAX);
	kho_radix_decode_key(1, &order);
	EXPECT_EQ(order, UINT_MAX);
	kho_radix_decode_key(1ULL << 53, &order);
	EXPECT_EQ(order, UINT_MAX);
	kho_radix_decode_key(~0ULL, &order);
	EXPECT_EQ(order, UINT_MAX);
}

static void test_key_round_trip(void)
{
	unsigned int i, order, got;

	for (i = 0; i < 100000; i++) {
		phys_addr_t phys;

		order = kho_test_rand() % ORDER0;
		/* any block that fits a 64-bit physical address space */
		phys = kho_test_rand() & ~(BLOCK(order) - 1);
		if (order + PAGE_SHIFT >= 64)
			phys = 0;
		ASSERT(kho_radix_decode_key(kho_radix_encode_key(phys, order),
					    &got) == phys);
		ASSERT(got == order);
	}
}

static void test_key_orders_disjoint(void)
{
	unsigned int i, a, b;

	/*
	 * Same address, different orders: different keys, and decoding
	 * gives each block back.
	 */
	for (i = 0; i < 10000; i++) {
		phys_addr_t phys = (kho_test_rand() & 0xffffffffffULL) << 22;

		a = kho_test_rand() % 11;
		b = kho_test_rand() % 11;
		if (a == b)
			continue;
		ASSERT(kho_radix_encode_key(phys, a) !=
		       kho_radix_encode_key(phys, b));
	}
	/* the order bit is the highest set bit of every key */
	for (a = 0; a < ORDER0; a++) {
		phys_addr_t phys = (kho_test_rand() & ((1ULL << 46) - 1)) &
				   ~((1ULL << (PAGE_SHIFT + a)) - 1);

		EXPECT_EQ(fls64(kho_radix_encode_key(phys, a)) - 1, ORDER0 - a);
	}
}

/* Cut a key into the ABI's indices, by the bit ranges of the spec. */
static unsigned int abi_index(u64 key, unsigned int level)
{
	static const unsigned int lo[] = { 0, 15, 24, 33, 42, 51 };

	if (!level)
		return key & 0x7fff;
	return (key >> lo[level]) & 0x1ff;
}

static void test_hand_built(void)
{
	/* blocks in and outside the arena: the walk does not read blocks */
	static const struct blk want[] = {
		{ 0x0, 10 },
		{ 0x123400000ULL, 10 },
		{ 0x40000000ULL, 9 },
		{ 0x0, 0 },
		{ 0x40001000ULL, 0 },
		{ 0x7ffffffff000ULL, 0 },
	};
	struct kho_radix_node *root = (void *)get_zeroed_page(GFP_KERNEL);
	struct blk got[8];
	struct seen s = { .v = got, .max = 8, .ascending = true };
	unsigned int i, level;

	ASSERT(root);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		u64 key = kho_radix_encode_key(want[i].phys, want[i].order);
		struct kho_radix_node *node = root;
		struct kho_radix_leaf *leaf;

		for (level = 5; level >= 1; level--) {
			u64 *slot = &node->table[abi_index(key, level)];

			if (!*slot) {
				void *p = (void *)get_zeroed_page(GFP_KERNEL);

				ASSERT(p);
				*slot = virt_to_phys(p);
			}
			node = phys_to_virt(*slot);
		}
		leaf = (void *)node;
		/* bit n is bit n % 64 of word n / 64 */
		leaf->bitmap[abi_index(key, 0) / 64] |=
			1UL << (abi_index(key, 0) % 64);
	}
	EXPECT_EQ(kho_radix_walk(root, check_arena, visit, &s), 0);
	ASSERT(s.n == ARRAY_SIZE(want));
	EXPECT(s.ascending);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		EXPECT_EQ(got[i].phys, want[i].phys);
		EXPECT_EQ(got[i].order, want[i].order);
	}
}

static void test_add_test_del(void)
{
	unsigned long used = kho_arena.used;
	struct kho_radix_tree t;
	phys_addr_t p = A(0x200000);

	ASSERT(!kho_radix_init(&t));
	EXPECT_EQ(t.nodes, 1);
	EXPECT_EQ(t.leaves, 0);
	EXPECT(!kho_radix_test(&t, p, 0));

	EXPECT_EQ(kho_radix_add(&t, p, 0), 0);
	EXPECT_EQ(t.nodes, 5);
	EXPECT_EQ(t.leaves, 1);
	EXPECT_EQ(t.blocks[0], 1);
	EXPECT(kho_radix_test(&t, p, 0));
	EXPECT(!kho_radix_test(&t, p, 1));
	EXPECT(!kho_radix_test(&t, p + PAGE_SIZE, 0));
	EXPECT_EQ(kho_radix_add(&t, p, 0), -EEXIST);
	EXPECT_EQ(t.blocks[0], 1);

	/* the same address at another order is another block */
	EXPECT_EQ(kho_radix_add(&t, p, 9), 0);
	EXPECT(kho_radix_test(&t, p, 9));
	EXPECT_EQ(t.blocks[9], 1);

	kho_radix_del(&t, p, 0);
	EXPECT(!kho_radix_test(&t, p, 0));
	EXPECT(kho_radix_test(&t, p, 9));
	EXPECT_EQ(t.blocks[0], 0);
	kho_radix_del(&t, p, 0);	/* not there: ignored */
	kho_radix_del(&t, p + 1, 9);	/* misaligned: ignored */
	EXPECT_EQ(t.blocks[9], 1);
	EXPECT_EQ(kho_radix_add(&t, p, 0), 0);

	kho_radix_destroy(&t);
	EXPECT(!t.root);
	EXPECT_EQ(kho_arena.used, used);
}

static void test_add_invalid(void)
{
	struct kho_radix_tree t;

	ASSERT(!kho_radix_init(&t));
	EXPECT_EQ(kho_radix_add(&t, A(PAGE_SIZE), 1), -EINVAL);
	EXPECT_EQ(kho_radix_add(&t, A(1), 0), -EINVAL);
	EXPECT_EQ(kho_radix_add(&t, 0, ORDER0), -EINVAL);
	EXPECT_EQ(kho_radix_add(&t, 0, 200), -EINVAL);
	EXPECT(!kho_radix_test(&t, A(1), 0));
	EXPECT(!kho_radix_test(&t, 0, ORDER0));
	EXPECT_EQ(t.nodes, 1);
	EXPECT_EQ(t.leaves, 0);
	kho_radix_destroy(&t);
}

static void test_add_nomem(void)
{
	unsigned long used0 = kho_arena.used, used;
	struct kho_radix_tree t;

	ASSERT(!kho_radix_init(&t));
	used = kho_arena.used;
	kho_arena.fail_after = 2;	/* two of the five pages it needs */
	EXPECT_EQ(kho_radix_add(&t, A(0), 0), -ENOMEM);
	kho_arena.fail_after = -1;
	EXPECT(!kho_radix_test(&t, A(0), 0));
	EXPECT_EQ(t.blocks[0], 0);
	/* empty tables stay and are accounted for */
	EXPECT_EQ(kho_arena.used - used, 2);
	EXPECT_EQ(t.nodes + t.leaves, 3);
	EXPECT_EQ(kho_radix_add(&t, A(0), 0), 0);
	EXPECT(kho_radix_test(&t, A(0), 0));
	kho_radix_destroy(&t);
	EXPECT_EQ(kho_arena.used, used0);
}

static void test_walk_empty(void)
{
	struct kho_radix_tree t;
	struct seen s = { 0 };

	ASSERT(!kho_radix_init(&t));
	EXPECT_EQ(walk(&t, &s), 0);
	EXPECT_EQ(s.n, 0);
	kho_radix_destroy(&t);
}

static void test_walk_order(void)
{
	enum { N = 3000 };
	struct blk *want = calloc(N, sizeof(*want)), *got = calloc(N, sizeof(*got));
	struct seen s = { .v = got, .max = N };
	struct kho_radix_tree t;
	unsigned long i, n = 0;

	ASSERT(want && got);
	ASSERT(!kho_radix_init(&t));
	for (i = 0; i < N; i++) {
		unsigned int order = kho_test_rand() % 11;
		/* anywhere in a 64 TiB physical space */
		phys_addr_t phys = (kho_test_rand() & ((1ULL << 46) - 1)) &
				   ~(BLOCK(order) - 1);

		if (kho_radix_add(&t, phys, order))
			continue;
		want[n++] = (struct blk){ phys, order };
	}
	qsort(want, n, sizeof(*want), cmp_key);
	EXPECT_EQ(walk(&t, &s), 0);
	ASSERT(s.n == n);
	EXPECT(s.ascending);
	for (i = 0; i < n; i++) {
		if (got[i].phys != want[i].phys ||
		    got[i].order != want[i].order) {
			EXPECT_EQ(got[i].phys, want[i].phys);
			break;
		}
	}
	kho_radix_destroy(&t);
	free(want);
	free(got);
}

static void test_walk_stop(void)
{
	struct kho_radix_tree t;
	struct blk got[8];
	struct seen s = { .v = got, .max = 8, .stop_at = 3 };
	unsigned int i;

	ASSERT(!kho_radix_init(&t));
	for (i = 0; i < 6; i++)
		ASSERT(!kho_radix_add(&t, A(i * 0x100000), i));
	EXPECT_EQ(walk(&t, &s), 7);
	EXPECT_EQ(s.n, 3);
	kho_radix_destroy(&t);
}

struct refuse {
	phys_addr_t bad;
	unsigned long calls;
};

static bool check_refuse(phys_addr_t phys, void *arg)
{
	struct refuse *r = arg;

	r->calls++;
	return phys != r->bad;
}

static int visit_none(phys_addr_t phys, unsigned int order, unsigned long nr,
		      void *arg)
{
	return 0;
}

static void test_walk_check_refuses(void)
{
	struct kho_radix_tree t;
	struct refuse r = { 0 };
	u64 key = kho_radix_encode_key(A(0), 0);
	struct kho_radix_node *node;
	unsigned int level;

	ASSERT(!kho_radix_init(&t));
	ASSERT(!kho_radix_add(&t, A(0), 0));
	/* refuse each table of the path in turn */
	node = t.root;
	for (level = 5; level >= 1; level--) {
		phys_addr_t child = node->table[abi_index(key, level)];

		r.bad = child;
		r.calls = 0;
		EXPECT_EQ(kho_radix_walk(t.root, check_refuse, visit_none, &r),
			  -EINVAL);
		EXPECT_EQ(r.calls, 6 - level);
		node = phys_to_virt(child);
	}
	kho_radix_destroy(&t);
}

static void test_walk_misaligned(void)
{
	struct kho_radix_tree t;
	struct refuse r = { .bad = 0 };
	u64 key = kho_radix_encode_key(A(0), 0);
	struct kho_radix_node *l4;
	u64 *slot;

	ASSERT(!kho_radix_init(&t));
	ASSERT(!kho_radix_add(&t, A(0), 0));
	l4 = phys_to_virt(t.root->table[abi_index(key, 5)]);
	slot = &l4->table[abi_index(key, 4)];
	*slot += 8;
	EXPECT_EQ(kho_radix_walk(t.root, check_refuse, visit_none, &r),
		  -EINVAL);
	/* refused before it was vetted, let alone read */
	EXPECT_EQ(r.calls, 1);
	*slot -= 8;
	EXPECT_EQ(kho_radix_walk(t.root, check_refuse, visit_none, &r), 0);
	kho_radix_destroy(&t);
}

static void test_walk_key_above_order0(void)
{
	struct kho_radix_tree t;
	struct seen s = { 0 };
	void *page;

	ASSERT(!kho_radix_init(&t));
	ASSERT(!kho_radix_add(&t, A(0), 0));
	/* L5 index 4 stands for key bit 53: no order has it */
	page = (void *)get_zeroed_page(GFP_KERNEL);
	ASSERT(page);
	t.root->table[4] = virt_to_phys(page);
	EXPECT_EQ(walk(&t, &s), -EINVAL);
	t.root->table[4] = 0;
	/* index 3 holds keys with bit 52, order 0: fine */
	t.root->table[3] = virt_to_phys(page);
	EXPECT_EQ(walk(&t, &s), 0);
	t.root->table[3] = 0;
	free_page((unsigned long)page);
	kho_radix_destroy(&t);
}

static bool check_bounded(phys_addr_t phys, void *arg)
{
	unsigned long *left = arg;

	return (*left)-- > 0;
}

static void test_walk_bounded(void)
{
	struct kho_radix_node *root = (void *)get_zeroed_page(GFP_KERNEL);
	struct kho_radix_node *self = (void *)get_zeroed_page(GFP_KERNEL);
	unsigned long left = 1000;
	unsigned int i;

	ASSERT(root && self);
	for (i = 0; i < 512; i++)
		self->table[i] = virt_to_phys(self);
	root->table[2] = virt_to_phys(self);
	EXPECT_EQ(kho_radix_walk(root, check_bounded, visit_none, &left),
		  -EINVAL);
}

static void test_dense_size(void)
{
	struct kho_radix_tree t;
	unsigned long i, n = 128UL << (20 - PAGE_SHIFT);
	struct seen s = { 0 };

	ASSERT(!kho_radix_init(&t));
	/* 128 MiB of order-0 pages, aligned: one leaf, one path of nodes */
	for (i = 0; i < n; i++)
		ASSERT(!kho_radix_add(&t, (8ULL << 30) + i * PAGE_SIZE, 0));
	EXPECT_EQ(t.leaves, 1);
	EXPECT_EQ(t.nodes, 5);
	EXPECT_EQ(t.blocks[0], n);
	EXPECT_EQ(walk(&t, &s), 0);
	EXPECT_EQ(s.n, n);
	EXPECT(s.ascending);
	kho_radix_destroy(&t);
}

static void test_churn(void)
{
	enum { SLOTS = 4096 };
	unsigned char *in = calloc(SLOTS, 1);
	unsigned long used = kho_arena.used;
	struct kho_radix_tree t;
	struct seen s = { 0 };
	unsigned long i, n = 0;

	ASSERT(in);
	ASSERT(!kho_radix_init(&t));
	/* slot k: the order-(k % 4) block at k * 64 KiB */
	for (i = 0; i < 200000; i++) {
		unsigned int k = kho_test_rand() % SLOTS;
		phys_addr_t p = A((u64)k << 16);
		unsigned int order = k % 4;

		if (kho_test_rand() & 1) {
			EXPECT_EQ(kho_radix_add(&t, p, order),
				  in[k] ? -EEXIST : 0);
			n += !in[k];
			in[k] = 1;
		} else {
			kho_radix_del(&t, p, order);
			n -= in[k];
			in[k] = 0;
		}
	}
	for (i = 0; i < SLOTS; i++)
		if (kho_radix_test(&t, A(i << 16), i % 4) != in[i])
			EXPECT_EQ(i, SLOTS);
	EXPECT_EQ(walk(&t, &s), 0);
	EXPECT_EQ(s.n, n);
	EXPECT(s.ascending);
	kho_radix_destroy(&t);
	EXPECT_EQ(kho_arena.used, used);
	free(in);
}

const struct kho_test kho_radix_tests[] = {
	KHO_TEST(test_layout),
	KHO_TEST(test_key_values),
	KHO_TEST(test_key_round_trip),
	KHO_TEST(test_key_orders_disjoint),
	KHO_TEST(test_hand_built),
	KHO_TEST(test_add_test_del),
	KHO_TEST(test_add_invalid),
	KHO_TEST(test_add_nomem),
	KHO_TEST(test_walk_empty),
	KHO_TEST(test_walk_order),
	KHO_TEST(test_walk_stop),
	KHO_TEST(test_walk_check_refuses),
	KHO_TEST(test_walk_misaligned),
	KHO_TEST(test_walk_key_above_order0),
	KHO_TEST(test_walk_bounded),
	KHO_TEST(test_dense_size),
	KHO_TEST(test_churn),
	{ }
};
