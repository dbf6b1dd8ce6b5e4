// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the vmalloc preservation of kexec handover.
 *
 * Suite kho_vmalloc preserves real vmalloc areas and checks the descriptor
 * and its chunk chain against the pages behind the area (found with
 * vmalloc_to_page(), not with the code under test) and against the rules
 * of include/linux/kho/abi/kexec_handover.h.  Whether a block is preserved
 * is probed by preserving it again: the tracker answers -EEXIST for a block
 * it holds.  It needs KHO on (kho=on).
 *
 * Suite kho_vmalloc_restore feeds hand-built descriptors, sound and
 * corrupted, to the checks the next kernel runs before it takes anything
 * back (kho_vmalloc_check()), with chunk pages from kmalloc() and a fake
 * "is this chunk preserved" callback.  Block addresses in these chains are
 * only numbers: the checks never read blocks.  It runs with KHO off too.
 */
#include <kunit/resource.h>
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/align.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/math.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "kexec_handover_internal.h"
#include "kho_vmalloc.h"

#define KHO_TEST_ENTRIES	KHO_VMALLOC_CHUNK_ENTRIES
/* Order of a PMD mapping, the only huge order vmalloc_huge() uses on x86. */
#define KHO_TEST_PMD_ORDER	(PMD_SHIFT - PAGE_SHIFT)

KUNIT_DEFINE_ACTION_WRAPPER(kho_test_vfree, vfree, const void *);
KUNIT_DEFINE_ACTION_WRAPPER(kho_test_unpreserve, kho_unpreserve_vmalloc,
			    struct kho_vmalloc *);

/* ------------------------------------------------------------------ */
/* Preserve side                                                      */

static int kho_vmalloc_test_init(struct kunit *test)
{
	if (!kho_is_enabled())
		kunit_skip(test, "KHO is off: boot with kho=on");
	return 0;
}

/* Is the block at @phys preserved at @order?  Ask the tracker. */
static bool kho_test_preserved(phys_addr_t phys, unsigned int order)
{
	struct page *page = pfn_to_page(PHYS_PFN(phys));
	int err;

	err = kho_preserve_pages(page, 1UL << order);
	if (!err)
		kho_unpreserve_pages(page, 1UL << order);
	return err == -EEXIST;
}

static u8 kho_test_byte(unsigned long pgoff)
{
	return (pgoff * 37 + 11) & 0xff;
}

static void kho_test_fill(void *area, unsigned int nr_pages)
{
	unsigned int i;

	for (i = 0; i < nr_pages; i++)
		memset(area + i * PAGE_SIZE, kho_test_byte(i), PAGE_SIZE);
}

static bool kho_test_intact(void *area, unsigned int nr_pages)
{
	unsigned int i;

	for (i = 0; i < nr_pages; i++) {
		const u8 *p = area + i * PAGE_SIZE;

		if (p[0] != kho_test_byte(i) || p[PAGE_SIZE - 1] != p[0] ||
		    memchr_inv(p, p[0], PAGE_SIZE))
			return false;
	}
	return true;
}

/* A vmalloc area released at the end of the test. */
static void *kho_test_area(struct kunit *test, unsigned int nr_pages,
			   bool huge)
{
	unsigned long size = (unsigned long)nr_pages << PAGE_SHIFT;
	void *area;

	area = huge ? vmalloc_huge(size, GFP_KERNEL) : vmalloc(size);
	KUNIT_ASSERT_NOT_NULL(test, area);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, kho_test_vfree,
							   area));
	kho_test_fill(area, nr_pages);
	return area;
}

/* A descriptor that is unpreserved, if still in use, at the end. */
static struct kho_vmalloc *kho_test_desc(struct kunit *test)
{
	struct kho_vmalloc *desc;

	desc = kunit_kzalloc(test, sizeof(*desc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, desc);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   kho_test_unpreserve,
							   desc));
	return desc;
}

/*
 * Check @desc against the area: its fields, and a chain of preserved chunks
 * that lists, in order, each preserved 2^@order block behind the area.
 */
