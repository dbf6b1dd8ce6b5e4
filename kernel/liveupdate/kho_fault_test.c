// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover: allocation failures on the preserve side, for tests.
 *
 * For each preserve-side call of KHO and its library layers, the Nth
 * allocation the call makes is made to fail, for N = 1, 2, ... until the
 * call completes without reaching the Nth allocation.  The per-task
 * fail-nth counter of the fault-injection framework picks the allocation
 * (current->fail_nth: every failslab or fail_page_alloc check in this
 * task counts it down, and the check that takes it to 0 fails).  After
 * every call the outgoing handover is compared with what it must be:
 *
 *  - a call that failed returns -ENOMEM, and the tracker (the set of
 *    preserved blocks), the root FDT and the call's own object are
 *    exactly as they were before it;
 *  - a call that succeeded although an allocation failed (a failure some
 *    allocator absorbed, such as kmemleak's metadata or a debugfs file)
 *    left exactly what a successful call leaves, and is then undone.
 *
 * Only failslab and fail_page_alloc checks that pass their filters count,
 * so user space sets /sys/kernel/debug/failslab/ignore-gfp-wait and
 * fail_page_alloc/{ignore-gfp-wait,ignore-gfp-highmem,min-order} to N, N,
 * N, 0 (and each "verbose" to 0) before a run.
 *
 * /sys/kernel/debug/kho_fault_test/run (root only)
 *	Write "all" or a site name: the loops of that site (or of every
 *	site) run in the writer's task and the write returns once they are
 *	done.  Reading gives the report of the last run, one line per site
 *	("site NAME ops=... injected=... enomem=... absorbed=...
 *	mismatches=... tables=...") and a "total" line; each mismatch is
 *	logged.
 *
 * /sys/kernel/debug/kho_fault_test/digest (root only)
 *	The outgoing handover as it is now: the number of preserved blocks,
 *	per order, a hash of the set of blocks, a hash of the root FDT and
 *	the tracker's page counts.  User space compares it around the LUO
 *	calls it injects failures into.
 *
 * Locking: runs are serialised by kft_lock.  The tracker is walked
 * without its lock, from the root the root FDT names: a test guest runs
 * nothing else that preserves memory while it uses these files.
 */

#define pr_fmt(fmt) "kho_fault_test: " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho_array.h>
#include <linux/kho_block.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>

#include "kexec_handover_internal.h"
#include "kho_radix.h"

/* A call that still fails at this N is reported as never completing. */
#define KFT_MAX_N		4096
#define KFT_REPORT_SIZE		2048
#define KFT_FDT_MAX		PAGE_SIZE
/* vmalloc areas: two chunks of block addresses, and a huge-mapped one */
#define KFT_VMALLOC_PAGES	(KHO_VMALLOC_CHUNK_ENTRIES + 9)
#define KFT_VMALLOC_HUGE	(4UL << 20)
/* kho_block records: three blocks of 64-byte records */
#define KFT_BLOCK_ENTRY		64
#define KFT_BLOCK_RECORDS	150

#define KFT_SITE_FMT \
	"site %s ops=%u injected=%u enomem=%u absorbed=%u mismatches=%u tables=%lu\n"

static DEFINE_MUTEX(kft_lock);
static char kft_report[KFT_REPORT_SIZE];
static size_t kft_report_len;

/**
 * struct kft_tracker - a digest of the set of preserved blocks
 * @blocks: number of preserved blocks
 * @orders: number of preserved blocks of each order
 * @sum:    sum of kft_mix() of every block: the same set gives the same
 *          sum in any order, and a block can be added or taken out
 */
struct kft_tracker {
	unsigned long blocks;
	unsigned long orders[MAX_PAGE_ORDER + 1];
	u64 sum;
};

/**
 * struct kft_snap - the outgoing handover at one moment
 * @tracker: the tracker's digest
 * @fdt_len: the bytes of the root FDT in use, see kft_fdt_used()
 * @fdt:     a copy of them
 */
struct kft_snap {
	struct kft_tracker tracker;
	u32 fdt_len;
	u8 fdt[KFT_FDT_MAX];
};

/**
 * struct kft_site - counts of one site (one API, one or more calls)
 * @name:       the site
 * @ops:        calls looped over
 * @injected:   allocations made to fail (the fail-nth count consumed)
 * @enomem:     of those, the call failed with -ENOMEM
 * @absorbed:   of those, the call succeeded all the same
 * @mismatches: state or return values that were not what they must be
 */
struct kft_site {
	const char *name;
	unsigned int ops;
	unsigned int injected;
	unsigned int enomem;
	unsigned int absorbed;
	unsigned int mismatches;
};

/**
 * struct kft_call - one call to loop over
 * @what:    what it is, for the log
 * @call:    makes the call; 0 or -errno
 * @added:   after a success, adds what the call preserved to a digest;
 *           false if the call's own object is not what a success makes
 * @intact:  after a failure, whether the call's own object is as before
 *           (may be NULL)
 * @undo:    after a success, undoes it
 * @fdt_ref: a success changes the root FDT: a first call without any
 *           injected failure gives the FDT every success must leave
 * @arg:     the callbacks' argument
 */
struct kft_call {
	const char *what;
	int (*call)(void *arg);
	bool (*added)(void *arg, struct kft_tracker *t);
	bool (*intact)(void *arg);
	void (*undo)(void *arg);
	bool fdt_ref;
	void *arg;
};

/* Scratch snapshots of a run, allocated once per run. */
static struct kft_snap *kft_before, *kft_after, *kft_ref;

static u64 kft_mix(phys_addr_t phys, unsigned int order)
{
	u64 x = (u64)phys | order;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static void kft_add(struct kft_tracker *t, phys_addr_t phys,
		    unsigned int order)
{
	t->blocks++;
	if (order <= MAX_PAGE_ORDER)
		t->orders[order]++;
	t->sum += kft_mix(phys, order);
}

/* The outgoing tracker's root, from the root FDT; NULL if KHO is off. */
static struct kho_radix_node *kft_root(void)
{
	const void *fdt = kho_out_fdt();
	const void *prop;
	int len;

	if (!fdt)
		return NULL;
	prop = fdt_getprop(fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, &len);
	if (!prop || len != sizeof(u64))
		return NULL;
	/* FDT properties are only 4-byte aligned */
	return phys_to_virt(get_unaligned((const u64 *)prop));
}

static bool kft_walk_check(phys_addr_t phys, void *arg)
{
	return true;
}

static int kft_walk_visit(phys_addr_t phys, unsigned int order,
			  unsigned long nr, void *arg)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		kft_add(arg, phys + ((phys_addr_t)i << (PAGE_SHIFT + order)),
			order);
	return 0;
}

static int kft_tracker_read(struct kft_tracker *t)
{
	struct kho_radix_node *root = kft_root();

	memset(t, 0, sizeof(*t));
	if (!root)
		return -EOPNOTSUPP;
	return kho_radix_walk(root, kft_walk_check, kft_walk_visit, t);
}

/*
 * The bytes of an FDT that hold anything: the header, the reservation map
 * and the structure and strings blocks, which libfdt keeps in that order.
 * The free space after them is left out: taking a node out again moves
 * the blocks back but leaves the bytes they moved over as they were.
 */
static u32 kft_fdt_used(const void *fdt)
{
	u32 end = fdt_off_dt_strings(fdt) + fdt_size_dt_strings(fdt);

	if (fdt_off_dt_struct(fdt) > fdt_off_dt_strings(fdt) ||
	    end < fdt_off_dt_strings(fdt) || end > fdt_totalsize(fdt))
		end = fdt_totalsize(fdt);
	return min_t(u32, end, KFT_FDT_MAX);
}

static int kft_snap_take(struct kft_snap *s)
{
	const void *fdt = kho_out_fdt();
	int err;

	err = kft_tracker_read(&s->tracker);
	if (err)
		return err;
	s->fdt_len = kft_fdt_used(fdt);
	memcpy(s->fdt, fdt, s->fdt_len);
	return 0;
}

static bool kft_fdt_equal(const struct kft_snap *a, const struct kft_snap *b)
{
	return a->fdt_len == b->fdt_len && !memcmp(a->fdt, b->fdt, a->fdt_len);
}

/* Is a block of @order at @phys where the tracker has no leaf yet? */
static bool kft_fresh(phys_addr_t phys, unsigned int order)
{
	struct kho_radix_node *root = kft_root();

	return root && !kho_radix_in_leaf(root,
					  kho_radix_encode_key(phys, order));
}

/*
 * Compare the handover with what it must be: tracker @want, and the root
 * FDT of @fdt.  Logs and counts a mismatch.
 */
static bool kft_expect(struct kft_site *site, const struct kft_call *c,
		       unsigned int n, const char *when,
		       const struct kft_tracker *want,
		       const struct kft_snap *fdt)
{
	const struct kft_tracker *got = &kft_after->tracker;
	int err = kft_snap_take(kft_after);

	if (err) {
		pr_err("%s: %s: N=%u %s: cannot walk the tracker (%d)\n",
		       site->name, c->what, n, when, err);
	} else if (memcmp(got, want, sizeof(*got))) {
		pr_err("%s: %s: N=%u %s: tracker has %lu blocks (sum %016llx), expected %lu (sum %016llx)\n",
		       site->name, c->what, n, when, got->blocks, got->sum,
		       want->blocks, want->sum);
	} else if (!kft_fdt_equal(kft_after, fdt)) {
		pr_err("%s: %s: N=%u %s: the root FDT differs (%u bytes, expected %u)\n",
		       site->name, c->what, n, when, kft_after->fdt_len,
		       fdt->fdt_len);
	} else {
		return true;
	}
	site->mismatches++;
	return false;
}

static void kft_mismatch(struct kft_site *site, const struct kft_call *c,
			 unsigned int n, const char *why, int err)
{
	pr_err("%s: %s: N=%u: %s (%d)\n", site->name, c->what, n, why, err);
	site->mismatches++;
}

/* Check a success (@n = 0: none injected) against @before, then undo it. */
static void kft_success(struct kft_site *site, const struct kft_call *c,
			unsigned int n, const struct kft_snap *fdt)
{
	struct kft_tracker want = kft_before->tracker;

	if (!c->added(c->arg, &want)) {
		pr_err("%s: %s: N=%u: its object is wrong after success\n",
		       site->name, c->what, n);
		site->mismatches++;
	}
	kft_expect(site, c, n, "after success", &want, fdt);
	c->undo(c->arg);
	kft_expect(site, c, n, "after undo", &kft_before->tracker, kft_before);
}

/* The loop: fail the Nth allocation of @c for N = 1, 2, ... */
static void kft_loop(struct kft_site *site, const struct kft_call *c)
{
	const struct kft_snap *fdt_ok = kft_before;
	unsigned int n, left;
	int err;

	site->ops++;
	err = kft_snap_take(kft_before);
	if (err) {
		kft_mismatch(site, c, 0, "cannot walk the tracker", err);
		return;
	}
	if (c->fdt_ref) {
		err = c->call(c->arg);
		if (err) {
			kft_mismatch(site, c, 0, "failed without injection", err);
			return;
		}
		kft_snap_take(kft_ref);
		fdt_ok = kft_ref;
		kft_success(site, c, 0, fdt_ok);
	}

	for (n = 1; n <= KFT_MAX_N; n++) {
		WRITE_ONCE(current->fail_nth, n);
		err = c->call(c->arg);
		left = READ_ONCE(current->fail_nth);
		WRITE_ONCE(current->fail_nth, 0);

		if (left) {
			/* fewer than n allocations: the call is done */
			if (err) {
				kft_mismatch(site, c, n,
					     "failed without an injected failure",
					     err);
				kft_expect(site, c, n, "after failure",
					   &kft_before->tracker, kft_before);
			} else {
				kft_success(site, c, n, fdt_ok);
			}
			return;
		}
		site->injected++;
		if (!err) {
			site->absorbed++;
			kft_success(site, c, n, fdt_ok);
			continue;
		}
		if (err == -ENOMEM)
			site->enomem++;
		else
			kft_mismatch(site, c, n, "failed, but not with -ENOMEM",
				     err);
		kft_expect(site, c, n, "after failure", &kft_before->tracker,
			   kft_before);
		if (c->intact && !c->intact(c->arg)) {
			pr_err("%s: %s: N=%u: its object changed on failure\n",
			       site->name, c->what, n);
			site->mismatches++;
		}
		cond_resched();
	}
	kft_mismatch(site, c, KFT_MAX_N, "never completed", -EAGAIN);
}

/* ---------------------------------------------------------------------- */
/* kho_preserve_folio() and kho_preserve_pages()                          */

struct kft_folio {
	struct folio *folio;
};

static int kft_folio_call(void *arg)
{
	struct kft_folio *f = arg;

	return kho_preserve_folio(f->folio);
}

static bool kft_folio_added(void *arg, struct kft_tracker *t)
{
	struct kft_folio *f = arg;

	kft_add(t, PFN_PHYS(folio_pfn(f->folio)), folio_order(f->folio));
	return true;
}

static void kft_folio_undo(void *arg)
{
	struct kft_folio *f = arg;

	kho_unpreserve_folio(f->folio);
}

/* The blocks kho_preserve_pages() splits a run into. */
static unsigned int kft_run_order(unsigned long pfn, unsigned long nr)
{
	unsigned int order = min_t(unsigned int, MAX_PAGE_ORDER, ilog2(nr));

	if (pfn)
		order = min_t(unsigned int, order, __ffs(pfn));
	return order;
}

struct kft_pages {
	struct page *page;
	unsigned long nr;
};

static int kft_pages_call(void *arg)
{
	struct kft_pages *p = arg;

	return kho_preserve_pages(p->page, p->nr);
}

static bool kft_pages_added(void *arg, struct kft_tracker *t)
{
	struct kft_pages *p = arg;
	unsigned long pfn = page_to_pfn(p->page), end = pfn + p->nr;

	while (pfn < end) {
		unsigned int order = kft_run_order(pfn, end - pfn);

		kft_add(t, PFN_PHYS(pfn), order);
		pfn += 1UL << order;
	}
	return true;
}

static void kft_pages_undo(void *arg)
{
	struct kft_pages *p = arg;

	kho_unpreserve_pages(p->page, p->nr);
}

/* Does preserving this run need a tracker leaf that does not exist yet? */
static bool kft_pages_fresh(struct page *page, unsigned long nr)
{
	unsigned long pfn = page_to_pfn(page), end = pfn + nr;

	while (pfn < end) {
		unsigned int order = kft_run_order(pfn, end - pfn);

		if (kft_fresh(PFN_PHYS(pfn), order))
			return true;
		pfn += 1UL << order;
	}
	return false;
}

/*
 * A folio whose preservation needs new tracker pages: the first order,
 * from @order down, that has none where the page allocator puts it.
 */
static struct folio *kft_fresh_folio(unsigned int order)
{
	struct folio *folio;

	for (;; order--) {
		folio = folio_alloc(GFP_KERNEL | __GFP_NOWARN, order);
		if (folio && kft_fresh(PFN_PHYS(folio_pfn(folio)), order))
			return folio;
		if (folio)
			folio_put(folio);
		if (!order)
			return NULL;
	}
}

static void kft_site_folio(struct kft_site *site)
{
	static const unsigned int orders[] = { MAX_PAGE_ORDER, 3, 1 };
	struct kft_folio f;
	struct kft_call c = {
		.what = "folio",
		.call = kft_folio_call,
		.added = kft_folio_added,
		.undo = kft_folio_undo,
		.arg = &f,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		f.folio = kft_fresh_folio(orders[i]);
		if (!f.folio)
			continue;
		kft_loop(site, &c);
		folio_put(f.folio);
	}
}

static void kft_site_pages(struct kft_site *site)
{
	static const unsigned int orders[] = { 8, 6, 4, 2 };
	struct kft_pages p;
	struct kft_call c = {
		.what = "pages",
		.call = kft_pages_call,
		.added = kft_pages_added,
		.undo = kft_pages_undo,
		.arg = &p,
	};
	unsigned int i;

	/* a run of 2^k - 1 pages: blocks of orders k - 1 down to 0 */
	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		p.page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, orders[i]);
		if (!p.page)
			continue;
		p.nr = (1UL << orders[i]) - 1;
		if (kft_pages_fresh(p.page, p.nr) || i == ARRAY_SIZE(orders) - 1)
			kft_loop(site, &c);
		__free_pages(p.page, orders[i]);
	}
}

