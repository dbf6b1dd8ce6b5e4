// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec HandOver (KHO): keep memory across kexec_file_load(2).
 *
 * The outgoing side records preserved blocks in a radix tree (kho_radix.c)
 * and subtrees in a root FDT, both always ready for a kexec.  The incoming
 * side finds the root FDT and the scratch areas through the boot protocol
 * (kho_populate()), allocates only from scratch until kho_memory_init() has
 * reserved every preserved block, and hands blocks back to their owners
 * with kho_restore_folio() and friends.
 *
 * See Documentation/core-api/kho/ for the design.
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/cleanup.h>
#include <linux/cma.h>
#include <linux/io.h>
#include <linux/kexec.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/page-isolation.h>
#include <linux/unaligned.h>

#include <asm/early_ioremap.h>

#include "../../mm/internal.h"
#include "kexec_handover_internal.h"
#include "kho_radix.h"

/* Size of the root FDT: a page holds dozens of subtree nodes. */
#define KHO_FDT_SIZE		PAGE_SIZE

static bool kho_enable __ro_after_init =
	IS_ENABLED(CONFIG_KEXEC_HANDOVER_ENABLE_DEFAULT);

/**
 * kho_is_enabled - is kexec handover on for this boot?
 *
 * Return: true if KHO is on (kho=on, or the Kconfig default) and set up.
 */
bool kho_is_enabled(void)
{
	return kho_enable;
}
EXPORT_SYMBOL_GPL(kho_is_enabled);

/* kho= was given: say so only then when a handover is ignored */
static bool kho_enable_set __initdata;

static int __init kho_parse_enable(char *p)
{
	kho_enable_set = true;
	return kstrtobool(p, &kho_enable);
}
early_param("kho", kho_parse_enable);

/* Outgoing state: the tracker and the root FDT. */
static struct kho_out {
	struct kho_radix_tree tree;
	struct mutex fdt_lock;		/* serialises changes to @fdt */
	void *fdt;
	bool ready;
} kho_out = {
	.fdt_lock = __MUTEX_INITIALIZER(kho_out.fdt_lock),
};

/* Incoming state, from kho_populate(). */
static struct kho_in {
	phys_addr_t fdt_phys;
	u64 fdt_len;
	phys_addr_t scratch_phys;
	phys_addr_t map_phys;
	bool accepted;			/* kho_memory_init() took it */
	unsigned long blocks[KHO_ORDER_0_LOG2 + 1];
} kho_in;

/* Scratch areas of this boot, handed on to the next kernel. */
struct kho_scratch_area *kho_scratch;
unsigned int kho_scratch_cnt;

/**
 * is_kho_boot - was this kernel started with a handover it accepted?
 *
 * Return: true once kho_memory_init() has reserved the preserved memory of
 * a handover; false on a normal boot or after a refused handover.
 */
bool is_kho_boot(void)
{
	return kho_in.accepted;
}
EXPORT_SYMBOL_GPL(is_kho_boot);

/* ---------------------------------------------------------------------- */
/* Scratch sizing: kho_scratch=<lowmem>,<global>,<pernode> or N%         */

static unsigned int kho_scratch_percent __initdata = 200;
static phys_addr_t kho_scratch_lowmem __initdata;
static phys_addr_t kho_scratch_global __initdata;
static phys_addr_t kho_scratch_pernode __initdata;

static int __init kho_parse_scratch(char *p)
{
	phys_addr_t sizes[3];
	size_t len;
	char *end;
	int i;

	if (!p)
		return -EINVAL;
	len = strlen(p);
	if (len > 1 && p[len - 1] == '%') {
		unsigned int percent;
		char buf[8];

		if (len > sizeof(buf))
			return -EINVAL;
		strscpy(buf, p, len);
		if (kstrtouint(buf, 10, &percent) || !percent) {
			pr_err("kho_scratch=%s: want a percentage above 0\n", p);
			return -EINVAL;
		}
		kho_scratch_percent = percent;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		sizes[i] = memparse(p, &end);
		if (end == p || (i < 2 && *end != ',') || (i == 2 && *end))
			return -EINVAL;
		if (!sizes[i]) {
			pr_err("kho_scratch=: size %d is 0; using the default sizes\n",
			       i + 1);
			return -EINVAL;
		}
		p = end + 1;
	}
	kho_scratch_lowmem = sizes[0];
	kho_scratch_global = sizes[1];
	kho_scratch_pernode = sizes[2];
	kho_scratch_percent = 0;
	return 0;
}
early_param("kho_scratch", kho_parse_scratch);