static void kho_test_check_desc(struct kunit *test, void *area,
				const struct kho_vmalloc *desc,
				unsigned int nr_pages, unsigned int order,
				u16 flags)
{
	unsigned long nr_blocks = nr_pages >> order, block = 0, chunks = 0;
	unsigned long max_chunks = DIV_ROUND_UP(nr_blocks, KHO_TEST_ENTRIES);
	u64 phys = desc->first;

	KUNIT_EXPECT_EQ(test, desc->total_pages, nr_pages);
	KUNIT_EXPECT_EQ(test, desc->order, order);
	KUNIT_EXPECT_EQ(test, desc->flags, flags);
	KUNIT_ASSERT_NE(test, desc->first, 0);

	while (phys) {
		const struct kho_vmalloc_chunk *chunk;
		unsigned int i, j;

		KUNIT_ASSERT_LT_MSG(test, chunks, max_chunks,
				    "chain longer than %lu chunks", max_chunks);
		KUNIT_ASSERT_TRUE(test, IS_ALIGNED(phys, PAGE_SIZE));
		KUNIT_EXPECT_TRUE_MSG(test, kho_test_preserved(phys, 0),
				      "chunk %lu not preserved", chunks);
		chunk = phys_to_virt(phys);
		chunks++;

		for (i = 0; i < KHO_TEST_ENTRIES && block < nr_blocks;
		     i++, block++) {
			void *va = area + (block << order) * PAGE_SIZE;
			struct page *page = vmalloc_to_page(va);

			KUNIT_ASSERT_NOT_NULL(test, page);
			KUNIT_ASSERT_EQ_MSG(test, chunk->phys[i],
					    page_to_phys(page),
					    "block %lu", block);
			KUNIT_EXPECT_TRUE(test, IS_ALIGNED(chunk->phys[i],
							   PAGE_SIZE << order));
			for (j = 1; j < 1U << order; j++)
				KUNIT_ASSERT_PTR_EQ(test,
						    vmalloc_to_page(va + j * PAGE_SIZE),
						    page + j);
			KUNIT_EXPECT_TRUE_MSG(test,
					      kho_test_preserved(chunk->phys[i],
								 order),
					      "block %lu not preserved", block);
		}
		if (i < KHO_TEST_ENTRIES) {
			/* a chunk that is not full ends the list with a 0 */
			KUNIT_EXPECT_EQ(test, chunk->phys[i], 0);
			KUNIT_EXPECT_EQ(test, chunk->hdr.next, 0);
		}
		phys = chunk->hdr.next;
	}
	KUNIT_EXPECT_EQ(test, block, nr_blocks);
	KUNIT_EXPECT_EQ(test, chunks, max_chunks);
}

/* Record the blocks of @desc, to check them after kho_unpreserve_vmalloc(). */
static u64 *kho_test_blocks(struct kunit *test, const struct kho_vmalloc *desc)
{
	unsigned long nr = desc->total_pages >> desc->order, i;
	struct kho_vmalloc_iter it;
	u64 *blocks;

	blocks = kunit_kmalloc_array(test, nr, sizeof(*blocks), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, blocks);
	kho_vmalloc_iter_init(&it, desc);
	for (i = 0; i < nr; i++)
		blocks[i] = kho_vmalloc_iter_next(&it);
	KUNIT_EXPECT_EQ(test, kho_vmalloc_iter_next(&it), 0);
	return blocks;
}

static void kho_test_check_unpreserved(struct kunit *test,
				       const struct kho_vmalloc *desc,
				       const u64 *blocks, unsigned long nr,
				       unsigned int order)
{
	static const struct kho_vmalloc zero;
	unsigned long i;

	KUNIT_EXPECT_MEMEQ(test, desc, &zero, sizeof(zero));
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_FALSE_MSG(test, kho_test_preserved(blocks[i], order),
				       "block %lu still preserved", i);
}

struct kho_test_size {
	unsigned int pages;
	const char *what;
};

static const struct kho_test_size kho_test_sizes[] = {
	{ 1,	"1 page, 1 chunk" },
	{ 5,	"5 pages, 1 chunk" },
	{ 511,	"511 pages, 1 full chunk" },
	{ 512,	"512 pages, 2 chunks" },
	{ 1022,	"1022 pages, 2 full chunks" },
	{ 1023,	"1023 pages, 3 chunks" },
	{ 1200,	"1200 pages, 3 chunks" },
};

