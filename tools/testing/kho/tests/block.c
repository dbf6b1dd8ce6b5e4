// SPDX-License-Identifier: GPL-2.0
/*
 * Native unit tests of kho_block.c, with the intent of kho_block_kunit.c:
 * sets that grow, shrink, clear and iterate, chains kept valid at every
 * step, restore across a simulated kexec, and kho_block_chain_check() on
 * chains damaged in every way the format forbids.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kexec_handover.h>
#include <linux/kho_block.h>
#include <linux/slab.h>
#include <linux/mm.h>

#include "../../../../kernel/liveupdate/kho_radix.h"
#include "../shim/kho_shim.h"
#include "../shim/kho_sim.h"
#include "harness.h"

struct rec {
	u64 id;
	u32 sum;
	u8 tail[13];
} __attribute__((packed));	/* 25 bytes: records straddle alignment */

#define CPB	((PAGE_SIZE - 16) / sizeof(struct rec))

static void fill(struct rec *r, unsigned long i)
{
	unsigned int k;

	r->id = i;
	r->sum = i * 2654435761u;
	for (k = 0; k < sizeof(r->tail); k++)
		r->tail[k] = i + k;
}

static bool good(const struct rec *r, unsigned long i)
{
	struct rec want;

	fill(&want, i);
	return !memcmp(r, &want, sizeof(want));
}

static void append(struct kho_block_set *set, unsigned long from,
		   unsigned long n)
{
	struct kho_block_set_it it;
	unsigned long i;

	ASSERT(!kho_block_set_grow(set, n));
	kho_block_set_it_init(&it, set, set->count);
	for (i = 0; i < n; i++) {
		struct rec *r = kho_block_set_it_reserve_entry(&it);

		ASSERT(r);
		fill(r, from + i);
	}
}

static void verify(struct kho_block_set *set, unsigned long n)
{
	struct kho_block_set_it it;
	struct rec *r;
	unsigned long i = 0;

	EXPECT_EQ(set->count, n);
	kho_block_set_it_init(&it, set, 0);
	while ((r = kho_block_set_it_read_entry(&it))) {
		if (!good(r, i))
			EXPECT_EQ(r->id, i);
		i++;
	}
	EXPECT_EQ(i, n);
}

/* The chain in memory is what the next kernel would validate. */
static void check_chain(struct kho_block_set *set)
{
	unsigned long nr;

	EXPECT_EQ(kho_block_chain_check(kho_block_set_head_pa(set),
					sizeof(struct rec), NULL, NULL, &nr),
		  0);
	EXPECT_EQ(nr, set->count ? (set->count + CPB - 1) / CPB : 0);
}

static void test_init(void)
{
	struct kho_block_set set;
	static struct kho_block_set st = KHO_BLOCK_SET_INIT(st, struct rec);

	EXPECT_EQ(kho_block_set_init(&set, sizeof(struct rec)), 0);
	EXPECT_EQ(set.count_per_block, CPB);
	EXPECT_EQ(st.count_per_block, CPB);
	EXPECT_EQ(st.entry_size, sizeof(struct rec));
	EXPECT(kho_block_set_is_empty(&st));
	EXPECT_EQ(kho_block_set_init(&set, 1), 0);
	EXPECT_EQ(set.count_per_block, PAGE_SIZE - 16);
	EXPECT_EQ(kho_block_set_init(&set, PAGE_SIZE - 16), 0);
	EXPECT_EQ(set.count_per_block, 1);
	EXPECT_EQ(kho_block_set_init(&set, PAGE_SIZE - 15), -EINVAL);
	EXPECT_EQ(kho_block_set_grow(&set, 1), -EINVAL);
	EXPECT_EQ(kho_block_set_init(&set, 0), -EINVAL);
	EXPECT_EQ(sizeof(struct kho_block_header_ser), 16);
}

static void test_empty(void)
{
	struct kho_block_set set;
	struct kho_block_set_it it;

	kho_block_set_init(&set, sizeof(struct rec));
	EXPECT_EQ(kho_block_set_head_pa(&set), 0);
	kho_block_set_it_init(&it, &set, 0);
	EXPECT(!kho_block_set_it_read_entry(&it));
	EXPECT(!kho_block_set_it_prev(&it));
	/* no room: nothing to reserve */
	EXPECT(!kho_block_set_it_reserve_entry(&it));
	/* room alone does not make a chain */
	ASSERT(!kho_block_set_grow(&set, 3));
	EXPECT_EQ(set.nr_blocks, 1);
	EXPECT_EQ(kho_block_set_head_pa(&set), 0);
	check_chain(&set);
	kho_block_set_destroy(&set);
	EXPECT_EQ(set.nr_blocks, 0);
}