/* ---------------------------------------------------------------------- */
/* kho_preserve_vmalloc()                                                 */

struct kft_vmalloc {
	void *ptr;
	unsigned int nr_pages;
	struct kho_vmalloc pres;
};

static int kft_vmalloc_call(void *arg)
{
	struct kft_vmalloc *v = arg;

	memset(&v->pres, 0, sizeof(v->pres));
	return kho_preserve_vmalloc(v->ptr, &v->pres);
}

static bool kft_vmalloc_added(void *arg, struct kft_tracker *t)
{
	struct kft_vmalloc *v = arg;
	unsigned int step = 1U << v->pres.order, i;
	u64 chunk = v->pres.first;

	for (; chunk; chunk = ((struct kho_vmalloc_chunk *)
			       phys_to_virt(chunk))->hdr.next)
		kft_add(t, chunk, 0);
	for (i = 0; i < v->pres.total_pages; i += step) {
		struct page *page = vmalloc_to_page(v->ptr + i * PAGE_SIZE);
		unsigned long pfn = page_to_pfn(page), end = pfn + step;

		while (pfn < end) {
			unsigned int order = kft_run_order(pfn, end - pfn);

			kft_add(t, PFN_PHYS(pfn), order);
			pfn += 1UL << order;
		}
	}
	return v->pres.total_pages == v->nr_pages;
}

