// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover (KHO) round-trip test.
 *
 * Every kernel that runs with KHO enabled does three things at
 * late_initcall time:
 *
 * 1. If it was started by a KHO handover that carries a "test-kho" subtree,
 *    it checks the data the previous kernel left for it: every generation
 *    in the subtree.  The subtree and the record arrays it points to are
 *    treated as untrusted input.  The struct page of each table of the
 *    incoming tracker is checked first.  Each recorded folio is restored,
 *    its struct pages checked (the node and zone that span it, one
 *    reference) and its order, CRC32 and every byte compared with the
 *    record; where the folios of each node lie is logged; then each
 *    generation's library layers are restored and compared.  Unless
 *    test_kho.fill=0, most of the free memory is then
 *    allocated and overwritten, and every restored folio is checked again:
 *    a preserved page that was wrongly given to the page allocator shows up
 *    as a checksum mismatch.  Each generation gets a line "test_kho:
 *    verified generation=N ..."; the outcome is one console line, whose
 *    first fields are those of the newest generation:
 *
 *      test_kho: RESULT status=PASS|FAIL|NONE ...
 *
 * 2. It hands on every generation it verified, each kept where it is: the
 *    restored folios, vmalloc areas, kho_array and kho_block chain are
 *    preserved again, so that a chain of kexecs carries generation 1 (made
 *    by the first kernel) through every handover.  Each one it carried is
 *    logged as "test_kho: carried generation=N ...".
 *
 * 3. It preserves a fresh set of folios of random orders, filled with
 *    pseudo-random bytes that any kernel can compute again from the
 *    generation and the record (so the next kernels compare every byte),
 *    for the next kernel (test_kho.size_mb MiB anywhere, or
 *    test_kho.node_mb MiB on each node), and registers this subtree
 *    (integers are native-endian u64, as everything in the KHO ABI):
 *
 *      / {
 *              compatible = "kho-test-v1";
 *              generation = <u64: 1, or the newest generation received + 1>;
 *              records = <u64: physical address of the record array>;
 *              nr-records = <u64: number of records>;
 *              layers = <struct test_kho_layers>;
 *              gen-N {
 *                      generation, records, nr-records, layers: the same,
 *                      for each older generation N handed on
 *              };
 *      };
 *
 *    The record array is a packed array of struct test_kho_record.  The
 *    subtree and the arrays live in memory from kho_alloc_preserve().
 *
 * Each kernel judges itself and says so in one KTAP document, every line
 * starting with "test_kho: ": "KTAP version 1", the plan, then "ok N NAME"
 * or "not ok N NAME" per check with "# NAME: ..." diagnostics before it.
 * What it expects comes from its command line: test_kho.stage (which
 * kernel of the chain this is, set by the test /init; the first expects
 * no handover), test_kho.kexec_load (started by kexec_load(2), which
 * carries none) and test_kho.corrupt (the damage kernel A did on purpose:
 * the whole handover must have been refused, or only the damaged layer,
 * with everything else verified).
 */

#define pr_fmt(fmt) "test_kho: " fmt

#include <linux/build_bug.h>
#include <linux/crc32.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/block.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/kho_array.h>
#include <linux/kho_block.h>
#include <linux/libfdt.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>

#include "../kernel/liveupdate/kexec_handover_internal.h"
#include "../kernel/liveupdate/kho_radix.h"

#define TEST_KHO_NAME		"test-kho"
#define TEST_KHO_COMPATIBLE	"kho-test-v1"
#define TEST_KHO_FDT_SIZE	PAGE_SIZE
/* The record array is one kho_alloc_preserve() allocation. */
#define TEST_KHO_MAX_RECORDS	\
	((PAGE_SIZE << MAX_PAGE_ORDER) / sizeof(struct test_kho_record))
/* Memory left to the rest of the kernel by the fill phase. */
#define TEST_KHO_FILL_KEEP	(SZ_16M >> PAGE_SHIFT)
#define TEST_KHO_FILL_GFP	\
	(GFP_HIGHUSER_MOVABLE | __GFP_NORETRY | __GFP_NOWARN)
#define TEST_KHO_FILL_BYTE	0xa5
#define TEST_KHO_ORDERS_LEN	((MAX_PAGE_ORDER + 1) * 24)
/* Generations one handover can carry: the newest and the gen-N nodes. */
#define TEST_KHO_MAX_GENS	16

static unsigned int size_mb = 64;
module_param(size_mb, uint, 0444);
MODULE_PARM_DESC(size_mb, "MiB of folios to preserve for the next kernel");

static unsigned int node_mb;
module_param(node_mb, uint, 0444);
MODULE_PARM_DESC(node_mb,
		 "MiB of folios to preserve on each node with memory, instead of size_mb");

static bool fill = true;
module_param(fill, bool, 0444);
MODULE_PARM_DESC(fill, "Fill free memory before checking the checksums again");

static char *corrupt;
module_param(corrupt, charp, 0444);
MODULE_PARM_DESC(corrupt,
		 "Damage the handover on purpose: root-magic, root-compatible, tracker-root, root-fdt-hole, subtree-mmio, subtree-unpreserved, table-low-memory, table-dag, many-blocks, vmalloc-chunk, array-magic or block-cycle");

static unsigned int stage = 1;
module_param(stage, uint, 0444);
MODULE_PARM_DESC(stage,
		 "Which kernel of the chain this is; set by the test /init (1: the first)");

static bool from_kexec_load;
module_param_named(kexec_load, from_kexec_load, bool, 0444);
MODULE_PARM_DESC(kexec_load,
		 "Started by kexec_load(2), which carries no handover: expect none");

static unsigned int scatter_mb = 256;
module_param(scatter_mb, uint, 0444);
MODULE_PARM_DESC(scatter_mb,
		 "corrupt=many-blocks preserves every other page of this many MiB");

/*
 * Extra command line for the next kernel, read by the test /init from
 * /sys/module/test_kho/parameters/next_args: corrupt=root-fdt-hole puts a
 * memmap= there that turns the page of the root FDT into a hole.
 */
static char next_args[64];
module_param_string(next_args, next_args, sizeof(next_args), 0444);
MODULE_PARM_DESC(next_args, "Set by the test: extra arguments for the next kernel");

/* One preserved folio; crosses the kexec. */
struct test_kho_record {
	u64 phys;
	u32 order;
	u32 csum;
};

static_assert(sizeof(struct test_kho_record) == 16);

/* One kho_block record: 48 bytes. */
struct test_kho_block_rec {
	u64 index;
	u64 generation;
	u64 data[4];
};

static_assert(sizeof(struct test_kho_block_rec) == 48);

/* The "layers" property of a generation; crosses the kexec. */
struct test_kho_layers {
	struct kho_vmalloc vm[2];
	u64 vm_size[2];
	u32 vm_csum[2];
	struct kho_array ka;
	u64 block_head;
	u64 block_count;
	char damage[16];
} __packed;

/*
 * One generation this kernel received: checked, then handed on (carried)
 * or freed.  Not __initdata: what is carried stays until the kexec.
 */
struct test_kho_in {
	int off;			/* its node in the subtree; 0: newest */
	struct test_kho_record *recs;	/* the incoming record array */
	struct folio **folios;
	u64 generation;
	u64 nr;
	u64 restored;
	u64 bytes;
	unsigned long orders[MAX_PAGE_ORDER + 1];
	struct test_kho_layers l;	/* as received; then as handed on */
	void *vm[2];			/* restored vmalloc areas */
	bool ka_restored;		/* l.ka is a restored array */
	struct kho_block_set blocks;	/* the restored chain */
	bool verified;			/* all of it, nothing refused */
	bool carried;
	struct test_kho_record *out_recs;	/* its records, handed on */
	char reason[128];
};

/* The handover this kernel received: the subtree and its generations. */
struct test_kho_handover {
	void *fdt;
	unsigned int nr_gens;
	struct test_kho_in gens[TEST_KHO_MAX_GENS];
};

/* What this kernel leaves to the next one; kept until the kexec. */
struct test_kho_out {
	struct list_head folios;
	struct test_kho_record *recs;
	void *fdt;
	unsigned long nr;
	unsigned long preserved;
	u64 bytes;
	unsigned long orders[MAX_PAGE_ORDER + 1];
};