static void kho_test_size_desc(const struct kho_test_size *s, char *desc)
{
	strscpy(desc, s->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kho_test_sizes, kho_test_sizes, kho_test_size_desc);

/* Small pages: one order-0 block per page, chunks filled in order. */
static void kho_vmalloc_test_small(struct kunit *test)
{
	const struct kho_test_size *s = test->param_value;
	struct kho_vmalloc *desc = kho_test_desc(test);
	void *area = kho_test_area(test, s->pages, false);
	unsigned int order;
	u64 *blocks;

	KUNIT_ASSERT_NOT_NULL(test, kho_vmalloc_find_area(area, &order));
	KUNIT_ASSERT_EQ(test, order, 0);

	KUNIT_ASSERT_EQ(test, kho_preserve_vmalloc(area, desc), 0);
	kho_test_check_desc(test, area, desc, s->pages, 0, KHO_VMALLOC_ALLOC);
	KUNIT_EXPECT_TRUE(test, kho_test_intact(area, s->pages));

	blocks = kho_test_blocks(test, desc);
	kho_unpreserve_vmalloc(desc);
	kho_test_check_unpreserved(test, desc, blocks, s->pages, 0);
	KUNIT_EXPECT_TRUE(test, kho_test_intact(area, s->pages));
}

/*
 * vmalloc_huge(): 2 MiB blocks mapped by PMDs where the architecture and
 * the allocator allow, else small pages.  Either way the descriptor must
 * carry the order the area really has, and the huge-vmap flag.
 */
static void kho_vmalloc_test_huge(struct kunit *test)
{
	unsigned int nr_pages = SZ_4M >> PAGE_SHIFT, order;
	struct kho_vmalloc *desc = kho_test_desc(test);
	void *area = kho_test_area(test, nr_pages, true);
	u64 *blocks;

	KUNIT_ASSERT_NOT_NULL(test, kho_vmalloc_find_area(area, &order));
	kunit_info(test, "vmalloc_huge(4 MiB) has page order %u\n", order);
	if (IS_ENABLED(CONFIG_HAVE_ARCH_HUGE_VMALLOC))
		KUNIT_EXPECT_TRUE(test, order == 0 ||
				  order == KHO_TEST_PMD_ORDER);
	else
		KUNIT_EXPECT_EQ(test, order, 0);

	KUNIT_ASSERT_EQ(test, kho_preserve_vmalloc(area, desc), 0);
	kho_test_check_desc(test, area, desc, nr_pages, order,
			    KHO_VMALLOC_ALLOC | KHO_VMALLOC_HUGE_VMAP);
	KUNIT_EXPECT_TRUE(test, kho_test_intact(area, nr_pages));

	blocks = kho_test_blocks(test, desc);
	kho_unpreserve_vmalloc(desc);
	kho_test_check_unpreserved(test, desc, blocks, nr_pages >> order,
				   order);
}

/* Preserve, unpreserve, preserve again: the second round starts clean. */
static void kho_vmalloc_test_again(struct kunit *test)
{
	struct kho_vmalloc *desc = kho_test_desc(test);
	void *area = kho_test_area(test, 600, false);
	u64 *blocks;

	KUNIT_ASSERT_EQ(test, kho_preserve_vmalloc(area, desc), 0);
	blocks = kho_test_blocks(test, desc);
	kho_unpreserve_vmalloc(desc);
	kho_test_check_unpreserved(test, desc, blocks, 600, 0);

	/* a cleared descriptor is ignored */
	kho_unpreserve_vmalloc(desc);
	kho_unpreserve_vmalloc(NULL);

	KUNIT_ASSERT_EQ(test, kho_preserve_vmalloc(area, desc), 0);
	kho_test_check_desc(test, area, desc, 600, 0, KHO_VMALLOC_ALLOC);
	kho_unpreserve_vmalloc(desc);
	kho_test_check_unpreserved(test, desc, blocks, 600, 0);
}

/* Preserving an area twice fails and leaves the first preservation be. */
static void kho_vmalloc_test_twice(struct kunit *test)
{
	struct kho_vmalloc *desc = kho_test_desc(test);
	struct kho_vmalloc *second = kho_test_desc(test);
	void *area = kho_test_area(test, 5, false);

	KUNIT_ASSERT_EQ(test, kho_preserve_vmalloc(area, desc), 0);
	KUNIT_EXPECT_EQ(test, kho_preserve_vmalloc(area, second), -EEXIST);
	KUNIT_EXPECT_EQ(test, second->first, 0);
	kho_test_check_desc(test, area, desc, 5, 0, KHO_VMALLOC_ALLOC);
}

/*
 * All or nothing: with page 3 of the area preserved already, preserving
 * the area fails, pages 0-2 are not left preserved, and page 3 still is.
 */
static void kho_vmalloc_test_rollback(struct kunit *test)
{
	struct kho_vmalloc *desc = kho_test_desc(test);
	void *area = kho_test_area(test, 5, false);
	phys_addr_t phys[5];
	unsigned int i;

	for (i = 0; i < 5; i++)
		phys[i] = page_to_phys(vmalloc_to_page(area + i * PAGE_SIZE));
	KUNIT_ASSERT_EQ(test, kho_preserve_pages(vmalloc_to_page(area +
								 3 * PAGE_SIZE),
						 1), 0);

	KUNIT_EXPECT_EQ(test, kho_preserve_vmalloc(area, desc), -EEXIST);
	KUNIT_EXPECT_EQ(test, desc->first, 0);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_FALSE(test, kho_test_preserved(phys[i], 0));
	KUNIT_EXPECT_TRUE(test, kho_test_preserved(phys[3], 0));
	KUNIT_EXPECT_FALSE(test, kho_test_preserved(phys[4], 0));

	kho_unpreserve_pages(pfn_to_page(PHYS_PFN(phys[3])), 1);
}

/* Only the start of a VM_ALLOC area is accepted; the rest is -EINVAL. */
static void kho_vmalloc_test_einval(struct kunit *test)
{
	struct kho_vmalloc *desc = kho_test_desc(test);
	void *area = kho_test_area(test, 2, false);
	struct kho_vmalloc poison;
	struct page *pages[2];
	void *mapped, *buf;
	unsigned int i;

	memset(desc, 0x5a, sizeof(*desc));
	poison = *desc;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}
	mapped = vmap(pages, ARRAY_SIZE(pages), VM_MAP, PAGE_KERNEL);
	buf = kmalloc(64, GFP_KERNEL);

	if (mapped)
		KUNIT_EXPECT_EQ(test, kho_preserve_vmalloc(mapped, desc),
				-EINVAL);
	if (buf)
		KUNIT_EXPECT_EQ(test, kho_preserve_vmalloc(buf, desc), -EINVAL);
	KUNIT_EXPECT_EQ(test, kho_preserve_vmalloc(area + PAGE_SIZE, desc),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, kho_preserve_vmalloc(NULL, desc), -EINVAL);
	KUNIT_EXPECT_EQ(test, kho_preserve_vmalloc(area, NULL), -EINVAL);
	KUNIT_EXPECT_MEMEQ(test, desc, &poison, sizeof(poison));
	memset(desc, 0, sizeof(*desc));

	kfree(buf);
	if (mapped)
		vunmap(mapped);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		__free_page(pages[i]);
	KUNIT_ASSERT_NOT_NULL(test, mapped);
	KUNIT_ASSERT_NOT_NULL(test, buf);
}

