// SPDX-License-Identifier: GPL-2.0
/*
 * Native harness: a stand-in for the KHO core (see shim/kho_sim.h).
 *
 * Preserving records blocks in a real struct kho_radix_tree.  The
 * simulated kexec walks that tree as the next kernel would and reserves
 * each block by marking its head page; restoring checks and consumes the
 * mark, so restoring memory that was not preserved, at the wrong order or
 * twice fails with a warning, as in the kernel; kho_is_preserved() reads
 * the mark without a warning.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/err.h>
#include <linux/kexec_handover.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "../../../../kernel/liveupdate/kexec_handover_internal.h"
#include "../../../../kernel/liveupdate/kho_radix.h"
#include "../shim/kho_sim.h"

struct kho_sim kho_sim;
static struct kho_radix_tree sim_tree;

bool kho_is_enabled(void)
{
	return kho_sim.enabled;
}

bool is_kho_boot(void)
{
	return kho_sim.boot;
}

int kho_sim_start(void)
{
	kho_sim_stop();
	kho_arena_reset();
	if (kho_radix_init(&sim_tree))
		return -ENOMEM;
	kho_sim.out = &sim_tree;
	kho_sim.enabled = true;
	kho_sim.boot = false;
	return 0;
}

void kho_sim_stop(void)
{
	if (kho_sim.out)
		kho_radix_destroy(kho_sim.out);
	memset(&kho_sim, 0, sizeof(kho_sim));
}

/* ---- preserve ---------------------------------------------------------- */

static int sim_preserve_block(phys_addr_t phys, unsigned int order)
{
	if (!kho_sim.enabled)
		return -EOPNOTSUPP;
	if (order > MAX_PAGE_ORDER)
		return -EINVAL;
	return kho_radix_add(kho_sim.out, phys, order);
}

static void sim_unpreserve_block(phys_addr_t phys, unsigned int order)
{
	if (kho_sim.enabled)
		kho_radix_del(kho_sim.out, phys, order);
}

int kho_preserve_folio(struct folio *folio)
{
	return sim_preserve_block(PFN_PHYS(folio_pfn(folio)),
				  folio_order(folio));
}

void kho_unpreserve_folio(struct folio *folio)
{
	sim_unpreserve_block(PFN_PHYS(folio_pfn(folio)), folio_order(folio));
}

int kho_preserve_pages(struct page *page, unsigned long nr_pages)
{
	unsigned long start = page_to_pfn(page), end = start + nr_pages, pfn;
	int err;

	unsigned int order;

	for (pfn = start; pfn < end; pfn += 1UL << order) {
		order = kho_run_order(pfn, end - pfn);
		err = sim_preserve_block(PFN_PHYS(pfn), order);
		if (err)
			goto undo;
	}
	return 0;

undo:
	/* the blocks before the one that failed: split as the run was */
	for (end = pfn, pfn = start; pfn < end; pfn += 1UL << order) {
		order = kho_run_order(pfn, start + nr_pages - pfn);
		sim_unpreserve_block(PFN_PHYS(pfn), order);
	}
	return err;
}

void kho_unpreserve_pages(struct page *page, unsigned long nr_pages)
{
	unsigned long pfn = page_to_pfn(page), end = pfn + nr_pages;
	unsigned int order;

	for (; pfn < end; pfn += 1UL << order) {
		order = kho_run_order(pfn, end - pfn);
		sim_unpreserve_block(PFN_PHYS(pfn), order);
	}
}

void *kho_alloc_preserve(size_t size)
{
	unsigned int order = get_order(size);
	struct folio *folio;
	int err;

	if (!kho_sim.enabled)
		return ERR_PTR(-EOPNOTSUPP);
	if (!size || order > MAX_PAGE_ORDER)
		return ERR_PTR(-E2BIG);
	folio = folio_alloc(GFP_KERNEL | __GFP_ZERO, order);
	if (!folio)
		return ERR_PTR(-ENOMEM);
	err = kho_preserve_folio(folio);
	if (err) {
		folio_put(folio);
		return ERR_PTR(err);
	}
	return folio_address(folio);
}