static struct test_kho_handover test_kho_in;

/* Where the folios of one node lie, for the log. */
struct test_kho_node {
	unsigned long folios;
	unsigned long pages;
	unsigned long lo;	/* first pfn */
	unsigned long hi;	/* last pfn + 1 */
};

static struct test_kho_node test_kho_nodes[MAX_NUMNODES] __initdata;

static void __init test_kho_node_add(struct folio *folio)
{
	struct test_kho_node *n = &test_kho_nodes[folio_nid(folio)];
	unsigned long pfn = folio_pfn(folio);

	if (!n->folios || pfn < n->lo)
		n->lo = pfn;
	n->hi = max(n->hi, pfn + folio_nr_pages(folio));
	n->folios++;
	n->pages += folio_nr_pages(folio);
}

/* One line per node with folios; then start over. */
static void __init test_kho_node_report(const char *done)
{
	struct test_kho_node *n;
	int nid;

	for_each_online_node(nid) {
		n = &test_kho_nodes[nid];
		if (n->folios)
			pr_info("node %d: %s %lu folios, %lu pages, at %#llx-%#llx\n",
				nid, done, n->folios, n->pages,
				(u64)PFN_PHYS(n->lo), (u64)PFN_PHYS(n->hi));
	}
	memset(test_kho_nodes, 0, sizeof(test_kho_nodes));
}

static struct test_kho_out test_kho_out = {
	.folios = LIST_HEAD_INIT(test_kho_out.folios),
};

/* One check of this kernel, for its KTAP document. */
struct test_kho_point {
	bool ok;
	bool skip;
	char name[32];
	char diag[192];
};

#define TEST_KHO_MAX_POINTS	(TEST_KHO_MAX_GENS + 8)

static struct test_kho_point test_kho_points[TEST_KHO_MAX_POINTS] __initdata;
static unsigned int test_kho_nr_points __initdata;

/* Record the outcome of check @name, with a diagnostic if @fmt. */
static __printf(4, 5) void __init test_kho_report(bool ok, bool skip,
						  const char *name,
						  const char *fmt, ...)
{
	struct test_kho_point *p;
	va_list args;

	if (test_kho_nr_points == TEST_KHO_MAX_POINTS)
		return;
	p = &test_kho_points[test_kho_nr_points++];
	p->ok = ok;
	p->skip = skip;
	strscpy(p->name, name, sizeof(p->name));
	p->diag[0] = '\0';
	if (fmt) {
		va_start(args, fmt);
		vsnprintf(p->diag, sizeof(p->diag), fmt, args);
		va_end(args);
	}
}

/* Print the KTAP document of this kernel's checks. */
static void __init test_kho_ktap(void)
{
	struct test_kho_point *p;
	unsigned int i;

	pr_info("KTAP version 1\n");
	pr_info("# stage=%u kexec_load=%d corrupt=%s fill=%d\n", stage,
		from_kexec_load, corrupt ?: "-", fill);
	pr_info("1..%u\n", test_kho_nr_points);
	for (i = 0; i < test_kho_nr_points; i++) {
		p = &test_kho_points[i];
		if (*p->diag && !p->skip)
			pr_info("# %s: %s\n", p->name, p->diag);
		pr_info("%s %u %s%s%s\n", p->ok ? "ok" : "not ok", i + 1,
			p->name, p->skip ? " # SKIP " : "",
			p->skip ? p->diag : "");
	}
}

/* Damage that makes the next kernel refuse the whole handover. */
static bool __init test_kho_whole_damage(void)
{
	static const char * const kinds[] __initconst = {
		"root-magic", "root-compatible", "tracker-root",
		"root-fdt-hole", "subtree-mmio", "subtree-unpreserved",
		"table-low-memory", "table-dag", "many-blocks",
	};
	unsigned int i;

	for (i = 0; corrupt && i < ARRAY_SIZE(kinds); i++) {
		if (!strcmp(corrupt, kinds[i]))
			return true;
	}
	return false;
}

/* The library layer kernel A damaged for this kernel, or "". */
static const char * __init test_kho_layer_damage(void)
{
	if (stage < 2 || !corrupt || test_kho_whole_damage())
		return "";
	return corrupt;
}

/* Must this kernel have accepted a handover from the previous one? */
static bool __init test_kho_want_handover(void)
{
	return stage > 1 && !from_kexec_load && !test_kho_whole_damage();
}

static u32 __init test_kho_csum(struct folio *folio)
{
	long i, nr = folio_nr_pages(folio);
	u32 crc = ~0;

	for (i = 0; i < nr; i++) {
		void *addr = kmap_local_folio(folio, i * PAGE_SIZE);

		crc = crc32_le(crc, addr, PAGE_SIZE);
		kunmap_local(addr);
	}
	return crc;
}

static u64 __init test_kho_mix(u64 a, u64 b)
{
	return (a * 0x9e3779b97f4a7c15ULL) ^ (b + 0x632be59bd9b4e019ULL);
}

/* The seed of the data of record @rec (or of a vmalloc area) of @gen. */
static u64 __init test_kho_seed(u64 gen, u64 rec)
{
	return test_kho_mix(gen + 1, rec ^ 0x7e57d474ULL);
}

