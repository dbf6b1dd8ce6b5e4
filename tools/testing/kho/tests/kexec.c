// SPDX-License-Identifier: GPL-2.0
/*
 * Native-only tests of kho_array and kho_block: what needs the simulated
 * kexec of lib/kho_sim.c (a handover into a next kernel whose free memory
 * is poisoned, a page that is preserved but restored by someone else, a
 * page that survives but is not preserved), its fault injection or KHO
 * being off.  The
 * rest of both libraries is tested by their KUnit suites, which run here
 * too (kernel/liveupdate/kho_array_kunit.c, kho_block_kunit.c).
 */
#include <stdlib.h>
#include <string.h>

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kexec_handover.h>
#include <linux/kho_array.h>
#include <linux/kho_block.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "../../../../kernel/liveupdate/kho_radix.h"
#include "../shim/kho_shim.h"
#include "../shim/kho_sim.h"
#include "harness.h"

/* ---- kho_array ------------------------------------------------------------ */

#define PER_PAGE	KHO_ARRAY_PAGE_ENTRIES

static void write_value(struct ka_iter *it, unsigned long pos,
			unsigned long v)
{
	ASSERT(!ka_iter_setpos(it, pos));
	ASSERT(!ka_iter_setentry(it, ka_mk_value(v)));
}

static void array_write_nomem(void)
{
	struct kho_array ka;
	struct ka_iter it;

	kho_array_init(&ka);
	ka_iter_init_write(&it, &ka);
	kho_arena.fail_after = 0;
	EXPECT_EQ(ka_iter_setentry(&it, ka_mk_value(1)), -ENOMEM);
	kho_arena.fail_after = -1;
	EXPECT_EQ(ka.first, 0);
	EXPECT_EQ(ka_iter_setentry(&it, ka_mk_value(1)), 0);
	kho_array_destroy(&ka);
}

/* Preserve @ka in a blob page, kexec, and hand the blob back. */
static struct kho_array *kexec_with(struct kho_array *ka, bool preserve)
{
	struct kho_array *blob = kho_alloc_preserve(PAGE_SIZE);
	phys_addr_t phys;

	ASSERT(!IS_ERR(blob));
	*blob = *ka;
	if (preserve)
		ASSERT(!kho_array_preserve(blob));
	phys = virt_to_phys(blob);
	ASSERT(!kho_sim_kexec());
	ASSERT(kho_restore_folio(phys));
	return phys_to_virt(phys);
}

static void array_preserve_restore(void)
{
	char *mem = kho_alloc_preserve(PAGE_SIZE);
	struct kho_array ka, *in;
	unsigned long i, n = 0;
	phys_addr_t mem_phys;
	struct ka_iter it;
	void *e;

	ASSERT(!IS_ERR(mem));
	snprintf(mem, PAGE_SIZE, "%s", "preserved");
	mem_phys = virt_to_phys(mem);
	kho_array_init(&ka);
	ka_iter_init_write(&it, &ka);
	for (i = 0; i < 3000; i += 1 + i % 13) {
		ASSERT(!ka_iter_setpos(&it, i * 11));
		ASSERT(!ka_iter_setentry(&it, i % 5 ? ka_mk_value(i) :
						      mem + (i % 64) * 8));
	}
	in = kexec_with(&ka, true);

	EXPECT_EQ(ka_iter_init_restore(&it, in), 0);
	EXPECT_EQ(kho_log_errors(), 0);
	for (i = 0; i < 3000; i += 1 + i % 13) {
		e = ka_iter_getentry(&it);
		EXPECT_EQ(ka_iter_getpos(&it), i * 11);
		if (i % 5)
			EXPECT_EQ(ka_to_value(e), i);
		else
			EXPECT_EQ(virt_to_phys(e), mem_phys + (i % 64) * 8);
		ka_iter_nextentry(&it);
		n++;
	}
	EXPECT(ka_iter_end(&it));
	EXPECT(n > 100);
	/* the memory behind the pointers is the owner's to restore */
	EXPECT(!strcmp(phys_to_virt(mem_phys), "preserved"));
	kho_restore_free(phys_to_virt(mem_phys));
	kho_array_destroy(in);
}

/* ---- damaged arrays ------------------------------------------------------ */

/* What becomes of list page @victim, which stays well formed, at the kexec. */
enum fate {
	INTACT,
	UNPRESERVED,	/* not preserved: free memory in kernel B */
	RESTORED,	/* preserved, but restored by someone else in kernel B */
};

struct damage {
	const char *name;
	void (*fn)(struct kho_array *ka, struct kho_array_page **p);
	const char *log;
	enum fate fate;
	unsigned int victim;
};

static void dmg_first_outside(struct kho_array *ka,
			      struct kho_array_page **p)
{
	ka->first = 0x7fff0000000ULL;	/* page aligned, not RAM */
}

static void dmg_next_outside(struct kho_array *ka, struct kho_array_page **p)
{
	p[1]->next = PAGE_SIZE;
}

static void dmg_none(struct kho_array *ka, struct kho_array_page **p)
{
}