static bool kft_vmalloc_intact(void *arg)
{
	struct kft_vmalloc *v = arg;

	return !v->pres.first && !v->pres.total_pages;
}

static void kft_vmalloc_undo(void *arg)
{
	struct kft_vmalloc *v = arg;

	kho_unpreserve_vmalloc(&v->pres);
}

static void kft_site_vmalloc(struct kft_site *site)
{
	struct kft_vmalloc v;
	struct kft_call c = {
		.what = "vmalloc",
		.call = kft_vmalloc_call,
		.added = kft_vmalloc_added,
		.intact = kft_vmalloc_intact,
		.undo = kft_vmalloc_undo,
		.arg = &v,
	};

	v.ptr = vmalloc(KFT_VMALLOC_PAGES * PAGE_SIZE);
	v.nr_pages = KFT_VMALLOC_PAGES;
	if (v.ptr) {
		kft_loop(site, &c);
		vfree(v.ptr);
	}
	c.what = "vmalloc-huge";
	v.ptr = vmalloc_huge(KFT_VMALLOC_HUGE, GFP_KERNEL);
	v.nr_pages = KFT_VMALLOC_HUGE >> PAGE_SHIFT;
	if (v.ptr) {
		kft_loop(site, &c);
		vfree(v.ptr);
	}
}

