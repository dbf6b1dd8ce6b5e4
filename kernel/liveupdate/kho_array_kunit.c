// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for kho_array.
 *
 * Arrays written through the API are checked against the layout of
 * include/linux/kho/abi/kho_array.h page by page, not only read back.  The
 * checks of kho_array_valid() are tested on lists built by hand and then
 * damaged in one way each.  Taking pages back with kho_restore_pages() only
 * works in a kernel that received a handover, so restore is only tested on
 * arrays it must refuse before it restores anything.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho_array.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/module.h>

#define KA_N		KHO_ARRAY_PAGE_ENTRIES
/* The highest startpos a page can have. */
#define KA_TOP_START	(KHO_ARRAY_MAX_INDEX - KHO_ARRAY_MAX_INDEX % KA_N)

/* ------------------------------------------------------------------ */
/* Helpers                                                            */

KUNIT_DEFINE_ACTION_WRAPPER(ka_test_destroy_action, kho_array_destroy,
			    struct kho_array *);

/* An empty array that is destroyed when the test ends, however it ends. */
static struct kho_array *ka_test_array(struct kunit *test)
{
	struct kho_array *ka;

	ka = kunit_kzalloc(test, sizeof(*ka), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ka);
	kho_array_init(ka);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							ka_test_destroy_action,
							ka), 0);
	return ka;
}

static struct kho_array_page *ka_test_page(u64 phys)
{
	return phys ? phys_to_virt(phys) : NULL;
}

/* Check that the list of @ka has exactly the pages starting at @start. */
static void ka_test_expect_pages(struct kunit *test,
				 const struct kho_array *ka,
				 const u64 *start, unsigned int nr)
{
	struct kho_array_page *page = ka_test_page(ka->first);
	unsigned int i;

	for (i = 0; i < nr; i++) {
		KUNIT_ASSERT_NOT_NULL_MSG(test, page, "page %u missing", i);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(virt_to_phys(page),
						   PAGE_SIZE));
		KUNIT_EXPECT_EQ_MSG(test, page->startpos, start[i],
				    "page %u", i);
		page = ka_test_page(page->next);
	}
	KUNIT_EXPECT_NULL(test, page);
}

/* Check that the pages of @ka are those that cover the ascending @index. */
static void ka_test_expect_pages_for(struct kunit *test,
				     const struct kho_array *ka,
				     const unsigned long *index,
				     unsigned int nr)
{
	u64 *start = kunit_kcalloc(test, nr, sizeof(*start), GFP_KERNEL);
	unsigned int i, n = 0;

	KUNIT_ASSERT_NOT_NULL(test, start);
	for (i = 0; i < nr; i++) {
		u64 s = index[i] - index[i] % KA_N;

		if (!n || start[n - 1] != s)
			start[n++] = s;
	}
	ka_test_expect_pages(test, ka, start, n);
}

/* The raw entry of @index, 0 for a hole, straight from the pages. */
static u64 ka_test_raw(const struct kho_array *ka, unsigned long index)
{
	struct kho_array_page *page;

	for (page = ka_test_page(ka->first); page;
	     page = ka_test_page(page->next)) {
		if (index >= page->startpos && index - page->startpos < KA_N)
			return page->entries[index - page->startpos];
	}
	return 0;
}

static void ka_test_write(struct kunit *test, struct ka_iter *iter,
			  unsigned long index, void *entry)
{
	KUNIT_ASSERT_EQ(test, ka_iter_setpos(iter, index), 0);
	KUNIT_ASSERT_EQ(test, ka_iter_setentry(iter, entry), 0);
	KUNIT_EXPECT_EQ(test, ka_iter_getpos(iter), index);
}