static bool kho_test_kexec_started(void)
{
	return true;
}

/* Once kexec -e has started, nothing more can be preserved: -EBUSY. */
static void kho_test_busy(struct kunit *test)
{
	struct folio *folio = folio_alloc(GFP_KERNEL | __GFP_ZERO, 0);
	void *area = vmalloc(PAGE_SIZE), *mem;
	struct kho_vmalloc desc;

	KUNIT_ASSERT_NOT_NULL(test, folio);
	KUNIT_ASSERT_NOT_NULL(test, area);
	kunit_activate_static_stub(test, kho_kexec_started,
				   kho_test_kexec_started);
	KUNIT_EXPECT_EQ(test, kho_preserve_folio(folio), -EBUSY);
	KUNIT_EXPECT_EQ(test, kho_preserve_pages(folio_page(folio, 0), 1),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, kho_preserve_vmalloc(area, &desc), -EBUSY);
	mem = kho_alloc_preserve(PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(mem), -EBUSY);
	KUNIT_EXPECT_EQ(test, kho_add_subtree("kho-kunit-busy",
					      folio_address(folio)), -EBUSY);
	kunit_deactivate_static_stub(test, kho_kexec_started);
	KUNIT_EXPECT_FALSE(test, kho_test_preserved(folio_pfn(folio) <<
						    PAGE_SHIFT, 0));

	/* and before it, as always */
	KUNIT_EXPECT_EQ(test, kho_preserve_folio(folio), 0);
	KUNIT_EXPECT_TRUE(test, kho_test_preserved(folio_pfn(folio) <<
						   PAGE_SHIFT, 0));
	kho_unpreserve_folio(folio);
	folio_put(folio);
	vfree(area);
}

