// SPDX-License-Identifier: GPL-2.0
/*
 * Native harness: the simulated physical memory and its page allocator.
 *
 * The arena is one anonymous mapping (MAP_NORESERVE: pages that are never
 * touched cost nothing, so it may stand for many GiB) whose first byte is
 * physical address KHO_ARENA_BASE.  A second, PROT_NONE, mapping is where
 * phys_to_virt() sends addresses outside the arena, so that any access
 * through them faults.
 *
 * The allocator is first fit over a pfn window, good enough for tests and
 * fuzzing: it scans the memmap from the lowest pfn that may be free.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "../shim/kho_shim.h"
#include "../shim/kho_sim.h"
#include "../shim/kho_sim.h"

struct kho_arena kho_arena = { .fail_after = -1 };
long kho_slab_fail_after = -1;

int kho_arena_init(uint64_t bytes)
{
	size_t memmap_size;
	void *p;

	if (kho_arena.virt)
		kho_arena_exit();
	bytes = (bytes + PAGE_SIZE - 1) & PAGE_MASK;
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	kho_arena.virt = p;
	kho_arena.base = KHO_ARENA_BASE;
	kho_arena.size = bytes;
	kho_arena.base_pfn = KHO_ARENA_BASE >> PAGE_SHIFT;
	kho_arena.nr_pages = bytes >> PAGE_SHIFT;

	memmap_size = kho_arena.nr_pages * sizeof(struct page);
	p = mmap(NULL, memmap_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		goto fail;
	kho_arena.memmap = p;

	p = mmap(NULL, KHO_TRAP_SIZE + (1UL << 20), PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		goto fail;
	kho_arena.trap = p;

	kho_arena.alloc_lo = kho_arena.base_pfn;
	kho_arena.alloc_hi = kho_arena.base_pfn + kho_arena.nr_pages;
	kho_arena.hint = kho_arena.alloc_lo;
	kho_arena.used = 0;
	kho_arena.traps = 0;
	kho_arena.fail_after = -1;
	kho_arena.poison = true;
	return 0;

fail:
	kho_arena_exit();
	return -ENOMEM;
}

void kho_arena_exit(void)
{
	if (kho_arena.virt)
		munmap(kho_arena.virt, kho_arena.size);
	if (kho_arena.memmap)
		munmap(kho_arena.memmap,
		       kho_arena.nr_pages * sizeof(struct page));
	if (kho_arena.trap)
		munmap(kho_arena.trap, KHO_TRAP_SIZE + (1UL << 20));
	memset(&kho_arena, 0, sizeof(kho_arena));
	kho_arena.fail_after = -1;
}

void kho_arena_window(unsigned long lo, unsigned long hi)
{
	kho_arena.alloc_lo = lo;
	kho_arena.alloc_hi = hi;
	kho_arena.hint = lo;
}

void kho_arena_reset(void)
{
	memset(kho_arena.memmap, 0, kho_arena.nr_pages * sizeof(struct page));
	kho_arena.used = 0;
	kho_arena.hint = kho_arena.alloc_lo;
}

phys_addr_t kho_shim_virt_to_phys(const void *virt)
{
	fprintf(stderr, "virt_to_phys(%p): not in the arena [%p, +%#llx)\n",
		virt, kho_arena.virt, (unsigned long long)kho_arena.size);
	abort();
}

void kho_shim_bad_pfn(unsigned long pfn)
{
	fprintf(stderr, "pfn_to_page(%#lx): not an arena pfn [%#lx, %#lx)\n",
		pfn, kho_arena.base_pfn,
		kho_arena.base_pfn + kho_arena.nr_pages);
	abort();
}

void kho_shim_bad_page(const struct page *page, const char *what)
{
	fprintf(stderr, "struct page %p: %s\n", (const void *)page, what);
	abort();
}

/* ---- page allocator ---------------------------------------------------- */

static bool run_free(unsigned long pfn, unsigned long nr)
{
	struct page *page = pfn_to_page(pfn);
	unsigned long i;

	for (i = 0; i < nr; i++)
		if (page[i].flags & KHO_PG_USED)
			return false;
	return true;
}

static void mark_run(struct page *page, unsigned int order)
{
	unsigned long i, nr = 1UL << order;

	page->flags = KHO_PG_USED | KHO_PG_HEAD;
	page->order = order;
	page->refcount = 1;
	page->private = 0;
	page->head = NULL;
	for (i = 1; i < nr; i++) {
		page[i].flags = KHO_PG_USED | KHO_PG_TAIL;
		page[i].head = page;
		page[i].order = 0;
		page[i].refcount = 0;
		page[i].private = 0;
	}
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	unsigned long nr = 1UL << order, pfn;
	struct page *page;

	if (order > MAX_PAGE_ORDER || !kho_arena.virt)
		return NULL;
	if (kho_arena.fail_after == 0)
		return NULL;
	if (kho_arena.fail_after > 0)
		kho_arena.fail_after--;

	pfn = (kho_arena.hint + nr - 1) & ~(nr - 1);
	for (; pfn + nr <= kho_arena.alloc_hi; pfn += nr)
		if (run_free(pfn, nr))
			goto found;
	return NULL;

found:
	if (pfn == kho_arena.hint)
		kho_arena.hint = pfn + nr;
	page = pfn_to_page(pfn);
	mark_run(page, order);
	kho_arena.used += nr;
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
	return page;
}

struct folio *folio_alloc(gfp_t gfp, unsigned int order)
{
	return (struct folio *)alloc_pages(gfp | __GFP_COMP, order);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

void __free_pages(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page), nr = 1UL << order, i;

	if (!pfn_valid(pfn + nr - 1))
		kho_shim_bad_page(page, "freed run goes past the arena");
	for (i = 0; i < nr; i++) {
		if (!(page[i].flags & KHO_PG_USED))
			kho_shim_bad_page(page + i, "freed but not allocated");
		if (kho_sim_page_order(page + i) >= 0)
			kho_shim_bad_page(page + i,
					  "freed while preserved, not restored");
		memset(&page[i], 0, sizeof(page[i]));
	}
	if (kho_arena.poison)
		memset(page_address(page), 0x6b, PAGE_SIZE << order);
	kho_arena.used -= nr;
	if (pfn < kho_arena.hint && pfn >= kho_arena.alloc_lo)
		kho_arena.hint = pfn;
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page((void *)addr), order);
}

void folio_put(struct folio *folio)
{
	struct page *page = &folio->page;

	if (page->flags & KHO_PG_TAIL)
		kho_shim_bad_page(page, "a folio put through a tail page");
	if (page->refcount <= 0)
		kho_shim_bad_page(page, "a folio put with no reference");
	if (!--page->refcount)
		__free_pages(page, page->order);
}

void put_page(struct page *page)
{
	folio_put(page_folio(page));
}

void prep_compound_page(struct page *page, unsigned int order)
{
	unsigned long i, nr = 1UL << order;

	page->flags |= KHO_PG_HEAD;
	page->order = order;
	for (i = 1; i < nr; i++) {
		page[i].flags = (page[i].flags & KHO_PG_USED) | KHO_PG_TAIL;
		page[i].head = page;
	}
}

/* ---- kmalloc ----------------------------------------------------------- */

void *kmalloc(size_t size, gfp_t gfp)
{
	void *p;

	if (kho_slab_fail_after == 0)
		return NULL;
	if (kho_slab_fail_after > 0)
		kho_slab_fail_after--;
	p = malloc(size ? size : 1);
	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, size);
	return p;
}

void kfree(const void *p)
{
	free((void *)p);
}