/* Read @ka and check that it holds exactly @nr entries at @index. */
static void ka_test_expect_entries(struct kunit *test, struct kho_array *ka,
				   const unsigned long *index,
				   void *const *entry, unsigned int nr)
{
	struct ka_iter iter;
	unsigned int n = 0;
	void *e;

	ka_iter_init_read(&iter, ka);
	ka_iter_for_each(&iter, e) {
		KUNIT_ASSERT_LT_MSG(test, n, nr, "extra entry at %lu",
				    ka_iter_getpos(&iter));
		KUNIT_EXPECT_EQ(test, ka_iter_getpos(&iter), index[n]);
		KUNIT_EXPECT_PTR_EQ(test, e, entry[n]);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, nr);
	KUNIT_EXPECT_TRUE(test, ka_iter_end(&iter));
	KUNIT_EXPECT_NULL(test, ka_iter_nextentry(&iter));
	KUNIT_EXPECT_TRUE(test, kho_array_valid(ka));
}

/* ------------------------------------------------------------------ */
/* Layout and values                                                  */

static void ka_test_layout(struct kunit *test)
{
	struct kho_array ka;

	KUNIT_EXPECT_EQ(test, sizeof(struct kho_array), 16);
	KUNIT_EXPECT_EQ(test, sizeof(struct kho_array_page), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, KA_N, PAGE_SIZE / 8 - 2);
	if (PAGE_SIZE == 4096)
		KUNIT_EXPECT_EQ(test, KA_N, 510);
	KUNIT_EXPECT_EQ(test, KHO_ARRAY_MAGIC, 0x4b415252);

	memset(&ka, 0xff, sizeof(ka));
	kho_array_init(&ka);
	KUNIT_EXPECT_EQ(test, ka.magic, 0x4b415252);
	KUNIT_EXPECT_EQ(test, ka.version, 0);
	KUNIT_EXPECT_EQ(test, ka.reserved, 0);
	KUNIT_EXPECT_EQ(test, ka.first, 0);
	KUNIT_EXPECT_TRUE(test, kho_array_valid(&ka));
}

static void ka_test_values(struct kunit *test)
{
	static const unsigned long v[] = { 0, 1, 2, 0x1234, LONG_MAX };
	u64 word;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		void *e = ka_mk_value(v[i]);

		KUNIT_EXPECT_EQ(test, (unsigned long)e, (v[i] << 1) | 1);
		KUNIT_EXPECT_TRUE(test, ka_is_value(e));
		KUNIT_EXPECT_EQ(test, ka_to_value(e), v[i]);
	}
	KUNIT_EXPECT_FALSE(test, ka_is_value(NULL));
	KUNIT_EXPECT_FALSE(test, ka_is_value(&word));
}

/* ------------------------------------------------------------------ */
/* Writing and reading                                                */

static void ka_test_empty(struct kunit *test)
{
	struct kho_array *ka = ka_test_array(test);
	struct ka_iter iter;
	unsigned int n = 0;
	void *e;

	ka_iter_init_read(&iter, ka);
	KUNIT_EXPECT_TRUE(test, ka_iter_end(&iter));
	KUNIT_EXPECT_NULL(test, ka_iter_getentry(&iter));
	KUNIT_EXPECT_NULL(test, ka_iter_nextentry(&iter));
	ka_iter_for_each(&iter, e)
		n++;
	KUNIT_EXPECT_EQ(test, n, 0);

	/* Emptying an entry never allocates a page. */
	ka_iter_init_write(&iter, ka);
	KUNIT_EXPECT_EQ(test, ka_iter_setpos(&iter, 12345), 0);
	KUNIT_EXPECT_EQ(test, ka_iter_setentry(&iter, NULL), 0);
	KUNIT_EXPECT_EQ(test, ka->first, 0);
	KUNIT_EXPECT_TRUE(test, kho_array_valid(ka));

	kho_array_destroy(ka);
	KUNIT_EXPECT_EQ(test, ka->first, 0);
	KUNIT_EXPECT_TRUE(test, kho_array_valid(ka));
}

