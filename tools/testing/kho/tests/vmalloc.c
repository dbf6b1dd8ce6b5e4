// SPDX-License-Identifier: GPL-2.0
/*
 * Native unit tests of the incoming side of vmalloc preservation, the
 * chunk-chain walk of kho_vmalloc.h: kho_vmalloc_check() on descriptors
 * built by hand as the ABI describes them, good and damaged, and
 * kho_vmalloc_iter_next() over chains that passed.  (kho_vmalloc.c itself
 * maps areas and needs the kernel; KUnit covers it.)
 */
#include <string.h>

#include <linux/errno.h>
#include <linux/kexec_handover.h>
#include <linux/mm.h>

#include "../../../../kernel/liveupdate/kho_vmalloc.h"
#include "../shim/kho_shim.h"
#include "harness.h"

#define ENTRIES	KHO_VMALLOC_CHUNK_ENTRIES

struct claims {
	unsigned long n;
	phys_addr_t taken[8];
	phys_addr_t refuse;
	int err;
};

/* As kho_restore_pages() would: once per preserved page. */
static int take(phys_addr_t phys, void *arg)
{
	struct claims *c = arg;
	unsigned long i;

	if (phys == c->refuse || !kho_arena_has(phys, PAGE_SIZE))
		return c->err ? c->err : -ENOENT;
	for (i = 0; i < c->n && i < 8; i++)
		if (c->taken[i] == phys)
			return -ENOENT;
	if (c->n < 8)
		c->taken[c->n] = phys;
	c->n++;
	return 0;
}

/* Blocks are fake: the walk never reads them, only their addresses. */
static u64 block_addr(unsigned long i, unsigned int order)
{
	return (64ULL << 30) + ((u64)i << (PAGE_SHIFT + order));
}

/* A descriptor for @nr_blocks blocks of @order in a chain of chunks. */
static void build(struct kho_vmalloc *d, struct kho_vmalloc_chunk **c,
		  unsigned long nr_blocks, unsigned int order)
{
	unsigned long i, nc = DIV_ROUND_UP(nr_blocks, ENTRIES);

	for (i = 0; i < nc; i++) {
		c[i] = (void *)get_zeroed_page(GFP_KERNEL);
		ASSERT(c[i]);
		if (i)
			c[i - 1]->hdr.next = virt_to_phys(c[i]);
	}
	for (i = 0; i < nr_blocks; i++)
		c[i / ENTRIES]->phys[i % ENTRIES] = block_addr(i, order);
	d->first = nr_blocks ? virt_to_phys(c[0]) : 0;
	d->total_pages = nr_blocks << order;
	d->flags = KHO_VMALLOC_ALLOC | (order ? KHO_VMALLOC_HUGE_VMAP : 0);
	d->order = order;
}

static int run(const struct kho_vmalloc *d, struct kho_vmalloc_walk *w,
	       struct claims *c)
{
	memset(w, 0, sizeof(*w));
	w->take_chunk = take;
	w->arg = c;
	c->n = 0;
	return kho_vmalloc_check(d, w);
}

static void expect_blocks(const struct kho_vmalloc *d, unsigned long n)
{
	struct kho_vmalloc_iter it;
	unsigned long i;

	kho_vmalloc_iter_init(&it, d);
	for (i = 0; i < n; i++) {
		u64 b = kho_vmalloc_iter_next(&it);

		if (b != block_addr(i, d->order)) {
			EXPECT_EQ(b, block_addr(i, d->order));
			return;
		}
	}
	EXPECT_EQ(kho_vmalloc_iter_next(&it), 0);
	EXPECT_EQ(kho_vmalloc_iter_next(&it), 0);
}

static void test_layout(void)
{
	EXPECT_EQ(sizeof(struct kho_vmalloc_chunk), PAGE_SIZE);
	EXPECT_EQ(sizeof(struct kho_vmalloc), 16);
	EXPECT_EQ(ENTRIES, 511);
	EXPECT_EQ(offsetof(struct kho_vmalloc, total_pages), 8);
	EXPECT_EQ(offsetof(struct kho_vmalloc, flags), 12);
	EXPECT_EQ(offsetof(struct kho_vmalloc, order), 14);
}