static struct kunit_case kho_vmalloc_cases[] = {
	KUNIT_CASE_PARAM(kho_vmalloc_test_small, kho_test_sizes_gen_params),
	KUNIT_CASE(kho_vmalloc_test_huge),
	KUNIT_CASE(kho_vmalloc_test_again),
	KUNIT_CASE(kho_vmalloc_test_twice),
	KUNIT_CASE(kho_vmalloc_test_rollback),
	KUNIT_CASE(kho_vmalloc_test_einval),
	KUNIT_CASE(kho_test_busy),
	{}
};

static struct kunit_suite kho_vmalloc_suite = {
	.name = "kho_vmalloc",
	.init = kho_vmalloc_test_init,
	.test_cases = kho_vmalloc_cases,
};

/* ------------------------------------------------------------------ */
/* Restore side: checks of incoming descriptors                       */

#define KHO_TEST_CHUNKS		4
/* Block addresses of the hand-built chains; never read. */
#define KHO_TEST_BLOCK_BASE	SZ_4G

/* Hand-built chain: chunk pages, and which of them count as preserved. */
struct kho_test_chain {
	struct kho_vmalloc_chunk *chunk[KHO_TEST_CHUNKS];
	u64 phys[KHO_TEST_CHUNKS];
	bool preserved[KHO_TEST_CHUNKS];
	unsigned int takes;
};

static int kho_test_take(phys_addr_t phys, void *arg)
{
	struct kho_test_chain *c = arg;
	unsigned int i;

	for (i = 0; i < KHO_TEST_CHUNKS; i++) {
		if (c->phys[i] == phys && c->preserved[i]) {
			c->takes++;
			return 0;
		}
	}
	return -ENOENT;
}

static u64 kho_test_block(unsigned long i, unsigned int order)
{
	return KHO_TEST_BLOCK_BASE + ((u64)i << (PAGE_SHIFT + order));
}

/*
 * A sound chain of @nr_chunks chunks listing @nr_blocks blocks of @order,
 * in a descriptor of @flags.  Tests then damage it.
 */
static struct kho_test_chain *kho_test_chain(struct kunit *test,
					     struct kho_vmalloc *desc,
					     unsigned int nr_blocks,
					     unsigned int order, u16 flags)
{
	unsigned int nr_chunks = DIV_ROUND_UP(nr_blocks, KHO_TEST_ENTRIES);
	struct kho_test_chain *c;
	unsigned int i;

	KUNIT_ASSERT_LE(test, nr_chunks, KHO_TEST_CHUNKS);
	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	for (i = 0; i < KHO_TEST_CHUNKS; i++) {
		c->chunk[i] = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, c->chunk[i]);
		c->phys[i] = virt_to_phys(c->chunk[i]);
		KUNIT_ASSERT_TRUE(test, IS_ALIGNED(c->phys[i], PAGE_SIZE));
		c->preserved[i] = true;
	}
	for (i = 0; i < nr_blocks; i++)
		c->chunk[i / KHO_TEST_ENTRIES]->phys[i % KHO_TEST_ENTRIES] =
			kho_test_block(i, order);
	for (i = 1; i < nr_chunks; i++)
		c->chunk[i - 1]->hdr.next = c->phys[i];

	desc->first = c->phys[0];
	desc->total_pages = nr_blocks << order;
	desc->flags = flags;
	desc->order = order;
	return c;
}

/* Run the checks on @desc; expect @err and, on failure, a reason. */
static void kho_test_expect(struct kunit *test, const struct kho_vmalloc *desc,
			    struct kho_test_chain *c, int err,
			    unsigned long chunks)
{
	struct kho_vmalloc_walk w = {
		.take_chunk = kho_test_take,
		.arg = c,
	};

	KUNIT_EXPECT_EQ(test, kho_vmalloc_check(desc, &w), err);
	KUNIT_EXPECT_EQ_MSG(test, w.chunks, chunks, "chunks claimed");
	if (c)
		KUNIT_EXPECT_EQ(test, c->takes, chunks);
	if (err) {
		KUNIT_EXPECT_NE(test, w.why[0], '\0');
		kunit_info(test, "refused: %s\n", w.why);
	}
	if (c)
		c->takes = 0;
}

struct kho_test_shape {
	unsigned int blocks;
	unsigned int order;
	u16 flags;
	const char *what;
};