/* Values at 0 .. 3 * KA_N + 9: four pages, each full but the last. */
static void ka_test_dense(struct kunit *test)
{
	static const u64 start[] = { 0, KA_N, 2 * KA_N, 3 * KA_N };
	struct kho_array *ka = ka_test_array(test);
	unsigned long i, nr = 3 * KA_N + 10;
	struct ka_iter iter;
	void *e;

	ka_iter_init_write(&iter, ka);
	for (i = 0; i < nr; i++)
		ka_test_write(test, &iter, i, ka_mk_value(i * 3));

	ka_test_expect_pages(test, ka, start, ARRAY_SIZE(start));
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ(test, ka_test_raw(ka, i), ((u64)i * 3 << 1) | 1);
	KUNIT_EXPECT_EQ(test, ka_test_raw(ka, nr), 0);

	i = 0;
	ka_iter_init_read(&iter, ka);
	ka_iter_for_each(&iter, e) {
		KUNIT_ASSERT_LT(test, i, nr);
		KUNIT_EXPECT_EQ(test, ka_iter_getpos(&iter), i);
		KUNIT_EXPECT_TRUE(test, ka_is_value(e));
		KUNIT_EXPECT_EQ(test, ka_to_value(e), i * 3);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, nr);
	KUNIT_EXPECT_TRUE(test, kho_array_valid(ka));
}

/* The first and the last index of pages, and a page of its own at 0. */
static void ka_test_page_edges(struct kunit *test)
{
	static const unsigned long index[] = {
		0, KA_N - 1, KA_N, 2 * KA_N - 1, 5 * KA_N, 7 * KA_N - 1,
	};
	static const u64 start[] = { 0, KA_N, 5 * KA_N, 6 * KA_N };
	struct kho_array *ka = ka_test_array(test);
	void *entry[ARRAY_SIZE(index)];
	struct kho_array_page *page;
	struct ka_iter iter;
	unsigned int i;

	ka_iter_init_write(&iter, ka);
	for (i = 0; i < ARRAY_SIZE(index); i++) {
		entry[i] = ka_mk_value(1000 + i);
		ka_test_write(test, &iter, index[i], entry[i]);
	}

	ka_test_expect_pages(test, ka, start, ARRAY_SIZE(start));
	page = ka_test_page(ka->first);
	KUNIT_EXPECT_EQ(test, page->entries[0], (1000ULL << 1) | 1);
	KUNIT_EXPECT_EQ(test, page->entries[KA_N - 1], (1001ULL << 1) | 1);
	page = ka_test_page(page->next);
	KUNIT_EXPECT_EQ(test, page->entries[0], (1002ULL << 1) | 1);
	KUNIT_EXPECT_EQ(test, page->entries[KA_N - 1], (1003ULL << 1) | 1);
	page = ka_test_page(page->next);
	KUNIT_EXPECT_EQ(test, page->entries[0], (1004ULL << 1) | 1);
	page = ka_test_page(page->next);
	KUNIT_EXPECT_EQ(test, page->entries[KA_N - 1], (1005ULL << 1) | 1);

	ka_test_expect_entries(test, ka, index, entry, ARRAY_SIZE(index));
}