/* Word @i of the data of @seed: a splitmix64 step, cheap to redo. */
static u64 __init test_kho_word(u64 seed, u64 i)
{
	u64 x = seed + (i + 1) * 0x9e3779b97f4a7c15ULL;

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Fill @size bytes with the data of @seed from word @first on. */
static void __init test_kho_pattern(void *buf, size_t size, u64 seed,
				    u64 first)
{
	size_t i, n = size / sizeof(u64);
	u64 *w = buf, tail;

	for (i = 0; i < n; i++)
		w[i] = test_kho_word(seed, first + i);
	if (size % sizeof(u64)) {
		tail = test_kho_word(seed, first + n);
		memcpy(w + n, &tail, size % sizeof(u64));
	}
}

/* Are @size bytes the data of @seed from word @first on, every byte? */
static bool __init test_kho_pattern_ok(const void *buf, size_t size,
				       u64 seed, u64 first)
{
	size_t i, n = size / sizeof(u64);
	const u64 *w = buf;
	u64 tail;

	for (i = 0; i < n; i++) {
		if (w[i] != test_kho_word(seed, first + i))
			return false;
	}
	if (size % sizeof(u64)) {
		tail = test_kho_word(seed, first + n);
		if (memcmp(w + n, &tail, size % sizeof(u64)))
			return false;
	}
	return true;
}

#define TEST_KHO_PAGE_WORDS	(PAGE_SIZE / sizeof(u64))

static void __init test_kho_folio_fill(struct folio *folio, u64 seed)
{
	long i;

	for (i = 0; i < folio_nr_pages(folio); i++) {
		void *addr = kmap_local_folio(folio, i * PAGE_SIZE);

		test_kho_pattern(addr, PAGE_SIZE, seed, i * TEST_KHO_PAGE_WORDS);
		kunmap_local(addr);
	}
}

static bool __init test_kho_folio_ok(struct folio *folio, u64 seed)
{
	bool ok = true;
	long i;

	for (i = 0; ok && i < folio_nr_pages(folio); i++) {
		void *addr = kmap_local_folio(folio, i * PAGE_SIZE);

		ok = test_kho_pattern_ok(addr, PAGE_SIZE, seed,
					 i * TEST_KHO_PAGE_WORDS);
		kunmap_local(addr);
	}
	return ok;
}

static void __init test_kho_format_orders(char *buf, size_t size,
					  const unsigned long *orders)
{
	size_t len = 0;
	unsigned int i;

	for (i = 0; i <= MAX_PAGE_ORDER; i++)
		len += scnprintf(buf + len, size - len, "%s%u:%lu",
				 i ? "," : "", i, orders[i]);
}

/* Is [phys, phys + size) page aligned and entirely ordinary RAM? */
static bool __init test_kho_is_ram(u64 phys, u64 size)
{
	if (!PAGE_ALIGNED(phys) || !size || phys + size < phys)
		return false;
	if (!pfn_valid(PHYS_PFN(phys)) || !pfn_valid(PHYS_PFN(phys + size - 1)))
		return false;
	return region_intersects(phys, size, IORESOURCE_SYSTEM_RAM,
				 IORES_DESC_NONE) == REGION_INTERSECTS;
}

static __printf(2, 3) int __init test_kho_fail(struct test_kho_in *in,
					       const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(in->reason, sizeof(in->reason), fmt, args);
	va_end(args);
	return -EINVAL;
}

static int __init test_kho_get_u64(const void *fdt, int off, const char *name,
				   u64 *val)
{
	const void *prop;
	int len;

	prop = fdt_getprop(fdt, off, name, &len);
	if (!prop || len != sizeof(u64))
		return -EINVAL;
	*val = get_unaligned((const u64 *)prop);
	return 0;
}

/* Check one generation's node and the record array it points to. */
static int __init test_kho_parse_gen(struct test_kho_in *in, const void *fdt,
				     int off)
{
	u64 generation, recs_phys;

	in->off = off;
	if (test_kho_get_u64(fdt, off, "generation", &generation) ||
	    test_kho_get_u64(fdt, off, "records", &recs_phys) ||
	    test_kho_get_u64(fdt, off, "nr-records", &in->nr) || !generation)
		return test_kho_fail(in, "bad-fdt");
	in->generation = generation;

	if (!in->nr || in->nr > TEST_KHO_MAX_RECORDS ||
	    !test_kho_is_ram(recs_phys, in->nr * sizeof(*in->recs)))
		return test_kho_fail(in, "bad-records phys=0x%llx nr=%llu",
				     recs_phys, in->nr);
	in->recs = phys_to_virt(recs_phys);
	return 0;
}

/*
 * Check the subtree, its newest generation (the root node) and each older
 * one (the gen-N nodes, older than the newest and each seen once).
 */
static int __init test_kho_parse(struct test_kho_handover *ho,
				 phys_addr_t phys)
{
	struct test_kho_in *in = &ho->gens[0];
	void *fdt;
	int off, err;
	unsigned int i;

	ho->nr_gens = 1;
	if (!test_kho_is_ram(phys, TEST_KHO_FDT_SIZE))
		return test_kho_fail(in, "bad-fdt phys=0x%llx", (u64)phys);
	fdt = phys_to_virt(phys);
	ho->fdt = fdt;

	if (fdt_check_header(fdt) || fdt_totalsize(fdt) > TEST_KHO_FDT_SIZE ||
	    fdt_node_check_compatible(fdt, 0, TEST_KHO_COMPATIBLE))
		return test_kho_fail(in, "bad-fdt");
	err = test_kho_parse_gen(in, fdt, 0);
	if (err)
		return err;

	fdt_for_each_subnode(off, fdt, 0) {
		if (ho->nr_gens == TEST_KHO_MAX_GENS)
			return test_kho_fail(in, "bad-fdt generations>%u",
					     TEST_KHO_MAX_GENS);
		in = &ho->gens[ho->nr_gens++];
		err = test_kho_parse_gen(in, fdt, off);
		if (err)
			return err;
		if (in->generation >= ho->gens[0].generation)
			return test_kho_fail(in, "bad-fdt generation=%llu",
					     in->generation);
		for (i = 1; i < ho->nr_gens - 1; i++) {
			if (ho->gens[i].generation == in->generation)
				return test_kho_fail(in, "bad-fdt generation=%llu twice",
						     in->generation);
		}
	}
	return 0;
}

/*
 * The struct pages of a restored folio must be those of allocated memory:
 * of the node and zone that span the folio, not reserved, one reference.
 * Struct pages that nothing initialised (deferred struct page init, above
 * a node's boundary) fail this.
 */
static bool __init test_kho_pages_sane(struct folio *folio)
{
	unsigned long pfn = folio_pfn(folio), nr = folio_nr_pages(folio), i;
	enum zone_type zid = folio_zonenum(folio);
	int nid = folio_nid(folio);
	struct zone *zone;

	if (!node_online(nid) || zid >= MAX_NR_ZONES)
		return false;
	zone = &NODE_DATA(nid)->node_zones[zid];
	if (!zone_spans_pfn(zone, pfn) || !zone_spans_pfn(zone, pfn + nr - 1) ||
	    folio_ref_count(folio) != 1)
		return false;
	for (i = 0; i < nr; i++) {
		struct page *page = folio_page(folio, i);

		if (page_to_nid(page) != nid || page_zonenum(page) != zid ||
		    PageReserved(page))
			return false;
	}
	return true;
}

static int __init test_kho_restore(struct test_kho_in *in)
{
	struct folio *folio;
	u64 i;

	in->folios = kvcalloc(in->nr, sizeof(*in->folios), GFP_KERNEL);
	if (!in->folios)
		return test_kho_fail(in, "nomem");

	for (i = 0; i < in->nr; i++) {
		u64 phys = in->recs[i].phys;
		u32 order = in->recs[i].order;

		if (order > MAX_PAGE_ORDER ||
		    !IS_ALIGNED(phys, PAGE_SIZE << order))
			return test_kho_fail(in, "bad-record index=%llu phys=0x%llx order=%u",
					     i, phys, order);
		folio = kho_restore_folio(phys);
		if (!folio)
			return test_kho_fail(in, "restore phys=0x%llx order=%u",
					     phys, order);
		in->folios[in->restored++] = folio;
		if (!test_kho_pages_sane(folio))
			return test_kho_fail(in, "struct-page phys=0x%llx nid=%d zone=%d ref=%d",
					     phys, folio_nid(folio),
					     folio_zonenum(folio),
					     folio_ref_count(folio));
		if (folio_order(folio) != order)
			return test_kho_fail(in, "order phys=0x%llx order=%u got=%u",
					     phys, order, folio_order(folio));
		test_kho_node_add(folio);
		if (test_kho_csum(folio) != in->recs[i].csum)
			return test_kho_fail(in, "checksum phys=0x%llx order=%u after=restore",
					     phys, order);
		if (!test_kho_folio_ok(folio, test_kho_seed(in->generation, i)))
			return test_kho_fail(in, "bytes phys=0x%llx order=%u after=restore",
					     phys, order);
		in->orders[order]++;
		in->bytes += folio_size(folio);
		cond_resched();
	}
	return 0;
}

static void __init test_kho_fill_block(struct page *page, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < 1UL << order; i++) {
		void *addr = kmap_local_page(nth_page(page, i));

		memset(addr, TEST_KHO_FILL_BYTE, PAGE_SIZE);
		kunmap_local(addr);
	}
}

/* Allocate and overwrite most free memory; returns the pages taken. */
static unsigned long __init test_kho_fill(struct list_head *blocks)
{
	unsigned int order = MAX_PAGE_ORDER;
	unsigned long pages = 0;
	struct page *page;

	while (global_zone_page_state(NR_FREE_PAGES) > TEST_KHO_FILL_KEEP) {
		page = alloc_pages(TEST_KHO_FILL_GFP, order);
		if (!page) {
			if (!order)
				break;
			order--;
			continue;
		}
		set_page_private(page, order);
		list_add(&page->lru, blocks);
		test_kho_fill_block(page, order);
		pages += 1UL << order;
		cond_resched();
	}
	return pages;
}

static void __init test_kho_unfill(struct list_head *blocks)
{
	struct page *page, *tmp;
	unsigned int order;

	list_for_each_entry_safe(page, tmp, blocks, lru) {
		list_del(&page->lru);
		order = page_private(page);
		set_page_private(page, 0);
		__free_pages(page, order);
	}
}

static int __init test_kho_recheck(struct test_kho_in *in)
{
	struct folio *folio;
	u64 i;

	for (i = 0; i < in->restored; i++) {
		folio = in->folios[i];
		if (test_kho_csum(folio) != in->recs[i].csum)
			return test_kho_fail(in, "checksum phys=0x%llx order=%u after=fill",
					     (u64)PFN_PHYS(folio_pfn(folio)),
					     folio_order(folio));
		cond_resched();
	}
	return 0;
}

/* Free what this kernel restored of a generation it does not hand on. */
static void __init test_kho_release(struct test_kho_in *in)
{
	unsigned int i;
	u64 k;

	if (!in->carried) {
		for (k = 0; k < in->restored; k++)
			folio_put(in->folios[k]);
		kvfree(in->folios);
		in->folios = NULL;
		in->restored = 0;
		for (i = 0; i < ARRAY_SIZE(in->vm); i++) {
			vfree(in->vm[i]);
			in->vm[i] = NULL;
		}
		if (in->ka_restored)
			kho_array_destroy(&in->l.ka);
		in->ka_restored = false;
		kho_block_set_destroy(&in->blocks);
	}
	if (in->recs)
		kho_restore_free(in->recs);
	in->recs = NULL;
}

