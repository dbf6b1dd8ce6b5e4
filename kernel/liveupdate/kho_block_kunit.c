// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for kho_block sets and chains.
 *
 * Expected layouts come from include/linux/kho/abi/block.h, worked out
 * here from the format (a 16-byte header, then records of the entry size),
 * not from kho_block.c.  Tests that grow a set need KHO to be on (the
 * harness boots with kho=on); they are skipped otherwise.
 *
 * Restoring needs a kernel started by a handover, so the rejection paths
 * are tested on kho_block_chain_check(), the validation that
 * kho_block_set_restore() runs first, with chains built by hand in pages
 * allocated here and damaged on purpose.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho_block.h>
#include <linux/limits.h>
#include <linux/math.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

/* The record of the test module: 48 bytes. */
struct kho_test_rec {
	u64 index;
	u64 tag;
	u8 bytes[32];
};

#define KHO_TEST_ENTRY		sizeof(struct kho_test_rec)
#define KHO_TEST_HDR		16
/* (PAGE_SIZE - 16) / 48: 85 with 4 KiB pages */
#define KHO_TEST_CPB		((PAGE_SIZE - KHO_TEST_HDR) / KHO_TEST_ENTRY)
#define KHO_TEST_MANY		3000UL

/* ------------------------------------------------------------------ */
/* Helpers                                                            */

static void kho_test_need_kho(struct kunit *test)
{
	if (!kho_is_enabled())
		kunit_skip(test, "KHO is off: boot with kho=on");
}

static void kho_test_fill_rec(struct kho_test_rec *rec, unsigned long i)
{
	unsigned int j;

	rec->index = i;
	rec->tag = ~(u64)i ^ 0x4b484f2d424c4b00ULL;
	for (j = 0; j < sizeof(rec->bytes); j++)
		rec->bytes[j] = (u8)(i * 7 + j);
}

static bool kho_test_rec_ok(const struct kho_test_rec *rec, unsigned long i)
{
	struct kho_test_rec want;

	kho_test_fill_rec(&want, i);
	return !memcmp(rec, &want, sizeof(want));
}

KUNIT_DEFINE_ACTION_WRAPPER(kho_test_destroy_action, kho_block_set_destroy,
			    struct kho_block_set *);

/* A set of 48-byte records, destroyed when the test ends. */
static struct kho_block_set *kho_test_new_set(struct kunit *test)
{
	struct kho_block_set *set;

	set = kunit_kzalloc(test, sizeof(*set), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, set);
	KUNIT_ASSERT_EQ(test, kho_block_set_init(set, KHO_TEST_ENTRY), 0);
	KUNIT_ASSERT_EQ(test,
			kunit_add_action_or_reset(test, kho_test_destroy_action,
						  set), 0);
	return set;
}

/* Grow by @nr and append @nr records, numbered on from the current count. */
static void kho_test_append(struct kunit *test, struct kho_block_set *set,
			    unsigned long nr)
{
	struct kho_block_set_it it;
	unsigned long i, first = set->count;
	struct kho_test_rec *rec;

	KUNIT_ASSERT_EQ(test, kho_block_set_grow(set, nr), 0);
	kho_block_set_it_init(&it, set, set->count);
	for (i = 0; i < nr; i++) {
		rec = kho_block_set_it_reserve_entry(&it);
		KUNIT_ASSERT_NOT_NULL(test, rec);
		kho_test_fill_rec(rec, first + i);
	}
	KUNIT_ASSERT_EQ(test, set->count, first + nr);
}

/* Read the whole set front to back and check every record. */
static void kho_test_verify(struct kunit *test, struct kho_block_set *set,
			    unsigned long nr)
{
	struct kho_block_set_it it;
	struct kho_test_rec *rec;
	unsigned long i = 0, bad = 0;

	kho_block_set_it_init(&it, set, 0);
	while ((rec = kho_block_set_it_read_entry(&it))) {
		if (!kho_test_rec_ok(rec, i))
			bad++;
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, nr);
	KUNIT_EXPECT_EQ(test, bad, 0);
}

static struct kho_block_header_ser *kho_test_hdr(phys_addr_t pa)
{
	return phys_to_virt(pa);
}

/*
 * Walk the chain in memory as the format says and check it: every block
 * full but the last, which holds the rest; the chain ends after the
 * expected number of blocks.
 */