/* Indices far beyond any page, up to the largest one. */
static void ka_test_far(struct kunit *test)
{
	static const unsigned long index[] = {
		7, 1UL << 40, (1UL << 40) + 1, KHO_ARRAY_MAX_INDEX,
	};
	static const u64 start[] = {
		0, (1UL << 40) - (1UL << 40) % KA_N, KA_TOP_START,
	};
	struct kho_array *ka = ka_test_array(test);
	void *entry[ARRAY_SIZE(index)];
	struct ka_iter iter;
	unsigned int i;

	ka_iter_init_write(&iter, ka);
	for (i = 0; i < ARRAY_SIZE(index); i++) {
		entry[i] = ka_mk_value(index[i]);
		ka_test_write(test, &iter, index[i], entry[i]);
	}
	KUNIT_EXPECT_EQ(test, ka_iter_setpos(&iter, KHO_ARRAY_MAX_INDEX), 0);
	KUNIT_EXPECT_EQ(test, ka_iter_setpos(&iter, KHO_ARRAY_MAX_INDEX + 1UL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ka_iter_setpos(&iter, ULONG_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, ka_iter_getpos(&iter), KHO_ARRAY_MAX_INDEX);

	ka_test_expect_pages(test, ka, start, ARRAY_SIZE(start));
	KUNIT_EXPECT_EQ(test, ka_test_raw(ka, 1UL << 40),
			((1ULL << 40) << 1) | 1);
	ka_test_expect_entries(test, ka, index, entry, ARRAY_SIZE(index));

	/* The end of the top page lies beyond the largest index. */
	ka_iter_init_read(&iter, ka);
	while (ka_iter_nextentry(&iter))
		;
	KUNIT_EXPECT_EQ(test, ka_iter_getpos(&iter), KA_TOP_START + KA_N);
	KUNIT_EXPECT_EQ(test, ka_iter_setentry(&iter, ka_mk_value(1)),
			-EINVAL);
}

/* Values and pointers mixed; pointers come back as the same address. */
static void ka_test_mixed(struct kunit *test)
{
	static const unsigned long index[] = { 1, 2, 3, 600, 601, 4000, 4001 };
	struct kho_array *ka = ka_test_array(test);
	void *entry[ARRAY_SIZE(index)];
	struct ka_iter iter;
	unsigned int i;
	u64 *obj;

	for (i = 0; i < ARRAY_SIZE(index); i++) {
		if (i % 2) {
			entry[i] = ka_mk_value(i);
			continue;
		}
		obj = kunit_kzalloc(test, 24, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, obj);
		*obj = i;
		entry[i] = obj;
	}

	ka_iter_init_write(&iter, ka);
	for (i = 0; i < ARRAY_SIZE(index); i++)
		ka_test_write(test, &iter, index[i], entry[i]);

	/* A pointer that is not 8-byte aligned is refused. */
	KUNIT_EXPECT_EQ(test, ka_iter_setpos(&iter, 5000), 0);
	KUNIT_EXPECT_EQ(test, ka_iter_setentry(&iter, (char *)entry[0] + 4),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ka_iter_setentry(&iter, (char *)entry[0] + 2),
			-EINVAL);

	for (i = 0; i < ARRAY_SIZE(index); i++) {
		u64 raw = ka_test_raw(ka, index[i]);

		if (i % 2) {
			KUNIT_EXPECT_EQ(test, raw, ((u64)i << 1) | 1);
		} else {
			KUNIT_EXPECT_EQ(test, raw, (u64)virt_to_phys(entry[i]));
			KUNIT_EXPECT_EQ(test, raw & 7, 0);
		}
	}

	ka_test_expect_pages_for(test, ka, index, ARRAY_SIZE(index));
	ka_test_expect_entries(test, ka, index, entry, ARRAY_SIZE(index));

	ka_iter_init_read(&iter, ka);
	KUNIT_EXPECT_FALSE(test, ka_is_value(ka_iter_getentry(&iter)));
	KUNIT_EXPECT_EQ(test, *(u64 *)ka_iter_getentry(&iter), 0);
}

/* Reads skip holes (no page) and empty entries (0 in a page). */
static void ka_test_holes(struct kunit *test)
{
	static const unsigned long index[] = { 3, 9, 700, 5000 };
	static const unsigned long touched[] = { 0, 3, 9, 700, 5000, 9000 };
	struct kho_array *ka = ka_test_array(test);
	void *entry[ARRAY_SIZE(index)];
	struct ka_iter iter;
	unsigned int i;
	void *e;

	ka_iter_init_write(&iter, ka);
	ka_test_write(test, &iter, 0, ka_mk_value(100));
	ka_test_write(test, &iter, 1, ka_mk_value(101));
	for (i = 0; i < ARRAY_SIZE(index); i++) {
		entry[i] = ka_mk_value(index[i]);
		ka_test_write(test, &iter, index[i], entry[i]);
		/* written, then emptied again */
		ka_test_write(test, &iter, index[i] + 1, ka_mk_value(7));
		ka_test_write(test, &iter, index[i] + 1, NULL);
	}
	/* A page whose only entry was emptied stays, empty. */
	ka_test_write(test, &iter, 9000, ka_mk_value(9000));
	KUNIT_EXPECT_EQ(test, ka_iter_setentry(&iter, NULL), 0);
	/* Emptying an entry in a hole adds no page. */
	ka_test_write(test, &iter, 20000, NULL);

	/* Entries 0 and 1 were written first: empty them in place. */
	ka_iter_init_write(&iter, ka);
	KUNIT_EXPECT_EQ(test, ka_iter_setentry(&iter, NULL), 0);
	ka_test_write(test, &iter, 1, NULL);

	ka_test_expect_pages_for(test, ka, touched, ARRAY_SIZE(touched));
	ka_test_expect_entries(test, ka, index, entry, ARRAY_SIZE(index));

	/* getentry on an empty entry and in a hole. */
	ka_iter_init_read(&iter, ka);
	KUNIT_EXPECT_EQ(test, ka_iter_getpos(&iter), 3);
	KUNIT_EXPECT_EQ(test, ka_iter_setpos(&iter, 4), 0);
	KUNIT_EXPECT_NULL(test, ka_iter_getentry(&iter));
	KUNIT_EXPECT_EQ(test, ka_iter_setpos(&iter, 2000), 0);
	KUNIT_EXPECT_NULL(test, ka_iter_getentry(&iter));
	KUNIT_EXPECT_FALSE(test, ka_iter_end(&iter));

	/* From a hole, the loop starts at the next entry. */
	i = 0;
	ka_iter_for_each(&iter, e) {
		KUNIT_EXPECT_EQ(test, ka_iter_getpos(&iter), 5000);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, 1);
	KUNIT_EXPECT_TRUE(test, ka_iter_end(&iter));
}

/* Iterators only move forward. */
static void ka_test_setpos_backwards(struct kunit *test)
{
	struct kho_array *ka = ka_test_array(test);
	struct ka_iter iter;

	ka_iter_init_write(&iter, ka);
	ka_test_write(test, &iter, 1000, ka_mk_value(1));
	KUNIT_EXPECT_EQ(test, ka_iter_setpos(&iter, 999), -EINVAL);
	KUNIT_EXPECT_EQ(test, ka_iter_setpos(&iter, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ka_iter_getpos(&iter), 1000);
	KUNIT_EXPECT_EQ(test, ka_iter_setpos(&iter, 1000), 0);
	KUNIT_EXPECT_EQ(test, ka_iter_setpos(&iter, 1001), 0);
	KUNIT_EXPECT_EQ(test, ka_iter_setpos(&iter, 1000), -EINVAL);
	KUNIT_EXPECT_EQ(test, ka_test_raw(ka, 1000), 3);

	ka_iter_init_read(&iter, ka);
	KUNIT_EXPECT_EQ(test, ka_iter_getpos(&iter), 1000);
	KUNIT_EXPECT_EQ(test, ka_iter_setpos(&iter, 5), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, ka_iter_getentry(&iter), ka_mk_value(1));
}

/* A second pass inserts pages before, between and after existing ones. */
static void ka_test_write_twice(struct kunit *test)
{
	static const unsigned long index[] = { 10, 1000, 2000, 3000, 5000 };
	struct kho_array *ka = ka_test_array(test);
	void *entry[ARRAY_SIZE(index)];
	struct ka_iter iter;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(index); i++)
		entry[i] = ka_mk_value(index[i]);

	ka_iter_init_write(&iter, ka);
	ka_test_write(test, &iter, 1000, entry[1]);
	ka_test_write(test, &iter, 3000, entry[3]);

	ka_iter_init_write(&iter, ka);
	ka_test_write(test, &iter, 10, entry[0]);
	ka_test_write(test, &iter, 2000, entry[2]);
	ka_test_write(test, &iter, 5000, entry[4]);

	ka_test_expect_pages_for(test, ka, index, ARRAY_SIZE(index));
	ka_test_expect_entries(test, ka, index, entry, ARRAY_SIZE(index));
}

/* ------------------------------------------------------------------ */
/* Preserve                                                           */

/* Is the single page at @page preserved?  Probe with a second preserve. */
static bool ka_test_preserved(struct kunit *test, struct kho_array_page *page)
{
	int err = kho_preserve_pages(virt_to_page(page), 1);

	if (!err) {
		kho_unpreserve_pages(virt_to_page(page), 1);
		return false;
	}
	KUNIT_EXPECT_EQ(test, err, -EEXIST);
	return true;
}

static void ka_test_preserve(struct kunit *test)
{
	struct kho_array *ka;
	struct kho_array_page *page[3];
	struct ka_iter iter;
	unsigned int i;

	if (!kho_is_enabled())
		kunit_skip(test, "KHO is off (boot with kho=on)");

	ka = ka_test_array(test);
	/* No page: nothing to do. */
	KUNIT_EXPECT_EQ(test, kho_array_preserve(ka), 0);
	kho_array_unpreserve(ka);

	ka_iter_init_write(&iter, ka);
	ka_test_write(test, &iter, 1, ka_mk_value(1));
	ka_test_write(test, &iter, 600, ka_mk_value(2));
	ka_test_write(test, &iter, 100000, ka_mk_value(3));
	page[0] = ka_test_page(ka->first);
	page[1] = ka_test_page(page[0]->next);
	page[2] = ka_test_page(page[1]->next);
	KUNIT_ASSERT_NOT_NULL(test, page[2]);

	KUNIT_ASSERT_EQ(test, kho_array_preserve(ka), 0);
	for (i = 0; i < ARRAY_SIZE(page); i++)
		KUNIT_EXPECT_TRUE(test, ka_test_preserved(test, page[i]));
	/* Twice is refused, and leaves the first preserve alone. */
	KUNIT_EXPECT_EQ(test, kho_array_preserve(ka), -EEXIST);
	for (i = 0; i < ARRAY_SIZE(page); i++)
		KUNIT_EXPECT_TRUE(test, ka_test_preserved(test, page[i]));

	kho_array_unpreserve(ka);
	for (i = 0; i < ARRAY_SIZE(page); i++)
		KUNIT_EXPECT_FALSE(test, ka_test_preserved(test, page[i]));

	/* All or nothing: a failure on the second page unwinds the first. */
	KUNIT_ASSERT_EQ(test, kho_preserve_pages(virt_to_page(page[1]), 1), 0);
	KUNIT_EXPECT_EQ(test, kho_array_preserve(ka), -EEXIST);
	kho_unpreserve_pages(virt_to_page(page[1]), 1);
	for (i = 0; i < ARRAY_SIZE(page); i++)
		KUNIT_EXPECT_FALSE(test, ka_test_preserved(test, page[i]));

	/* destroy (at the end of the test) unpreserves a preserved array. */
	KUNIT_EXPECT_EQ(test, kho_array_preserve(ka), 0);
}

/* ------------------------------------------------------------------ */
/* Checks of a handed-over array                                      */

/* A valid list of three pages, built by hand from the ABI. */
struct ka_test_list {
	struct kho_array ka;
	struct kho_array_page *page[3];
};

static void ka_test_free_page(void *page)
{
	free_page((unsigned long)page);
}

static u64 ka_test_phys(void *page)
{
	return virt_to_phys(page);
}

static void ka_test_build(struct kunit *test, struct ka_test_list *l)
{
	static const u64 start[] = { 0, KA_N, 4 * KA_N };
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(l->page); i++) {
		l->page[i] = (void *)get_zeroed_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, l->page[i]);
		err = kunit_add_action_or_reset(test, ka_test_free_page,
						l->page[i]);
		KUNIT_ASSERT_EQ(test, err, 0);
		l->page[i]->startpos = start[i];
		l->page[i]->entries[i] = ((u64)i << 1) | 1;
		l->page[i]->entries[KA_N - 1 - i] = ka_test_phys(l->page[i]) + 8;
	}
	l->page[0]->next = ka_test_phys(l->page[1]);
	l->page[1]->next = ka_test_phys(l->page[2]);
	l->page[2]->next = 0;
	l->ka.magic = KHO_ARRAY_MAGIC;
	l->ka.version = KHO_ARRAY_VERSION;
	l->ka.reserved = 0;
	l->ka.first = ka_test_phys(l->page[0]);
}