static void test_full_block(void)
{
	struct kho_block_set set;
	const struct kho_block_header_ser *h;

	kho_block_set_init(&set, sizeof(struct rec));
	append(&set, 0, CPB);
	EXPECT_EQ(set.nr_blocks, 1);
	h = phys_to_virt(kho_block_set_head_pa(&set));
	EXPECT_EQ(h->count, CPB);
	EXPECT_EQ(h->next, 0);
	check_chain(&set);
	/* records are packed right after the header */
	EXPECT(good((const struct rec *)((const u8 *)h + 16 +
					 3 * sizeof(struct rec)), 3));
	append(&set, CPB, 1);
	EXPECT_EQ(set.nr_blocks, 2);
	EXPECT(h->next);
	EXPECT_EQ(((struct kho_block_header_ser *)phys_to_virt(h->next))->count,
		  1);
	check_chain(&set);
	verify(&set, CPB + 1);
	kho_block_set_destroy(&set);
}

static void test_many(void)
{
	unsigned long tree = kho_sim.out->nodes + kho_sim.out->leaves;
	unsigned long used = kho_arena.used, n = 0;
	struct kho_block_set set;
	unsigned int i;

	kho_block_set_init(&set, sizeof(struct rec));
	for (i = 0; i < 50; i++) {
		unsigned long k = kho_test_rand() % 300;

		append(&set, n, k);
		n += k;
		check_chain(&set);
	}
	verify(&set, n);
	EXPECT_EQ(set.nr_blocks, (n + CPB - 1) / CPB);
	kho_block_set_destroy(&set);
	/* only tracker tables stay, as the tracker never frees them */
	EXPECT_EQ(kho_arena.used - used,
		  kho_sim.out->nodes + kho_sim.out->leaves - tree);
	/* every block was unpreserved again */
	EXPECT_EQ(kho_sim.out->blocks[0], 0);
}

static void test_shrink(void)
{
	struct kho_block_set set;
	unsigned long n = 5 * CPB + 10;

	kho_block_set_init(&set, sizeof(struct rec));
	append(&set, 0, n);
	kho_block_set_shrink(&set, 11);
	n -= 11;
	EXPECT_EQ(set.nr_blocks, 5);
	check_chain(&set);
	verify(&set, n);
	kho_block_set_shrink(&set, 2 * CPB);
	n -= 2 * CPB;
	EXPECT_EQ(set.nr_blocks, 3);
	check_chain(&set);
	verify(&set, n);
	/* room made by grow is given back by shrink(0) */
	ASSERT(!kho_block_set_grow(&set, 4 * CPB));
	EXPECT_EQ(set.nr_blocks, 7);
	kho_block_set_shrink(&set, 0);
	EXPECT_EQ(set.nr_blocks, 3);
	kho_block_set_shrink(&set, ~0UL);
	EXPECT_EQ(set.nr_blocks, 0);
	EXPECT_EQ(kho_block_set_head_pa(&set), 0);
	EXPECT_EQ(kho_sim.out->blocks[0], 0);
}

static void test_iterator(void)
{
	struct kho_block_set set;
	struct kho_block_set_it it;
	unsigned long n = 3 * CPB + 5, i;
	struct rec *r;

	kho_block_set_init(&set, sizeof(struct rec));
	append(&set, 0, n);
	/* start anywhere, go both ways */
	for (i = 0; i <= n; i += 37) {
		kho_block_set_it_init(&it, &set, i);
		r = kho_block_set_it_read_entry(&it);
		if (i < n)
			EXPECT(r && good(r, i));
		else
			EXPECT(!r);
		kho_block_set_it_init(&it, &set, i);
		r = kho_block_set_it_prev(&it);
		if (i)
			EXPECT(r && good(r, i - 1));
		else
			EXPECT(!r);
	}
	/* backward over everything */
	kho_block_set_it_init(&it, &set, n);
	for (i = n; (r = kho_block_set_it_prev(&it)); i--)
		if (!good(r, i - 1))
			EXPECT_EQ(r->id, i - 1);
	EXPECT_EQ(i, 0);
	/* read then prev gives the same record */
	kho_block_set_it_init(&it, &set, CPB - 1);
	r = kho_block_set_it_read_entry(&it);
	EXPECT(r == kho_block_set_it_prev(&it));
	/* overwrite in the middle: count unchanged */
	kho_block_set_it_init(&it, &set, CPB);
	r = kho_block_set_it_reserve_entry(&it);
	ASSERT(r);
	EXPECT_EQ(r->id, 0);	/* handed out zeroed */
	fill(r, CPB);
	EXPECT_EQ(set.count, n);
	verify(&set, n);
	kho_block_set_destroy(&set);
}

