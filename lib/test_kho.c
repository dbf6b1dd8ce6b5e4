// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover (KHO) round-trip test.
 *
 * Every kernel that runs with KHO enabled does two things at late_initcall
 * time:
 *
 * 1. If it was started by a KHO handover that carries a "test-kho" subtree,
 *    it checks the data the previous kernel left for it.  The subtree and
 *    the record array it points to are treated as untrusted input.  Each
 *    recorded folio is restored and its order and CRC32 compared with the
 *    record.  Unless test_kho.fill=0, most of the free memory is then
 *    allocated and overwritten, and every restored folio is checked again:
 *    a preserved page that was wrongly given to the page allocator shows up
 *    as a checksum mismatch.  The outcome is one console line:
 *
 *      test_kho: RESULT status=PASS|FAIL|NONE ...
 *
 * 2. It preserves a fresh set of folios of random orders, filled with random
 *    bytes, for the next kernel, and registers this subtree (integers are
 *    native-endian u64, as everything in the KHO ABI):
 *
 *      / {
 *              compatible = "kho-test-v1";
 *              generation = <u64: 1, or the previous generation + 1>;
 *              records = <u64: physical address of the record array>;
 *              nr-records = <u64: number of records>;
 *      };
 *
 *    The record array is a packed array of struct test_kho_record.  The
 *    subtree and the array live in memory from kho_alloc_preserve().
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
#include <linux/kho/abi/kexec_handover.h>
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
#include <linux/vmstat.h>

#include "../kernel/liveupdate/kexec_handover_internal.h"

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

static unsigned int size_mb = 64;
module_param(size_mb, uint, 0444);
MODULE_PARM_DESC(size_mb, "MiB of folios to preserve for the next kernel");

static bool fill = true;
module_param(fill, bool, 0444);
MODULE_PARM_DESC(fill, "Fill free memory before checking the checksums again");

static char *corrupt;
module_param(corrupt, charp, 0444);
MODULE_PARM_DESC(corrupt,
		 "Damage the handover on purpose: root-magic, root-compatible or tracker-root");

/* One preserved folio; crosses the kexec. */
struct test_kho_record {
	u64 phys;
	u32 order;
	u32 csum;
};

static_assert(sizeof(struct test_kho_record) == 16);

