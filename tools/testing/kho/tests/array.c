// SPDX-License-Identifier: GPL-2.0
/*
 * Native unit tests of kho_array.c, with the intent of kho_array_kunit.c:
 * the layout, writing and reading values and pointers with holes and at
 * page edges, preserving and restoring across a simulated kexec, and the
 * refusal of every kind of damaged array.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/errno.h>
#include <linux/kexec_handover.h>
#include <linux/kho_array.h>
#include <linux/mm.h>

#include "../../../../kernel/liveupdate/kho_radix.h"
#include "../shim/kho_shim.h"
#include "../shim/kho_sim.h"
#include "harness.h"

#define PER_PAGE	KHO_ARRAY_PAGE_ENTRIES

static unsigned long nr_pages(const struct kho_array *ka)
{
	const struct kho_array_page *p;
	unsigned long n = 0;
	u64 phys;

	for (phys = ka->first; phys; phys = p->next, n++)
		p = phys_to_virt(phys);
	return n;
}

static void write_value(struct ka_iter *it, unsigned long pos,
			unsigned long v)
{
	ASSERT(!ka_iter_setpos(it, pos));
	ASSERT(!ka_iter_setentry(it, ka_mk_value(v)));
}

static void test_layout(void)
{
	EXPECT_EQ(sizeof(struct kho_array), 16);
	EXPECT_EQ(sizeof(struct kho_array_page), PAGE_SIZE);
	EXPECT_EQ(PER_PAGE, 510);
	EXPECT_EQ(KHO_ARRAY_MAGIC, 0x4b415252);
	EXPECT_EQ(KHO_ARRAY_VERSION, 0);
	EXPECT_EQ(offsetof(struct kho_array, first), 8);
	EXPECT_EQ(offsetof(struct kho_array_page, entries), 16);
}

static void test_values(void)
{
	static const unsigned long v[] = { 0, 1, 2, 12345, LONG_MAX };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		void *e = ka_mk_value(v[i]);

		EXPECT(ka_is_value(e));
		EXPECT_EQ(ka_to_value(e), v[i]);
		EXPECT_EQ((unsigned long)e, v[i] << 1 | 1);
	}
	EXPECT(!ka_is_value(NULL));
	EXPECT_EQ(kho_log_warnings(), 0);
	ka_mk_value(LONG_MAX + 1UL);
	EXPECT_EQ(kho_log_warnings(), 1);
}

static void test_empty(void)
{
	struct kho_array ka;
	struct ka_iter it;
	void *e;
	int n = 0;

	memset(&ka, 0xaa, sizeof(ka));
	kho_array_init(&ka);
	EXPECT_EQ(ka.first, 0);
	EXPECT(kho_array_valid(&ka));
	ka_iter_init_read(&it, &ka);
	EXPECT(ka_iter_end(&it));
	ka_iter_for_each(&it, e)
		n++;
	EXPECT_EQ(n, 0);
	/* writing NULL where there is no page allocates nothing */
	ka_iter_init_write(&it, &ka);
	ASSERT(!ka_iter_setpos(&it, 5000));
	EXPECT_EQ(ka_iter_setentry(&it, NULL), 0);
	EXPECT_EQ(ka.first, 0);
	EXPECT_EQ(kho_array_preserve(&ka), 0);
	kho_array_destroy(&ka);
}

static void test_dense(void)
{
	unsigned long used = kho_arena.used, i, n = 3 * PER_PAGE + 7;
	struct kho_array ka;
	struct ka_iter it;
	void *e;

	kho_array_init(&ka);
	ka_iter_init_write(&it, &ka);
	for (i = 0; i < n; i++)
		write_value(&it, i, i * 3);
	EXPECT_EQ(nr_pages(&ka), 4);
	EXPECT_EQ(kho_arena.used - used, 4);
	EXPECT(kho_array_valid(&ka));

	i = 0;
	ka_iter_init_read(&it, &ka);
	ka_iter_for_each(&it, e) {
		ASSERT(ka_is_value(e));
		EXPECT_EQ(ka_iter_getpos(&it), i);
		EXPECT_EQ(ka_to_value(e), i * 3);
		i++;
	}
	EXPECT_EQ(i, n);
	EXPECT(ka_iter_end(&it));
	kho_array_destroy(&ka);
	EXPECT_EQ(ka.first, 0);
	EXPECT_EQ(kho_arena.used, used);
}