static void test_clear(void)
{
	struct kho_block_set set;
	unsigned long used;

	kho_block_set_init(&set, sizeof(struct rec));
	append(&set, 0, 2 * CPB + 1);
	used = kho_arena.used;
	kho_block_set_clear(&set);
	EXPECT_EQ(set.count, 0);
	EXPECT_EQ(set.nr_blocks, 3);
	EXPECT_EQ(kho_block_set_head_pa(&set), 0);
	EXPECT_EQ(kho_arena.used, used);
	check_chain(&set);
	/* the room is used again, no new pages */
	append(&set, 0, 2 * CPB);
	EXPECT_EQ(kho_arena.used, used);
	check_chain(&set);
	verify(&set, 2 * CPB);
	kho_block_set_destroy(&set);
}

static void test_grow_fail(void)
{
	struct kho_block_set set;
	unsigned long used;

	kho_block_set_init(&set, sizeof(struct rec));
	append(&set, 0, 10);
	used = kho_arena.used;
	kho_arena.fail_after = 2;
	EXPECT_EQ(kho_block_set_grow(&set, 5 * CPB), -ENOMEM);
	kho_arena.fail_after = -1;
	EXPECT_EQ(set.nr_blocks, 1);
	EXPECT_EQ(kho_arena.used, used);
	kho_slab_fail_after = 1;
	EXPECT_EQ(kho_block_set_grow(&set, 5 * CPB), -ENOMEM);
	kho_slab_fail_after = -1;
	EXPECT_EQ(set.nr_blocks, 1);
	EXPECT_EQ(kho_block_set_grow(&set, (KHO_MAX_BLOCKS + 1) * CPB),
		  -E2BIG);
	kho_sim.enabled = false;
	EXPECT_EQ(kho_block_set_grow(&set, 5 * CPB), -EOPNOTSUPP);
	kho_sim.enabled = true;
	verify(&set, 10);
	kho_block_set_destroy(&set);
}

static void test_restore(void)
{
	struct kho_block_set set, in;
	phys_addr_t head;
	unsigned long n = 4 * CPB + 17, used;

	kho_block_set_init(&set, sizeof(struct rec));
	append(&set, 0, n);
	/* spare room is not handed over */
	ASSERT(!kho_block_set_grow(&set, 3 * CPB));
	head = kho_block_set_head_pa(&set);
	ASSERT(!kho_sim_kexec());
	EXPECT_EQ(kho_sim.in_blocks, 5 + 3);

	kho_block_set_init(&in, sizeof(struct rec));
	used = kho_arena.used;
	EXPECT_EQ(kho_block_set_restore(&in, head), 0);
	EXPECT(in.incoming);
	EXPECT_EQ(in.nr_blocks, 5);
	verify(&in, n);
	/* incoming sets are read-only */
	EXPECT_EQ(kho_block_set_grow(&in, 1), -EINVAL);
	EXPECT_EQ(kho_block_set_restore(&in, head), -EBUSY);
	kho_block_set_shrink(&in, CPB + 17);
	EXPECT_EQ(in.nr_blocks, 3);
	EXPECT_EQ(used - kho_arena.used, 2);
	verify(&in, 3 * CPB);
	kho_block_set_destroy(&in);
	EXPECT_EQ(used - kho_arena.used, 5);
	/*
	 * Restoring the same chain again fails: its pages were restored and
	 * freed, and the check refuses the head before reading it.
	 */
	kho_block_set_init(&in, sizeof(struct rec));
	kho_log_reset();
	EXPECT_EQ(kho_block_set_restore(&in, head), -EINVAL);
	EXPECT_LOG("block 0 at");
	EXPECT_LOG("not usable memory");
	EXPECT_EQ(kho_log_errors(), 1);
	EXPECT_EQ(kho_log_warnings(), 0);
	EXPECT_EQ(kho_arena.used, used - 5);
	EXPECT_EQ(kho_block_set_restore(&in, 0), 0);
}