/* ---------------------------------------------------------------------- */
/* kho_alloc_preserve()                                                   */

struct kft_alloc {
	size_t size;
	void *mem;
};

static int kft_alloc_call(void *arg)
{
	struct kft_alloc *a = arg;

	a->mem = kho_alloc_preserve(a->size);
	if (IS_ERR(a->mem)) {
		int err = PTR_ERR(a->mem);

		a->mem = NULL;
		return err;
	}
	return 0;
}

static bool kft_alloc_added(void *arg, struct kft_tracker *t)
{
	struct kft_alloc *a = arg;

	kft_add(t, virt_to_phys(a->mem), get_order(a->size));
	return folio_order(virt_to_folio(a->mem)) == get_order(a->size);
}

static void kft_alloc_undo(void *arg)
{
	struct kft_alloc *a = arg;

	kho_unpreserve_free(a->mem);
	a->mem = NULL;
}

static void kft_site_alloc(struct kft_site *site)
{
	static const size_t sizes[] = { PAGE_SIZE, 3 * PAGE_SIZE, SZ_1M };
	struct kft_alloc a;
	struct kft_call c = {
		.what = "alloc",
		.call = kft_alloc_call,
		.added = kft_alloc_added,
		.undo = kft_alloc_undo,
		.arg = &a,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		a.size = sizes[i];
		kft_loop(site, &c);
	}
}