static void test_good_sizes(void)
{
	static const struct { unsigned long blocks; unsigned int order; } t[] = {
		{ 1, 0 }, { 510, 0 }, { 511, 0 }, { 512, 0 }, { 1022, 0 },
		{ 1023, 0 }, { 3000, 0 }, { 1, 9 }, { 600, 9 }, { 4, 10 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		struct kho_vmalloc_chunk *c[8];
		struct kho_vmalloc_walk w;
		struct kho_vmalloc d;
		struct claims cl = { 0 };
		unsigned long k;

		build(&d, c, t[i].blocks, t[i].order);
		EXPECT_EQ(run(&d, &w, &cl), 0);
		EXPECT_EQ(w.chunks, DIV_ROUND_UP(t[i].blocks, ENTRIES));
		EXPECT_EQ(cl.n, w.chunks);
		EXPECT_EQ(w.blocks, t[i].blocks);
		EXPECT_EQ(w.why[0], 0);
		expect_blocks(&d, t[i].blocks);
		for (k = 0; k < w.chunks; k++)
			free_page((unsigned long)c[k]);
	}
}

struct vdamage {
	const char *name;
	unsigned long blocks;
	void (*fn)(struct kho_vmalloc *d, struct kho_vmalloc_chunk **c,
		   struct claims *cl);
	int err;
	const char *why;
	unsigned long chunks;	/* claimed when it is refused */
};

static void d_flags(struct kho_vmalloc *d, struct kho_vmalloc_chunk **c,
		    struct claims *cl)
{
	d->flags |= 0x4;
}

static void d_no_alloc(struct kho_vmalloc *d, struct kho_vmalloc_chunk **c,
		       struct claims *cl)
{
	d->flags = KHO_VMALLOC_HUGE_VMAP;
}

static void d_order(struct kho_vmalloc *d, struct kho_vmalloc_chunk **c,
		    struct claims *cl)
{
	d->order = MAX_PAGE_ORDER + 1;
	d->flags |= KHO_VMALLOC_HUGE_VMAP;
}

static void d_order_not_huge(struct kho_vmalloc *d,
			     struct kho_vmalloc_chunk **c, struct claims *cl)
{
	d->order = 1;
	d->total_pages *= 2;
}

static void d_zero_pages(struct kho_vmalloc *d, struct kho_vmalloc_chunk **c,
			 struct claims *cl)
{
	d->total_pages = 0;
}

static void d_pages_not_blocks(struct kho_vmalloc *d,
			       struct kho_vmalloc_chunk **c, struct claims *cl)
{
	d->order = 2;
	d->flags |= KHO_VMALLOC_HUGE_VMAP;
	d->total_pages = 6;
}

static void d_no_first(struct kho_vmalloc *d, struct kho_vmalloc_chunk **c,
		       struct claims *cl)
{
	d->first = 0;
}

static void d_cycle(struct kho_vmalloc *d, struct kho_vmalloc_chunk **c,
		    struct claims *cl)
{
	/* two full chunks, the second back to the first, and more pages */
	c[1]->hdr.next = d->first;
	d->total_pages = 3 * ENTRIES;
	c[1]->phys[ENTRIES - 1] = block_addr(ENTRIES * 2 - 1, 0);
}

static void d_chunk_misaligned(struct kho_vmalloc *d,
			       struct kho_vmalloc_chunk **c, struct claims *cl)
{
	c[0]->hdr.next += 8;
}

static void d_chunk_refused(struct kho_vmalloc *d,
			    struct kho_vmalloc_chunk **c, struct claims *cl)
{
	cl->refuse = c[1] ? virt_to_phys(c[1]) : 0;
	cl->err = -EFAULT;
}

static void d_chunk_outside(struct kho_vmalloc *d,
			    struct kho_vmalloc_chunk **c, struct claims *cl)
{
	c[0]->hdr.next = 0x7fff0000000ULL;
}

static void d_block_misaligned(struct kho_vmalloc *d,
			       struct kho_vmalloc_chunk **c, struct claims *cl)
{
	unsigned long i;

	d->order = 9;
	d->flags |= KHO_VMALLOC_HUGE_VMAP;
	d->total_pages = 600 << 9;
	for (i = 0; i < 600; i++)
		c[i / ENTRIES]->phys[i % ENTRIES] = block_addr(i, 9);
	c[1]->phys[5] += PAGE_SIZE;
}

static void d_too_many(struct kho_vmalloc *d, struct kho_vmalloc_chunk **c,
		       struct claims *cl)
{
	d->total_pages -= 1;
}

static void d_too_few(struct kho_vmalloc *d, struct kho_vmalloc_chunk **c,
		      struct claims *cl)
{
	d->total_pages += 1;
}

static void d_early_end(struct kho_vmalloc *d, struct kho_vmalloc_chunk **c,
			struct claims *cl)
{
	c[0]->phys[100] = 0;
}

static void d_longer(struct kho_vmalloc *d, struct kho_vmalloc_chunk **c,
		     struct claims *cl)
{
	/* 1022 blocks fill 2 chunks; a third, empty one follows */
	c[1]->hdr.next = virt_to_phys(c[2]);
	c[2]->hdr.next = 0;
	memset(c[2]->phys, 0, sizeof(c[2]->phys));
}

static const struct vdamage vdamages[] = {
	{ "unknown flag", 600, d_flags, -EINVAL, "unknown flags", 0 },
	{ "no ALLOC flag", 600, d_no_alloc, -EINVAL, "lack", 0 },
	{ "order too big", 600, d_order, -EINVAL, "above MAX_PAGE_ORDER", 0 },
	{ "order, not huge", 600, d_order_not_huge, -EINVAL,
	  "without KHO_VMALLOC_HUGE_VMAP", 0 },
	{ "no pages", 600, d_zero_pages, -EINVAL, "empty area", 0 },
	{ "pages not blocks", 600, d_pages_not_blocks, -EINVAL,
	  "not a whole number", 0 },
	{ "no chunk list", 600, d_no_first, -EINVAL, "no chunk list", 0 },
	{ "cycle", 1022, d_cycle, -ENOENT, "not preserved memory", 2 },
	{ "chunk misaligned", 600, d_chunk_misaligned, -EINVAL,
	  "not page aligned", 1 },
	{ "chunk refused", 600, d_chunk_refused, -EFAULT,
	  "not preserved memory", 1 },
	{ "chunk outside RAM", 600, d_chunk_outside, -ENOENT,
	  "not preserved memory", 1 },
	{ "block misaligned", 600, d_block_misaligned, -EINVAL,
	  "not aligned to order 9", 2 },
	{ "too many blocks", 600, d_too_many, -EINVAL, "more than", 2 },
	{ "too few blocks", 600, d_too_few, -EINVAL, "expected", 2 },
	{ "early end", 600, d_early_end, -EINVAL, "ends its list early", 1 },
	{ "longer chain", 1022, d_longer, -ELOOP, "longer than", 2 },
};

static void test_refused(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vdamages); i++) {
		const struct vdamage *v = &vdamages[i];
		struct kho_vmalloc_chunk *c[4] = { NULL };
		struct claims cl = { 0 };
		struct kho_vmalloc_walk w;
		struct kho_vmalloc d;
		unsigned int k;
		int err;

		build(&d, c, v->blocks, 0);
		if (!c[2])
			c[2] = (void *)get_zeroed_page(GFP_KERNEL);
		v->fn(&d, c, &cl);
		err = run(&d, &w, &cl);
		if (err != v->err || !strstr(w.why, v->why) ||
		    w.chunks != v->chunks)
			kho_test_fail(__FILE__, __LINE__,
				      "%s: %d (want %d), %lu chunks (want %lu), \"%s\"",
				      v->name, err, v->err, w.chunks,
				      v->chunks, w.why);
		/* what was claimed is what the caller releases */
		EXPECT_EQ(cl.n, w.chunks);
		for (k = 0; k < 4; k++)
			if (c[k])
				free_page((unsigned long)c[k]);
	}
}

const struct kho_test kho_vmalloc_tests[] = {
	KHO_TEST(test_layout),
	KHO_TEST(test_good_sizes),
	KHO_TEST(test_refused),
	{ }
};