static const struct kho_test_shape kho_test_shapes[] = {
	{ 1, 0, KHO_VMALLOC_ALLOC, "1 block" },
	{ 5, 0, KHO_VMALLOC_ALLOC, "5 blocks" },
	{ 511, 0, KHO_VMALLOC_ALLOC, "1 full chunk" },
	{ 512, 0, KHO_VMALLOC_ALLOC, "2 chunks" },
	{ 1022, 0, KHO_VMALLOC_ALLOC | KHO_VMALLOC_HUGE_VMAP,
	  "2 full chunks, huge-vmap flag at order 0" },
	{ 1500, 0, KHO_VMALLOC_ALLOC, "3 chunks" },
	{ 2, 9, KHO_VMALLOC_ALLOC | KHO_VMALLOC_HUGE_VMAP, "order 9" },
	{ 600, MAX_PAGE_ORDER, KHO_VMALLOC_ALLOC | KHO_VMALLOC_HUGE_VMAP,
	  "MAX_PAGE_ORDER, 2 chunks" },
};

static void kho_test_shape_desc(const struct kho_test_shape *s, char *desc)
{
	strscpy(desc, s->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kho_test_shapes, kho_test_shapes, kho_test_shape_desc);

/* The descriptor and chunk layout of the ABI (sizes are asserted there). */
static void kho_vmalloc_test_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, offsetof(struct kho_vmalloc, first), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct kho_vmalloc, total_pages), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct kho_vmalloc, flags), 12);
	KUNIT_EXPECT_EQ(test, offsetof(struct kho_vmalloc, order), 14);
	KUNIT_EXPECT_EQ(test, offsetof(struct kho_vmalloc_chunk, phys),
			sizeof(u64));
	KUNIT_EXPECT_EQ(test, KHO_TEST_ENTRIES, PAGE_SIZE / sizeof(u64) - 1);
}

/* Sound descriptors pass, and the iterator hands out every block once. */
static void kho_vmalloc_test_sound(struct kunit *test)
{
	const struct kho_test_shape *s = test->param_value;
	struct kho_vmalloc desc;
	struct kho_test_chain *c;
	struct kho_vmalloc_iter it;
	unsigned int i;

	c = kho_test_chain(test, &desc, s->blocks, s->order, s->flags);
	kho_test_expect(test, &desc, c, 0,
			DIV_ROUND_UP(s->blocks, KHO_TEST_ENTRIES));

	kho_vmalloc_iter_init(&it, &desc);
	for (i = 0; i < s->blocks; i++)
		KUNIT_ASSERT_EQ(test, kho_vmalloc_iter_next(&it),
				kho_test_block(i, s->order));
	KUNIT_EXPECT_EQ(test, kho_vmalloc_iter_next(&it), 0);
	KUNIT_EXPECT_EQ(test, kho_vmalloc_iter_next(&it), 0);
}

/* Bad fields: refused before any chunk is claimed or read. */
static void kho_vmalloc_test_bad_fields(struct kunit *test)
{
	const u16 huge = KHO_VMALLOC_ALLOC | KHO_VMALLOC_HUGE_VMAP;
	struct kho_vmalloc desc;
	struct kho_test_chain *c;

	c = kho_test_chain(test, &desc, 5, 0, KHO_VMALLOC_ALLOC);

	desc.flags = KHO_VMALLOC_ALLOC | 0x4;
	kho_test_expect(test, &desc, c, -EINVAL, 0);
	desc.flags = 0x8000 | KHO_VMALLOC_ALLOC;
	kho_test_expect(test, &desc, c, -EINVAL, 0);
	desc.flags = KHO_VMALLOC_HUGE_VMAP;
	kho_test_expect(test, &desc, c, -EINVAL, 0);
	desc.flags = 0;
	kho_test_expect(test, &desc, c, -EINVAL, 0);

	desc.flags = huge;
	desc.order = MAX_PAGE_ORDER + 1;
	desc.total_pages = 5 << desc.order;
	kho_test_expect(test, &desc, c, -EINVAL, 0);
	desc.order = U16_MAX;
	kho_test_expect(test, &desc, c, -EINVAL, 0);

	/* an order above 0 needs the huge-vmap flag */
	desc.flags = KHO_VMALLOC_ALLOC;
	desc.order = 9;
	desc.total_pages = 5 << 9;
	kho_test_expect(test, &desc, c, -EINVAL, 0);

	/* total_pages: not 0, and whole blocks */
	desc.flags = huge;
	desc.total_pages = (5 << 9) + 1;
	kho_test_expect(test, &desc, c, -EINVAL, 0);
	desc.order = 0;
	desc.total_pages = 0;
	kho_test_expect(test, &desc, c, -EINVAL, 0);

	/* pages but no chain; a chain that starts off a page boundary */
	desc.total_pages = 5;
	desc.first = 0;
	kho_test_expect(test, &desc, c, -EINVAL, 0);
	desc.first = c->phys[0] + 8;
	kho_test_expect(test, &desc, c, -EINVAL, 0);

	/* the same descriptor, repaired, passes */
	desc.first = c->phys[0];
	kho_test_expect(test, &desc, c, 0, 1);
}