void kho_unpreserve_free(void *mem)
{
	struct folio *folio;

	if (!mem)
		return;
	folio = virt_to_folio(mem);
	kho_unpreserve_folio(folio);
	folio_put(folio);
}

/* ---- kexec ------------------------------------------------------------- */

/* The arena's memmap is set up whole, as without deferred struct page init. */
void kho_init_preserved_pages(unsigned long pfn, unsigned long nr_pages)
{
}

void kho_sim_mark_preserved(phys_addr_t phys, unsigned int order)
{
	struct page *page = pfn_to_page(PHYS_PFN(phys));
	unsigned long i, nr = 1UL << order;

	for (i = 0; i < nr; i++) {
		memset(&page[i], 0, sizeof(page[i]));
		page[i].flags = KHO_PG_USED;
		page[i].refcount = 1;
	}
	kho_sim_page_mark(page, order);
	kho_arena.used += nr;
}

/* The simulated restore calls find a block by its head page's mark. */
static int sim_mark(phys_addr_t phys, unsigned int order, unsigned long nr,
		    void *arg)
{
	for (; nr; nr--, phys += PAGE_SIZE << order)
		kho_sim_page_mark(pfn_to_page(PHYS_PFN(phys)), order);
	return 0;
}

static bool sim_any_table(phys_addr_t phys, void *arg)
{
	return true;
}

/*
 * Kernel B reserves what the tracker lists with the real decoder,
 * kho_reserve_preserved() of kho_reserve.c, in the real memblock; the
 * reserved ranges (the tracker's pages among them) then become allocated
 * pages of the arena, and the head page of each block is marked for the
 * simulated restore calls (the kernel's read the tracker instead).
 */
static int sim_reserve(phys_addr_t root)
{
	unsigned long blocks[KHO_ORDER_0_LOG2 + 1] = { 0 };
	unsigned long i, nr = 0;
	int err;

	kho_mb_reset();
	memblock_add(kho_arena.base, kho_arena.size);
	err = kho_reserve_preserved(root, NULL, 0, blocks);
	if (err)
		return err;
	for (i = 0; i <= KHO_ORDER_0_LOG2; i++) {
		kho_sim.in_blocks += blocks[i];
		nr += blocks[i] << i;
	}
	kho_sim.in_pages = nr;
	for (i = 0; i < kho_mb_reserved_cnt(); i++) {
		phys_addr_t base, size, pfn;
		unsigned int flags;

		kho_mb_reserved_region(i, &base, &size, &flags);
		for (pfn = PHYS_PFN(base); pfn < PHYS_PFN(base + size); pfn++) {
			struct page *page = pfn_to_page(pfn);

			page->flags = KHO_PG_USED;
			page->refcount = 1;
			kho_arena.used++;
		}
	}
	/* vetted whole by kho_reserve_preserved() */
	return kho_radix_walk(phys_to_virt(root), sim_any_table, sim_mark, NULL);
}

int kho_sim_kexec(void)
{
	unsigned long nr = kho_arena.nr_pages, i, *was_used;
	phys_addr_t root = virt_to_phys(sim_tree.root);
	int err;

	/* which pages kernel A used, to poison what kernel B did not get */
	was_used = calloc((nr + 63) / 64, sizeof(*was_used));
	if (!was_used)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		if (kho_arena.memmap[i].flags & KHO_PG_USED)
			was_used[i / 64] |= 1UL << (i % 64);

	kho_arena_reset();
	kho_sim.boot = true;
	kho_sim.in_blocks = 0;
	kho_sim.in_pages = 0;
	err = sim_reserve(root);
	if (err) {
		kho_arena_reset();
		kho_mb_reset();
		kho_sim.boot = false;
	}

	/* what kernel A used and B did not reserve is free memory in B */
	for (i = 0; i < nr; i++) {
		if ((was_used[i / 64] >> (i % 64) & 1) &&
		    !(kho_arena.memmap[i].flags & KHO_PG_USED) &&
		    kho_arena.poison)
			memset(kho_arena.virt + i * PAGE_SIZE, 0x6b, PAGE_SIZE);
	}

	/*
	 * Kernel B allocates above every page kernel A used, so that tests
	 * can read what A left unreserved (its old tracker went that way
	 * before the tracker stayed reserved).
	 */
	for (i = nr; i > 0 && !(was_used[(i - 1) / 64] >> ((i - 1) % 64) & 1); i--)
		;
	if (kho_arena.base_pfn + i > kho_arena.hint)
		kho_arena.hint = kho_arena.base_pfn + i;
	free(was_used);

	memset(&sim_tree, 0, sizeof(sim_tree));
	if (kho_radix_init(&sim_tree))
		return -ENOMEM;
	return err;
}