/* Make the last page of @l the highest a list can have. */
static void ka_test_make_top(struct ka_test_list *l)
{
	struct kho_array_page *page = l->page[2];
	unsigned long i;

	page->startpos = KA_TOP_START;
	for (i = KHO_ARRAY_MAX_INDEX - KA_TOP_START + 1; i < KA_N; i++)
		page->entries[i] = 0;
}

static void ka_test_valid_lists(struct kunit *test)
{
	struct ka_test_list l;
	u64 *top;

	ka_test_build(test, &l);
	KUNIT_EXPECT_TRUE(test, kho_array_valid(&l.ka));

	/* Values may use every bit. */
	l.page[1]->entries[7] = U64_MAX;
	KUNIT_EXPECT_TRUE(test, kho_array_valid(&l.ka));

	/* The top page, with an entry at the largest index. */
	ka_test_make_top(&l);
	top = &l.page[2]->entries[KHO_ARRAY_MAX_INDEX - KA_TOP_START];
	*top = 3;
	KUNIT_EXPECT_TRUE(test, kho_array_valid(&l.ka));

	/* A list of one page. */
	l.ka.first = ka_test_phys(l.page[2]);
	KUNIT_EXPECT_TRUE(test, kho_array_valid(&l.ka));

	/* No page at all. */
	l.ka.first = 0;
	KUNIT_EXPECT_TRUE(test, kho_array_valid(&l.ka));
}