/*
 * The size of one area: fixed, or a share of the kernel's own early memory
 * use; never below @min, which the next kernel insists on.
 */
static phys_addr_t __init kho_scratch_size(phys_addr_t fixed, phys_addr_t limit,
					   int nid, phys_addr_t min)
{
	phys_addr_t size = fixed;

	if (kho_scratch_percent) {
		size = memblock_reserved_kern_size(limit, nid);
		size = size * kho_scratch_percent / 100;
	} else if (size < min) {
		pr_info("kho_scratch=: raising %llu KiB to the minimum of %llu MiB\n",
			(u64)size >> 10, (u64)min >> 20);
	}
	size = max(size, min);
	return round_up(size, PAGE_SIZE << pageblock_order);
}

/*
 * First boot: set scratch areas aside: one below ARCH_LOW_ADDRESS_LIMIT,
 * one anywhere and one on each node with memory.  Their memory goes back to
 * memblock right away; it becomes MIGRATE_CMA pageblocks in
 * kho_scratch_to_cma(), so the page allocator only puts movable data there
 * and the next kernel can have it.
 */
static void __init kho_reserve_scratch(void)
{
	phys_addr_t align = PAGE_SIZE << pageblock_order;
	unsigned int i = 0, cnt;
	phys_addr_t addr;
	int nid;

	BUILD_BUG_ON(2 + MAX_NUMNODES > KHO_SCRATCH_MAX_AREAS);
	cnt = 2 + num_node_state(N_MEMORY);
	kho_scratch = memblock_alloc(sizeof(*kho_scratch) * cnt, PAGE_SIZE);
	if (!kho_scratch)
		goto fail;

	/* size everything before the areas themselves count as kernel use */
	kho_scratch[0].size = kho_scratch_size(kho_scratch_lowmem,
					       ARCH_LOW_ADDRESS_LIMIT,
					       NUMA_NO_NODE,
					       KHO_SCRATCH_MIN_LOWMEM);
	kho_scratch[1].size = kho_scratch_size(kho_scratch_global,
					       MEMBLOCK_ALLOC_ANYWHERE,
					       NUMA_NO_NODE,
					       KHO_SCRATCH_MIN_GLOBAL);
	i = 2;
	for_each_node_state(nid, N_MEMORY)
		kho_scratch[i++].size = kho_scratch_size(kho_scratch_pernode,
							 MEMBLOCK_ALLOC_ANYWHERE,
							 nid,
							 KHO_SCRATCH_MIN_NODE);

	i = 0;
	addr = memblock_phys_alloc_range(kho_scratch[i].size, align, 0,
					 ARCH_LOW_ADDRESS_LIMIT);
	if (!addr)
		goto fail_areas;
	kho_scratch[i++].addr = addr;

	addr = memblock_phys_alloc(kho_scratch[i].size, align);
	if (!addr)
		goto fail_areas;
	kho_scratch[i++].addr = addr;

	for_each_node_state(nid, N_MEMORY) {
		addr = memblock_alloc_range_nid(kho_scratch[i].size, align, 0,
						MEMBLOCK_ALLOC_ACCESSIBLE,
						nid, true);
		if (!addr)
			goto fail_areas;
		kho_scratch[i++].addr = addr;
	}

	kho_scratch_cnt = cnt;
	for (i = 0; i < cnt; i++) {
		pr_info("scratch area %u: %#llx, %llu MiB\n", i,
			kho_scratch[i].addr, kho_scratch[i].size >> 20);
		memblock_phys_free(kho_scratch[i].addr, kho_scratch[i].size);
	}
	return;

fail_areas:
	pr_warn("cannot reserve %llu MiB of scratch memory for area %u\n",
		kho_scratch[i].size >> 20, i);
	while (i--)
		memblock_phys_free(kho_scratch[i].addr, kho_scratch[i].size);
	memblock_free(kho_scratch, sizeof(*kho_scratch) * cnt);
fail:
	pr_warn("no scratch memory: disabling KHO\n");
	kho_scratch = NULL;
	kho_enable = false;
}