/*
 * The library layers travel next to the folios: two vmalloc areas, a
 * kho_array of values and of pointers into the preserved folios, and a
 * kho_block set of records.  Their descriptors sit in the subtree's
 * "layers" property; everything is derived from the generation, so the
 * next kernel knows what to expect.
 */
#define TEST_KHO_VM_BIG		(SZ_4M + 3 * PAGE_SIZE)
#define TEST_KHO_VM_SMALL	(5 * PAGE_SIZE + 123)
#define TEST_KHO_KA_DENSE	1500
#define TEST_KHO_KA_PTRS	64
#define TEST_KHO_BLOCKS		3000

static struct test_kho_layers test_kho_layers_out;
static void *test_kho_vm_out[2];
static struct kho_block_set test_kho_blocks_out =
	KHO_BLOCK_SET_INIT(test_kho_blocks_out, struct test_kho_block_rec);

/*
 * The @k-th entry of the array: its index, and either a value or the
 * record whose folio it points at.  Returns false past the last entry.
 */
static bool __init test_kho_ka_entry(unsigned long k, u64 gen, u64 nr,
				     unsigned long *index, void **value,
				     u64 *rec)
{
	unsigned long ptrs = min_t(u64, nr, TEST_KHO_KA_PTRS);

	*value = NULL;
	if (k < TEST_KHO_KA_DENSE) {
		*index = k;
		*value = ka_mk_value(test_kho_mix(k, gen) & LONG_MAX);
	} else if (k < TEST_KHO_KA_DENSE + ptrs) {
		*rec = k - TEST_KHO_KA_DENSE;
		*index = 4096 + *rec * 3;
	} else if (k == TEST_KHO_KA_DENSE + ptrs) {
		*index = 1UL << 20;
		*value = ka_mk_value(gen);
	} else if (k == TEST_KHO_KA_DENSE + ptrs + 1) {
		*index = 1UL << 40;
		*rec = 0;
	} else {
		return false;
	}
	return true;
}

/* How many entries the array of a set of @nr folios holds. */
static unsigned long __init test_kho_ka_count(u64 nr)
{
	unsigned long k = 0, index;
	void *value;
	u64 rec;

	while (test_kho_ka_entry(k, 0, nr, &index, &value, &rec))
		k++;
	return k;
}

static u32 __init test_kho_crc(const void *buf, size_t size)
{
	return crc32_le(~0, buf, size);
}

static void __init test_kho_block_fill(struct test_kho_block_rec *r,
				       u64 index, u64 gen)
{
	unsigned int j;

	r->index = index;
	r->generation = gen;
	for (j = 0; j < ARRAY_SIZE(r->data); j++)
		r->data[j] = test_kho_mix(index * 4 + j, gen);
}

static void __init test_kho_layers_free(void)
{
	struct test_kho_layers *l = &test_kho_layers_out;
	unsigned int i;

	kho_block_set_destroy(&test_kho_blocks_out);
	kho_array_destroy(&l->ka);
	for (i = 0; i < ARRAY_SIZE(test_kho_vm_out); i++) {
		vfree(test_kho_vm_out[i]);
		test_kho_vm_out[i] = NULL;
	}
}

/* The seed of vmalloc area @i of @gen: no record index comes near it. */
static u64 __init test_kho_vm_seed(u64 gen, unsigned int i)
{
	return test_kho_seed(gen, (1ULL << 62) + i);
}

/* Build and preserve the layers; @recs are the preserved folios. */
static int __init test_kho_layers_preserve(u64 gen,
					   const struct test_kho_record *recs,
					   u64 nr)
{
	struct test_kho_layers *l = &test_kho_layers_out;
	unsigned long k, index;
	struct ka_iter iter;
	unsigned int i;
	void *value;
	int err;
	u64 rec;

	l->vm_size[0] = TEST_KHO_VM_BIG;
	l->vm_size[1] = TEST_KHO_VM_SMALL;
	test_kho_vm_out[0] = vmalloc_huge(TEST_KHO_VM_BIG, GFP_KERNEL);
	test_kho_vm_out[1] = vmalloc(TEST_KHO_VM_SMALL);
	err = -ENOMEM;
	if (!test_kho_vm_out[0] || !test_kho_vm_out[1])
		goto err_free;
	for (i = 0; i < 2; i++) {
		test_kho_pattern(test_kho_vm_out[i], l->vm_size[i],
				 test_kho_vm_seed(gen, i), 0);
		l->vm_csum[i] = test_kho_crc(test_kho_vm_out[i], l->vm_size[i]);
		err = kho_preserve_vmalloc(test_kho_vm_out[i], &l->vm[i]);
		if (err)
			goto err_unpreserve_vm;
	}

	kho_array_init(&l->ka);
	ka_iter_init_write(&iter, &l->ka);
	for (k = 0; test_kho_ka_entry(k, gen, nr, &index, &value, &rec); k++) {
		if (!value)
			value = phys_to_virt(recs[rec].phys);
		err = ka_iter_setpos(&iter, index);
		err = err ?: ka_iter_setentry(&iter, value);
		if (err)
			goto err_unpreserve_vm;
	}
	err = kho_array_preserve(&l->ka);
	if (err)
		goto err_unpreserve_vm;

	err = kho_block_set_grow(&test_kho_blocks_out, TEST_KHO_BLOCKS);
	if (err)
		goto err_unpreserve_array;
	{
		struct kho_block_set_it it;

		kho_block_set_it_init(&it, &test_kho_blocks_out, 0);
		for (k = 0; k < TEST_KHO_BLOCKS; k++)
			test_kho_block_fill(kho_block_set_it_reserve_entry(&it),
					    k, gen);
	}
	l->block_head = kho_block_set_head_pa(&test_kho_blocks_out);
	l->block_count = TEST_KHO_BLOCKS;
	return 0;

err_unpreserve_array:
	kho_array_unpreserve(&l->ka);
err_unpreserve_vm:
	while (i--)
		kho_unpreserve_vmalloc(&l->vm[i]);
err_free:
	test_kho_layers_free();
	return err;
}

static void __init test_kho_layers_unpreserve(void)
{
	struct test_kho_layers *l = &test_kho_layers_out;
	unsigned int i;

	kho_array_unpreserve(&l->ka);
	for (i = 0; i < ARRAY_SIZE(l->vm); i++)
		kho_unpreserve_vmalloc(&l->vm[i]);
	test_kho_layers_free();
}

/* What the next kernel found in the layers, for the RESULT line. */
struct test_kho_layers_in {
	unsigned int vmalloc;
	unsigned long array;
	unsigned long blocks;
	char rejected[48];
};

/* Restore area @i and compare every byte; the area is kept in @in. */
static int __init test_kho_check_vmalloc(struct test_kho_in *in,
					 unsigned int i)
{
	const struct test_kho_layers *l = &in->l;
	void *vm = kho_restore_vmalloc(&l->vm[i]);

	if (!vm)
		return -EINVAL;
	in->vm[i] = vm;
	if (test_kho_crc(vm, l->vm_size[i]) != l->vm_csum[i])
		return test_kho_fail(in, "vmalloc checksum area=%u", i);
	if (!test_kho_pattern_ok(vm, l->vm_size[i],
				 test_kho_vm_seed(in->generation, i), 0))
		return test_kho_fail(in, "vmalloc bytes area=%u", i);
	return 0;
}

/* Restore the array and check every entry; it is kept in @in. */
static int __init test_kho_check_array(struct test_kho_in *in,
				       unsigned long *found)
{
	unsigned long k = 0, index;
	struct ka_iter iter;
	void *entry, *value;
	int err;
	u64 rec;

	err = ka_iter_init_restore(&iter, &in->l.ka);
	if (err)
		return err;
	in->ka_restored = true;
	for (entry = ka_iter_getentry(&iter) ?: ka_iter_nextentry(&iter);
	     entry; entry = ka_iter_nextentry(&iter), k++) {
		if (!test_kho_ka_entry(k, in->generation, in->nr, &index,
				       &value, &rec))
			break;
		if (!value)
			value = phys_to_virt(in->recs[rec].phys);
		if (ka_iter_getpos(&iter) != index || entry != value)
			return test_kho_fail(in, "array entry=%lu index=%lu",
					     k, ka_iter_getpos(&iter));
	}
	if (entry || test_kho_ka_entry(k, in->generation, in->nr, &index,
				       &value, &rec))
		return test_kho_fail(in, "array entries=%lu", k);
	*found = k;
	return 0;
}