/*
 * A chain handed on: kernel B restores A's chain, preserves it again and
 * adds records; kernel C gets A's and B's records in the same chain, at
 * the same head.  A chain that is not dense cannot be handed on.
 */
static void test_hand_on(void)
{
	struct kho_block_set set, in;
	struct kho_block_header_ser *ser;
	unsigned long n = 2 * CPB + 5;
	phys_addr_t head;

	kho_block_set_init(&set, sizeof(struct rec));
	append(&set, 0, n);
	head = kho_block_set_head_pa(&set);
	EXPECT_EQ(kho_block_set_preserve(&set), 0);	/* outgoing: nothing */
	ASSERT(!kho_sim_kexec());

	kho_block_set_init(&in, sizeof(struct rec));
	ASSERT(!kho_block_set_restore(&in, head));
	EXPECT_EQ(kho_block_set_preserve(&in), 0);
	EXPECT(!in.incoming);
	EXPECT_EQ(kho_block_set_head_pa(&in), head);
	append(&in, n, CPB);
	check_chain(&in);
	ASSERT(!kho_sim_kexec());
	EXPECT_EQ(kho_sim.in_blocks, 4);

	kho_block_set_init(&set, sizeof(struct rec));
	ASSERT(!kho_block_set_restore(&set, head));
	verify(&set, n + CPB);

	/* block 0 of 4 with one record short: read-only it stays */
	ser = phys_to_virt(head);
	ser->count--;
	set.count--;
	EXPECT_EQ(kho_block_set_preserve(&set), -EINVAL);
	EXPECT(set.incoming);
	kho_block_set_destroy(&set);
}

/* What becomes of block 1 of a three-block chain at the kexec. */
enum fate {
	UNPRESERVED,	/* not preserved: free memory in kernel B */
	RESTORED,	/* preserved, then restored by someone else in B */
	HUGE,		/* preserved as an order-1 block, not as a page */
};

/*
 * A chain whose block 1 is well formed and in RAM, but not a preserved
 * page of its own: the check refuses it before reading it, with one log
 * line and no warning (nothing unvetted is restored).  Block 0, vetted and
 * read, is taken back and freed; block 1 and block 2 behind it are left
 * as kernel B has them.
 */
static void restore_unvetted(enum fate fate)
{
	struct kho_block_header_ser *b[3];
	struct kho_block_set in;
	phys_addr_t pa[3];
	unsigned long used;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		b[i] = kho_alloc_preserve(i == 1 && fate == HUGE ?
					  2 * PAGE_SIZE : PAGE_SIZE);
		ASSERT(!IS_ERR(b[i]));
		pa[i] = virt_to_phys(b[i]);
		b[i]->count = i + 1;
	}
	b[0]->next = pa[1];
	b[1]->next = pa[2];
	/* its content survives the kexec, but nothing reserves it */
	if (fate == UNPRESERVED) {
		kho_unpreserve_folio(virt_to_folio(b[1]));
		kho_arena.poison = false;
	}
	ASSERT(!kho_sim_kexec());
	kho_arena.poison = true;
	if (fate == RESTORED)
		ASSERT(kho_restore_folio(pa[1]));
	EXPECT_EQ(b[1]->count, 2);	/* well formed, were it read */

	used = kho_arena.used;
	kho_log_reset();
	kho_block_set_init(&in, sizeof(struct rec));
	EXPECT_EQ(kho_block_set_restore(&in, pa[0]), -EINVAL);
	EXPECT_LOG("block 1 at");
	EXPECT_LOG("not usable memory");
	EXPECT_EQ(kho_log_errors(), 1);
	EXPECT_EQ(kho_log_warnings(), 0);
	EXPECT_EQ(in.nr_blocks, 0);
	EXPECT_EQ(in.count, 0);
	EXPECT_EQ(in.head_pa, 0);
	EXPECT(!in.incoming);
	/* block 0 was taken back and freed, and nothing else */
	EXPECT_EQ(used - kho_arena.used, 1);
	EXPECT(!kho_is_preserved(pa[0], 0));
	EXPECT(kho_is_preserved(pa[2], 0));
	EXPECT(!kho_is_preserved(pa[1], 0));
	switch (fate) {
	case UNPRESERVED:
		EXPECT(!(virt_to_page(b[1])->flags & KHO_PG_USED));
		break;
	case RESTORED:
		/* still its restorer's, who frees it */
		EXPECT_EQ(page_count(virt_to_page(b[1])), 1);
		folio_put(virt_to_folio(b[1]));
		break;
	case HUGE:
		EXPECT(kho_is_preserved(pa[1], 1));
		break;
	}
}