static void __init kho_scratch_to_cma(void)
{
	unsigned int i;

	for (i = 0; i < kho_scratch_cnt; i++) {
		unsigned long pfn = PHYS_PFN(kho_scratch[i].addr);
		unsigned long end = pfn + PHYS_PFN(kho_scratch[i].size);

		/*
		 * The struct page must be initialised first: with deferred
		 * struct page init it may not be yet, and
		 * set_pageblock_migratetype() reads its zone (DEBUG_VM).
		 */
		for (; pfn < end; pfn += pageblock_nr_pages) {
			init_deferred_page(pfn, early_pfn_to_nid(pfn));
			set_pageblock_migratetype(pfn_to_page(pfn), MIGRATE_CMA);
		}
	}
}

static bool kho_overlaps_scratch(phys_addr_t addr, phys_addr_t size)
{
	unsigned int i;

	for (i = 0; i < kho_scratch_cnt; i++) {
		if (addr < kho_scratch[i].addr + kho_scratch[i].size &&
		    kho_scratch[i].addr < addr + size)
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------------- */
/* Incoming handover                                                     */

/**
 * kho_populate - take note of a handover found by the boot protocol
 * @fdt_phys:     physical address of the root FDT
 * @fdt_len:      its length in bytes
 * @scratch_phys: physical address of the struct kho_scratch_area array
 * @scratch_len:  its length in bytes
 *
 * Called by the architecture early in boot, once memblock knows the memory
 * layout.  If the handover looks sane, its scratch areas are marked and
 * memblock is told to allocate only from them until kho_memory_init() has
 * reserved the preserved memory.  A handover that is refused leaves the
 * boot untouched.
 */
void __init kho_populate(phys_addr_t fdt_phys, u64 fdt_len,
			 phys_addr_t scratch_phys, u64 scratch_len)
{
	struct kho_scratch_area *areas = NULL;
	unsigned int cnt, i;
	void *fdt = NULL;
	phys_addr_t map;

	if (!kho_enable) {
		pr_info("disabled%s: ignoring the handover\n",
			kho_enable_set ? " (kho=off)" : " by default (boot with kho=on)");
		return;
	}
	/* where it is, before anything is mapped */
	if (kho_handover_check(fdt_phys, fdt_len, scratch_phys, scratch_len))
		return;
	cnt = scratch_len / sizeof(*areas);

	fdt = early_memremap(fdt_phys, fdt_len);
	areas = early_memremap(scratch_phys, scratch_len);
	if (!fdt || !areas) {
		pr_err("rejecting the handover: cannot map it\n");
		goto out;
	}
	if (kho_fdt_check(fdt, fdt_len, &map) ||
	    kho_scratch_check(areas, cnt, fdt_phys, fdt_len, scratch_phys))
		goto out;

	for (i = 0; i < cnt; i++) {
		if (memblock_mark_kho_scratch(areas[i].addr, areas[i].size))
			goto fail_scratch;
	}
	/* The array lies in scratch: keep it, as checked, for this boot. */
	if (memblock_reserve(scratch_phys, scratch_len))
		goto fail_scratch;
	memblock_set_kho_scratch_only();

	kho_in.fdt_phys = fdt_phys;
	kho_in.fdt_len = fdt_len;
	kho_in.scratch_phys = scratch_phys;
	kho_in.map_phys = map;
	kho_scratch_cnt = cnt;
	pr_info("found a handover: FDT at %pa, %u scratch areas\n", &fdt_phys,
		cnt);
	goto out;

fail_scratch:
	pr_err("rejecting the handover: cannot mark its scratch areas\n");
	while (i--)
		memblock_clear_kho_scratch(areas[i].addr, areas[i].size);
out:
	if (areas)
		early_memunmap(areas, scratch_len);
	if (fdt)
		early_memunmap(fdt, fdt_len);
}

#ifdef CONFIG_DEFERRED_STRUCT_PAGE_INIT
/* Struct pages kho_init_preserved_pages() initialised, per node. */
static unsigned long kho_deferred_pages[MAX_NUMNODES] __initdata;

/*
 * memmap_init() initialised the struct pages of @nid below the node's
 * first_deferred_pfn (all of them if it is ULONG_MAX) and left the rest to
 * deferred init, which does only free memory: a preserved block stays
 * reserved, so its pages from the boundary on are initialised here, once,
 * and their pageblocks marked MIGRATE_MOVABLE as memmap_init() marks the
 * others.
 */
static void __init kho_init_node_pages(unsigned long pfn, unsigned long end,
				       int nid)
{
	unsigned long first = max(pfn, NODE_DATA(nid)->first_deferred_pfn);

	if (first >= end)
		return;
	kho_deferred_pages[nid] += end - first;
	for (pfn = first; pfn < end; pfn++) {
		init_deferred_page(pfn, nid);
		if (pageblock_aligned(pfn))
			set_pageblock_migratetype(pfn_to_page(pfn),
						  MIGRATE_MOVABLE);
	}
}

void __init kho_init_preserved_pages(unsigned long pfn, unsigned long nr_pages)
{
	unsigned long end = pfn + nr_pages;
	int nid = early_pfn_to_nid(pfn);

	/* a block lies on one node unless the nodes changed since the kexec */
	if (early_pfn_to_nid(end - 1) == nid) {
		kho_init_node_pages(pfn, end, nid);
		return;
	}
	for (; pfn < end; pfn++)
		kho_init_node_pages(pfn, pfn + 1, early_pfn_to_nid(pfn));
}

static void __init kho_report_deferred_pages(void)
{
	unsigned long first;
	int nid;

	for_each_node_state(nid, N_MEMORY) {
		first = NODE_DATA(nid)->first_deferred_pfn;
		if (first == ULONG_MAX) {
			pr_info("node %d: 0 preserved pages above the deferred struct page boundary initialised (none deferred)\n",
				nid);
			continue;
		}
		pr_info("node %d: %lu preserved pages above the deferred struct page boundary initialised (boundary %#llx)\n",
			nid, kho_deferred_pages[nid], (u64)PFN_PHYS(first));
	}
}
#else
void __init kho_init_preserved_pages(unsigned long pfn, unsigned long nr_pages)
{
	/* without deferred struct page init, memmap_init() did them all */
}

static inline void kho_report_deferred_pages(void)
{
}
#endif

/**
 * kho_memory_init - reserve preserved memory and set up scratch
 *
 * Called from mm_core_init() before memblock_free_all().  On a KHO boot it
 * reserves every preserved block (initialising only those struct pages
 * that deferred struct page init left and would never reach) and reuses
 * the scratch areas it was handed; otherwise it sets scratch areas aside
 * for the next kernel.  Either way the scratch
 * pageblocks become MIGRATE_CMA.
 */
void __init kho_memory_init(void)
{
	if (kho_in.fdt_phys) {
		kho_scratch = phys_to_virt(kho_in.scratch_phys);
		if (kho_reserve_preserved(kho_in.map_phys, kho_scratch,
					  kho_scratch_cnt, kho_in.blocks)) {
			kho_in.fdt_phys = 0;
		} else if (kho_check_preserved_fdts(phys_to_virt(kho_in.map_phys),
						    phys_to_virt(kho_in.fdt_phys),
						    kho_in.fdt_phys,
						    kho_in.fdt_len)) {
			kho_unreserve_preserved(kho_in.blocks);
			kho_in.fdt_phys = 0;
		} else {
			kho_report_deferred_pages();
			kho_in.accepted = true;
			pr_info("handover accepted\n");
		}
	} else if (kho_enable) {
		kho_reserve_scratch();
	}
	if (kho_enable)
		kho_scratch_to_cma();
}

/* ---------------------------------------------------------------------- */
/* Preserve                                                              */

/*
 * Has kexec -e started?  Then the handover is being taken and nothing can
 * be added to it.  A function so that KUnit can pretend it has.
 */
VISIBLE_IF_KUNIT bool kho_kexec_started(void)
{
	KUNIT_STATIC_STUB_REDIRECT(kho_kexec_started);
	return kexec_in_progress;
}
EXPORT_SYMBOL_IF_KUNIT(kho_kexec_started);

static int kho_preserve_block(phys_addr_t phys, unsigned int order)
{
	if (!kho_enable)
		return -EOPNOTSUPP;
	if (!kho_out.ready)
		return -EAGAIN;
	if (kho_kexec_started())
		return -EBUSY;
	if (order > MAX_PAGE_ORDER || kho_overlaps_scratch(phys, PAGE_SIZE << order))
		return -EINVAL;
	return kho_radix_add(&kho_out.tree, phys, order);
}

static void kho_unpreserve_block(phys_addr_t phys, unsigned int order)
{
	if (kho_out.ready)
		kho_radix_del(&kho_out.tree, phys, order);
}

/**
 * kho_preserve_folio - preserve a folio across kexec
 * @folio: the folio; it is preserved whole, at its order
 *
 * The next kernel gets it back with kho_restore_folio().
 *
 * Return: 0; -EOPNOTSUPP if KHO is off; -EINVAL if the folio lies in scratch
 * memory or its order is above MAX_PAGE_ORDER; -EEXIST if it is preserved
 * already; -EBUSY once kexec -e has started; -ENOMEM.
 */
int kho_preserve_folio(struct folio *folio)
{
	return kho_preserve_block(PFN_PHYS(folio_pfn(folio)),
				  folio_order(folio));
}
EXPORT_SYMBOL_GPL(kho_preserve_folio);

/**
 * kho_unpreserve_folio - undo kho_preserve_folio()
 * @folio: the folio
 */
void kho_unpreserve_folio(struct folio *folio)
{
	kho_unpreserve_block(PFN_PHYS(folio_pfn(folio)), folio_order(folio));
}
EXPORT_SYMBOL_GPL(kho_unpreserve_folio);

/**
 * kho_preserve_pages - preserve a run of pages across kexec
 * @page:     first page of the run
 * @nr_pages: length of the run
 *
 * The run is split into naturally aligned power-of-two blocks.  Either all
 * of them are preserved or, on failure, none.  The next kernel gets the run
 * back with kho_restore_pages().
 *
 * Return: 0, or an error as for kho_preserve_folio().
 */
int kho_preserve_pages(struct page *page, unsigned long nr_pages)
{
	unsigned long pfn = page_to_pfn(page), end = pfn + nr_pages;
	unsigned long done = pfn;
	int err = 0;

	while (done < end) {
		unsigned int order = kho_run_order(done, end - done);

		err = kho_preserve_block(PFN_PHYS(done), order);
		if (err)
			goto rollback;
		done += 1UL << order;
	}
	return 0;

rollback:
	while (pfn < done) {
		unsigned int order = kho_run_order(pfn, end - pfn);

		kho_unpreserve_block(PFN_PHYS(pfn), order);
		pfn += 1UL << order;
	}
	return err;
}
EXPORT_SYMBOL_GPL(kho_preserve_pages);

/**
 * kho_unpreserve_pages - undo kho_preserve_pages()
 * @page:     first page of the run
 * @nr_pages: length of the run, as preserved
 */
void kho_unpreserve_pages(struct page *page, unsigned long nr_pages)
{
	unsigned long pfn = page_to_pfn(page), end = pfn + nr_pages;

	while (pfn < end) {
		unsigned int order = kho_run_order(pfn, end - pfn);

		kho_unpreserve_block(PFN_PHYS(pfn), order);
		pfn += 1UL << order;
	}
}
EXPORT_SYMBOL_GPL(kho_unpreserve_pages);

/**
 * kho_alloc_preserve - allocate preserved memory
 * @size: bytes wanted
 *
 * Allocates zeroed, physically contiguous memory (rounded up to a power of
 * two pages) and preserves it.  Free it with kho_unpreserve_free() in this
 * kernel or kho_restore_free() in the next.
 *
 * Return: the memory, or an ERR_PTR(): -EOPNOTSUPP if KHO is off, -E2BIG
 * for more than a MAX_PAGE_ORDER block, -ENOMEM.
 */
void *kho_alloc_preserve(size_t size)
{
	unsigned int order = get_order(size);
	struct folio *folio;
	int err;

	if (!kho_enable)
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
EXPORT_SYMBOL_GPL(kho_alloc_preserve);

/**
 * kho_unpreserve_free - unpreserve and free kho_alloc_preserve() memory
 * @mem: what kho_alloc_preserve() returned; NULL is ignored
 */
void kho_unpreserve_free(void *mem)
{
	struct folio *folio;

	if (!mem)
		return;
	folio = virt_to_folio(mem);
	kho_unpreserve_folio(folio);
	folio_put(folio);
}
EXPORT_SYMBOL_GPL(kho_unpreserve_free);

/* ---------------------------------------------------------------------- */
/* Restore                                                               */

/* The incoming tracker: what is preserved and not restored yet. */
static struct kho_radix_node *kho_in_root(void)
{
	return phys_to_virt(kho_in.map_phys);
}

/*
 * Take a preserved block out of the incoming tracker, with one atomic
 * operation: of two callers restoring the same block only one gets it.
 */
static bool kho_take_block(phys_addr_t phys, unsigned int order)
{
	if (WARN_ONCE(!kho_preserved_take(kho_in_root(), phys, order),
		      "KHO: %pa is not a preserved order-%u block\n",
		      &phys, order))
		return false;
	return true;
}

static void kho_init_block(struct page *page, unsigned int order, bool folio)
{
	unsigned long i, nr = 1UL << order;

	/* initialised by memmap_init() or kho_memory_init(): refcount 1 each */
	for (i = 1; i < nr; i++)
		set_page_count(page + i, folio ? 0 : 1);
	if (folio && order)
		prep_compound_page(page, order);
	adjust_managed_page_count(page, nr);
}

static bool kho_restorable(phys_addr_t phys)
{
	if (!is_kho_boot() || !PAGE_ALIGNED(phys) || !pfn_valid(PHYS_PFN(phys))) {
		WARN_ONCE(1, "KHO: cannot restore %pa\n", &phys);
		return false;
	}
	return true;
}

/**
 * kho_is_preserved - was a block handed over and not restored yet?
 * @phys:  physical address of the block
 * @order: its order
 *
 * For decoders of handed-over data, to vet an address before they read
 * the memory or restore it: no warning is given, unlike the restore
 * calls.
 *
 * Return: true if this is a KHO boot and the previous kernel preserved a
 * block of @order at @phys, outside the scratch areas, that nothing has
 * restored since.
 */
bool kho_is_preserved(phys_addr_t phys, unsigned int order)
{
	if (!is_kho_boot() || order > MAX_PAGE_ORDER ||
	    !IS_ALIGNED(phys, PAGE_SIZE << order) ||
	    !pfn_valid(PHYS_PFN(phys)) ||
	    kho_overlaps_scratch(phys, PAGE_SIZE << order))
		return false;
	return kho_preserved_test(kho_in_root(), phys, order);
}
EXPORT_SYMBOL_GPL(kho_is_preserved);

/**
 * kho_restore_folio - take back a folio preserved by the previous kernel
 * @phys: its physical address
 *
 * Return: the folio, at the order it was preserved with and with a
 * reference count of one, or NULL (with a warning) if no block was
 * preserved at @phys or it was restored already.
 */
struct folio *kho_restore_folio(phys_addr_t phys)
{
	struct page *page;
	int order;

	if (!kho_restorable(phys))
		return NULL;
	/* a restorer racing with us may take it in between: then we warn */
	order = kho_preserved_order(kho_in_root(), phys);
	if (!kho_take_block(phys, order < 0 ? 0 : order))
		return NULL;
	page = pfn_to_page(PHYS_PFN(phys));
	kho_init_block(page, order, true);
	return page_folio(page);
}
EXPORT_SYMBOL_GPL(kho_restore_folio);

/**
 * kho_restore_pages - take back a run preserved by the previous kernel
 * @phys:     physical address of its first page
 * @nr_pages: its length, as given to kho_preserve_pages()
 *
 * Every block of the run is checked before any is taken.
 *
 * Return: the first page (each page of the run with a reference count of
 * one), or NULL (with a warning) if the run was not preserved that way.
 */
struct page *kho_restore_pages(phys_addr_t phys, unsigned long nr_pages)
{
	unsigned long pfn = PHYS_PFN(phys), end = pfn + nr_pages, failed;

	if (!nr_pages || !kho_restorable(phys))
		return NULL;
	for (; pfn < end; pfn += 1UL << kho_run_order(pfn, end - pfn)) {
		if (!pfn_valid(pfn) ||
		    !kho_take_block(PFN_PHYS(pfn), kho_run_order(pfn, end - pfn)))
			goto untake;
	}
	for (pfn = PHYS_PFN(phys); pfn < end;) {
		unsigned int order = kho_run_order(pfn, end - pfn);

		kho_init_block(pfn_to_page(pfn), order, false);
		pfn += 1UL << order;
	}
	return pfn_to_page(PHYS_PFN(phys));

untake:
	/* give back the blocks taken before the one that failed: same split */
	failed = pfn;
	for (pfn = PHYS_PFN(phys); pfn < failed;) {
		unsigned int order = kho_run_order(pfn, end - pfn);

		kho_preserved_give(kho_in_root(), PFN_PHYS(pfn), order);
		pfn += 1UL << order;
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(kho_restore_pages);

/**
 * kho_restore_free - restore and free kho_alloc_preserve() memory
 * @mem: the memory, at its virtual address in this kernel; NULL is ignored
 */
void kho_restore_free(void *mem)
{
	struct folio *folio;

	if (!mem)
		return;
	folio = kho_restore_folio(virt_to_phys(mem));
	if (folio)
		folio_put(folio);
}
EXPORT_SYMBOL_GPL(kho_restore_free);

/* ---------------------------------------------------------------------- */
/* The FDT registry                                                      */

/**
 * kho_add_subtree - register a subsystem's FDT for the next kernel
 * @name: node name in the root FDT, unique
 * @fdt:  the subsystem's FDT, in memory it preserved (for instance from
 *        kho_alloc_preserve()); its size is its own totalsize
 *
 * Return: 0; -EOPNOTSUPP if KHO is off; -EEXIST if @name is taken;
 * -ENOSPC if the root FDT is full; -EINVAL for a bad name (one with an
 * '@', which libfdt would take for a unit address); -EBUSY once kexec -e
 * has started.
 */
int kho_add_subtree(const char *name, void *fdt)
{
	u64 phys = virt_to_phys(fdt);
	int off, err;

	if (!kho_enable)
		return -EOPNOTSUPP;
	if (!kho_out.ready)
		return -EAGAIN;
	if (kho_kexec_started())
		return -EBUSY;
	if (strchr(name, '@'))
		return -EINVAL;

	guard(mutex)(&kho_out.fdt_lock);
	off = fdt_add_subnode(kho_out.fdt, 0, name);
	if (off == -FDT_ERR_EXISTS)
		return -EEXIST;
	if (off == -FDT_ERR_NOSPACE)
		return -ENOSPC;
	if (off < 0)
		return -EINVAL;
	err = fdt_setprop(kho_out.fdt, off, KHO_FDT_SUB_TREE_PROP_NAME, &phys,
			  sizeof(phys));
	if (err) {
		fdt_del_node(kho_out.fdt, off);
		return err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL;
	}
	kho_debugfs_subtree_add(name, fdt);
	return 0;
}
EXPORT_SYMBOL_GPL(kho_add_subtree);

/**
 * kho_remove_subtree - unregister an FDT added with kho_add_subtree()
 * @fdt: the FDT; an unknown one is ignored
 */
void kho_remove_subtree(void *fdt)
{
	u64 phys = virt_to_phys(fdt);
	int off;

	if (!kho_out.ready)
		return;

	guard(mutex)(&kho_out.fdt_lock);
	fdt_for_each_subnode(off, kho_out.fdt, 0) {
		const u64 *val;
		int len;

		val = fdt_getprop(kho_out.fdt, off, KHO_FDT_SUB_TREE_PROP_NAME,
				  &len);
		/* FDT properties are only 4-byte aligned */
		if (val && len == sizeof(*val) && get_unaligned(val) == phys) {
			kho_debugfs_subtree_remove(fdt);
			fdt_del_node(kho_out.fdt, off);
			return;
		}
	}
}
EXPORT_SYMBOL_GPL(kho_remove_subtree);

/**
 * kho_retrieve_subtree - find an FDT the previous kernel registered
 * @name: its node name
 * @phys: where to store its physical address
 *
 * The subtree was checked when the handover was accepted: it lies in a
 * preserved block, which its FDT header says it fits in.  The name must
 * match exactly.
 *
 * Return: 0; -ENOENT if this is not a KHO boot or there is no such
 * subtree; -EINVAL if its node is malformed.
 */
int kho_retrieve_subtree(const char *name, phys_addr_t *phys)
{
	const void *fdt = kho_in_fdt();

	if (!fdt)
		return -ENOENT;
	return kho_fdt_subtree(fdt, name, phys);
}
EXPORT_SYMBOL_GPL(kho_retrieve_subtree);

/* The incoming root FDT, or NULL if this is not a KHO boot. */
const void *kho_in_fdt(void)
{
	return is_kho_boot() ? phys_to_virt(kho_in.fdt_phys) : NULL;
}

/* The outgoing root FDT, once KHO is up. */
const void *kho_out_fdt(void)
{
	return kho_out.ready ? kho_out.fdt : NULL;
}

/* Tracker statistics for debugfs. */
void kho_stats(struct kho_stats *st)
{
	mutex_lock(&kho_out.tree.lock);
	st->nodes = kho_out.tree.nodes;
	st->leaves = kho_out.tree.leaves;
	memcpy(st->out_blocks, kho_out.tree.blocks, sizeof(st->out_blocks));
	mutex_unlock(&kho_out.tree.lock);
	memcpy(st->in_blocks, kho_in.blocks, sizeof(st->in_blocks));
}

/* ---------------------------------------------------------------------- */
/* kexec_file                                                            */

/**
 * kho_locate_mem_hole - place a kexec_file buffer inside scratch memory
 * @kbuf: the buffer
 * @func: the caller's placement callback, tried on each scratch area
 *
 * Return: 1 if KHO does not apply (KHO off, or a crash kernel) and the
 * caller should search as usual; 0 if the buffer was placed;
 * -EADDRNOTAVAIL if it fits in no scratch area.
 */
int kho_locate_mem_hole(struct kexec_buf *kbuf,
			int (*func)(struct resource *, void *))
{
	unsigned int i;
	int ret;

	if (!kho_enable || kbuf->image->type == KEXEC_TYPE_CRASH)
		return 1;

	for (i = 0; i < kho_scratch_cnt; i++) {
		struct resource res = DEFINE_RES_MEM(kho_scratch[i].addr,
						     kho_scratch[i].size);

		ret = func(&res, kbuf);
		if (ret)
			return ret == 1 ? 0 : ret;
	}
	return -EADDRNOTAVAIL;
}

/**
 * kho_fill_kimage - add the handover to a kexec_file image
 * @image: the image being loaded
 *
 * Adds the scratch array as a segment (placed in scratch) and records the
 * root FDT, for the architecture's loader to pass to the next kernel.
 *
 * Return: 0, or -errno from kexec_add_buffer().
 */
int kho_fill_kimage(struct kimage *image)
{
	struct kexec_buf kbuf = {
		.image = image,
		.buffer = kho_scratch,
		.bufsz = sizeof(*kho_scratch) * kho_scratch_cnt,
		.memsz = sizeof(*kho_scratch) * kho_scratch_cnt,
		.buf_align = PAGE_SIZE,
		.buf_max = ULONG_MAX,
		.top_down = true,
	};
	int err;

	if (!kho_enable || !kho_out.ready || image->type == KEXEC_TYPE_CRASH)
		return 0;

	err = kexec_add_buffer(&kbuf);
	if (err)
		return err;
	image->kho.scratch = &image->segment[image->nr_segments - 1];
	image->kho.fdt = virt_to_phys(kho_out.fdt);
	image->kho.fdt_size = fdt_totalsize(kho_out.fdt);
	return 0;
}

/* ---------------------------------------------------------------------- */

static int __init kho_init(void)
{
	phys_addr_t scratch = 0;
	unsigned int i;
	u64 root;
	int err;

	if (!kho_enable)
		return 0;

	err = kho_radix_init(&kho_out.tree);
	if (err)
		goto fail;
	kho_out.ready = true;
	kho_out.fdt = kho_alloc_preserve(KHO_FDT_SIZE);
	if (IS_ERR(kho_out.fdt)) {
		err = PTR_ERR(kho_out.fdt);
		goto fail_tree;
	}
	root = virt_to_phys(kho_out.tree.root);
	err = fdt_create_empty_tree(kho_out.fdt, KHO_FDT_SIZE);
	err = err ?: fdt_setprop_string(kho_out.fdt, 0, "compatible",
					KHO_FDT_COMPATIBLE);
	err = err ?: fdt_setprop(kho_out.fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME,
				 &root, sizeof(root));
	if (err) {
		err = -EINVAL;
		goto fail_fdt;
	}
	for (i = 0; i < kho_scratch_cnt; i++)
		scratch += kho_scratch[i].size;
	pr_info("ready: %u scratch areas, %llu KiB%s\n", kho_scratch_cnt,
		(u64)scratch >> 10,
		is_kho_boot() ? ", incoming handover accepted" : "");
	return 0;

fail_fdt:
	kho_unpreserve_free(kho_out.fdt);
fail_tree:
	kho_out.ready = false;
	kho_radix_destroy(&kho_out.tree);
fail:
	pr_err("cannot set up the outgoing handover (%d): disabling KHO\n", err);
	kho_enable = false;
	return err;
}
core_initcall(kho_init);