/* A block that is not aligned to the order is refused. */
static void kho_vmalloc_test_bad_alignment(struct kunit *test)
{
	const u16 huge = KHO_VMALLOC_ALLOC | KHO_VMALLOC_HUGE_VMAP;
	struct kho_vmalloc desc;
	struct kho_test_chain *c;

	c = kho_test_chain(test, &desc, 2, 9, huge);
	c->chunk[0]->phys[1] += PAGE_SIZE;
	kho_test_expect(test, &desc, c, -EINVAL, 1);

	/* page-aligned is not enough in the second chunk either */
	c = kho_test_chain(test, &desc, 600, 1, huge);
	c->chunk[1]->phys[40] += PAGE_SIZE;
	kho_test_expect(test, &desc, c, -EINVAL, 2);

	/* order 0: an address inside a page */
	c = kho_test_chain(test, &desc, 5, 0, KHO_VMALLOC_ALLOC);
	c->chunk[0]->phys[4] += 0x10;
	kho_test_expect(test, &desc, c, -EINVAL, 1);
}

/* The chain must list exactly total_pages >> order blocks. */
static void kho_vmalloc_test_bad_count(struct kunit *test)
{
	struct kho_vmalloc desc;
	struct kho_test_chain *c;

	/* one block short, in one chunk and at the end of two */
	c = kho_test_chain(test, &desc, 5, 0, KHO_VMALLOC_ALLOC);
	desc.total_pages = 6;
	kho_test_expect(test, &desc, c, -EINVAL, 1);
	c = kho_test_chain(test, &desc, 600, 0, KHO_VMALLOC_ALLOC);
	c->chunk[1]->phys[600 - KHO_TEST_ENTRIES - 1] = 0;
	kho_test_expect(test, &desc, c, -EINVAL, 2);

	/* one block too many */
	c = kho_test_chain(test, &desc, 5, 0, KHO_VMALLOC_ALLOC);
	desc.total_pages = 4;
	kho_test_expect(test, &desc, c, -EINVAL, 1);

	/* a full chunk but the descriptor wants more, and no next chunk */
	c = kho_test_chain(test, &desc, KHO_TEST_ENTRIES, 0, KHO_VMALLOC_ALLOC);
	desc.total_pages = KHO_TEST_ENTRIES + 1;
	kho_test_expect(test, &desc, c, -EINVAL, 1);

	/* an empty first chunk */
	c = kho_test_chain(test, &desc, 5, 0, KHO_VMALLOC_ALLOC);
	c->chunk[0]->phys[0] = 0;
	kho_test_expect(test, &desc, c, -EINVAL, 1);

	/* a chunk that ends its list early and still links on */
	c = kho_test_chain(test, &desc, 600, 0, KHO_VMALLOC_ALLOC);
	c->chunk[0]->phys[100] = 0;
	kho_test_expect(test, &desc, c, -EINVAL, 1);
}

/* Cycles and over-long chains end at the bound, even if every take works. */
static void kho_vmalloc_test_bad_chain(struct kunit *test)
{
	struct kho_vmalloc desc;
	struct kho_test_chain *c;

	/* a chunk that links to itself; it is not full, so it ends early */
	c = kho_test_chain(test, &desc, 5, 0, KHO_VMALLOC_ALLOC);
	c->chunk[0]->hdr.next = c->phys[0];
	kho_test_expect(test, &desc, c, -EINVAL, 1);

	/* a full chunk that links to itself: the bound stops it too */
	c = kho_test_chain(test, &desc, 2 * KHO_TEST_ENTRIES, 0,
			   KHO_VMALLOC_ALLOC);
	c->chunk[0]->hdr.next = c->phys[0];
	kho_test_expect(test, &desc, c, -ELOOP, 2);

	/* two chunks that link to each other */
	c = kho_test_chain(test, &desc, 2 * KHO_TEST_ENTRIES, 0,
			   KHO_VMALLOC_ALLOC);
	c->chunk[1]->hdr.next = c->phys[0];
	kho_test_expect(test, &desc, c, -ELOOP, 2);

	/* one chunk more than the entries need, empty */
	c = kho_test_chain(test, &desc, KHO_TEST_ENTRIES, 0, KHO_VMALLOC_ALLOC);
	c->chunk[0]->hdr.next = c->phys[1];
	kho_test_expect(test, &desc, c, -ELOOP, 1);

	/* a next pointer off a page boundary */
	c = kho_test_chain(test, &desc, 600, 0, KHO_VMALLOC_ALLOC);
	c->chunk[0]->hdr.next += 0x800;
	kho_test_expect(test, &desc, c, -EINVAL, 1);
}