static void test_restore_unpreserved(void)
{
	restore_unvetted(UNPRESERVED);
}

static void test_restore_restored(void)
{
	restore_unvetted(RESTORED);
}

static void test_restore_wrong_order(void)
{
	restore_unvetted(HUGE);
}

static void test_restore_not_kho(void)
{
	struct kho_block_set in;

	kho_block_set_init(&in, sizeof(struct rec));
	EXPECT_EQ(kho_block_set_restore(&in, KHO_ARENA_BASE), -ENOENT);
	kho_block_set_init(&in, 0);
	EXPECT_EQ(kho_block_set_restore(&in, KHO_ARENA_BASE), -EINVAL);
}

/* ---- chain_check on hand-made chains --------------------------------- */

/* @n blocks, each with @count records, linked in order; return the head. */
static phys_addr_t make_chain(struct kho_block_header_ser **b, unsigned int n,
			      u64 count)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		b[i] = (void *)get_zeroed_page(GFP_KERNEL);
		ASSERT(b[i]);
		b[i]->count = count;
	}
	for (i = 0; i + 1 < n; i++)
		b[i]->next = virt_to_phys(b[i + 1]);
	return virt_to_phys(b[0]);
}

static int check(phys_addr_t head, unsigned long *nr)
{
	return kho_block_chain_check(head, sizeof(struct rec), NULL, NULL, nr);
}

static void test_check_valid(void)
{
	struct kho_block_header_ser *b[4];
	unsigned long nr = 99;
	phys_addr_t head = make_chain(b, 4, 1);

	EXPECT_EQ(check(0, &nr), 0);
	EXPECT_EQ(nr, 0);
	EXPECT_EQ(check(head, &nr), 0);
	EXPECT_EQ(nr, 4);
	b[3]->count = CPB;
	EXPECT_EQ(check(head, &nr), 0);
	EXPECT_EQ(kho_block_chain_check(head, 0, NULL, NULL, &nr), -EINVAL);
	EXPECT_EQ(kho_block_chain_check(head, PAGE_SIZE, NULL, NULL, &nr),
		  -EINVAL);
	EXPECT_EQ(kho_log_errors(), 2);
}

static void test_check_count(void)
{
	struct kho_block_header_ser *b[4];
	unsigned long nr;
	phys_addr_t head = make_chain(b, 4, 2);

	b[2]->count = 0;
	EXPECT_EQ(check(head, &nr), -EINVAL);
	EXPECT_EQ(nr, 3);	/* the bad block was read: it may be freed */
	EXPECT_LOG("block 2 at");
	EXPECT_LOG("has count 0");
	b[2]->count = CPB + 1;
	EXPECT_EQ(check(head, &nr), -EINVAL);
	b[2]->count = ~0ULL;
	EXPECT_EQ(check(head, &nr), -EINVAL);
}

static void test_check_align(void)
{
	struct kho_block_header_ser *b[4];
	unsigned long nr;
	phys_addr_t head = make_chain(b, 4, 2);

	b[1]->next += 16;
	EXPECT_EQ(check(head, &nr), -EINVAL);
	EXPECT_EQ(nr, 2);	/* block 2's address was not read through */
	EXPECT_LOG("not page aligned");
	EXPECT_EQ(check(head + 8, &nr), -EINVAL);
	EXPECT_EQ(nr, 0);
}

static bool usable_but(phys_addr_t pa, void *arg)
{
	return pa != *(phys_addr_t *)arg && kho_arena_has(pa, PAGE_SIZE);
}