/* Restore the chain and compare every record; it is kept in @in. */
static int __init test_kho_check_blocks(struct test_kho_in *in,
					unsigned long *found)
{
	struct kho_block_set *set = &in->blocks;
	struct test_kho_block_rec *r, want;
	struct kho_block_set_it it;
	unsigned long k;
	int err;

	err = kho_block_set_init(set, sizeof(*r));
	err = err ?: kho_block_set_restore(set, in->l.block_head);
	if (err)
		return err;
	if (set->count != in->l.block_count)
		return test_kho_fail(in, "blocks count=%lu", set->count);
	kho_block_set_it_init(&it, set, 0);
	for (k = 0; (r = kho_block_set_it_read_entry(&it)); k++) {
		test_kho_block_fill(&want, k, in->generation);
		if (memcmp(r, &want, sizeof(want)))
			return test_kho_fail(in, "blocks record=%lu", k);
	}
	*found = k;
	return 0;
}

/* Fold one layer's check into the verdict; @damage is kernel A's. */
static int __init test_kho_layer_done(struct test_kho_in *in,
				      struct test_kho_layers_in *res,
				      const char *damage, const char *kind,
				      int ret)
{
	bool damaged = !strcmp(damage, kind);

	if (damaged && !ret)
		return test_kho_fail(in, "%s not refused", kind);
	if (damaged && ret != -EINVAL)
		return test_kho_fail(in, "%s refused with %d, not -EINVAL", kind,
				     ret);
	if (damaged) {
		snprintf(res->rejected, sizeof(res->rejected), "%s:%d", kind,
			 ret);
		return 0;
	}
	if (ret && !*in->reason)
		return test_kho_fail(in, "%s err=%d", kind, ret);
	return ret;
}

/*
 * Restore and check each layer.  The one kernel A damaged on purpose,
 * @damage (test_kho.corrupt, for the newest generation only), must be
 * refused by its layer alone, and kernel A must have recorded the same
 * damage; every other layer must hold what was preserved, all of it.
 */
static int __init test_kho_check_layers(struct test_kho_in *in,
					const void *fdt, const char *damage,
					struct test_kho_layers_in *res)
{
	struct test_kho_layers *l = &in->l;
	unsigned long want_array, want_blocks;
	unsigned int want_vm;
	const void *prop;
	int len, err;

	prop = fdt_getprop(fdt, in->off, "layers", &len);
	if (!prop || len != sizeof(*l))
		return test_kho_fail(in, "bad-fdt layers");
	memcpy(l, prop, sizeof(*l));
	l->damage[sizeof(l->damage) - 1] = '\0';
	if (strcmp(l->damage, damage))
		return test_kho_fail(in, "damage recorded=%s expected=%s",
				     *l->damage ? l->damage : "-",
				     *damage ? damage : "-");

	err = test_kho_check_vmalloc(in, 0);
	res->vmalloc += !err;
	err = test_kho_layer_done(in, res, damage, "vmalloc-chunk", err);
	if (err)
		return err;
	err = test_kho_check_vmalloc(in, 1);
	res->vmalloc += !err;
	err = test_kho_layer_done(in, res, damage, "vmalloc-small", err);
	if (err)
		return err;
	err = test_kho_check_array(in, &res->array);
	err = test_kho_layer_done(in, res, damage, "array-magic", err);
	if (err)
		return err;
	err = test_kho_check_blocks(in, &res->blocks);
	err = test_kho_layer_done(in, res, damage, "block-cycle", err);
	if (err)
		return err;

	want_vm = strcmp(damage, "vmalloc-chunk") ? 2 : 1;
	want_array = strcmp(damage, "array-magic") ? test_kho_ka_count(in->nr) : 0;
	want_blocks = strcmp(damage, "block-cycle") ? TEST_KHO_BLOCKS : 0;
	if (res->vmalloc != want_vm || res->array != want_array ||
	    res->blocks != want_blocks)
		return test_kho_fail(in, "layers vmalloc=%u array=%lu blocks=%lu want %u,%lu,%lu",
				     res->vmalloc, res->array, res->blocks,
				     want_vm, want_array, want_blocks);
	return 0;
}

/* The incoming tracker's tables, counted by test_kho_check_tables(). */
struct test_kho_tables {
	unsigned long tables;
	unsigned long bad;
	unsigned long bad_pfn;
};

/*
 * The struct page of a tracker table, which stays reserved: initialised
 * as memmap_init() does (its node and zone, one reference, not reserved),
 * whichever side of the deferred struct page boundary it lies on.  Read
 * with care: uninitialised, it holds whatever the memory last held.
 */
static bool __init test_kho_table_page_sane(unsigned long pfn)
{
	struct page *page = pfn_to_page(pfn);
	enum zone_type zid = page_zonenum(page);
	int nid = page_to_nid(page);

	if (nid >= MAX_NUMNODES || !node_online(nid) || zid >= MAX_NR_ZONES ||
	    !zone_spans_pfn(&NODE_DATA(nid)->node_zones[zid], pfn))
		return false;
	return !PageTail(page) && page_ref_count(page) == 1 &&
	       !PageReserved(page);
}

static bool __init test_kho_table_seen(phys_addr_t phys, void *arg)
{
	struct test_kho_tables *t = arg;
	unsigned long pfn = PHYS_PFN(phys);

	t->tables++;
	if (!test_kho_table_page_sane(pfn) && !t->bad++)
		t->bad_pfn = pfn;
	return true;
}

static int __init test_kho_table_run(phys_addr_t phys, unsigned int order,
				     unsigned long nr, void *arg)
{
	return 0;
}

/*
 * Check the struct page of every table of the incoming tracker, which the
 * core vetted and reserved at boot.  Those above the deferred struct page
 * boundary were once left uninitialised, and compaction crashed on them.
 */
static int __init test_kho_check_tables(struct test_kho_in *in)
{
	struct test_kho_tables t = { };
	const void *prop;
	phys_addr_t root;
	int len, err;

	prop = fdt_getprop(kho_in_fdt(), 0, KHO_FDT_MEMORY_MAP_PROP_NAME, &len);
	if (!prop || len != sizeof(u64)) {
		test_kho_report(false, false, "tracker-tables", "no tracker root");
		return test_kho_fail(in, "tracker-root");
	}
	root = get_unaligned((const u64 *)prop);
	test_kho_table_seen(root, &t);
	err = kho_radix_walk(phys_to_virt(root), test_kho_table_seen,
			     test_kho_table_run, &t);
	pr_info("tracker tables=%lu bad=%lu\n", t.tables, t.bad);
	if (err)
		err = test_kho_fail(in, "tracker-walk err=%d", err);
	else if (t.bad)
		err = test_kho_fail(in, "tracker-struct-page pfn=%#lx bad=%lu",
				    t.bad_pfn, t.bad);
	else if (!t.tables)
		err = test_kho_fail(in, "tracker tables=%lu", t.tables);
	test_kho_report(!err, false, "tracker-tables",
			"%lu tables, their struct pages %s", t.tables,
			err ? in->reason : "sane");
	return err;
}

/* What each generation's layers held, for its "verified" line. */
static struct test_kho_layers_in test_kho_found[TEST_KHO_MAX_GENS] __initdata;

/* Free the incoming subtree and every generation that is not handed on. */
static void __init test_kho_release_all(struct test_kho_handover *ho)
{
	unsigned int i;

	for (i = 0; i < ho->nr_gens; i++)
		test_kho_release(&ho->gens[i]);
	if (ho->fdt)
		kho_restore_free(ho->fdt);
	ho->fdt = NULL;
}