static void test_page_edges(void)
{
	static const unsigned long pos[] = {
		PER_PAGE - 1, PER_PAGE, 2 * PER_PAGE - 1, 2 * PER_PAGE,
		10 * PER_PAGE + 3,
	};
	const struct kho_array_page *p;
	struct kho_array ka;
	struct ka_iter it;
	unsigned int i = 0;
	void *e;

	kho_array_init(&ka);
	ka_iter_init_write(&it, &ka);
	for (i = 0; i < ARRAY_SIZE(pos); i++)
		write_value(&it, pos[i], i + 100);
	EXPECT_EQ(nr_pages(&ka), 4);
	/* startpos are multiples of the per-page count, ascending */
	p = phys_to_virt(ka.first);
	EXPECT_EQ(p->startpos, 0);
	EXPECT_EQ(p->entries[PER_PAGE - 1], (100UL << 1) | 1);
	p = phys_to_virt(p->next);
	EXPECT_EQ(p->startpos, PER_PAGE);
	p = phys_to_virt(p->next);
	EXPECT_EQ(p->startpos, 2 * PER_PAGE);
	p = phys_to_virt(p->next);
	EXPECT_EQ(p->startpos, 10 * PER_PAGE);
	EXPECT_EQ(p->next, 0);

	i = 0;
	ka_iter_init_read(&it, &ka);
	ka_iter_for_each(&it, e) {
		ASSERT(i < ARRAY_SIZE(pos));
		EXPECT_EQ(ka_iter_getpos(&it), pos[i]);
		EXPECT_EQ(ka_to_value(e), i + 100);
		i++;
	}
	EXPECT_EQ(i, ARRAY_SIZE(pos));
	kho_array_destroy(&ka);
}

static void test_far(void)
{
	unsigned long top = KHO_ARRAY_MAX_INDEX;
	struct kho_array ka;
	struct ka_iter it;
	void *e;

	kho_array_init(&ka);
	ka_iter_init_write(&it, &ka);
	write_value(&it, 1, 1);
	write_value(&it, 1UL << 40, 2);
	write_value(&it, top, 3);
	EXPECT_EQ(ka_iter_setpos(&it, top + 1), -EINVAL);
	EXPECT_EQ(ka_iter_getpos(&it), top);
	EXPECT_EQ(nr_pages(&ka), 3);
	EXPECT(kho_array_valid(&ka));

	ka_iter_init_read(&it, &ka);
	EXPECT_EQ(ka_to_value(ka_iter_getentry(&it)), 1);
	e = ka_iter_nextentry(&it);
	EXPECT_EQ(ka_iter_getpos(&it), 1UL << 40);
	EXPECT_EQ(ka_to_value(e), 2);
	e = ka_iter_nextentry(&it);
	EXPECT_EQ(ka_iter_getpos(&it), top);
	EXPECT_EQ(ka_to_value(e), 3);
	EXPECT(!ka_iter_nextentry(&it));
	EXPECT(ka_iter_end(&it));
	kho_array_destroy(&ka);
}

static void test_pointers(void)
{
	char *mem = (char *)get_zeroed_page(GFP_KERNEL);
	struct kho_array ka;
	struct ka_iter it;
	unsigned int i;

	ASSERT(mem);
	kho_array_init(&ka);
	ka_iter_init_write(&it, &ka);
	for (i = 0; i < 100; i++) {
		ASSERT(!ka_iter_setpos(&it, i * 7));
		ASSERT(!ka_iter_setentry(&it, i & 1 ? ka_mk_value(i) :
						      mem + 8 * i));
	}
	/* stored as physical addresses */
	EXPECT_EQ(((struct kho_array_page *)phys_to_virt(ka.first))->entries[0],
		  virt_to_phys(mem));
	EXPECT_EQ(ka_iter_setentry(&it, mem + 4), -EINVAL);

	ka_iter_init_read(&it, &ka);
	for (i = 0; i < 100; i++) {
		void *e = ka_iter_getentry(&it);

		EXPECT_EQ(ka_iter_getpos(&it), i * 7);
		if (i & 1)
			EXPECT_EQ(ka_to_value(e), i);
		else
			EXPECT(e == mem + 8 * i);
		ka_iter_nextentry(&it);
	}
	EXPECT(ka_iter_end(&it));
	kho_array_destroy(&ka);
	free_page((unsigned long)mem);
}

