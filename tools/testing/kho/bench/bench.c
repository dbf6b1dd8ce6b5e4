// SPDX-License-Identifier: GPL-2.0
/*
 * Native benchmarks of kexec handover, all figures from one run:
 *
 * - restore: kho_reserve_preserved() of kho_reserve.c, the next kernel's
 *   walk of the tracker that vets every table and run of blocks and
 *   reserves the preserved pages in the real mm/memblock.c in one pass,
 *   against a baseline of one memblock_reserve() per block; in ns per
 *   preserved page, for several patterns at 1 GiB and 16 GiB;
 * - preserve: ns per kho_preserve_folio() (the harness's KHO core, whose
 *   work is kho_radix_add(), as in kexec_handover.c), sequential and
 *   random addresses;
 * - tracker size: metadata bytes per GiB preserved, against the bitmap
 *   limit of 32 KiB per GiB of order-0 pages.
 *
 *   kho-bench [-q]    -q: smaller sizes, for a quick look
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kexec_handover.h>
#include <linux/memblock.h>
#include <linux/mm.h>

#include "../../../../kernel/liveupdate/kexec_handover_internal.h"
#include "../../../../kernel/liveupdate/kho_radix.h"
#include "../shim/kho_shim.h"
#include "../shim/kho_sim.h"

#define GiB		BIT_ULL(30)
#define MiB		BIT_ULL(20)
#define SPAN		(16 * GiB)	/* preserved memory may lie here */
#define TREE_ROOM	(256 * MiB)	/* tracker pages come from here */

static unsigned long long rng = 0x2545f4914f6cdd1dULL;

static unsigned long long rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- patterns ------------------------------------------------------------ */

enum pattern { DENSE, EVERY_OTHER, RANDOM_HALF, MIXED };

static const char * const pattern_name[] = {
	[DENSE] = "dense order-0",
	[EVERY_OTHER] = "every other page",
	[RANDOM_HALF] = "random 50% order-0",
	[MIXED] = "mixed orders 0-10",
};

struct built {
	unsigned long pages, blocks;
	double preserve_s;
};

static void preserve(unsigned long pfn, unsigned int order, struct built *b)
{
	struct folio *folio = (struct folio *)pfn_to_page(pfn);

	folio->page.order = order;
	if (kho_preserve_folio(folio))
		abort();
	b->pages += 1UL << order;
	b->blocks++;
}

/* A fresh tracker holding @pattern over @bytes from the arena's start. */
static struct built build(enum pattern pattern, unsigned long long bytes)
{
	unsigned long first = kho_arena.base_pfn, pfn;
	unsigned long end = first + (bytes >> PAGE_SHIFT);
	struct built b = { 0 };
	double t0;

	if (kho_sim_start())
		abort();
	t0 = now();
	switch (pattern) {
	case DENSE:
		for (pfn = first; pfn < end; pfn++)
			preserve(pfn, 0, &b);
		break;
	case EVERY_OTHER:
		for (pfn = first; pfn < end; pfn += 2)
			preserve(pfn, 0, &b);
		break;
	case RANDOM_HALF:
		for (pfn = first; pfn < end; pfn++) {
			if (rnd() & 1)
				preserve(pfn, 0, &b);
		}
		break;
	case MIXED:
		/* back to back, each block aligned to its size */
		for (pfn = first; ; ) {
			unsigned int order = rnd() % (MAX_PAGE_ORDER + 1);
			unsigned long nr = 1UL << order;

			pfn = (pfn + nr - 1) & ~(nr - 1);
			if (pfn + nr > end)
				break;
			preserve(pfn, order, &b);
			pfn += nr;
		}
		break;
	}
	b.preserve_s = now() - t0;
	return b;
}

/* "1 GiB", "256 MiB" */
static const char *span(unsigned long long bytes)
{
	static char buf[4][16];
	static unsigned int i;
	char *b = buf[i++ % 4];

	if (bytes >= GiB)
		snprintf(b, 16, "%llu GiB", bytes / GiB);
	else
		snprintf(b, 16, "%llu MiB", bytes / MiB);
	return b;
}

/* ---- restore ----------------------------------------------------------- */

static bool walk_check(phys_addr_t phys, void *arg)
{
	return kho_arena_has(phys, PAGE_SIZE);
}

static int walk_visit(phys_addr_t phys, unsigned int order, unsigned long nr,
		      void *arg)
{
	*(unsigned long *)arg += nr;
	return 0;
}

/* The tracker walk alone, one pass, no memblock: best of a few. */
static double walk_only(void)
{
	double best = 1e9, t0, t;
	unsigned long n = 0;
	int i;

	for (i = 0; i < 5; i++) {
		t0 = now();
		if (kho_radix_walk(kho_sim.out->root, walk_check, walk_visit, &n))
			abort();
		t = now() - t0;
		if (t < best)
			best = t;
	}
	return best;
}