/*
 * Check every generation the previous kernel handed over; returns the
 * newest one or 0.  Generations that pass, with no layer refused, are left
 * restored for test_kho_carry(); the rest is freed.  Each step is a check
 * of the KTAP document: "handover" (one accepted, or none, as expected),
 * "subtree", "tracker-tables", one per generation and "fill".
 */
static u64 __init test_kho_verify(void)
{
	struct test_kho_handover *ho = &test_kho_in;
	struct test_kho_in *in = &ho->gens[0], *gen;
	struct test_kho_layers_in *layers = &test_kho_found[0];
	char orders[TEST_KHO_ORDERS_LEN], name[32];
	u64 all_folios = 0, all_bytes = 0;
	bool want = test_kho_want_handover();
	unsigned long filled = 0;
	LIST_HEAD(blocks);
	phys_addr_t phys;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(ho->gens); i++)
		kho_block_set_init(&ho->gens[i].blocks,
				   sizeof(struct test_kho_block_rec));
	if (!is_kho_boot()) {
		pr_info("RESULT status=NONE reason=no-handover\n");
		test_kho_report(!want, false, "handover", "%s",
				want ? "no handover accepted, expected one" :
				stage < 2 ? "none, as the first kernel expects" :
				from_kexec_load ? "none, as kexec_load carries none" :
				"refused, as the damaged handover must be");
		return 0;
	}
	test_kho_report(want, false, "handover", "%s",
			want ? "accepted" : stage < 2 ?
			"accepted in the first kernel" :
			"accepted, expected none or a refusal");
	err = kho_retrieve_subtree(TEST_KHO_NAME, &phys);
	if (err == -ENOENT) {
		pr_info("RESULT status=NONE reason=no-subtree\n");
		test_kho_report(false, false, "subtree", "no test-kho subtree");
		return 0;
	}
	ho->nr_gens = 1;
	if (err)
		test_kho_fail(in, "retrieve err=%d", err);

	if (!err) {
		err = test_kho_parse(ho, phys);
		if (err)
			in = &ho->gens[ho->nr_gens - 1];
	}
	/* kernel N receives generations 1 to N - 1, the newest first */
	if (!err && (ho->gens[0].generation != stage - 1 ||
		     ho->nr_gens != stage - 1))
		err = test_kho_fail(in, "generations=%u newest=%llu expected %u",
				    ho->nr_gens, ho->gens[0].generation,
				    stage - 1);
	test_kho_report(!err, false, "subtree", "%s",
			err ? in->reason : "generations as expected");
	if (!err)
		err = test_kho_check_tables(in);
	for (i = 0; !err && i < ho->nr_gens; i++) {
		in = &ho->gens[i];
		err = test_kho_restore(in);
		if (!err)
			err = test_kho_check_layers(in, ho->fdt,
						    i ? "" : test_kho_layer_damage(),
						    &test_kho_found[i]);
		in->verified = !err && !*test_kho_found[i].rejected;
		snprintf(name, sizeof(name), "generation-%llu", in->generation);
		if (err)
			test_kho_report(false, false, name, "%s", in->reason);
		else
			test_kho_report(true, false, name,
					"%llu folios, %llu MiB, vmalloc=%u array=%lu blocks=%lu%s%s",
					in->restored, in->bytes >> 20,
					test_kho_found[i].vmalloc,
					test_kho_found[i].array,
					test_kho_found[i].blocks,
					*test_kho_found[i].rejected ?
					", refused as damaged: " : "",
					test_kho_found[i].rejected);
	}
	test_kho_node_report("restored");
	if (!err && fill) {
		filled = test_kho_fill(&blocks);
		for (i = 0; !err && i < ho->nr_gens; i++) {
			in = &ho->gens[i];
			err = test_kho_recheck(in);
		}
		test_kho_unfill(&blocks);
		if (!err && !filled)
			err = test_kho_fail(in, "filled nothing");
		test_kho_report(!err, false, "fill",
				"%lu MiB of free memory filled, then every folio checked: %s",
				filled >> (20 - PAGE_SHIFT),
				err ? in->reason : "intact");
	} else if (!err) {
		test_kho_report(true, true, "fill", "test_kho.fill=0");
	}
	if (err) {
		for (i = 0; i < ho->nr_gens; i++)
			ho->gens[i].verified = false;
		test_kho_release_all(ho);
		if (in != &ho->gens[0])
			pr_err("RESULT status=FAIL reason=%s in-generation=%llu\n",
			       in->reason, in->generation);
		else
			pr_err("RESULT status=FAIL reason=%s\n", in->reason);
		return ho->gens[0].generation;
	}

	for (i = 0; i < ho->nr_gens; i++) {
		const struct test_kho_layers_in *f = &test_kho_found[i];

		gen = &ho->gens[i];
		all_folios += gen->restored;
		all_bytes += gen->bytes;
		pr_info("verified generation=%llu folios=%llu bytes=%llu vmalloc=%u array=%lu blocks=%lu%s%s\n",
			gen->generation, gen->restored, gen->bytes, f->vmalloc,
			f->array, f->blocks, *f->rejected ? " rejected=" : "",
			f->rejected);
	}
	in = &ho->gens[0];
	test_kho_format_orders(orders, sizeof(orders), in->orders);
	pr_info("RESULT status=PASS generation=%llu folios=%llu bytes=%llu filled=%lu orders=%s vmalloc=%u array=%lu blocks=%lu%s%s generations=%u all_folios=%llu all_bytes=%llu\n",
		in->generation, in->restored, in->bytes,
		filled >> (20 - PAGE_SHIFT), orders, layers->vmalloc,
		layers->array, layers->blocks,
		*layers->rejected ? " rejected=" : "", layers->rejected,
		ho->nr_gens, all_folios, all_bytes);
	return in->generation;
}

/*
 * Hand on generation @in as it lies: its folios, vmalloc areas, array and
 * block chain preserved again, its records in a new array.  All or none.
 */
static int __init test_kho_carry(struct test_kho_in *in)
{
	struct test_kho_layers *l = &in->l;
	unsigned int i = 0;
	u64 k = 0;
	int err;

	in->out_recs = kho_alloc_preserve(in->nr * sizeof(*in->out_recs));
	if (IS_ERR(in->out_recs)) {
		err = PTR_ERR(in->out_recs);
		in->out_recs = NULL;
		return err;
	}
	memcpy(in->out_recs, in->recs, in->nr * sizeof(*in->out_recs));
	for (k = 0; k < in->restored; k++) {
		err = kho_preserve_folio(in->folios[k]);
		if (err)
			goto err_folios;
	}
	for (i = 0; i < ARRAY_SIZE(in->vm); i++) {
		err = kho_preserve_vmalloc(in->vm[i], &l->vm[i]);
		if (err)
			goto err_vmalloc;
	}
	err = kho_array_preserve(&l->ka);
	if (err)
		goto err_vmalloc;
	err = kho_block_set_preserve(&in->blocks);
	if (err)
		goto err_array;
	l->block_head = kho_block_set_head_pa(&in->blocks);
	in->carried = true;
	pr_info("carried generation=%llu folios=%llu bytes=%llu vmalloc=%zu array=%lu blocks=%lu\n",
		in->generation, in->restored, in->bytes, ARRAY_SIZE(in->vm),
		test_kho_ka_count(in->nr), in->blocks.count);
	return 0;

err_array:
	kho_array_unpreserve(&l->ka);
err_vmalloc:
	while (i--)
		kho_unpreserve_vmalloc(&l->vm[i]);
err_folios:
	while (k--)
		kho_unpreserve_folio(in->folios[k]);
	kho_unpreserve_free(in->out_recs);
	in->out_recs = NULL;
	return err;
}

/* Hand on every generation that verified; free the rest. */
static int __init test_kho_carry_all(void)
{
	struct test_kho_handover *ho = &test_kho_in;
	unsigned int i, verified = 0;
	int err = 0, ret;

	for (i = 0; i < ho->nr_gens; i++) {
		struct test_kho_in *in = &ho->gens[i];

		if (!in->verified)
			continue;
		verified++;
		ret = test_kho_carry(in);
		if (ret) {
			pr_err("cannot carry generation=%llu: %d\n",
			       in->generation, ret);
			err = err ?: ret;
		}
	}
	if (verified)
		test_kho_report(!err, false, "carry",
				"%u generations preserved again where they lie; err %d",
				verified, err);
	test_kho_release_all(ho);
	return err;
}