static void test_holes(void)
{
	struct kho_array ka;
	struct ka_iter it;
	unsigned long seen = 0;
	void *e;

	kho_array_init(&ka);
	ka_iter_init_write(&it, &ka);
	write_value(&it, 3, 3);
	write_value(&it, 4, 4);
	write_value(&it, 5 * PER_PAGE + 1, 5);
	/* empty an entry again: the page stays */
	ASSERT(!ka_iter_setpos(&it, 5 * PER_PAGE + 1));
	ASSERT(!ka_iter_setentry(&it, NULL));
	write_value(&it, 9 * PER_PAGE, 9);
	EXPECT_EQ(nr_pages(&ka), 3);

	/* entries before the first one, in holes, and emptied read NULL */
	ka_iter_init_write(&it, &ka);
	EXPECT(!ka_iter_getentry(&it));
	ASSERT(!ka_iter_setpos(&it, 2 * PER_PAGE));
	EXPECT(!ka_iter_getentry(&it));
	EXPECT(!ka_iter_end(&it));

	ka_iter_init_read(&it, &ka);
	ka_iter_for_each(&it, e)
		seen |= 1UL << ka_to_value(e);
	EXPECT_EQ(seen, (1UL << 3) | (1UL << 4) | (1UL << 9));
	kho_array_destroy(&ka);
}

static void test_setpos_backwards(void)
{
	struct kho_array ka;
	struct ka_iter it;

	kho_array_init(&ka);
	ka_iter_init_write(&it, &ka);
	write_value(&it, 700, 1);
	EXPECT_EQ(ka_iter_setpos(&it, 699), -EINVAL);
	EXPECT_EQ(ka_iter_getpos(&it), 700);
	EXPECT_EQ(ka_iter_setpos(&it, 700), 0);
	kho_array_destroy(&ka);
}

static void test_write_twice(void)
{
	struct kho_array ka;
	struct ka_iter it;

	kho_array_init(&ka);
	ka_iter_init_write(&it, &ka);
	write_value(&it, 10, 1);
	ASSERT(!ka_iter_setentry(&it, ka_mk_value(2)));
	write_value(&it, 2000, 3);
	/* a second writer from the start, before and between pages */
	ka_iter_init_write(&it, &ka);
	write_value(&it, 10, 4);
	write_value(&it, 1000, 5);
	write_value(&it, 2000, 6);
	EXPECT_EQ(nr_pages(&ka), 3);
	EXPECT(kho_array_valid(&ka));
	ka_iter_init_read(&it, &ka);
	EXPECT_EQ(ka_to_value(ka_iter_getentry(&it)), 4);
	EXPECT_EQ(ka_to_value(ka_iter_nextentry(&it)), 5);
	EXPECT_EQ(ka_to_value(ka_iter_nextentry(&it)), 6);
	EXPECT(!ka_iter_nextentry(&it));
	kho_array_destroy(&ka);
}

static void test_write_nomem(void)
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