static void kho_test_check_chain(struct kunit *test,
				 const struct kho_block_set *set,
				 unsigned long nr)
{
	unsigned long blocks = DIV_ROUND_UP(nr, KHO_TEST_CPB), i, checked;
	phys_addr_t pa = kho_block_set_head_pa(set);
	struct kho_block_header_ser *hdr;

	if (!nr) {
		KUNIT_EXPECT_EQ(test, pa, 0);
		return;
	}
	for (i = 0; i < blocks; i++) {
		KUNIT_ASSERT_NE(test, pa, 0);
		KUNIT_ASSERT_TRUE(test, PAGE_ALIGNED(pa));
		hdr = kho_test_hdr(pa);
		if (i < blocks - 1)
			KUNIT_EXPECT_EQ(test, hdr->count, KHO_TEST_CPB);
		else
			KUNIT_EXPECT_EQ(test, hdr->count,
					nr - (blocks - 1) * KHO_TEST_CPB);
		pa = hdr->next;
	}
	KUNIT_EXPECT_EQ(test, pa, 0);

	KUNIT_EXPECT_EQ(test, kho_block_chain_check(kho_block_set_head_pa(set),
						    KHO_TEST_ENTRY, NULL, NULL,
						    &checked), 0);
	KUNIT_EXPECT_EQ(test, checked, blocks);
}

/* Pages for hand-made chains, freed when the test ends. */
struct kho_test_pages {
	struct page *page;
	unsigned int order;
};

static void kho_test_free_pages(void *ctx)
{
	struct kho_test_pages *p = ctx;

	__free_pages(p->page, p->order);
}

static phys_addr_t kho_test_alloc(struct kunit *test, unsigned int order)
{
	struct kho_test_pages *p;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	p->order = order;
	p->page = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, order);
	if (!p->page)
		kunit_skip(test, "cannot allocate an order-%u block", order);
	KUNIT_ASSERT_EQ(test,
			kunit_add_action_or_reset(test, kho_test_free_pages, p),
			0);
	return page_to_phys(p->page);
}

/* A chain of @nr single pages, each with count 1, linked in order. */
static void kho_test_make_chain(struct kunit *test, phys_addr_t *pa,
				unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		pa[i] = kho_test_alloc(test, 0);
	for (i = 0; i < nr; i++) {
		kho_test_hdr(pa[i])->count = 1;
		kho_test_hdr(pa[i])->next = i + 1 < nr ? pa[i + 1] : 0;
	}
}

static int kho_test_check(phys_addr_t head, unsigned long *nr)
{
	return kho_block_chain_check(head, KHO_TEST_ENTRY, NULL, NULL, nr);
}

/* ------------------------------------------------------------------ */
/* Sets                                                               */

static struct kho_block_set kho_test_static_set =
	KHO_BLOCK_SET_INIT(kho_test_static_set, struct kho_test_rec);