/* A folio of @order or less, on @nid unless that is NUMA_NO_NODE. */
static struct folio * __init test_kho_alloc_folio(unsigned int order, int nid)
{
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	struct folio *folio;

	for (;;) {
		if (nid == NUMA_NO_NODE)
			folio = folio_alloc(gfp, order);
		else
			folio = __folio_alloc_node(gfp | __GFP_THISNODE, order,
						   nid);
		if (folio || !order)
			return folio;
		order--;
	}
}

/* At least one folio, and @target bytes of them, on @nid or anywhere. */
static int __init test_kho_alloc_on(struct test_kho_out *out, int nid,
				    u64 target)
{
	unsigned long pages = nid == NUMA_NO_NODE ? totalram_pages() :
			      node_present_pages(nid);
	struct folio *folio;
	u64 bytes = 0;

	if (target > PFN_PHYS(pages / 2))
		return -E2BIG;

	while (!bytes || bytes < target) {
		if (out->nr == TEST_KHO_MAX_RECORDS)
			return -E2BIG;
		folio = test_kho_alloc_folio(get_random_u32_below(MAX_PAGE_ORDER + 1),
					     nid);
		if (!folio)
			return -ENOMEM;
		list_add_tail(&folio->lru, &out->folios);
		out->nr++;
		bytes += folio_size(folio);
		out->orders[folio_order(folio)]++;
		cond_resched();
	}
	out->bytes += bytes;
	return 0;
}

/* size_mb MiB anywhere, or node_mb MiB on each node with memory. */
static int __init test_kho_alloc_folios(struct test_kho_out *out)
{
	int nid, err;

	if (!node_mb)
		return test_kho_alloc_on(out, NUMA_NO_NODE, (u64)size_mb << 20);
	for_each_node_state(nid, N_MEMORY) {
		err = test_kho_alloc_on(out, nid, (u64)node_mb << 20);
		if (err)
			return err;
	}
	return 0;
}

static void __init test_kho_free_folios(struct test_kho_out *out)
{
	struct folio *folio, *tmp;

	list_for_each_entry_safe(folio, tmp, &out->folios, lru) {
		list_del(&folio->lru);
		folio_put(folio);
	}
}

static int __init test_kho_preserve_folios(struct test_kho_out *out, u64 gen)
{
	struct test_kho_record *rec = out->recs;
	struct folio *folio;
	int err;

	list_for_each_entry(folio, &out->folios, lru) {
		test_kho_folio_fill(folio, test_kho_seed(gen, rec - out->recs));
		rec->phys = PFN_PHYS(folio_pfn(folio));
		rec->order = folio_order(folio);
		rec->csum = test_kho_csum(folio);
		err = kho_preserve_folio(folio);
		if (err)
			return err;
		out->preserved++;
		rec++;
		cond_resched();
	}
	return 0;
}

static void __init test_kho_unpreserve_folios(struct test_kho_out *out)
{
	struct folio *folio;

	list_for_each_entry(folio, &out->folios, lru) {
		if (!out->preserved)
			break;
		kho_unpreserve_folio(folio);
		out->preserved--;
	}
}

/* The properties of one generation, in the node being written. */
static int __init test_kho_fdt_gen(void *fdt, u64 generation, u64 recs, u64 nr,
				   const struct test_kho_layers *l)
{
	int err;

	err = fdt_property(fdt, "generation", &generation, sizeof(generation));
	err = err ?: fdt_property(fdt, "records", &recs, sizeof(recs));
	err = err ?: fdt_property(fdt, "nr-records", &nr, sizeof(nr));
	err = err ?: fdt_property(fdt, "layers", l, sizeof(*l));
	return err;
}

/* The subtree: the new generation at the root, a node for each carried. */
static int __init test_kho_build_fdt(void *fdt, u64 generation, u64 recs,
				     u64 nr)
{
	struct test_kho_handover *ho = &test_kho_in;
	char name[32];
	unsigned int i;
	int err;

	err = fdt_create(fdt, TEST_KHO_FDT_SIZE);
	err = err ?: fdt_finish_reservemap(fdt);
	err = err ?: fdt_begin_node(fdt, "");
	err = err ?: fdt_property_string(fdt, "compatible", TEST_KHO_COMPATIBLE);
	err = err ?: test_kho_fdt_gen(fdt, generation, recs, nr,
				      &test_kho_layers_out);
	for (i = 0; !err && i < ho->nr_gens; i++) {
		struct test_kho_in *in = &ho->gens[i];

		if (!in->carried)
			continue;
		snprintf(name, sizeof(name), "gen-%llu", in->generation);
		err = fdt_begin_node(fdt, name);
		err = err ?: test_kho_fdt_gen(fdt, in->generation,
					      virt_to_phys(in->out_recs),
					      in->nr, &in->l);
		err = err ?: fdt_end_node(fdt);
	}
	err = err ?: fdt_end_node(fdt);
	err = err ?: fdt_finish(fdt);
	return err ? -EINVAL : 0;
}

static unsigned int __init test_kho_nr_carried(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < test_kho_in.nr_gens; i++)
		n += test_kho_in.gens[i].carried;
	return n;
}

/* Preserve a fresh set of folios and register the subtree for them. */
static int __init test_kho_preserve(u64 generation)
{
	struct test_kho_out *out = &test_kho_out;
	char orders[TEST_KHO_ORDERS_LEN];
	int err;

	err = test_kho_alloc_folios(out);
	if (err)
		goto err_free_folios;

	out->recs = kho_alloc_preserve(out->nr * sizeof(*out->recs));
	if (IS_ERR(out->recs)) {
		err = PTR_ERR(out->recs);
		goto err_free_folios;
	}

	err = test_kho_preserve_folios(out, generation);
	if (err)
		goto err_unpreserve_folios;

	err = test_kho_layers_preserve(generation, out->recs, out->nr);
	if (err)
		goto err_unpreserve_folios;

	out->fdt = kho_alloc_preserve(TEST_KHO_FDT_SIZE);
	if (IS_ERR(out->fdt)) {
		err = PTR_ERR(out->fdt);
		goto err_unpreserve_layers;
	}

	err = test_kho_build_fdt(out->fdt, generation,
				 virt_to_phys(out->recs), out->nr);
	if (err)
		goto err_free_fdt;

	err = kho_add_subtree(TEST_KHO_NAME, out->fdt);
	if (err)
		goto err_free_fdt;

	test_kho_format_orders(orders, sizeof(orders), out->orders);
	pr_info("preserved generation=%llu folios=%lu bytes=%llu orders=%s vmalloc_order=%u array=%lu blocks=%llu carried=%u\n",
		generation, out->nr, out->bytes, orders,
		test_kho_layers_out.vm[0].order, test_kho_ka_count(out->nr),
		test_kho_layers_out.block_count, test_kho_nr_carried());
	if (node_mb) {
		struct folio *folio;

		list_for_each_entry(folio, &out->folios, lru)
			test_kho_node_add(folio);
		test_kho_node_report("preserved");
	}
	return 0;

err_free_fdt:
	kho_unpreserve_free(out->fdt);
err_unpreserve_layers:
	test_kho_layers_unpreserve();
err_unpreserve_folios:
	test_kho_unpreserve_folios(out);
	kho_unpreserve_free(out->recs);
err_free_folios:
	test_kho_free_folios(out);
	pr_err("preserve failed: %d\n", err);
	return err;
}

/* Damage one library layer; the next kernel must refuse just that one. */
static int __init test_kho_corrupt_layer(void)
{
	struct test_kho_layers *l;
	int len;

	l = fdt_getprop_w(test_kho_out.fdt, 0, "layers", &len);
	if (!l || len != sizeof(*l))
		return -EINVAL;
	if (!strcmp(corrupt, "vmalloc-chunk")) {
		struct kho_vmalloc_chunk *chunk = phys_to_virt(l->vm[0].first);

		/* the second block twice: the restore must refuse the copy */
		chunk->phys[0] = chunk->phys[1];
	} else if (!strcmp(corrupt, "array-magic")) {
		l->ka.magic ^= 0x20;
	} else if (!strcmp(corrupt, "block-cycle")) {
		struct kho_block_header_ser *hdr;

		hdr = phys_to_virt(l->block_head);
		while (hdr->next)
			hdr = phys_to_virt(hdr->next);
		hdr->next = l->block_head;
	} else {
		return -EINVAL;
	}
	strscpy(l->damage, corrupt, sizeof(l->damage));
	return 0;
}