static void test_check_usable(void)
{
	struct kho_block_header_ser *b[4];
	unsigned long nr;
	phys_addr_t head = make_chain(b, 4, 2), bad = virt_to_phys(b[3]);

	EXPECT_EQ(kho_block_chain_check(head, sizeof(struct rec), usable_but,
					&bad, &nr), -EINVAL);
	EXPECT_EQ(nr, 3);
	EXPECT_LOG("not usable memory");
	/* outside the arena: refused by the callback, never read */
	b[1]->next = 0x7fff0000000ULL;
	bad = 0;
	EXPECT_EQ(kho_block_chain_check(head, sizeof(struct rec), usable_but,
					&bad, &nr), -EINVAL);
	EXPECT_EQ(nr, 2);
}

static void test_check_cycle(void)
{
	struct kho_block_header_ser *b[7];
	unsigned long nr;
	unsigned int to;
	phys_addr_t head = make_chain(b, 7, 1);

	/* the last block links back to each block in turn */
	for (to = 0; to < 7; to++) {
		kho_log_reset();
		b[6]->next = virt_to_phys(b[to]);
		EXPECT_EQ(check(head, &nr), -EINVAL);
		EXPECT_EQ(nr, 7);
		EXPECT_LOG("cycle");
	}
}

static void test_check_bound(void)
{
	enum { N = KHO_MAX_BLOCKS + 1 };
	struct kho_block_header_ser **b = calloc(N, sizeof(*b));
	unsigned long nr;
	phys_addr_t head;

	ASSERT(b);
	head = make_chain(b, N - 1, 1);
	EXPECT_EQ(check(head, &nr), 0);
	EXPECT_EQ(nr, KHO_MAX_BLOCKS);
	b[N - 1] = (void *)get_zeroed_page(GFP_KERNEL);
	ASSERT(b[N - 1]);
	b[N - 1]->count = 1;
	b[N - 2]->next = virt_to_phys(b[N - 1]);
	EXPECT_EQ(check(head, &nr), -EINVAL);
	EXPECT_EQ(nr, KHO_MAX_BLOCKS);
	EXPECT_LOG("longer than");
	/* a long chain that loops late is still told to be a cycle */
	b[N - 1]->next = virt_to_phys(b[N / 2]);
	kho_log_reset();
	EXPECT_EQ(check(head, &nr), -EINVAL);
	EXPECT_EQ(nr, KHO_MAX_BLOCKS);
	EXPECT_LOG("cycle");
	free(b);
}

static void test_restore_corrupt(void)
{
	struct kho_block_set set, in;
	struct kho_block_header_ser *h;
	phys_addr_t head;
	unsigned long used;

	kho_block_set_init(&set, sizeof(struct rec));
	append(&set, 0, 3 * CPB);
	head = kho_block_set_head_pa(&set);
	h = phys_to_virt(head);
	h = phys_to_virt(h->next);
	h->count = 0;	/* block 1 is corrupt */
	ASSERT(!kho_sim_kexec());

	used = kho_arena.used;
	kho_block_set_init(&in, sizeof(struct rec));
	EXPECT_EQ(kho_block_set_restore(&in, head), -EINVAL);
	EXPECT_EQ(in.nr_blocks, 0);
	EXPECT_EQ(in.count, 0);
	/* the two blocks that could be read were taken back and freed */
	EXPECT_EQ(used - kho_arena.used, 2);
	EXPECT_LOG("has count 0");
}

const struct kho_test kho_block_tests[] = {
	KHO_TEST(test_init),
	KHO_TEST(test_empty),
	KHO_TEST(test_full_block),
	KHO_TEST(test_many),
	KHO_TEST(test_shrink),
	KHO_TEST(test_iterator),
	KHO_TEST(test_clear),
	KHO_TEST(test_grow_fail),
	KHO_TEST(test_restore),
	KHO_TEST(test_hand_on),
	KHO_TEST(test_restore_not_kho),
	KHO_TEST(test_restore_unpreserved),
	KHO_TEST(test_restore_restored),
	KHO_TEST(test_restore_wrong_order),
	KHO_TEST(test_check_valid),
	KHO_TEST(test_check_count),
	KHO_TEST(test_check_align),
	KHO_TEST(test_check_usable),
	KHO_TEST(test_check_cycle),
	KHO_TEST(test_check_bound),
	KHO_TEST(test_restore_corrupt),
	{ }
};