static void kho_block_test_init(struct kunit *test)
{
	struct kho_block_set *stat = &kho_test_static_set;
	struct kho_block_set set;
	unsigned long nr;

	KUNIT_EXPECT_EQ(test, kho_block_set_init(&set, 48), 0);
	KUNIT_EXPECT_EQ(test, set.entry_size, 48);
	KUNIT_EXPECT_EQ(test, set.count_per_block, KHO_TEST_CPB);
	KUNIT_EXPECT_EQ(test, set.count, 0);
	KUNIT_EXPECT_EQ(test, set.nr_blocks, 0);
	KUNIT_EXPECT_FALSE(test, set.incoming);
	KUNIT_EXPECT_TRUE(test, list_empty(&set.blocks));
	KUNIT_EXPECT_TRUE(test, kho_block_set_is_empty(&set));
	KUNIT_EXPECT_EQ(test, kho_block_set_head_pa(&set), 0);

	KUNIT_EXPECT_EQ(test, stat->entry_size, 48);
	KUNIT_EXPECT_EQ(test, stat->count_per_block, KHO_TEST_CPB);
	KUNIT_EXPECT_EQ(test, stat->count, 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&stat->blocks));

	/* the largest record fills a block alone */
	KUNIT_EXPECT_EQ(test, kho_block_set_init(&set, PAGE_SIZE - 16), 0);
	KUNIT_EXPECT_EQ(test, set.count_per_block, 1);
	KUNIT_EXPECT_EQ(test, kho_block_set_init(&set, 1), 0);
	KUNIT_EXPECT_EQ(test, set.count_per_block, PAGE_SIZE - 16);

	/* bad sizes leave an empty set that cannot grow */
	KUNIT_EXPECT_EQ(test, kho_block_set_init(&set, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, set.count_per_block, 0);
	KUNIT_EXPECT_EQ(test, kho_block_set_grow(&set, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, kho_block_set_restore(&set, 0), -EINVAL);
	kho_block_set_destroy(&set);
	KUNIT_EXPECT_EQ(test, kho_block_set_init(&set, PAGE_SIZE - 15),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, kho_block_set_grow(&set, 1), -EINVAL);

	KUNIT_EXPECT_EQ(test, kho_block_chain_check(0, 0, NULL, NULL, &nr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, kho_block_chain_check(0, PAGE_SIZE, NULL, NULL,
						    &nr), -EINVAL);
}

static void kho_block_test_empty(struct kunit *test)
{
	struct kho_block_set set =
		KHO_BLOCK_SET_INIT(set, struct kho_test_rec);
	struct kho_block_set_it it;
	unsigned long nr = 1;

	kho_block_set_it_init(&it, &set, 0);
	KUNIT_EXPECT_NULL(test, kho_block_set_it_read_entry(&it));
	KUNIT_EXPECT_NULL(test, kho_block_set_it_prev(&it));
	/* no room was made */
	KUNIT_EXPECT_NULL(test, kho_block_set_it_reserve_entry(&it));
	kho_block_set_it_init(&it, &set, 10);
	KUNIT_EXPECT_EQ(test, it.pos, 0);
	KUNIT_EXPECT_NULL(test, kho_block_set_it_prev(&it));

	KUNIT_EXPECT_EQ(test, kho_block_set_grow(&set, 0), 0);
	kho_block_set_shrink(&set, 5);
	kho_block_set_clear(&set);
	KUNIT_EXPECT_EQ(test, set.count, 0);
	KUNIT_EXPECT_EQ(test, set.nr_blocks, 0);
	KUNIT_EXPECT_EQ(test, kho_block_set_head_pa(&set), 0);

	/* the empty chain is head address 0, and restores to an empty set */
	KUNIT_EXPECT_EQ(test, kho_test_check(0, &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 0);
	KUNIT_EXPECT_EQ(test, kho_block_set_restore(&set, 0), 0);
	KUNIT_EXPECT_TRUE(test, kho_block_set_is_empty(&set));
	KUNIT_EXPECT_FALSE(test, set.incoming);
	kho_block_set_destroy(&set);
	KUNIT_EXPECT_TRUE(test, list_empty(&set.blocks));
}

/* Exactly one full block: the format, record by record. */
static void kho_block_test_full_block(struct kunit *test)
{
	struct kho_block_set *set = kho_test_new_set(test);
	struct kho_block_header_ser *hdr = NULL;
	struct kho_block_set_it it;
	struct kho_test_rec *rec;
	unsigned long i, bad = 0;
	phys_addr_t head;

	kho_test_need_kho(test);
	KUNIT_ASSERT_EQ(test, kho_block_set_grow(set, KHO_TEST_CPB), 0);
	KUNIT_EXPECT_EQ(test, set->nr_blocks, 1);
	/* room is not a record: the chain is still empty */
	KUNIT_EXPECT_TRUE(test, kho_block_set_is_empty(set));
	KUNIT_EXPECT_EQ(test, kho_block_set_head_pa(set), 0);
	/* growing within the room adds nothing */
	KUNIT_EXPECT_EQ(test, kho_block_set_grow(set, KHO_TEST_CPB), 0);
	KUNIT_EXPECT_EQ(test, set->nr_blocks, 1);

	kho_block_set_it_init(&it, set, 0);
	for (i = 0; i < KHO_TEST_CPB; i++) {
		rec = kho_block_set_it_reserve_entry(&it);
		KUNIT_ASSERT_NOT_NULL(test, rec);
		if (!i) {
			head = kho_block_set_head_pa(set);
			KUNIT_ASSERT_NE(test, head, 0);
			KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(head));
			hdr = kho_test_hdr(head);
		}
		/* record i at 16 + i * 48, header counting it */
		KUNIT_EXPECT_PTR_EQ(test, (void *)rec,
				    (void *)hdr + KHO_TEST_HDR +
				    i * KHO_TEST_ENTRY);
		KUNIT_EXPECT_EQ(test, hdr->count, i + 1);
		KUNIT_EXPECT_EQ(test, hdr->next, 0);
		kho_test_fill_rec(rec, i);
	}
	KUNIT_EXPECT_EQ(test, set->count, KHO_TEST_CPB);
	KUNIT_EXPECT_FALSE(test, kho_block_set_is_empty(set));

	/* full: no room for one more */
	KUNIT_EXPECT_NULL(test, kho_block_set_it_reserve_entry(&it));
	KUNIT_EXPECT_EQ(test, set->count, KHO_TEST_CPB);
	KUNIT_EXPECT_EQ(test, hdr->count, KHO_TEST_CPB);

	kho_block_set_it_init(&it, set, 0);
	for (i = 0; i < KHO_TEST_CPB; i++) {
		rec = kho_block_set_it_read_entry(&it);
		KUNIT_ASSERT_NOT_NULL(test, rec);
		if (!kho_test_rec_ok(rec, i))
			bad++;
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_NULL(test, kho_block_set_it_read_entry(&it));
	kho_test_check_chain(test, set, KHO_TEST_CPB);
}

/* One record more than a block: it goes to a second, linked block. */
static void kho_block_test_spill(struct kunit *test)
{
	struct kho_block_set *set = kho_test_new_set(test);
	struct kho_block_header_ser *first, *second;
	struct kho_block_set_it it;
	struct kho_test_rec *rec;
	phys_addr_t second_pa;

	kho_test_need_kho(test);
	kho_test_append(test, set, KHO_TEST_CPB);
	first = kho_test_hdr(kho_block_set_head_pa(set));

	KUNIT_ASSERT_EQ(test, kho_block_set_grow(set, 1), 0);
	KUNIT_EXPECT_EQ(test, set->nr_blocks, 2);
	/* the new block is not linked until it holds a record */
	KUNIT_EXPECT_EQ(test, first->next, 0);

	kho_block_set_it_init(&it, set, set->count);
	rec = kho_block_set_it_reserve_entry(&it);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	kho_test_fill_rec(rec, KHO_TEST_CPB);

	second_pa = first->next;
	KUNIT_ASSERT_NE(test, second_pa, 0);
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(second_pa));
	second = kho_test_hdr(second_pa);
	KUNIT_EXPECT_PTR_EQ(test, (void *)rec, (void *)second + KHO_TEST_HDR);
	KUNIT_EXPECT_EQ(test, first->count, KHO_TEST_CPB);
	KUNIT_EXPECT_EQ(test, second->count, 1);
	KUNIT_EXPECT_EQ(test, second->next, 0);
	KUNIT_EXPECT_EQ(test, set->count, KHO_TEST_CPB + 1);

	kho_test_verify(test, set, KHO_TEST_CPB + 1);
	kho_test_check_chain(test, set, KHO_TEST_CPB + 1);
}

/* What the test module keeps: 3000 records of 48 bytes. */
static void kho_block_test_many(struct kunit *test)
{
	unsigned long blocks = DIV_ROUND_UP(KHO_TEST_MANY, KHO_TEST_CPB);
	struct kho_block_set *set = kho_test_new_set(test);
	struct kho_block_set_it it;
	struct kho_test_rec *rec;
	unsigned long i, bad = 0;

	kho_test_need_kho(test);
	kho_test_append(test, set, KHO_TEST_MANY);
	/* grow made exactly the blocks needed */
	KUNIT_EXPECT_EQ(test, set->nr_blocks, blocks);
	kho_test_verify(test, set, KHO_TEST_MANY);
	kho_test_check_chain(test, set, KHO_TEST_MANY);

	/* and backwards from the end */
	kho_block_set_it_init(&it, set, ULONG_MAX);
	KUNIT_EXPECT_EQ(test, it.pos, KHO_TEST_MANY);
	KUNIT_EXPECT_NULL(test, kho_block_set_it_read_entry(&it));
	i = KHO_TEST_MANY;
	while (i--) {
		rec = kho_block_set_it_prev(&it);
		KUNIT_ASSERT_NOT_NULL(test, rec);
		if (!kho_test_rec_ok(rec, i))
			bad++;
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_NULL(test, kho_block_set_it_prev(&it));

	/* growing one record at a time makes no spare blocks */
	kho_block_set_destroy(set);
	for (i = 0; i < 2 * KHO_TEST_CPB + 3; i++)
		kho_test_append(test, set, 1);
	KUNIT_EXPECT_EQ(test, set->nr_blocks, 3);
	kho_test_verify(test, set, 2 * KHO_TEST_CPB + 3);
	kho_test_check_chain(test, set, 2 * KHO_TEST_CPB + 3);
}

static void kho_block_test_shrink(struct kunit *test)
{
	struct kho_block_set *set = kho_test_new_set(test);
	unsigned long keep;

	kho_test_need_kho(test);
	kho_test_append(test, set, KHO_TEST_MANY);

	/* into the middle of a block */
	keep = KHO_TEST_MANY - 100;
	kho_block_set_shrink(set, 100);
	KUNIT_EXPECT_EQ(test, set->count, keep);
	KUNIT_EXPECT_EQ(test, set->nr_blocks, DIV_ROUND_UP(keep, KHO_TEST_CPB));
	kho_test_check_chain(test, set, keep);
	kho_test_verify(test, set, keep);

	/* to a block boundary: the last block kept is full */
	kho_block_set_shrink(set, keep - 2 * KHO_TEST_CPB);
	KUNIT_EXPECT_EQ(test, set->count, 2 * KHO_TEST_CPB);
	KUNIT_EXPECT_EQ(test, set->nr_blocks, 2);
	kho_test_check_chain(test, set, 2 * KHO_TEST_CPB);
	kho_test_verify(test, set, 2 * KHO_TEST_CPB);

	/* records go back in where they were dropped */
	kho_test_append(test, set, 5);
	kho_test_check_chain(test, set, 2 * KHO_TEST_CPB + 5);
	kho_test_verify(test, set, 2 * KHO_TEST_CPB + 5);

	/* shrink(0) gives back unused room and nothing else */
	KUNIT_ASSERT_EQ(test, kho_block_set_grow(set, 3 * KHO_TEST_CPB), 0);
	KUNIT_EXPECT_EQ(test, set->nr_blocks, 6);
	kho_block_set_shrink(set, 0);
	KUNIT_EXPECT_EQ(test, set->nr_blocks, 3);
	KUNIT_EXPECT_EQ(test, set->count, 2 * KHO_TEST_CPB + 5);
	kho_test_check_chain(test, set, 2 * KHO_TEST_CPB + 5);

	/* more than there is: everything */
	kho_block_set_shrink(set, ULONG_MAX);
	KUNIT_EXPECT_TRUE(test, kho_block_set_is_empty(set));
	KUNIT_EXPECT_EQ(test, set->nr_blocks, 0);
	KUNIT_EXPECT_EQ(test, kho_block_set_head_pa(set), 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&set->blocks));
}

/* Positions, overwrites, reading back and forth across blocks. */
static void kho_block_test_iterator(struct kunit *test)
{
	unsigned long total = 2 * KHO_TEST_CPB + 10;
	struct kho_block_set *set = kho_test_new_set(test);
	struct kho_test_rec *rec, *again;
	struct kho_block_set_it it;
	unsigned long pos;

	kho_test_need_kho(test);

	/* an iterator made on an empty set sees the room grown after it */
	kho_block_set_it_init(&it, set, 0);
	KUNIT_ASSERT_EQ(test, kho_block_set_grow(set, total), 0);
	rec = kho_block_set_it_reserve_entry(&it);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	kho_test_fill_rec(rec, 0);
	kho_test_append(test, set, total - 1);

	/* every position, around both block boundaries */
	for (pos = 0; pos < total; pos++) {
		kho_block_set_it_init(&it, set, pos);
		KUNIT_EXPECT_EQ(test, it.pos, pos);
		rec = kho_block_set_it_read_entry(&it);
		KUNIT_ASSERT_NOT_NULL(test, rec);
		KUNIT_EXPECT_TRUE_MSG(test, kho_test_rec_ok(rec, pos),
				      "record at %lu", pos);
		again = kho_block_set_it_prev(&it);
		KUNIT_EXPECT_PTR_EQ(test, again, rec);
		if (pos) {
			rec = kho_block_set_it_prev(&it);
			KUNIT_ASSERT_NOT_NULL(test, rec);
			KUNIT_EXPECT_TRUE(test, kho_test_rec_ok(rec, pos - 1));
		} else {
			KUNIT_EXPECT_NULL(test, kho_block_set_it_prev(&it));
		}
	}

	/* a reserve before the end replaces a record, zeroed */
	kho_block_set_it_init(&it, set, KHO_TEST_CPB);
	rec = kho_block_set_it_reserve_entry(&it);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	KUNIT_EXPECT_EQ(test, rec->index, 0);
	KUNIT_EXPECT_EQ(test, rec->tag, 0);
	KUNIT_EXPECT_EQ(test, set->count, total);
	kho_test_fill_rec(rec, KHO_TEST_CPB);
	kho_test_verify(test, set, total);
	kho_test_check_chain(test, set, total);

	/* removing record 3: move the last one over it, drop the last */
	kho_block_set_it_init(&it, set, 3);
	rec = kho_block_set_it_read_entry(&it);
	kho_block_set_it_init(&it, set, set->count);
	again = kho_block_set_it_prev(&it);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	KUNIT_ASSERT_NOT_NULL(test, again);
	memcpy(rec, again, sizeof(*rec));
	kho_block_set_shrink(set, 1);
	KUNIT_EXPECT_EQ(test, set->count, total - 1);
	kho_block_set_it_init(&it, set, 3);
	rec = kho_block_set_it_read_entry(&it);
	KUNIT_EXPECT_TRUE(test, kho_test_rec_ok(rec, total - 1));
	kho_test_check_chain(test, set, total - 1);
}

static void kho_block_test_clear(struct kunit *test)
{
	struct kho_block_set *set = kho_test_new_set(test);
	struct kho_block_header_ser *hdr;
	phys_addr_t head;
	unsigned long nr = 200;

	kho_test_need_kho(test);
	kho_test_append(test, set, nr);
	head = kho_block_set_head_pa(set);

	kho_block_set_clear(set);
	KUNIT_EXPECT_TRUE(test, kho_block_set_is_empty(set));
	KUNIT_EXPECT_EQ(test, kho_block_set_head_pa(set), 0);
	/* the blocks stay, unlinked and empty, as room */
	KUNIT_EXPECT_EQ(test, set->nr_blocks, DIV_ROUND_UP(nr, KHO_TEST_CPB));
	hdr = kho_test_hdr(head);
	KUNIT_EXPECT_EQ(test, hdr->count, 0);
	KUNIT_EXPECT_EQ(test, hdr->next, 0);

	/* refilling needs no memory: grow finds the room */
	kho_test_append(test, set, nr);
	KUNIT_EXPECT_EQ(test, set->nr_blocks, DIV_ROUND_UP(nr, KHO_TEST_CPB));
	KUNIT_EXPECT_EQ(test, kho_block_set_head_pa(set), head);
	kho_test_verify(test, set, nr);
	kho_test_check_chain(test, set, nr);
}

static void kho_block_test_grow_fail(struct kunit *test)
{
	struct kho_block_set *set = kho_test_new_set(test);
	struct kho_block_set other =
		KHO_BLOCK_SET_INIT(other, struct kho_test_rec);
	struct kho_block_set_it it;
	phys_addr_t head;

	kho_test_need_kho(test);
	kho_test_append(test, set, 1);
	head = kho_block_set_head_pa(set);

	/* one block too many for the bound: nothing is allocated */
	KUNIT_EXPECT_EQ(test, kho_block_set_grow(set, KHO_MAX_BLOCKS *
						 KHO_TEST_CPB), -E2BIG);
	KUNIT_EXPECT_EQ(test, kho_block_set_grow(set, ULONG_MAX), -E2BIG);
	KUNIT_EXPECT_EQ(test, set->nr_blocks, 1);
	KUNIT_EXPECT_EQ(test, set->count, 1);
	KUNIT_EXPECT_EQ(test, kho_block_set_head_pa(set), head);
	kho_test_verify(test, set, 1);
	kho_test_check_chain(test, set, 1);

	/* restore wants an empty set, and a handover */
	KUNIT_EXPECT_EQ(test, kho_block_set_restore(set, head), -EBUSY);
	if (!is_kho_boot())
		KUNIT_EXPECT_EQ(test, kho_block_set_restore(&other, head),
				-ENOENT);

	/* an incoming set does not grow and hands out no room */
	other.incoming = true;
	KUNIT_EXPECT_EQ(test, kho_block_set_grow(&other, 1), -EINVAL);
	kho_block_set_it_init(&it, &other, 0);
	KUNIT_EXPECT_NULL(test, kho_block_set_it_reserve_entry(&it));
	kho_block_set_destroy(&other);
	KUNIT_EXPECT_FALSE(test, other.incoming);
}

/* ------------------------------------------------------------------ */
/* Validation of incoming chains                                      */

static void kho_block_test_check_valid(struct kunit *test)
{
	struct kho_block_header_ser saved[3];
	phys_addr_t pa[3];
	unsigned long nr;
	unsigned int i;

	kho_test_make_chain(test, pa, 3);
	/* the extremes of count are fine */
	kho_test_hdr(pa[1])->count = KHO_TEST_CPB;
	for (i = 0; i < 3; i++)
		saved[i] = *kho_test_hdr(pa[i]);

	KUNIT_EXPECT_EQ(test, kho_test_check(pa[0], &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 3);
	KUNIT_EXPECT_EQ(test, kho_test_check(pa[1], &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 2);
	/* nothing was written */
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_MEMEQ(test, kho_test_hdr(pa[i]), &saved[i],
				   sizeof(saved[i]));

	/* with a larger entry size, a full block of 48-byte records is not */
	KUNIT_EXPECT_EQ(test, kho_block_chain_check(pa[0], 64, NULL, NULL, &nr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, nr, 2);
}

static void kho_block_test_check_count(struct kunit *test)
{
	phys_addr_t pa[3];
	unsigned long nr;

	kho_test_make_chain(test, pa, 3);

	kho_test_hdr(pa[1])->count = 0;
	KUNIT_EXPECT_EQ(test, kho_test_check(pa[0], &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, nr, 2);

	kho_test_hdr(pa[1])->count = 1;
	kho_test_hdr(pa[2])->count = KHO_TEST_CPB + 1;
	KUNIT_EXPECT_EQ(test, kho_test_check(pa[0], &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, nr, 3);

	kho_test_hdr(pa[2])->count = 1;
	kho_test_hdr(pa[0])->count = U64_MAX;
	KUNIT_EXPECT_EQ(test, kho_test_check(pa[0], &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, nr, 1);
}

static void kho_block_test_check_align(struct kunit *test)
{
	phys_addr_t pa[2];
	unsigned long nr;

	kho_test_make_chain(test, pa, 2);

	/* a bad head: nothing may be read */
	KUNIT_EXPECT_EQ(test, kho_test_check(pa[0] + 8, &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, nr, 0);

	/* a bad next: the block holding it is still ours */
	kho_test_hdr(pa[0])->next = pa[1] + 16;
	KUNIT_EXPECT_EQ(test, kho_test_check(pa[0], &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, nr, 1);
	kho_test_hdr(pa[0])->next = pa[1] + PAGE_SIZE / 2;
	KUNIT_EXPECT_EQ(test, kho_test_check(pa[0], &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, nr, 1);
}

struct kho_test_usable {
	phys_addr_t refuse;
	unsigned int calls;
};

static bool kho_test_usable(phys_addr_t pa, void *arg)
{
	struct kho_test_usable *u = arg;

	u->calls++;
	return pa != u->refuse;
}

static void kho_block_test_check_usable(struct kunit *test)
{
	struct kho_test_usable u = { };
	phys_addr_t pa[3];
	unsigned long nr;

	kho_test_make_chain(test, pa, 3);

	/* every block is vetted */
	KUNIT_EXPECT_EQ(test, kho_block_chain_check(pa[0], KHO_TEST_ENTRY,
						    kho_test_usable, &u, &nr),
			0);
	KUNIT_EXPECT_EQ(test, nr, 3);
	KUNIT_EXPECT_EQ(test, u.calls, 3);

	/* a block the caller refuses is not read */
	u.refuse = pa[2];
	u.calls = 0;
	kho_test_hdr(pa[2])->count = 0;
	KUNIT_EXPECT_EQ(test, kho_block_chain_check(pa[0], KHO_TEST_ENTRY,
						    kho_test_usable, &u, &nr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, nr, 2);
	KUNIT_EXPECT_EQ(test, u.calls, 3);
}

static void kho_block_test_check_cycle(struct kunit *test)
{
	phys_addr_t pa[5];
	unsigned long nr;

	kho_test_make_chain(test, pa, 5);

	/* a block linked to itself */
	kho_test_hdr(pa[0])->next = pa[0];
	KUNIT_EXPECT_EQ(test, kho_test_check(pa[0], &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, nr, 1);

	/* two blocks linked to each other */
	kho_test_hdr(pa[0])->next = pa[1];
	kho_test_hdr(pa[1])->next = pa[0];
	KUNIT_EXPECT_EQ(test, kho_test_check(pa[0], &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, nr, 2);

	/* a tail of two blocks into a loop of three: 0 1 2 3 4 2 3 4 ... */
	kho_test_hdr(pa[1])->next = pa[2];
	kho_test_hdr(pa[4])->next = pa[2];
	KUNIT_EXPECT_EQ(test, kho_test_check(pa[0], &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, nr, 5);

	/* the last block back to the first */
	kho_test_hdr(pa[4])->next = pa[0];
	KUNIT_EXPECT_EQ(test, kho_test_check(pa[3], &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, nr, 5);
}

/*
 * The bound itself.  With Floyd's walk a loop of a few pages is reported as
 * a loop, so it cannot stand in for a long chain: build a real chain of
 * KHO_MAX_BLOCKS + 1 pages (about 40 MiB, in order-9 allocations, held for
 * this test only) and bend it into loops of every kind around the bound.
 */
#define KHO_TEST_BOUND_ORDER	9
#define KHO_TEST_BOUND_PAGES	BIT(KHO_TEST_BOUND_ORDER)

/* Block @i of the bound test: page i % 512 of chunk i / 512. */
static phys_addr_t kho_test_bound_pa(const phys_addr_t *chunk, unsigned long i)
{
	return chunk[i / KHO_TEST_BOUND_PAGES] +
	       (i % KHO_TEST_BOUND_PAGES) * PAGE_SIZE;
}

static void kho_block_test_check_bound(struct kunit *test)
{
	unsigned long chunks = DIV_ROUND_UP(KHO_MAX_BLOCKS + 1,
					    KHO_TEST_BOUND_PAGES);
	struct kho_block_header_ser *hdr;
	phys_addr_t *chunk;
	unsigned long i, nr;

	chunk = kunit_kcalloc(test, chunks, sizeof(*chunk), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, chunk);
	for (i = 0; i < chunks; i++)
		chunk[i] = kho_test_alloc(test, KHO_TEST_BOUND_ORDER);

	/* blocks 0 .. KHO_MAX_BLOCKS, in order */
	for (i = 0; i <= KHO_MAX_BLOCKS; i++) {
		hdr = kho_test_hdr(kho_test_bound_pa(chunk, i));
		hdr->count = 1 + i % KHO_TEST_CPB;
		hdr->next = i < KHO_MAX_BLOCKS ?
			    kho_test_bound_pa(chunk, i + 1) : 0;
	}

	/* KHO_MAX_BLOCKS + 1 blocks: too long */
	KUNIT_EXPECT_EQ(test, kho_test_check(kho_test_bound_pa(chunk, 0), &nr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, nr, KHO_MAX_BLOCKS);

	/* from block 1, KHO_MAX_BLOCKS exactly: fine */
	KUNIT_EXPECT_EQ(test, kho_test_check(kho_test_bound_pa(chunk, 1), &nr),
			0);
	KUNIT_EXPECT_EQ(test, nr, KHO_MAX_BLOCKS);

	/* a loop of KHO_MAX_BLOCKS blocks after one: found past the bound */
	hdr = kho_test_hdr(kho_test_bound_pa(chunk, KHO_MAX_BLOCKS));
	hdr->next = kho_test_bound_pa(chunk, 1);
	KUNIT_EXPECT_EQ(test, kho_test_check(kho_test_bound_pa(chunk, 0), &nr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, nr, KHO_MAX_BLOCKS);

	/* a loop of KHO_MAX_BLOCKS blocks from the head */
	hdr->next = 0;
	hdr = kho_test_hdr(kho_test_bound_pa(chunk, KHO_MAX_BLOCKS - 1));
	hdr->next = kho_test_bound_pa(chunk, 0);
	KUNIT_EXPECT_EQ(test, kho_test_check(kho_test_bound_pa(chunk, 0), &nr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, nr, KHO_MAX_BLOCKS);

	/* a short loop far down the chain: a loop, not a long chain */
	hdr->next = kho_test_bound_pa(chunk, KHO_MAX_BLOCKS - 3);
	KUNIT_EXPECT_EQ(test, kho_test_check(kho_test_bound_pa(chunk, 0), &nr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, nr, KHO_MAX_BLOCKS);
}

static struct kunit_case kho_block_test_cases[] = {
	KUNIT_CASE(kho_block_test_init),
	KUNIT_CASE(kho_block_test_empty),
	KUNIT_CASE(kho_block_test_full_block),
	KUNIT_CASE(kho_block_test_spill),
	KUNIT_CASE(kho_block_test_many),
	KUNIT_CASE(kho_block_test_shrink),
	KUNIT_CASE(kho_block_test_iterator),
	KUNIT_CASE(kho_block_test_clear),
	KUNIT_CASE(kho_block_test_grow_fail),
	KUNIT_CASE(kho_block_test_check_valid),
	KUNIT_CASE(kho_block_test_check_count),
	KUNIT_CASE(kho_block_test_check_align),
	KUNIT_CASE(kho_block_test_check_usable),
	KUNIT_CASE(kho_block_test_check_cycle),
	KUNIT_CASE(kho_block_test_check_bound),
	{}
};

static struct kunit_suite kho_block_test_suite = {
	.name = "kho_block",
	.test_cases = kho_block_test_cases,
};

kunit_test_suite(kho_block_test_suite);

MODULE_DESCRIPTION("KUnit tests for kho_block");
MODULE_LICENSE("GPL");