static const struct damage damages[] = {
	{ "first outside RAM", dmg_first_outside, "is not RAM" },
	{ "next outside RAM", dmg_next_outside, "is not RAM" },
	{ "first page not preserved", dmg_none, "not a preserved page",
	  UNPRESERVED, 0 },
	{ "page not preserved", dmg_none, "not a preserved page",
	  UNPRESERVED, 1 },
	{ "last page not preserved", dmg_none, "not a preserved page",
	  UNPRESERVED, 2 },
	{ "page restored already", dmg_none, "not a preserved page",
	  RESTORED, 1 },
	{ "first page restored already", dmg_none, "not a preserved page",
	  RESTORED, 0 },
};

/*
 * Every damaged array is refused, with its log line and no warning (no
 * page is restored that was not vetted), left empty, readable and
 * destroyable, and nothing is restored: its pages stay as kernel B got
 * them.  A page that is well formed but not preserved, or restored by
 * someone else already, passes kho_array_valid(), which checks the format
 * only, and is refused by kho_array_restore() before it is read.
 */
static void array_refused_after_kexec(void)
{
	unsigned int d, i;

	for (d = 0; d < ARRAY_SIZE(damages); d++) {
		const struct damage *dm = &damages[d];
		struct kho_array_page *p[3];
		struct kho_array ka, *in;
		phys_addr_t phys[3];
		unsigned long used;
		struct ka_iter it;

		kho_sim_start();
		kho_log_reset();
		kho_array_init(&ka);
		ka_iter_init_write(&it, &ka);
		write_value(&it, 1, 1);
		write_value(&it, PER_PAGE + 1, 2);
		write_value(&it, 2 * PER_PAGE + 1, 3);
		p[0] = phys_to_virt(ka.first);
		p[1] = phys_to_virt(p[0]->next);
		p[2] = phys_to_virt(p[1]->next);
		for (i = 0; i < 3; i++)
			phys[i] = virt_to_phys(p[i]);
		ASSERT(!kho_array_preserve(&ka));
		/* its content survives the kexec, but nothing reserves it */
		if (dm->fate == UNPRESERVED) {
			kho_unpreserve_pages(virt_to_page(p[dm->victim]), 1);
			kho_arena.poison = false;
		}
		dm->fn(&ka, p);

		in = kexec_with(&ka, false);
		kho_arena.poison = true;
		if (dm->fate == RESTORED)
			ASSERT(kho_restore_pages(phys[dm->victim], 1));
		used = kho_arena.used;
		kho_log_reset();
		if (dm->fate != INTACT)
			EXPECT(kho_array_valid(in));
		else
			EXPECT(!kho_array_valid(in));
		kho_log_reset();
		EXPECT_EQ(kho_array_restore(in), -EINVAL);
		if (!kho_log_contains(dm->log))
			kho_test_fail(__FILE__, __LINE__,
				      "%s: no log line with \"%s\" (last: \"%s\")",
				      dm->name, dm->log, kho_log_last());
		EXPECT_EQ(kho_log_errors(), 1);
		EXPECT_EQ(kho_log_warnings(), 0);
		/* left empty, readable and destroyable */
		EXPECT_EQ(in->magic, KHO_ARRAY_MAGIC);
		EXPECT_EQ(in->first, 0);
		ka_iter_init_read(&it, in);
		EXPECT(ka_iter_end(&it));
		kho_array_destroy(in);
		/* nothing was restored, nor freed */
		EXPECT_EQ(used, kho_arena.used);
		if (dm->fate == INTACT)
			continue;
		for (i = 0; i < 3; i++)
			if (i != dm->victim)
				EXPECT(kho_is_preserved(phys[i], 0));
		EXPECT(!kho_is_preserved(phys[dm->victim], 0));
		if (dm->fate == RESTORED) {
			/* still its restorer's, who frees it */
			EXPECT_EQ(page_count(virt_to_page(p[dm->victim])),
				  1);
			free_page((unsigned long)p[dm->victim]);
		}
	}
}

/*
 * A value above LONG_MAX does not fit an entry: ka_mk_value() warns (the
 * KUnit suite has the values that fit; a warning is counted only here).
 */
static void array_value_too_big(void)
{
	EXPECT_EQ(kho_log_warnings(), 0);
	ka_mk_value(LONG_MAX);
	EXPECT_EQ(kho_log_warnings(), 0);
	ka_mk_value(LONG_MAX + 1UL);
	EXPECT_EQ(kho_log_warnings(), 1);
}

/* ---- kho_block ------------------------------------------------------------ */

struct rec {
	u64 id;
	u32 sum;
	u8 tail[13];
} __packed;	/* 25 bytes: records straddle alignment */

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

static void block_restore(void)
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
	/* (that it cannot grow nor be restored again: the KUnit suite) */
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
static void block_hand_on(void)
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
enum block_fate {
	B_UNPRESERVED,	/* not preserved: free memory in kernel B */
	B_RESTORED,	/* preserved, then restored by someone else in B */
	B_HUGE,		/* preserved as an order-1 block, not as a page */
};