/* ---- restore ----------------------------------------------------------- */

static bool sim_take(struct page *page, unsigned int order)
{
	if (WARN_ONCE(kho_sim_page_order(page) != order,
		      "KHO: %pa is not a preserved order-%u block\n",
		      &(phys_addr_t){ page_to_phys(page) }, order))
		return false;
	return true;
}

static bool sim_restorable(phys_addr_t phys)
{
	if (!kho_sim.boot || !PAGE_ALIGNED(phys) || !pfn_valid(PHYS_PFN(phys))) {
		WARN_ONCE(1, "KHO: cannot restore %pa\n", &phys);
		return false;
	}
	return true;
}

/*
 * As in kexec_handover.c: no warning, only a look at the head page's mark.
 * The sim has no scratch areas to leave out: kho_sim_kexec() never marks
 * a page in one, since the real reserve walk refuses such blocks.
 */
bool kho_is_preserved(phys_addr_t phys, unsigned int order)
{
	unsigned long pfn = PHYS_PFN(phys);

	if (!kho_sim.boot || order > MAX_PAGE_ORDER ||
	    !IS_ALIGNED(phys, PAGE_SIZE << order) || !pfn_valid(pfn) ||
	    !pfn_valid(pfn + (1UL << order) - 1))
		return false;
	return kho_sim_page_order(pfn_to_page(pfn)) == order;
}

struct folio *kho_restore_folio(phys_addr_t phys)
{
	struct page *page;
	int order;

	if (!sim_restorable(phys))
		return NULL;
	page = pfn_to_page(PHYS_PFN(phys));
	order = kho_sim_page_order(page);
	if (order < 0 || order > MAX_PAGE_ORDER ||
	    !pfn_valid(PHYS_PFN(phys) + (1UL << order) - 1) ||
	    !sim_take(page, order))
		return NULL;
	kho_sim_page_unmark(page);
	page->flags |= KHO_PG_HEAD;
	prep_compound_page(page, order);
	page->refcount = 1;
	return page_folio(page);
}

struct page *kho_restore_pages(phys_addr_t phys, unsigned long nr_pages)
{
	unsigned long start = PHYS_PFN(phys), end = start + nr_pages, pfn, i;
	unsigned int order;

	if (!nr_pages || !sim_restorable(phys))
		return NULL;
	for (pfn = start; pfn < end; pfn += 1UL << order) {
		order = kho_run_order(pfn, end - pfn);
		if (!pfn_valid(pfn) || !sim_take(pfn_to_page(pfn), order))
			return NULL;
	}
	for (pfn = start; pfn < end; pfn += 1UL << order) {
		struct page *page = pfn_to_page(pfn);

		order = kho_run_order(pfn, end - pfn);
		kho_sim_page_unmark(page);
		for (i = 0; i < 1UL << order; i++) {
			page[i].flags = KHO_PG_USED | KHO_PG_HEAD;
			page[i].order = 0;
			page[i].refcount = 1;
		}
	}
	return pfn_to_page(start);
}

void kho_restore_free(void *mem)
{
	struct folio *folio;

	if (!mem)
		return;
	folio = kho_restore_folio(virt_to_phys(mem));
	if (folio)
		folio_put(folio);
}