/* ---------------------------------------------------------------------- */
/* kho_add_subtree()                                                      */

struct kft_subtree {
	void *fdt;
};

static int kft_subtree_call(void *arg)
{
	struct kft_subtree *s = arg;

	return kho_add_subtree("kho-fault-test", s->fdt);
}

static bool kft_subtree_added(void *arg, struct kft_tracker *t)
{
	return true;
}

static void kft_subtree_undo(void *arg)
{
	struct kft_subtree *s = arg;

	kho_remove_subtree(s->fdt);
}

static void kft_site_subtree(struct kft_site *site)
{
	struct kft_subtree s;
	struct kft_call c = {
		.what = "subtree",
		.call = kft_subtree_call,
		.added = kft_subtree_added,
		.undo = kft_subtree_undo,
		.fdt_ref = true,
		.arg = &s,
	};

	s.fdt = kho_alloc_preserve(PAGE_SIZE);
	if (IS_ERR(s.fdt)) {
		kft_mismatch(site, &c, 0, "no page for the subtree",
			     PTR_ERR(s.fdt));
		return;
	}
	if (fdt_create_empty_tree(s.fdt, PAGE_SIZE) ||
	    fdt_setprop_string(s.fdt, 0, "compatible", "kho-fault-test-v1"))
		kft_mismatch(site, &c, 0, "cannot build the subtree", -EINVAL);
	else
		kft_loop(site, &c);
	kho_unpreserve_free(s.fdt);
}