struct ka_test_damage {
	const char *name;
	void (*damage)(struct ka_test_list *l);
};

static void ka_damage_magic(struct ka_test_list *l)
{
	l->ka.magic = 0x4b415253;
}

static void ka_damage_magic_zero(struct ka_test_list *l)
{
	l->ka.magic = 0;
}

static void ka_damage_version(struct ka_test_list *l)
{
	l->ka.version = 1;
}

static void ka_damage_reserved(struct ka_test_list *l)
{
	l->ka.reserved = 0x100;
}

static void ka_damage_first_misaligned(struct ka_test_list *l)
{
	l->ka.first += 8;
}

static void ka_damage_next_misaligned(struct ka_test_list *l)
{
	l->page[0]->next += PAGE_SIZE / 2;
}

static void ka_damage_first_startpos_unaligned(struct ka_test_list *l)
{
	l->page[0]->startpos = 7;
}

static void ka_damage_startpos_unaligned(struct ka_test_list *l)
{
	l->page[1]->startpos = KA_N + 1;
}

static void ka_damage_startpos_descending(struct ka_test_list *l)
{
	l->page[1]->startpos = 6 * KA_N;
}

static void ka_damage_startpos_equal(struct ka_test_list *l)
{
	l->page[2]->startpos = l->page[1]->startpos;
}