/* What this kernel received from the previous one. */
struct test_kho_in {
	void *fdt;
	struct test_kho_record *recs;
	struct folio **folios;
	u64 generation;
	u64 nr;
	u64 restored;
	u64 bytes;
	unsigned long orders[MAX_PAGE_ORDER + 1];
	char reason[128];
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

static struct test_kho_in test_kho_in __initdata;

static struct test_kho_out test_kho_out = {
	.folios = LIST_HEAD_INIT(test_kho_out.folios),
};

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

static int __init test_kho_get_u64(const void *fdt, const char *name, u64 *val)
{
	const void *prop;
	int len;

	prop = fdt_getprop(fdt, 0, name, &len);
	if (!prop || len != sizeof(u64))
		return -EINVAL;
	*val = get_unaligned((const u64 *)prop);
	return 0;
}

/* Check the subtree and the record array it points to. */
static int __init test_kho_parse(struct test_kho_in *in, phys_addr_t phys)
{
	u64 generation, recs_phys;
	void *fdt;

	if (!test_kho_is_ram(phys, TEST_KHO_FDT_SIZE))
		return test_kho_fail(in, "bad-fdt phys=0x%llx", (u64)phys);
	fdt = phys_to_virt(phys);
	in->fdt = fdt;

	if (fdt_check_header(fdt) || fdt_totalsize(fdt) > TEST_KHO_FDT_SIZE ||
	    fdt_node_check_compatible(fdt, 0, TEST_KHO_COMPATIBLE))
		return test_kho_fail(in, "bad-fdt");
	if (test_kho_get_u64(fdt, "generation", &generation) ||
	    test_kho_get_u64(fdt, "records", &recs_phys) ||
	    test_kho_get_u64(fdt, "nr-records", &in->nr) || !generation)
		return test_kho_fail(in, "bad-fdt");
	in->generation = generation;

	if (!in->nr || in->nr > TEST_KHO_MAX_RECORDS ||
	    !test_kho_is_ram(recs_phys, in->nr * sizeof(*in->recs)))
		return test_kho_fail(in, "bad-records phys=0x%llx nr=%llu",
				     recs_phys, in->nr);
	in->recs = phys_to_virt(recs_phys);
	return 0;
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
		if (folio_order(folio) != order)
			return test_kho_fail(in, "order phys=0x%llx order=%u got=%u",
					     phys, order, folio_order(folio));
		if (test_kho_csum(folio) != in->recs[i].csum)
			return test_kho_fail(in, "checksum phys=0x%llx order=%u after=restore",
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

static void __init test_kho_release(struct test_kho_in *in)
{
	u64 i;

	for (i = 0; i < in->restored; i++)
		folio_put(in->folios[i]);
	kvfree(in->folios);
	if (in->recs)
		kho_restore_free(in->recs);
	if (in->fdt)
		kho_restore_free(in->fdt);
}

/* Check what the previous kernel preserved; returns its generation or 0. */
static u64 __init test_kho_verify(void)
{
	struct test_kho_in *in = &test_kho_in;
	char orders[TEST_KHO_ORDERS_LEN];
	unsigned long filled = 0;
	LIST_HEAD(blocks);
	phys_addr_t phys;
	int err;

	if (!is_kho_boot()) {
		pr_info("RESULT status=NONE reason=no-handover\n");
		return 0;
	}
	err = kho_retrieve_subtree(TEST_KHO_NAME, &phys);
	if (err == -ENOENT) {
		pr_info("RESULT status=NONE reason=no-subtree\n");
		return 0;
	}
	if (err)
		test_kho_fail(in, "retrieve err=%d", err);

	if (!err)
		err = test_kho_parse(in, phys);
	if (!err)
		err = test_kho_restore(in);
	if (!err && fill) {
		filled = test_kho_fill(&blocks);
		err = test_kho_recheck(in);
		test_kho_unfill(&blocks);
	}
	test_kho_release(in);

	if (err) {
		pr_err("RESULT status=FAIL reason=%s\n", in->reason);
		return in->generation;
	}
	test_kho_format_orders(orders, sizeof(orders), in->orders);
	pr_info("RESULT status=PASS generation=%llu folios=%llu bytes=%llu filled=%lu orders=%s\n",
		in->generation, in->restored, in->bytes,
		filled >> (20 - PAGE_SHIFT), orders);
	return in->generation;
}

static struct folio * __init test_kho_alloc_folio(unsigned int order)
{
	struct folio *folio;

	for (;;) {
		folio = folio_alloc(GFP_KERNEL | __GFP_NOWARN, order);
		if (folio || !order)
			return folio;
		order--;
	}
}

static int __init test_kho_alloc_folios(struct test_kho_out *out)
{
	u64 target = (u64)size_mb << 20;
	struct folio *folio;

	if (target > PFN_PHYS(totalram_pages() / 2))
		return -E2BIG;

	while (!out->nr || out->bytes < target) {
		if (out->nr == TEST_KHO_MAX_RECORDS)
			return -E2BIG;
		folio = test_kho_alloc_folio(get_random_u32_below(MAX_PAGE_ORDER + 1));
		if (!folio)
			return -ENOMEM;
		list_add_tail(&folio->lru, &out->folios);
		out->nr++;
		out->bytes += folio_size(folio);
		out->orders[folio_order(folio)]++;
		cond_resched();
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

static int __init test_kho_preserve_folios(struct test_kho_out *out)
{
	struct test_kho_record *rec = out->recs;
	struct folio *folio;
	long i;
	int err;

	list_for_each_entry(folio, &out->folios, lru) {
		for (i = 0; i < folio_nr_pages(folio); i++) {
			void *addr = kmap_local_folio(folio, i * PAGE_SIZE);

			get_random_bytes(addr, PAGE_SIZE);
			kunmap_local(addr);
		}
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

static int __init test_kho_build_fdt(void *fdt, u64 generation, u64 recs,
				     u64 nr)
{
	int err;

	err = fdt_create(fdt, TEST_KHO_FDT_SIZE);
	err = err ?: fdt_finish_reservemap(fdt);
	err = err ?: fdt_begin_node(fdt, "");
	err = err ?: fdt_property_string(fdt, "compatible", TEST_KHO_COMPATIBLE);
	err = err ?: fdt_property(fdt, "generation", &generation,
				  sizeof(generation));
	err = err ?: fdt_property(fdt, "records", &recs, sizeof(recs));
	err = err ?: fdt_property(fdt, "nr-records", &nr, sizeof(nr));
	err = err ?: fdt_end_node(fdt);
	err = err ?: fdt_finish(fdt);
	return err ? -EINVAL : 0;
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

	err = test_kho_preserve_folios(out);
	if (err)
		goto err_unpreserve_folios;

	out->fdt = kho_alloc_preserve(TEST_KHO_FDT_SIZE);
	if (IS_ERR(out->fdt)) {
		err = PTR_ERR(out->fdt);
		goto err_unpreserve_folios;
	}

	err = test_kho_build_fdt(out->fdt, generation,
				 virt_to_phys(out->recs), out->nr);
	if (err)
		goto err_free_fdt;

	err = kho_add_subtree(TEST_KHO_NAME, out->fdt);
	if (err)
		goto err_free_fdt;

	test_kho_format_orders(orders, sizeof(orders), out->orders);
	pr_info("preserved generation=%llu folios=%lu bytes=%llu orders=%s\n",
		generation, out->nr, out->bytes, orders);
	return 0;

err_free_fdt:
	kho_unpreserve_free(out->fdt);
err_unpreserve_folios:
	test_kho_unpreserve_folios(out);
	kho_unpreserve_free(out->recs);
err_free_folios:
	test_kho_free_folios(out);
	pr_err("preserve failed: %d\n", err);
	return err;
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
	}
	if (err)
		pr_err("cannot corrupt %s: %d\n", corrupt, err);
	else
		pr_info("corrupted %s on purpose\n", corrupt);
	return err;
}

static int __init test_kho_init(void)
{
	int err;

	if (!kho_is_enabled()) {
		pr_info("RESULT status=NONE reason=kho-disabled\n");
		return 0;
	}
	err = test_kho_preserve(test_kho_verify() + 1);
	if (!err && corrupt)
		err = test_kho_corrupt();
	return err;
}
late_initcall(test_kho_init);

MODULE_DESCRIPTION("Kexec handover round-trip test");
MODULE_LICENSE("GPL");