/* ---------------------------------------------------------------------- */
/* kho_array growth and kho_array_preserve()                              */

#define KFT_KA_BASE	(2 * KHO_ARRAY_PAGE_ENTRIES + 7)

struct kft_array {
	struct kho_array ka;
	unsigned long pos;
	unsigned long base_pages;
};

static unsigned long kft_array_pages(const struct kho_array *ka)
{
	const struct kho_array_page *page;
	unsigned long n = 0;
	u64 phys;

	for (phys = ka->first; phys; phys = page->next) {
		page = phys_to_virt(phys);
		n++;
	}
	return n;
}

/* The base array: one entry, so one page. */
static int kft_array_base(struct kft_array *a)
{
	struct ka_iter it;
	int err;

	kho_array_init(&a->ka);
	ka_iter_init_write(&it, &a->ka);
	err = ka_iter_setpos(&it, KFT_KA_BASE);
	err = err ?: ka_iter_setentry(&it, ka_mk_value(KFT_KA_BASE));
	a->base_pages = kft_array_pages(&a->ka);
	return err;
}

static int kft_array_call(void *arg)
{
	struct kft_array *a = arg;
	struct ka_iter it;
	int err;

	ka_iter_init_write(&it, &a->ka);
	err = ka_iter_setpos(&it, a->pos);
	return err ?: ka_iter_setentry(&it, ka_mk_value(a->pos));
}

/*
 * Exactly the base entry, and the entry at @pos if @with_pos (each entry
 * holds its own index), in as many pages as that takes.
 */
static bool kft_array_holds(struct kft_array *a, bool with_pos)
{
	unsigned long want[2], n = 0, i = 0;
	struct ka_iter it;
	void *entry;

	if (with_pos && a->pos < KFT_KA_BASE)
		want[n++] = a->pos;
	want[n++] = KFT_KA_BASE;
	if (with_pos && a->pos > KFT_KA_BASE)
		want[n++] = a->pos;
	ka_iter_init_read(&it, &a->ka);
	ka_iter_for_each(&it, entry) {
		if (i == n || !ka_is_value(entry) ||
		    ka_to_value(entry) != want[i] ||
		    ka_iter_getpos(&it) != want[i])
			return false;
		i++;
	}
	return i == n && kho_array_valid(&a->ka) &&
	       kft_array_pages(&a->ka) == a->base_pages + with_pos;
}

static bool kft_array_intact(void *arg)
{
	return kft_array_holds(arg, false);
}

/* The entry is there, in one more page; nothing is preserved yet. */
static bool kft_array_added(void *arg, struct kft_tracker *t)
{
	return kft_array_holds(arg, true);
}

static void kft_array_undo(void *arg)
{
	struct kft_array *a = arg;

	kho_array_destroy(&a->ka);
	if (kft_array_base(a))
		pr_err("kho_array: cannot rebuild the base array\n");
}

static int kft_array_preserve_call(void *arg)
{
	struct kft_array *a = arg;

	return kho_array_preserve(&a->ka);
}

static bool kft_array_preserve_added(void *arg, struct kft_tracker *t)
{
	struct kft_array *a = arg;
	const struct kho_array_page *page;
	u64 phys;

	for (phys = a->ka.first; phys; phys = page->next) {
		page = phys_to_virt(phys);
		kft_add(t, phys, 0);
	}
	return true;
}

static void kft_array_preserve_undo(void *arg)
{
	struct kft_array *a = arg;

	kho_array_unpreserve(&a->ka);
}

static void kft_site_array(struct kft_site *site)
{
	static const unsigned long positions[] = {
		0, KHO_ARRAY_PAGE_ENTRIES + 1, 5 * KHO_ARRAY_PAGE_ENTRIES,
	};
	struct kft_array a;
	struct kft_call c = {
		.what = "setentry",
		.call = kft_array_call,
		.added = kft_array_added,
		.intact = kft_array_intact,
		.undo = kft_array_undo,
		.arg = &a,
	};
	struct ka_iter it;
	unsigned int i;

	if (kft_array_base(&a)) {
		kft_mismatch(site, &c, 0, "cannot build the base array",
			     -ENOMEM);
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(positions); i++) {
		a.pos = positions[i];
		kft_loop(site, &c);
	}

	/* preserve an array of three pages: two more before the base one */
	ka_iter_init_write(&it, &a.ka);
	for (i = 0; i < 2; i++) {
		if (ka_iter_setpos(&it, positions[i]) ||
		    ka_iter_setentry(&it, ka_mk_value(positions[i]))) {
			kft_mismatch(site, &c, 0, "cannot grow the array",
				     -ENOMEM);
			goto out;
		}
	}
	c = (struct kft_call){
		.what = "preserve",
		.call = kft_array_preserve_call,
		.added = kft_array_preserve_added,
		.undo = kft_array_preserve_undo,
		.arg = &a,
	};
	kft_loop(site, &c);
out:
	kho_array_destroy(&a.ka);
}