/*
 * The baseline: what a restore costs done block by block, one
 * memblock_reserve() and one head page mark (its order, for the restore
 * calls to find) per block, and no checks.
 */
static int baseline_visit(phys_addr_t phys, unsigned int order,
			  unsigned long nr, void *arg)
{
	unsigned long i;

	for (i = 0; i < nr; i++, phys += PAGE_SIZE << order) {
		if (memblock_reserve(phys, PAGE_SIZE << order))
			return -ENOMEM;
		kho_sim_page_mark(pfn_to_page(PHYS_PFN(phys)), order);
	}
	return 0;
}

static double restore_once(bool baseline, unsigned long *regions)
{
	unsigned long blocks[KHO_ORDER_0_LOG2 + 1] = { 0 };
	phys_addr_t root = virt_to_phys(kho_sim.out->root);
	double t0, t;
	int err;

	kho_mb_reset();
	memblock_add(kho_arena.base, kho_arena.size);
	t0 = now();
	if (baseline)
		err = kho_radix_walk(kho_sim.out->root, walk_check,
				     baseline_visit, NULL);
	else
		err = kho_reserve_preserved(root, NULL, 0, blocks);
	t = now() - t0;
	if (err)
		abort();
	*regions = kho_mb_reserved_cnt();
	return t;
}

/* Best of a few runs, fewer when one run is long. */
static double restore(bool baseline, unsigned long *regions)
{
	double best = restore_once(baseline, regions), t;
	int i;

	for (i = 1; i < 5 && best < 0.5; i++) {
		t = restore_once(baseline, regions);
		if (t < best)
			best = t;
	}
	return best;
}

/*
 * The baseline inserts one region at a time into a sorted array: past
 * about 100,000 regions it takes minutes, and is left out.
 */
#define BASELINE_MAX_REGIONS	100000

/* ns per page of the project's restore, by pattern, at the first span */
static double first_ns[MIXED + 1];

static void restore_row(enum pattern p, unsigned long long bytes)
{
	unsigned long reg_p, reg_b;
	struct built b = build(p, bytes);
	double tw = walk_only(), tp, tb, ns;
	char base[16] = "-", speed[16] = "-", lin[16] = "-";
	unsigned long long bitmap = (kho_arena.base + kho_arena.size) >>
				    PAGE_SHIFT >> 3;

	/*
	 * One untimed run first: it grows memblock's region array, which
	 * kho_mb_reset() keeps, and faults in the memmap.
	 */
	restore_once(false, &reg_p);
	tp = restore(false, &reg_p);
	ns = tp * 1e9 / b.pages;
	if (!first_ns[p])
		first_ns[p] = ns;
	else
		snprintf(lin, sizeof(lin), "%.2fx", ns / first_ns[p]);
	if (reg_p <= BASELINE_MAX_REGIONS) {
		tb = restore(true, &reg_b);
		snprintf(base, sizeof(base), "%.2f", tb * 1e9 / b.pages);
		snprintf(speed, sizeof(speed), "%.1fx", tb / tp);
	}
	printf("| %-18s | %8s | %9lu | %9lu | %8lu | ", pattern_name[p],
	       span(bytes), b.pages, b.blocks, reg_p);
	printf("%8.2f | %8.2f | %10s | %7s | %9s | %7llu | %8lu |\n",
	       tw * 1e9 / b.pages, ns, base, speed, lin, bitmap >> 10,
	       reg_p * 24 >> 10);
	fflush(stdout);
}

/* ---- preserve ---------------------------------------------------------- */

static void preserve_rows(unsigned long long bytes)
{
	unsigned long n = bytes >> PAGE_SHIFT, i, *order;
	struct built b;
	double t0, t;

	b = build(DENSE, bytes);
	printf("| %-26s | %8s | %9lu | %8.1f |\n",
	       "sequential, order 0", span(bytes), n,
	       b.preserve_s * 1e9 / n);

	order = malloc(n * sizeof(*order));
	if (!order)
		abort();
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n - 1; i > 0; i--) {
		unsigned long j = rnd() % (i + 1), x = order[i];

		order[i] = order[j];
		order[j] = x;
	}
	if (kho_sim_start())
		abort();
	memset(&b, 0, sizeof(b));
	t0 = now();
	for (i = 0; i < n; i++)
		preserve(kho_arena.base_pfn + order[i], 0, &b);
	t = now() - t0;
	printf("| %-26s | %8s | %9lu | %8.1f |\n",
	       "random, order 0", span(bytes), n, t * 1e9 / n);
	free(order);
	fflush(stdout);
}

/* ---- tracker size ------------------------------------------------------- */