static void test_preserve_restore(void)
{
	char *mem = kho_alloc_preserve(PAGE_SIZE);
	struct kho_array ka, *in;
	unsigned long i, n = 0;
	phys_addr_t mem_phys;
	struct ka_iter it;
	void *e;

	ASSERT(!IS_ERR(mem));
	strcpy(mem, "preserved");
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

static void test_preserve_rollback(void)
{
	struct kho_array ka;
	struct ka_iter it;
	const struct kho_array_page *p;
	u64 third;

	kho_array_init(&ka);
	ka_iter_init_write(&it, &ka);
	write_value(&it, 0, 1);
	write_value(&it, PER_PAGE, 2);
	write_value(&it, 2 * PER_PAGE, 3);
	p = phys_to_virt(ka.first);
	p = phys_to_virt(p->next);
	third = p->next;
	/* the third page is preserved already: all or nothing */
	ASSERT(!kho_preserve_pages(virt_to_page(phys_to_virt(third)), 1));
	EXPECT_EQ(kho_array_preserve(&ka), -EEXIST);
	EXPECT_EQ(kho_sim.out->blocks[0], 1);
	kho_unpreserve_pages(virt_to_page(phys_to_virt(third)), 1);
	EXPECT_EQ(kho_array_preserve(&ka), 0);
	EXPECT_EQ(kho_sim.out->blocks[0], 3);
	kho_array_unpreserve(&ka);
	EXPECT_EQ(kho_sim.out->blocks[0], 0);
	kho_array_destroy(&ka);
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

static void dmg_magic(struct kho_array *ka, struct kho_array_page **p)
{
	ka->magic ^= 1;
}

static void dmg_version(struct kho_array *ka, struct kho_array_page **p)
{
	ka->version = 1;
}

static void dmg_reserved(struct kho_array *ka, struct kho_array_page **p)
{
	ka->reserved = 1;
}

static void dmg_first_misaligned(struct kho_array *ka,
				 struct kho_array_page **p)
{
	ka->first += 8;
}

static void dmg_next_misaligned(struct kho_array *ka,
				struct kho_array_page **p)
{
	p[0]->next += 16;
}

static void dmg_startpos_unaligned(struct kho_array *ka,
				   struct kho_array_page **p)
{
	p[1]->startpos += 1;
}

static void dmg_startpos_descending(struct kho_array *ka,
				    struct kho_array_page **p)
{
	p[2]->startpos = 0;
}

static void dmg_startpos_equal(struct kho_array *ka,
			       struct kho_array_page **p)
{
	p[2]->startpos = p[1]->startpos;
}

static void dmg_cycle_self(struct kho_array *ka, struct kho_array_page **p)
{
	p[2]->next = virt_to_phys(p[2]);
}

static void dmg_cycle_first(struct kho_array *ka, struct kho_array_page **p)
{
	p[2]->next = ka->first;
}

static void dmg_startpos_too_big(struct kho_array *ka,
				 struct kho_array_page **p)
{
	p[2]->startpos = (KHO_ARRAY_MAX_INDEX / PER_PAGE + 1) * PER_PAGE;
}

static void dmg_entry_misaligned(struct kho_array *ka,
				 struct kho_array_page **p)
{
	p[1]->entries[3] = 0x1234;
}

static void dmg_entry_too_big(struct kho_array *ka,
			      struct kho_array_page **p)
{
	/* the last page covers LONG_MAX; the entry after it is too far */
	p[2]->startpos = KHO_ARRAY_MAX_INDEX / PER_PAGE * PER_PAGE;
	p[2]->entries[KHO_ARRAY_MAX_INDEX % PER_PAGE + 1] = 3;
}

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
	{ "magic", dmg_magic, "bad magic" },
	{ "version", dmg_version, "unknown version" },
	{ "reserved", dmg_reserved, "reserved field" },
	{ "first misaligned", dmg_first_misaligned, "not page aligned" },
	{ "next misaligned", dmg_next_misaligned, "not page aligned" },
	{ "startpos unaligned", dmg_startpos_unaligned, "not a multiple" },
	{ "startpos descending", dmg_startpos_descending, "does not ascend" },
	{ "startpos equal", dmg_startpos_equal, "does not ascend" },
	{ "cycle to itself", dmg_cycle_self, "does not ascend" },
	{ "cycle to the first", dmg_cycle_first, "does not ascend" },
	{ "startpos too big", dmg_startpos_too_big, "above the largest" },
	{ "entry misaligned", dmg_entry_misaligned, "neither a value" },
	{ "entry too big", dmg_entry_too_big, "above the largest" },
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
static void test_refused(void)
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

const struct kho_test kho_array_tests[] = {
	KHO_TEST(test_layout),
	KHO_TEST(test_values),
	KHO_TEST(test_empty),
	KHO_TEST(test_dense),
	KHO_TEST(test_page_edges),
	KHO_TEST(test_far),
	KHO_TEST(test_pointers),
	KHO_TEST(test_holes),
	KHO_TEST(test_setpos_backwards),
	KHO_TEST(test_write_twice),
	KHO_TEST(test_write_nomem),
	KHO_TEST(test_preserve_restore),
	KHO_TEST(test_preserve_rollback),
	KHO_TEST(test_refused),
	{ }
};
