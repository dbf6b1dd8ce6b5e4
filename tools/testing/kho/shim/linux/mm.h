/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: struct page, folios and the page allocator, over the
 * arena of kho_shim.h.  Every arena page has a struct page in a memmap of
 * 64-byte entries, as in the kernel.  pfn_valid() and page_is_ram() are
 * true exactly for arena pages; pfn_to_page() of any other pfn aborts.
 *
 * A folio is its head page.  Allocated pages have KHO_PG_USED set; freeing
 * a page that is not allocated aborts, and freed pages are poisoned.
 */
#ifndef _KHO_SHIM_LINUX_MM_H
#define _KHO_SHIM_LINUX_MM_H

#include <linux/align.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mmzone.h>
#include <linux/pfn.h>
#include <linux/types.h>
#include <asm/page.h>

/* The kernel's cmpxchg(), for page->private: a full barrier either way. */
#ifndef cmpxchg
#define cmpxchg(ptr, old, new)	__sync_val_compare_and_swap(ptr, old, new)
#endif
#include "../kho_shim.h"

#define PAGE_ALIGN(addr)	ALIGN(addr, PAGE_SIZE)
#define PAGE_ALIGN_DOWN(addr)	ALIGN_DOWN(addr, PAGE_SIZE)
#define PAGE_ALIGNED(addr)	IS_ALIGNED((unsigned long)(addr), PAGE_SIZE)
#define offset_in_page(p)	((unsigned long)(p) & ~PAGE_MASK)

#define KHO_PG_USED	0x1UL	/* allocated, or reserved as preserved */
#define KHO_PG_HEAD	0x2UL	/* first page of an allocation */
#define KHO_PG_TAIL	0x4UL	/* other page of a compound allocation */

struct page {
	unsigned long flags;
	unsigned long private;
	struct page *head;	/* of a tail page */
	int refcount;
	unsigned int order;	/* of a head page */
	unsigned long pad[4];	/* 64 bytes, like the kernel's */
};

struct folio {
	struct page page;
};

static_assert(sizeof(struct page) == 64, "struct page is 64 bytes");

__noreturn void kho_shim_bad_pfn(unsigned long pfn);
__noreturn void kho_shim_bad_page(const struct page *page, const char *what);

static inline bool pfn_valid(unsigned long pfn)
{
	return pfn - kho_arena.base_pfn < kho_arena.nr_pages;
}

static inline int page_is_ram(unsigned long pfn)
{
	return pfn_valid(pfn);
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	if (!pfn_valid(pfn))
		kho_shim_bad_pfn(pfn);
	return kho_arena.memmap + (pfn - kho_arena.base_pfn);
}

static inline unsigned long page_to_pfn(const struct page *page)
{
	unsigned long idx = page - kho_arena.memmap;

	if (idx >= kho_arena.nr_pages)
		kho_shim_bad_page(page, "not in the memmap");
	return kho_arena.base_pfn + idx;
}

#define page_to_phys(page)	PFN_PHYS(page_to_pfn(page))
#define virt_to_pfn(v)		PHYS_PFN(virt_to_phys(v))

static inline void *page_address(const struct page *page)
{
	return phys_to_virt(page_to_phys(page));
}

static inline struct page *virt_to_page(const void *virt)
{
	return pfn_to_page(PHYS_PFN(virt_to_phys(virt)));
}

static inline struct page *compound_head(const struct page *page)
{
	return (struct page *)(page->flags & KHO_PG_TAIL ? page->head : page);
}

static inline struct folio *page_folio(const struct page *page)
{
	return (struct folio *)compound_head(page);
}

static inline struct folio *virt_to_folio(const void *virt)
{
	return page_folio(virt_to_page(virt));
}

static inline struct page *folio_page(struct folio *folio, unsigned long n)
{
	return &folio->page + n;
}

static inline unsigned int folio_order(const struct folio *folio)
{
	return folio->page.order;
}

static inline unsigned long folio_nr_pages(const struct folio *folio)
{
	return 1UL << folio->page.order;
}

static inline size_t folio_size(const struct folio *folio)
{
	return PAGE_SIZE << folio->page.order;
}

static inline unsigned long folio_pfn(const struct folio *folio)
{
	return page_to_pfn(&folio->page);
}

static inline void *folio_address(const struct folio *folio)
{
	return page_address(&folio->page);
}

static inline void set_page_private(struct page *page, unsigned long v)
{
	page->private = v;
}

static inline unsigned long page_private(const struct page *page)
{
	return page->private;
}

static inline void set_page_count(struct page *page, int v)
{
	page->refcount = v;
}

static inline int page_count(const struct page *page)
{
	return compound_head(page)->refcount;
}

static inline int folio_ref_count(const struct folio *folio)
{
	return folio->page.refcount;
}

static inline void get_page(struct page *page)
{
	compound_head(page)->refcount++;
}

static inline void folio_get(struct folio *folio)
{
	folio->page.refcount++;
}

void put_page(struct page *page);
void folio_put(struct folio *folio);
void prep_compound_page(struct page *page, unsigned int order);

static inline void adjust_managed_page_count(struct page *page, long count)
{
}

static inline unsigned int get_order(unsigned long size)
{
	unsigned int order = 0;

	size = (size - 1) >> PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

static inline void cond_resched(void)
{
}

#endif