/* A chunk outside preserved memory is never read, and the walk stops. */
static void kho_vmalloc_test_not_preserved(struct kunit *test)
{
	struct kho_vmalloc desc;
	struct kho_test_chain *c;

	c = kho_test_chain(test, &desc, 5, 0, KHO_VMALLOC_ALLOC);
	c->preserved[0] = false;
	kho_test_expect(test, &desc, c, -ENOENT, 0);

	/* the second chunk is not preserved: the first stays claimed */
	c = kho_test_chain(test, &desc, 600, 0, KHO_VMALLOC_ALLOC);
	c->preserved[1] = false;
	kho_test_expect(test, &desc, c, -ENOENT, 1);

	/* a link to an address that is no chunk at all */
	c = kho_test_chain(test, &desc, 600, 0, KHO_VMALLOC_ALLOC);
	c->chunk[0]->hdr.next = KHO_TEST_BLOCK_BASE;
	kho_test_expect(test, &desc, c, -ENOENT, 1);
}

/*
 * kho_restore_vmalloc() refuses bad fields before it restores anything,
 * so this works on any boot.  Chains are not tried here: on a boot without
 * a handover every chunk is "not preserved", which draws a warning.
 */
static void kho_vmalloc_test_restore_refuses(struct kunit *test)
{
	const u16 alloc = KHO_VMALLOC_ALLOC;
	const u16 huge = KHO_VMALLOC_ALLOC | KHO_VMALLOC_HUGE_VMAP;
	const struct kho_vmalloc bad[] = {
		{ .first = SZ_4G, .total_pages = 1, .flags = alloc | 0x4 },
		{ .first = SZ_4G, .total_pages = 1, .flags = 0 },
		{ .first = SZ_4G, .total_pages = 1 << (MAX_PAGE_ORDER + 1),
		  .flags = huge, .order = MAX_PAGE_ORDER + 1 },
		{ .first = SZ_4G, .total_pages = 1 << 9, .flags = alloc,
		  .order = 9 },
		{ .first = SZ_4G, .total_pages = 0, .flags = alloc },
		{ .first = SZ_4G, .total_pages = 3, .flags = huge, .order = 1 },
		{ .first = 0, .total_pages = 5, .flags = alloc },
		{ .first = SZ_4G + 8, .total_pages = 5, .flags = alloc },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_NULL_MSG(test, kho_restore_vmalloc(&bad[i]),
				      "descriptor %u", i);
	KUNIT_EXPECT_NULL(test, kho_restore_vmalloc(NULL));
}

static struct kunit_case kho_vmalloc_restore_cases[] = {
	KUNIT_CASE(kho_vmalloc_test_layout),
	KUNIT_CASE_PARAM(kho_vmalloc_test_sound, kho_test_shapes_gen_params),
	KUNIT_CASE(kho_vmalloc_test_bad_fields),
	KUNIT_CASE(kho_vmalloc_test_bad_alignment),
	KUNIT_CASE(kho_vmalloc_test_bad_count),
	KUNIT_CASE(kho_vmalloc_test_bad_chain),
	KUNIT_CASE(kho_vmalloc_test_not_preserved),
	KUNIT_CASE(kho_vmalloc_test_restore_refuses),
	{}
};

static struct kunit_suite kho_vmalloc_restore_suite = {
	.name = "kho_vmalloc_restore",
	.test_cases = kho_vmalloc_restore_cases,
};

kunit_test_suites(&kho_vmalloc_suite, &kho_vmalloc_restore_suite);

MODULE_DESCRIPTION("KUnit tests for kexec handover vmalloc preservation");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