/* Register a subtree node by hand: kho_add_subtree() takes a kernel address. */
static int __init test_kho_raw_subtree(void *root, const char *name, u64 phys)
{
	int off;

	off = fdt_add_subnode(root, 0, name);
	if (off < 0)
		return -EINVAL;
	if (fdt_setprop(root, off, KHO_FDT_SUB_TREE_PROP_NAME, &phys,
			sizeof(phys)))
		return -EINVAL;
	return 0;
}

/* A valid, empty FDT in a page that is never preserved (nor freed). */
static int __init test_kho_unpreserved_subtree(void *root)
{
	void *page = (void *)get_zeroed_page(GFP_KERNEL);

	if (!page)
		return -ENOMEM;
	if (fdt_create_empty_tree(page, PAGE_SIZE))
		return -EINVAL;
	return test_kho_raw_subtree(root, "test-kho-unpreserved",
				    virt_to_phys(page));
}

/* The level of the tracker's root node; level 0 is the leaves. */
#define TEST_KHO_ROOT_LEVEL	(KHO_TREE_MAX_DEPTH - 1)
/* Root slots whose keys stay below the order-0 bit: orders 2 and up, 1, 0. */
#define TEST_KHO_ROOT_SLOTS	3

/*
 * An empty slot of the outgoing tracker, for a table this kernel forges,
 * and the level of the node that holds it: a free root slot if there is
 * one, or else slot 0 of the level-4 node under root slot 0.  That slot's
 * keys stand for blocks of orders above MAX_PAGE_ORDER, which nothing in
 * this kernel preserves, so nothing adds to the forged table either.
 */
static u64 * __init test_kho_free_slot(const void *root, unsigned int *level)
{
	struct kho_radix_node *node;
	const void *prop;
	unsigned int i;
	int len;

	prop = fdt_getprop(root, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, &len);
	if (!prop || len != sizeof(u64))
		return NULL;
	node = phys_to_virt(get_unaligned((const u64 *)prop));
	*level = TEST_KHO_ROOT_LEVEL;
	for (i = 0; i < TEST_KHO_ROOT_SLOTS; i++) {
		if (!node->table[i])
			return &node->table[i];
	}
	node = phys_to_virt(node->table[0]);
	*level = TEST_KHO_ROOT_LEVEL - 1;
	return node->table[0] ? NULL : &node->table[0];
}

/*
 * Hook into @slot, in a node of @level, a chain of one empty leaf and a
 * node for each level below @level, every entry of each node pointing at
 * the next table down: a handful of pages that a walk would read as
 * 512^(@level - 1) tables.  The pages are not preserved and never freed.
 */
static int __init test_kho_forge_dag(u64 *slot, unsigned int level)
{
	struct kho_radix_node *node;
	void *below;
	unsigned int i;

	below = (void *)get_zeroed_page(GFP_KERNEL);
	if (!below)
		return -ENOMEM;
	while (--level) {
		node = (void *)get_zeroed_page(GFP_KERNEL);
		if (!node)
			return -ENOMEM;
		for (i = 0; i < ARRAY_SIZE(node->table); i++)
			node->table[i] = virt_to_phys(below);
		below = node;
	}
	*slot = virt_to_phys(below);
	return 0;
}

/* Forge a table in an empty slot of the outgoing tracker. */
static int __init test_kho_corrupt_tracker(const void *root)
{
	unsigned int level;
	u64 *slot;
	int err;

	slot = test_kho_free_slot(root, &level);
	if (!slot)
		return -ENOSPC;
	if (!strcmp(corrupt, "table-low-memory")) {
		/* the next kernel keeps the first MiB for itself on x86 */
		*slot = 0x1000;
	} else {
		err = test_kho_forge_dag(slot, level);
		if (err)
			return err;
	}
	pr_info("forged tracker table %#llx in a level-%u node\n", *slot,
		level);
	return 0;
}

/*
 * Preserve every other page of scatter_mb MiB as a block of its own: no
 * two of them are adjacent, so the next kernel needs a memblock
 * reservation for each, and its reservation array, which can only grow
 * inside scratch memory, may not hold them all.  The memory is never
 * freed.
 */
static int __init test_kho_scatter(void)
{
	unsigned long want = (unsigned long)scatter_mb << (20 - PAGE_SHIFT);
	unsigned long done = 0, blocks = 0, i;
	unsigned int order = MAX_PAGE_ORDER;
	struct page *page;
	int err;

	while (done < want) {
		page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);
		if (!page && order > 1) {
			order--;
			continue;
		}
		if (!page)
			return -ENOMEM;
		for (i = 0; i < 1UL << order; i += 2) {
			err = kho_preserve_pages(nth_page(page, i), 1);
			if (err)
				return err;
			blocks++;
		}
		done += 1UL << order;
		cond_resched();
	}
	pr_info("scattered %lu blocks over %u MiB\n", blocks, scatter_mb);
	return 0;
}

/*
 * Damage the outgoing handover the way a bug or a bad memory cell might,
 * so that the harness can check the next kernel refuses it and boots on.
 */
static int __init test_kho_corrupt(void)
{
	void *root = (void *)kho_out_fdt();
	u64 bad = 1ULL << 45;	/* far beyond the memory of any test guest */
	int err = -EINVAL;

	if (!root)
		return -ENODEV;
	if (!strcmp(corrupt, "root-magic")) {
		fdt_set_magic(root, 0);
		err = 0;
	} else if (!strcmp(corrupt, "root-compatible")) {
		err = fdt_setprop_inplace(root, 0, "compatible", "kho-v0",
					  sizeof("kho-v0"));
	} else if (!strcmp(corrupt, "tracker-root")) {
		err = fdt_setprop_inplace(root, 0,
					  KHO_FDT_MEMORY_MAP_PROP_NAME, &bad,
					  sizeof(bad));
	} else if (!strcmp(corrupt, "root-fdt-hole")) {
		/* the next kernel is told its page is reserved, not RAM */
		snprintf(next_args, sizeof(next_args), "memmap=4K$0x%llx",
			 (u64)virt_to_phys(root));
		err = 0;
	} else if (!strcmp(corrupt, "subtree-mmio")) {
		/* the HPET's registers: device memory, not RAM */
		err = test_kho_raw_subtree(root, "test-kho-mmio", 0xfed00000);
	} else if (!strcmp(corrupt, "subtree-unpreserved")) {
		err = test_kho_unpreserved_subtree(root);
	} else if (!strcmp(corrupt, "table-low-memory") ||
		   !strcmp(corrupt, "table-dag")) {
		err = test_kho_corrupt_tracker(root);
	} else if (!strcmp(corrupt, "many-blocks")) {
		err = test_kho_scatter();
	} else {
		err = test_kho_corrupt_layer();
	}
	if (err)
		pr_err("cannot corrupt %s: %d\n", corrupt, err);
	else
		pr_info("corrupted %s on purpose\n", corrupt);
	test_kho_report(!err, false, "corrupt", "%s: %d", corrupt, err);
	return err;
}

static int __init test_kho_init(void)
{
	u64 gen;
	int err;

	if (!kho_is_enabled()) {
		pr_info("RESULT status=NONE reason=kho-disabled\n");
		test_kho_report(true, true, "kho", "kexec handover is off");
		test_kho_ktap();
		return 0;
	}
	gen = test_kho_verify();
	err = test_kho_carry_all();
	if (!err) {
		err = test_kho_preserve(gen + 1);
		/* the first generation, or the one after those received */
		if (!err && test_kho_want_handover() && gen + 1 != stage)
			err = -EINVAL;
		test_kho_report(!err, false, "preserve",
				"generation %llu: %lu folios, %llu MiB; %u older carried; err %d",
				gen + 1, test_kho_out.nr, test_kho_out.bytes >> 20,
				test_kho_nr_carried(), err);
	}
	if (!err && corrupt)
		err = test_kho_corrupt();
	test_kho_ktap();
	return err;
}
late_initcall(test_kho_init);

MODULE_DESCRIPTION("Kexec handover round-trip test");
MODULE_LICENSE("GPL");