static void ka_damage_cycle_self(struct ka_test_list *l)
{
	l->page[2]->next = ka_test_phys(l->page[2]);
}

static void ka_damage_cycle_first(struct ka_test_list *l)
{
	l->page[2]->next = ka_test_phys(l->page[0]);
}

static void ka_damage_startpos_too_big(struct ka_test_list *l)
{
	l->page[2]->startpos = KA_TOP_START + KA_N;
}

static void ka_damage_entry_misaligned(struct ka_test_list *l)
{
	l->page[1]->entries[5] = 0x1004;
}

static void ka_damage_entry_too_big(struct ka_test_list *l)
{
	ka_test_make_top(l);
	l->page[2]->entries[KHO_ARRAY_MAX_INDEX - KA_TOP_START + 1] = 3;
}

static const struct ka_test_damage ka_test_damages[] = {
	{ "bad magic", ka_damage_magic },
	{ "zero magic", ka_damage_magic_zero },
	{ "version 1", ka_damage_version },
	{ "reserved not 0", ka_damage_reserved },
	{ "first page misaligned", ka_damage_first_misaligned },
	{ "next page misaligned", ka_damage_next_misaligned },
	{ "first startpos unaligned", ka_damage_first_startpos_unaligned },
	{ "startpos unaligned", ka_damage_startpos_unaligned },
	{ "startpos descending", ka_damage_startpos_descending },
	{ "startpos equal", ka_damage_startpos_equal },
	{ "cycle to itself", ka_damage_cycle_self },
	{ "cycle to first page", ka_damage_cycle_first },
	{ "startpos above largest index", ka_damage_startpos_too_big },
	{ "entry misaligned", ka_damage_entry_misaligned },
	{ "entry above largest index", ka_damage_entry_too_big },
};