/* ---------------------------------------------------------------------- */
/* kho_block growth                                                       */

struct kft_block {
	struct kho_block_set set;
	unsigned long nr;
};

static int kft_block_call(void *arg)
{
	struct kft_block *b = arg;

	return kho_block_set_grow(&b->set, b->nr);
}

/* Fill the room grow made, so that the chain lists every new block. */
static bool kft_block_added(void *arg, struct kft_tracker *t)
{
	struct kft_block *b = arg;
	const struct kho_block_header_ser *hdr;
	struct kho_block_set_it it;
	unsigned long i, blocks = 0;
	phys_addr_t pa;

	kho_block_set_it_init(&it, &b->set, 0);
	for (i = 0; i < b->set.nr_blocks * b->set.count_per_block; i++) {
		if (!kho_block_set_it_reserve_entry(&it))
			break;
	}
	for (pa = kho_block_set_head_pa(&b->set); pa; pa = hdr->next) {
		hdr = phys_to_virt(pa);
		kft_add(t, pa, 0);
		blocks++;
	}
	return b->set.count >= b->nr && blocks == b->set.nr_blocks;
}

static bool kft_block_intact(void *arg)
{
	struct kft_block *b = arg;

	return !b->set.nr_blocks && !b->set.count && !b->set.head_pa &&
	       list_empty(&b->set.blocks);
}

static void kft_block_undo(void *arg)
{
	struct kft_block *b = arg;

	kho_block_set_destroy(&b->set);
	kho_block_set_init(&b->set, KFT_BLOCK_ENTRY);
}

static void kft_site_block(struct kft_site *site)
{
	static const unsigned long records[] = { 1, KFT_BLOCK_RECORDS };
	struct kft_block b;
	struct kft_call c = {
		.what = "grow",
		.call = kft_block_call,
		.added = kft_block_added,
		.intact = kft_block_intact,
		.undo = kft_block_undo,
		.arg = &b,
	};
	unsigned int i;

	kho_block_set_init(&b.set, KFT_BLOCK_ENTRY);
	for (i = 0; i < ARRAY_SIZE(records); i++) {
		b.nr = records[i];
		kft_loop(site, &c);
	}
	kho_block_set_destroy(&b.set);
}

/* ---------------------------------------------------------------------- */

static const struct {
	const char *name;
	void (*run)(struct kft_site *site);
} kft_sites[] = {
	{ "kho_preserve_folio", kft_site_folio },
	{ "kho_preserve_pages", kft_site_pages },
	{ "kho_preserve_vmalloc", kft_site_vmalloc },
	{ "kho_alloc_preserve", kft_site_alloc },
	{ "kho_add_subtree", kft_site_subtree },
	{ "kho_array", kft_site_array },
	{ "kho_block", kft_site_block },
};

static void kft_say(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(kft_report + kft_report_len,
		       sizeof(kft_report) - kft_report_len, fmt, ap);
	va_end(ap);
	kft_report_len += n;
}

/* Node and leaf pages of the outgoing tracker. */
static unsigned long kft_tables(struct kho_stats *st)
{
	kho_stats(st);
	return st->nodes + st->leaves;
}

/*
 * Called with kft_lock held.  Each site's line also gives the tracker
 * pages its calls added: the tracker keeps its tables until the kexec,
 * and a call that fails on a deeper table keeps the ones it got (they
 * hold no block), so those count here and are used by later calls.
 */