static void size_row(enum pattern p, unsigned long long bytes)
{
	struct built b = build(p, bytes);
	unsigned long tables = kho_sim.out->nodes + kho_sim.out->leaves;
	double gib = (double)b.pages * PAGE_SIZE / GiB;
	double per_gib = tables * PAGE_SIZE / gib;
	double leaf_gib = kho_sim.out->leaves * PAGE_SIZE / gib;

	printf("| %-18s | %8s | %8.2f | %5lu | %6lu | %10.0f | %10.0f | %7.3f |\n",
	       pattern_name[p], span(bytes), gib, kho_sim.out->nodes,
	       kho_sim.out->leaves, leaf_gib, per_gib, per_gib / 32768);
	fflush(stdout);
}

static void cpu_name(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(buf, len, "unknown CPU");
	while (f && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "model name");

		if (p)
			p = strchr(p, ':');
		if (p) {
			snprintf(buf, len, "%s", p + 2);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && !strcmp(argv[1], "-q");
	enum pattern p;
	unsigned long long big = quick ? 2 * GiB : SPAN;
	char cpu[128];
	double t0 = now();

	if (kho_arena_init(SPAN + TREE_ROOM)) {
		fprintf(stderr, "kho-bench: cannot map the arena\n");
		return 1;
	}
	/* the tracker's pages come from above the preserved span */
	kho_arena_window(kho_arena.base_pfn + (SPAN >> PAGE_SHIFT),
			 kho_arena.base_pfn + kho_arena.nr_pages);
	kho_arena.poison = false;
	kho_log_quiet(true);
	cpu_name(cpu, sizeof(cpu));

	printf("KHO native benchmark: kernel/liveupdate/kho_reserve.c, kho_radix.c\n"
	       "and mm/memblock.c at -O2\n");
	printf("%s, %ld CPUs\n\n", cpu, sysconf(_SC_NPROCESSORS_ONLN));

	printf("Restore: kho_reserve_preserved() walks the tracker once, vets every table\n"
	       "and run of blocks in a page bitmap, and reserves the bitmap's runs in the\n"
	       "real memblock in one pass; no struct page is written.\n"
	       "baseline = one memblock_reserve() and one head page mark per block.\n\n");
	printf("| %-18s | %8s | %9s | %9s | %8s | %8s | %8s | %10s | %7s | %9s | %7s | %8s |\n",
	       "pattern", "span", "pages", "blocks", "regions", "walk",
	       "project", "baseline", "faster", "vs first", "bitmap",
	       "regions");
	printf("| %-18s | %8s | %9s | %9s | %8s | %8s | %8s | %10s | %7s | %9s | %7s | %8s |\n",
	       "", "", "", "", "", "ns/page", "ns/page", "ns/page", "", "span",
	       "KiB", "KiB");
	printf("|--------------------|----------|-----------|-----------|----------|");
	printf("----------|----------|------------|---------|-----------|---------|----------|\n");
	for (p = DENSE; p <= MIXED; p++) {
		restore_row(p, 1 * GiB);
		restore_row(p, big);
	}
	printf("\nwalk = one kho_radix_walk() pass with a trivial callback per run of blocks;\n"
	       "vs first span = project ns/page here over ns/page at 1 GiB (linear: about 1);\n"
	       "bitmap = the walk's page bitmap (freed after), regions = memblock regions added\n"
	       "(24 bytes each; the tracker's own pages are one or two of them, the baseline\n"
	       "leaves them out), both from scratch in the kernel; the baseline is left out (-)\n"
	       "above %d regions, where its one-at-a-time insertion takes minutes to hours;\n"
	       "best of up to 5 runs, after one untimed run that grows memblock's arrays.\n",
	       BASELINE_MAX_REGIONS);

	printf("\nPreserve: ns per kho_preserve_folio() (tracker insert, kho_radix_add()).\n\n");
	printf("| %-26s | %8s | %9s | %8s |\n", "addresses", "span", "folios",
	       "ns/folio");
	printf("|----------------------------|----------|-----------|----------|\n");
	preserve_rows(big);

	printf("\nTracker metadata per GiB preserved (node and leaf pages),\n"
	       "against the 32 KiB/GiB bitmap limit.\n\n");
	printf("| %-18s | %8s | %8s | %5s | %6s | %10s | %10s | %7s |\n", "pattern",
	       "span", "GiB kept", "nodes", "leaves", "leaf B/GiB",
	       "all B/GiB", "/ limit");
	printf("|--------------------|----------|----------|-------|--------|");
	printf("------------|------------|---------|\n");
	size_row(DENSE, 1 * GiB);
	size_row(DENSE, big);
	size_row(EVERY_OTHER, 1 * GiB);
	size_row(MIXED, big);

	printf("\n(total %.0f s)\n", now() - t0);
	kho_sim_stop();
	return 0;
}