/*
 * A chain whose block 1 is well formed and in RAM, but not a preserved
 * page of its own: the check refuses it before reading it, with one log
 * line and no warning (nothing unvetted is restored).  Block 0, vetted and
 * read, is taken back and freed; block 1 and block 2 behind it are left
 * as kernel B has them.
 */
static void restore_unvetted(enum block_fate fate)
{
	struct kho_block_header_ser *b[3];
	struct kho_block_set in;
	phys_addr_t pa[3];
	unsigned long used;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		b[i] = kho_alloc_preserve(i == 1 && fate == B_HUGE ?
					  2 * PAGE_SIZE : PAGE_SIZE);
		ASSERT(!IS_ERR(b[i]));
		pa[i] = virt_to_phys(b[i]);
		b[i]->count = i + 1;
	}
	b[0]->next = pa[1];
	b[1]->next = pa[2];
	/* its content survives the kexec, but nothing reserves it */
	if (fate == B_UNPRESERVED) {
		kho_unpreserve_folio(virt_to_folio(b[1]));
		kho_arena.poison = false;
	}
	ASSERT(!kho_sim_kexec());
	kho_arena.poison = true;
	if (fate == B_RESTORED)
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
	case B_UNPRESERVED:
		EXPECT(!(virt_to_page(b[1])->flags & KHO_PG_USED));
		break;
	case B_RESTORED:
		/* still its restorer's, who frees it */
		EXPECT_EQ(page_count(virt_to_page(b[1])), 1);
		folio_put(virt_to_folio(b[1]));
		break;
	case B_HUGE:
		EXPECT(kho_is_preserved(pa[1], 1));
		break;
	}
}

static void block_restore_unpreserved(void)
{
	restore_unvetted(B_UNPRESERVED);
}

static void block_restore_restored(void)
{
	restore_unvetted(B_RESTORED);
}

static void block_restore_wrong_order(void)
{
	restore_unvetted(B_HUGE);
}

static void block_restore_corrupt(void)
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

/*
 * Growth that cannot get its block pages or its slab memory fails with
 * -ENOMEM and leaves the set and the arena as they were; with KHO off it
 * is -EOPNOTSUPP.  (The KUnit suite has the bound, -E2BIG.)
 */
static void block_grow_fail(void)
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
	EXPECT_EQ(kho_arena.used, used);
	kho_sim.enabled = false;
	EXPECT_EQ(kho_block_set_grow(&set, 5 * CPB), -EOPNOTSUPP);
	kho_sim.enabled = true;
	verify(&set, 10);
	kho_block_set_destroy(&set);
}

static bool usable_but(phys_addr_t pa, void *arg)
{
	return pa != *(const phys_addr_t *)arg && kho_arena_has(pa, PAGE_SIZE);
}

/*
 * kho_block_chain_check() refuses each damage with exactly one error line
 * that names it, and no warning.  (The KUnit suite has the verdicts and
 * the block counts; only here is the log read.)
 */
static void block_check_logs(void)
{
	static const struct {
		const char *why;
		unsigned int block;
	} want[] = {
		{ "has count 0", 2 }, { "not page aligned", 1 },
		{ "not usable memory", 3 }, { "cycle", 3 },
	};
	struct kho_block_header_ser *b[4];
	phys_addr_t bad = 0, head;
	unsigned long nr;
	unsigned int i, d;
	char where[32];

	for (d = 0; d < ARRAY_SIZE(want); d++) {
		for (i = 0; i < 4; i++) {
			b[i] = (void *)get_zeroed_page(GFP_KERNEL);
			ASSERT(b[i]);
			b[i]->count = 1;
		}
		for (i = 0; i < 3; i++)
			b[i]->next = virt_to_phys(b[i + 1]);
		head = virt_to_phys(b[0]);
		switch (d) {
		case 0:
			b[2]->count = 0;
			break;
		case 1:
			b[0]->next += 16;
			break;
		case 2:
			bad = virt_to_phys(b[3]);
			break;
		case 3:
			b[3]->next = head;
			break;
		}
		kho_log_reset();
		EXPECT_EQ(kho_block_chain_check(head, sizeof(struct rec),
						usable_but, &bad, &nr),
			  -EINVAL);
		EXPECT_LOG(want[d].why);
		if (d != 3) {
			snprintf(where, sizeof(where), "block %u at",
				 want[d].block);
			EXPECT_LOG(where);
		}
		EXPECT_EQ(kho_log_errors(), 1);
		EXPECT_EQ(kho_log_warnings(), 0);
		bad = 0;
		for (i = 0; i < 4; i++)
			free_page((unsigned long)b[i]);
	}
}

const struct kho_test kho_kexec_tests[] = {
	KHO_TEST(array_value_too_big),
	KHO_TEST(array_write_nomem),
	KHO_TEST(array_preserve_restore),
	KHO_TEST(array_refused_after_kexec),
	KHO_TEST(block_grow_fail),
	KHO_TEST(block_check_logs),
	KHO_TEST(block_restore),
	KHO_TEST(block_hand_on),
	KHO_TEST(block_restore_unpreserved),
	KHO_TEST(block_restore_restored),
	KHO_TEST(block_restore_wrong_order),
	KHO_TEST(block_restore_corrupt),
	{ }
};