static int kft_run(const char *which)
{
	struct kft_site total = { .name = "total" }, site;
	unsigned int i, sites = 0;
	unsigned long tables;
	struct kho_stats *st;

	kft_before = kmalloc(sizeof(*kft_before), GFP_KERNEL);
	kft_after = kmalloc(sizeof(*kft_after), GFP_KERNEL);
	kft_ref = kmalloc(sizeof(*kft_ref), GFP_KERNEL);
	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!kft_before || !kft_after || !kft_ref || !st) {
		kfree(st);
		kfree(kft_before);
		kfree(kft_after);
		kfree(kft_ref);
		return -ENOMEM;
	}

	kft_report_len = 0;
	for (i = 0; i < ARRAY_SIZE(kft_sites); i++) {
		if (strcmp(which, "all") && strcmp(which, kft_sites[i].name))
			continue;
		site = (struct kft_site){ .name = kft_sites[i].name };
		tables = kft_tables(st);
		kft_sites[i].run(&site);
		tables = kft_tables(st) - tables;
		pr_info(KFT_SITE_FMT, site.name, site.ops, site.injected, site.enomem,
			site.absorbed, site.mismatches, tables);
		kft_say(KFT_SITE_FMT, site.name, site.ops, site.injected, site.enomem,
			site.absorbed, site.mismatches, tables);
		sites++;
		total.ops += site.ops;
		total.injected += site.injected;
		total.enomem += site.enomem;
		total.absorbed += site.absorbed;
		total.mismatches += site.mismatches;
	}
	kft_say("total sites=%u ops=%u injected=%u enomem=%u absorbed=%u mismatches=%u\n",
		sites, total.ops, total.injected, total.enomem, total.absorbed,
		total.mismatches);

	kfree(st);
	kfree(kft_before);
	kfree(kft_after);
	kfree(kft_ref);
	kft_before = NULL;
	kft_after = NULL;
	kft_ref = NULL;
	return sites ? 0 : -EINVAL;
}

static ssize_t kft_run_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char which[32];
	int err;

	if (!kho_is_enabled())
		return -EOPNOTSUPP;
	if (!len || len >= sizeof(which))
		return -EINVAL;
	if (copy_from_user(which, ubuf, len))
		return -EFAULT;
	which[len] = '\0';

	mutex_lock(&kft_lock);
	err = kft_run(strim(which));
	mutex_unlock(&kft_lock);
	return err ?: len;
}

static ssize_t kft_run_read(struct file *file, char __user *ubuf, size_t len,
			    loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&kft_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, kft_report,
				      kft_report_len);
	mutex_unlock(&kft_lock);
	return ret;
}

static const struct file_operations kft_run_fops = {
	.owner	= THIS_MODULE,
	.write	= kft_run_write,
	.read	= kft_run_read,
	.llseek	= default_llseek,
};

static u64 kft_fdt_hash(const void *fdt)
{
	u32 i, len = kft_fdt_used(fdt);
	u64 h = 0xcbf29ce484222325ULL;

	for (i = 0; i < len; i++)
		h = (h ^ ((const u8 *)fdt)[i]) * 0x100000001b3ULL;
	return h;
}

static ssize_t kft_digest_read(struct file *file, char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	struct kft_tracker t;
	struct kho_stats *st;
	char *buf;
	size_t n = 0;
	ssize_t ret;
	unsigned int i;

	if (!kho_out_fdt())
		return -EOPNOTSUPP;
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	st = kmalloc(sizeof(*st), GFP_KERNEL);
	ret = -ENOMEM;
	if (!buf || !st)
		goto out;
	ret = kft_tracker_read(&t);
	if (ret)
		goto out;
	kho_stats(st);
	n += scnprintf(buf + n, PAGE_SIZE - n, "blocks=%lu sum=%016llx orders=",
		       t.blocks, t.sum);
	for (i = 0; i <= MAX_PAGE_ORDER; i++)
		n += scnprintf(buf + n, PAGE_SIZE - n, "%s%u:%lu", i ? "," : "",
			       i, t.orders[i]);
	n += scnprintf(buf + n, PAGE_SIZE - n,
		       " fdt=%016llx tracker_nodes=%lu tracker_leaves=%lu\n",
		       kft_fdt_hash(kho_out_fdt()), st->nodes, st->leaves);
	ret = simple_read_from_buffer(ubuf, len, ppos, buf, n);
out:
	kfree(buf);
	kfree(st);
	return ret;
}

static const struct file_operations kft_digest_fops = {
	.owner	= THIS_MODULE,
	.read	= kft_digest_read,
	.llseek	= default_llseek,
};

static int __init kft_init(void)
{
	struct dentry *dir;

	if (!kho_is_enabled())
		return 0;
	dir = debugfs_create_dir("kho_fault_test", NULL);
	debugfs_create_file("run", 0600, dir, NULL, &kft_run_fops);
	debugfs_create_file("digest", 0400, dir, NULL, &kft_digest_fops);
	return 0;
}
late_initcall(kft_init);