KUNIT_ARRAY_PARAM_DESC(ka_test_damages, ka_test_damages, name);

/*
 * Each damage is refused by kho_array_valid(), and by kho_array_restore()
 * before it restores anything: it returns -EINVAL and leaves the array
 * empty.  The pages belong to the test and are freed by it.
 */
static void ka_test_refused(struct kunit *test)
{
	const struct ka_test_damage *d = test->param_value;
	struct ka_test_list l;
	struct ka_iter iter;

	ka_test_build(test, &l);
	KUNIT_ASSERT_TRUE(test, kho_array_valid(&l.ka));
	d->damage(&l);
	KUNIT_EXPECT_FALSE(test, kho_array_valid(&l.ka));

	KUNIT_EXPECT_EQ(test, kho_array_restore(&l.ka), -EINVAL);
	KUNIT_EXPECT_EQ(test, l.ka.magic, KHO_ARRAY_MAGIC);
	KUNIT_EXPECT_EQ(test, l.ka.version, 0);
	KUNIT_EXPECT_EQ(test, l.ka.reserved, 0);
	KUNIT_EXPECT_EQ(test, l.ka.first, 0);

	ka_test_build(test, &l);
	d->damage(&l);
	KUNIT_EXPECT_EQ(test, ka_iter_init_restore(&iter, &l.ka), -EINVAL);
	KUNIT_EXPECT_TRUE(test, ka_iter_end(&iter));
	KUNIT_EXPECT_NULL(test, ka_iter_getentry(&iter));
	KUNIT_EXPECT_EQ(test, l.ka.first, 0);
}

static struct kunit_case ka_test_cases[] = {
	KUNIT_CASE(ka_test_layout),
	KUNIT_CASE(ka_test_values),
	KUNIT_CASE(ka_test_empty),
	KUNIT_CASE(ka_test_dense),
	KUNIT_CASE(ka_test_page_edges),
	KUNIT_CASE(ka_test_far),
	KUNIT_CASE(ka_test_mixed),
	KUNIT_CASE(ka_test_holes),
	KUNIT_CASE(ka_test_setpos_backwards),
	KUNIT_CASE(ka_test_write_twice),
	KUNIT_CASE(ka_test_preserve),
	KUNIT_CASE(ka_test_valid_lists),
	KUNIT_CASE_PARAM(ka_test_refused, ka_test_damages_gen_params),
	{}
};

static struct kunit_suite ka_test_suite = {
	.name = "kho_array",
	.test_cases = ka_test_cases,
};

kunit_test_suite(ka_test_suite);

MODULE_DESCRIPTION("KUnit tests for kho_array");
MODULE_LICENSE("GPL");
