// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover, incoming side: the decoders of what the previous kernel
 * handed over.  Nothing the previous kernel wrote is trusted: the root FDT
 * and the scratch array are checked to be RAM before they are mapped and
 * checked again once mapped; the preserved-memory tracker is walked once,
 * vetting every table before it is read and every run of blocks before it
 * is marked, and the blocks are reserved in memblock in one pass once the
 * walk is through; the root FDT and every subtree it lists must then lie
 * in preserved blocks.  A handover is taken whole or not at
 * all: whatever fails, every reservation made for it is dropped again.
 * See "What the next kernel trusts" in Documentation/core-api/kho/.
 *
 * This file depends only on memblock, libfdt and a few basic headers, so
 * that tools/testing/kho can build it natively, against the real
 * mm/memblock.c, to fuzz the decoders and to measure the restore cost.
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/bitmap.h>
#include <linux/libfdt.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/unaligned.h>

#include "kexec_handover_internal.h"
#include "kho_radix.h"

/**
 * kho_fdt_check - vet an incoming root FDT
 * @fdt: the FDT, mapped
 * @len: bytes mapped at @fdt
 * @map: where to store the physical address of the tracker root
 *
 * Return: 0, or -EINVAL with a log line saying what is wrong.
 */
int __init kho_fdt_check(const void *fdt, u64 len, phys_addr_t *map)
{
	const char *compat;
	const u64 *prop;
	u64 val;
	int plen, err;

	if (len < sizeof(struct fdt_header)) {
		pr_err("rejecting the handover: FDT of %llu bytes\n", len);
		return -EINVAL;
	}
	err = fdt_check_header(fdt);
	if (err) {
		pr_err("rejecting the handover: bad FDT header (%d)\n", err);
		return -EINVAL;
	}
	if (fdt_totalsize(fdt) > len) {
		pr_err("rejecting the handover: FDT size %u is over %llu\n",
		       fdt_totalsize(fdt), len);
		return -EINVAL;
	}
	/* one exact string: a string list could be read past the blob */
	compat = fdt_getprop(fdt, 0, "compatible", &plen);
	if (!compat || plen != sizeof(KHO_FDT_COMPATIBLE) ||
	    memcmp(compat, KHO_FDT_COMPATIBLE, plen)) {
		pr_err("rejecting the handover: not compatible with %s\n",
		       KHO_FDT_COMPATIBLE);
		return -EINVAL;
	}
	/* FDT properties are only 4-byte aligned */
	prop = fdt_getprop(fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, &plen);
	val = prop && plen == sizeof(*prop) ? get_unaligned(prop) : 0;
	if (!val || !PAGE_ALIGNED(val)) {
		pr_err("rejecting the handover: bad %s\n",
		       KHO_FDT_MEMORY_MAP_PROP_NAME);
		return -EINVAL;
	}
	*map = val;
	return 0;
}

/* Is [@addr, @addr + @size) RAM, without wrapping around? */
static bool __init kho_is_ram(u64 addr, u64 size)
{
	return size && addr + size > addr &&
	       memblock_is_region_memory(addr, size);
}

/**
 * kho_handover_check - vet where the boot protocol says the handover is
 * @fdt_phys:     physical address of the root FDT
 * @fdt_len:      its length
 * @scratch_phys: physical address of the scratch array
 * @scratch_len:  its length
 *
 * Called before either is mapped: both must be page aligned, of a sane
 * size, RAM (which also puts them within the physical address width) and
 * not wrap around.
 *
 * Return: 0, or -EINVAL with a log line.
 */
int __init kho_handover_check(phys_addr_t fdt_phys, u64 fdt_len,
			      phys_addr_t scratch_phys, u64 scratch_len)
{
	if (!fdt_len || fdt_len > KHO_FDT_MAX_SIZE || !scratch_len ||
	    scratch_len % sizeof(struct kho_scratch_area) ||
	    scratch_len > KHO_SCRATCH_MAX_AREAS * sizeof(struct kho_scratch_area)) {
		pr_err("rejecting the handover: bad sizes (FDT %llu, scratch %llu)\n",
		       fdt_len, scratch_len);
		return -EINVAL;
	}
	if (!PAGE_ALIGNED(fdt_phys) || !kho_is_ram(fdt_phys, fdt_len)) {
		pr_err("rejecting the handover: FDT at %pa+%#llx is not RAM\n",
		       &fdt_phys, fdt_len);
		return -EINVAL;
	}
	if (!PAGE_ALIGNED(scratch_phys) ||
	    !kho_is_ram(scratch_phys, scratch_len)) {
		pr_err("rejecting the handover: scratch array at %pa+%#llx is not RAM\n",
		       &scratch_phys, scratch_len);
		return -EINVAL;
	}
	return 0;
}

/* The smallest area a kernel hands over at @i: see kho_scratch_size(). */
static u64 __init kho_scratch_min(unsigned int i)
{
	if (i == 0)
		return KHO_SCRATCH_MIN_LOWMEM;
	return i == 1 ? KHO_SCRATCH_MIN_GLOBAL : KHO_SCRATCH_MIN_NODE;
}

static bool __init kho_overlaps(u64 a, u64 asize, u64 b, u64 bsize)
{
	return a < b + bsize && b < a + asize;
}

/**
 * kho_scratch_check - vet an incoming scratch array, mapped
 * @areas:        the array
 * @cnt:          its number of areas
 * @fdt_phys:     physical address of the root FDT, vetted by
 *                kho_handover_check()
 * @fdt_len:      its length
 * @scratch_phys: physical address of @areas
 *
 * Every area must be RAM, aligned to a pageblock at both ends (so that all
 * of it becomes MIGRATE_CMA), at least as big as a kernel hands over at its
 * index (smaller ones would make this boot fail in an early allocation),
 * and apart from the other areas and from the root FDT; the array itself
 * must lie in an area, where the previous kernel put it.
 *
 * Return: 0, or -EINVAL with a log line.
 */
int __init kho_scratch_check(const struct kho_scratch_area *areas,
			     unsigned int cnt, phys_addr_t fdt_phys,
			     u64 fdt_len, phys_addr_t scratch_phys)
{
	u64 align = PAGE_SIZE << pageblock_order;
	u64 len = cnt * sizeof(*areas);
	bool array_inside = false;
	unsigned int i, j;

	for (i = 0; i < cnt; i++) {
		u64 addr = areas[i].addr, size = areas[i].size;

		if (!IS_ALIGNED(addr, align) || !IS_ALIGNED(size, align) ||
		    size < kho_scratch_min(i) || !kho_is_ram(addr, size)) {
			pr_err("rejecting the handover: bad scratch area %u [%#llx+%#llx]\n",
			       i, addr, size);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (kho_overlaps(addr, size, areas[j].addr,
					 areas[j].size)) {
				pr_err("rejecting the handover: scratch areas %u and %u overlap\n",
				       j, i);
				return -EINVAL;
			}
		}
		if (kho_overlaps(addr, size, fdt_phys, fdt_len)) {
			pr_err("rejecting the handover: FDT at %pa is in scratch area %u\n",
			       &fdt_phys, i);
			return -EINVAL;
		}
		if (scratch_phys >= addr && scratch_phys + len <= addr + size)
			array_inside = true;
	}
	if (!array_inside) {
		pr_err("rejecting the handover: scratch array at %pa is outside scratch\n",
		       &scratch_phys);
		return -EINVAL;
	}
	return 0;
}

/**
 * kho_fdt_subtree - find a subtree in a root FDT vetted by kho_fdt_check()
 * @fdt:  the root FDT
 * @name: the subtree's node name
 * @phys: where to store the physical address of the subtree's FDT
 *
 * The node name must match @name exactly (a unit address is part of the
 * name).
 *
 * Return: 0; -ENOENT if there is no such node; -EINVAL if its property is
 * missing, of the wrong size, zero or not page aligned.
 */
int kho_fdt_subtree(const void *fdt, const char *name, phys_addr_t *phys)
{
	const u64 *prop;
	int off, len;
	u64 val;

	/* by exact name: fdt_subnode_offset() would find "foo@1" for "foo" */
	fdt_for_each_subnode(off, fdt, 0) {
		const char *node = fdt_get_name(fdt, off, NULL);

		if (node && !strcmp(node, name))
			break;
	}
	if (off < 0)
		return -ENOENT;
	prop = fdt_getprop(fdt, off, KHO_FDT_SUB_TREE_PROP_NAME, &len);
	val = prop && len == sizeof(*prop) ? get_unaligned(prop) : 0;
	if (!val || !PAGE_ALIGNED(val))
		return -EINVAL;
	*phys = val;
	return 0;
}

/* Why the walk of the tracker stopped. */
enum kho_walk_fault {
	KHO_WALK_BAD,		/* a table or block that is not RAM, in scratch... */
	KHO_WALK_TABLE_USED,	/* a table in memory this kernel reserved */
	KHO_WALK_TABLE_TWICE,	/* a table linked twice, or in a block */
	KHO_WALK_TOO_MANY,	/* more tables than a sound tree can have */
	KHO_WALK_OVERLAP,	/* a block overlapping reserved memory */
	KHO_WALK_NOMEM,		/* no memory for the reservations */
};

struct kho_walk_ctx {
	const struct kho_scratch_area *scratch;
	unsigned int nr_scratch;
	unsigned long tables;
	unsigned long max_tables;
	unsigned long *blocks;
	/*
	 * One bit per page frame below the end of memory: set for the pages
	 * a block may not overlap (not RAM, scratch, reserved by this kernel)
	 * and, as the walk goes, for every table and the pages of every block.
	 */
	unsigned long *pfns;
	unsigned long nr_pfns;
	phys_addr_t bad;
	enum kho_walk_fault fault;
	int err;
};

static bool __init kho_in_scratch(const struct kho_walk_ctx *ctx,
				  phys_addr_t addr, phys_addr_t size)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_scratch; i++) {
		if (kho_overlaps(addr, size, ctx->scratch[i].addr,
				 ctx->scratch[i].size))
			return true;
	}
	return false;
}

/*
 * The most tables a sound tracker can have on a machine whose memory ends
 * at @end: for every order a block can have and every level, the tables
 * whose keys cover blocks below @end.  A real tree is far smaller; a DAG of
 * tables (one page linked from many slots) is refused once it passes this,
 * after a few tables per 128 MiB of memory instead of after minutes.
 */
static unsigned long __init kho_max_tables(phys_addr_t end)
{
	unsigned long max = 1;		/* the root */
	unsigned int order, level;

	for (order = 0; order <= MAX_PAGE_ORDER; order++) {
		u64 last = (u64)PHYS_PFN(end) >> order;

		for (level = 0; level < KHO_TREE_MAX_DEPTH - 1; level++)
			max += (last >> (KHO_BITMAP_SIZE_LOG2 +
					 level * KHO_TABLE_SIZE_LOG2)) + 1;
	}
	return max;
}

static int __init kho_walk_fail(struct kho_walk_ctx *ctx, phys_addr_t phys,
				enum kho_walk_fault fault, int err)
{
	ctx->bad = phys;
	ctx->fault = fault;
	ctx->err = err;
	return err;
}

/*
 * A tree page: RAM in the direct map, outside scratch, not memory this
 * kernel reserved for
 * itself (its image, its memblock arrays), not linked before nor inside a
 * block, and no more tables than a sound tree can have.  Its bit is set:
 * the tree stays reserved, for the restore calls to read.  The walk writes
 * only to the bitmap, in scratch, so no table changes under it.
 */
static bool __init kho_check_table(phys_addr_t phys, void *arg)
{
	struct kho_walk_ctx *ctx = arg;
	unsigned long pfn = PHYS_PFN(phys);

	if (++ctx->tables > ctx->max_tables)
		return !kho_walk_fail(ctx, phys, KHO_WALK_TOO_MANY, -E2BIG);
	if (pfn >= ctx->nr_pfns || !memblock_is_region_memory(phys, PAGE_SIZE) ||
	    !memblock_is_map_memory(phys) || kho_in_scratch(ctx, phys, PAGE_SIZE))
		return !kho_walk_fail(ctx, phys, KHO_WALK_BAD, -EINVAL);
	if (memblock_is_region_reserved(phys, PAGE_SIZE))
		return !kho_walk_fail(ctx, phys, KHO_WALK_TABLE_USED, -EINVAL);
	if (__test_and_set_bit(pfn, ctx->pfns))
		return !kho_walk_fail(ctx, phys, KHO_WALK_TABLE_TWICE, -EINVAL);
	/*
	 * A table stays reserved (NOINIT, like the blocks): above the deferred
	 * struct page boundary nothing else would initialise its struct page,
	 * and pfn walkers such as compaction read it.
	 */
	kho_init_preserved_pages(pfn, 1);
	return true;
}

/*
 * Is all of [@start, @end) RAM?  memblock_is_region_memory() answers for
 * one memory region at a time, and a run of blocks may span several.
 */
static bool __init kho_all_ram(phys_addr_t start, phys_addr_t end)
{
	phys_addr_t mid;

	if (memblock_is_region_memory(start, end - start))
		return true;
	if (end - start <= PAGE_SIZE)
		return false;
	mid = start + ALIGN((end - start) / 2, PAGE_SIZE);
	return kho_all_ram(start, mid) && kho_all_ram(mid, end);
}

/* Set or clear the bits of page frames [@start, @end) in @map. */
static void __init kho_pfn_bits(unsigned long *map, unsigned long start,
				unsigned long end, bool set)
{
	/* most runs of a scattered tracker: bits of one word */
	if (start < end && BIT_WORD(start) == BIT_WORD(end - 1)) {
		unsigned long mask = BITMAP_FIRST_WORD_MASK(start) &
				     BITMAP_LAST_WORD_MASK(end);

		if (set)
			map[BIT_WORD(start)] |= mask;
		else
			map[BIT_WORD(start)] &= ~mask;
		return;
	}
	/* bitmap_set() counts in unsigned int: go a word-aligned GiB at a time */
	while (start < end) {
		unsigned long n = min(end - start, (unsigned long)SZ_1G);

		if (set)
			bitmap_set(map + BIT_WORD(start), start % BITS_PER_LONG, n);
		else
			bitmap_clear(map + BIT_WORD(start), start % BITS_PER_LONG, n);
		start += n;
	}
}

static void __init kho_pfn_range(struct kho_walk_ctx *ctx, phys_addr_t start,
				 phys_addr_t end, bool set)
{
	kho_pfn_bits(ctx->pfns, min_t(unsigned long, PFN_DOWN(start), ctx->nr_pfns),
		     min_t(unsigned long, PFN_UP(end), ctx->nr_pfns), set);
}

/*
 * Set (or clear again) the bits of what no block may overlap: what is not
 * RAM in the direct map (partial pages and NOMAP regions included), the
 * scratch areas and every reservation, the bitmap's own among them.  Once
 * they are cleared again the bitmap holds exactly the blocks, which never
 * overlap them.
 */
static void __init kho_pfn_forbidden(struct kho_walk_ctx *ctx, bool set)
{
	struct memblock_region *r;
	phys_addr_t ram = 0;
	unsigned int i;

	for_each_mem_region(r) {
		phys_addr_t base = PFN_PHYS(PFN_UP(r->base));

		if (memblock_is_nomap(r))
			continue;
		if (base > ram)
			kho_pfn_range(ctx, ram, base, set);
		ram = max(ram, PFN_PHYS(PFN_DOWN(r->base + r->size)));
	}
	kho_pfn_range(ctx, ram, PFN_PHYS(ctx->nr_pfns), set);
	for (i = 0; i < ctx->nr_scratch; i++)
		kho_pfn_range(ctx, ctx->scratch[i].addr,
			      ctx->scratch[i].addr + ctx->scratch[i].size, set);
	for_each_reserved_mem_region(r)
		kho_pfn_range(ctx, r->base, r->base + r->size, set);
}

/* Are the bits of page frames [@start, @end) all clear? */
static bool __init kho_pfns_clear(const unsigned long *map,
				  unsigned long start, unsigned long end)
{
	if (BIT_WORD(start) == BIT_WORD(end - 1))
		return !(map[BIT_WORD(start)] & BITMAP_FIRST_WORD_MASK(start) &
			 BITMAP_LAST_WORD_MASK(end));
	return find_next_bit(map, end, start) >= end;
}

/* Why does the run [@pfn, @end) overlap set bits?  Only on refusal. */
static int __init kho_run_refused(struct kho_walk_ctx *ctx, unsigned long pfn,
				  unsigned long end)
{
	phys_addr_t phys = PFN_PHYS(pfn), size = PFN_PHYS(end - pfn);

	if (end > ctx->nr_pfns || !kho_all_ram(phys, phys + size) ||
	    !memblock_is_map_memory(phys) ||
	    !memblock_is_map_memory(phys + size - PAGE_SIZE) ||
	    kho_in_scratch(ctx, phys, size))
		return kho_walk_fail(ctx, phys, KHO_WALK_BAD, -EINVAL);
	return kho_walk_fail(ctx, phys, KHO_WALK_OVERLAP, -EINVAL);
}

/*
 * A run of @nr blocks of @order from @phys: of an order the page allocator
 * has, with struct pages, and clear in the bitmap (RAM outside scratch and
 * reservations, apart from every table and earlier block).  Its bits are
 * then set.  The struct pages are left alone (but for deferred struct page
 * init): whether a block is still to be restored is its bit in the tracker.
 */
static int __init kho_reserve_run(phys_addr_t phys, unsigned int order,
				  unsigned long nr, void *arg)
{
	struct kho_walk_ctx *ctx = arg;
	unsigned long pfn = PHYS_PFN(phys), end;

	if (order > MAX_PAGE_ORDER || nr > (ctx->nr_pfns >> order))
		return kho_walk_fail(ctx, phys, KHO_WALK_BAD, -EINVAL);
	end = pfn + (nr << order);
	if (end > ctx->nr_pfns || !kho_pfns_clear(ctx->pfns, pfn, end))
		return kho_run_refused(ctx, pfn, end);
	if (!pfn_valid(pfn) || (end - 1 != pfn && !pfn_valid(end - 1)))
		return kho_walk_fail(ctx, phys, KHO_WALK_BAD, -EINVAL);
	kho_pfn_bits(ctx->pfns, pfn, end, true);
	kho_init_preserved_pages(pfn, end - pfn);
	ctx->blocks[order] += nr;
	return 0;
}

static void __init kho_walk_refuse(const struct kho_walk_ctx *ctx)
{
	switch (ctx->fault) {
	case KHO_WALK_TABLE_USED:
		pr_err("rejecting the handover: tracker table %pa is in memory this kernel uses\n",
		       &ctx->bad);
		break;
	case KHO_WALK_TABLE_TWICE:
		pr_err("rejecting the handover: tracker table %pa is linked twice or lies in a preserved block\n",
		       &ctx->bad);
		break;
	case KHO_WALK_TOO_MANY:
		pr_err("rejecting the handover: tracker has more than %lu tables\n",
		       ctx->max_tables);
		break;
	case KHO_WALK_OVERLAP:
		pr_err("rejecting the handover: preserved block at %pa overlaps reserved memory\n",
		       &ctx->bad);
		break;
	case KHO_WALK_NOMEM:
		pr_err("rejecting the handover: no memory to reserve the preserved memory (%d)\n",
		       ctx->err);
		break;
	default:
		pr_err("rejecting the handover: bad preserved-memory map near %pa (%d)\n",
		       &ctx->bad, ctx->err);
		break;
	}
}

/**
 * kho_unreserve_preserved - drop every reservation of a handover
 * @blocks: the per-order counters kho_reserve_preserved() increased; they
 *          are cleared
 *
 * For a handover refused after kho_reserve_preserved(): every reservation
 * made with memblock_reserve_kho_pfns() is dropped.  Nothing the tracker
 * says is read again, so this undoes exactly what was done.
 */
void __init kho_unreserve_preserved(unsigned long *blocks)
{
	memblock_unreserve_kho();
	memset(blocks, 0, sizeof(*blocks) * (KHO_ORDER_0_LOG2 + 1));
}

/**
 * kho_reserve_preserved - reserve the blocks of an incoming tracker
 * @map:        physical address of the tracker root, from the root FDT
 * @scratch:    the scratch areas of this boot; no tree page or block may
 *              lie in them
 * @nr_scratch: number of @scratch areas
 * @blocks:     per-order counters (KHO_ORDER_0_LOG2 + 1 of them) that are
 *              increased for each block reserved
 *
 * One walk of the tracker vets each table before it is read: RAM outside
 * scratch and outside memory this kernel reserved, linked once, and no
 * more tables than a sound tree can have on this machine.  The blocks
 * arrive in runs of one order; each run must be of an order up to
 * MAX_PAGE_ORDER, RAM outside scratch, and overlap neither memory reserved
 * already nor a table nor another block.  All of that is one bitmap test
 * per run: a bitmap of this boot's page frames (from scratch, one bit per
 * page below the end of memory) has the bits of everything a block may
 * not overlap set before the walk, and those of each table and run once
 * it passed.  After the walk the bitmap holds exactly the tracker and the
 * preserved pages, memblock_reserve_kho_pfns() reserves its runs in one
 * pass (without initialising their struct pages again) and the bitmap is
 * freed.  The cost is linear in the tables, the runs and the bitmap's
 * words; no struct page is written (but by deferred struct page init).
 * The tracker stays reserved: kho_preserved_take() and friends read it.
 *
 * Return: 0; or -EINVAL (a bad tree) or -ENOMEM (no memory for the bitmap
 * or the reserved regions, which can only come from scratch), with a log
 * line, in which case nothing is reserved.
 */
int __init kho_reserve_preserved(phys_addr_t map,
				 const struct kho_scratch_area *scratch,
				 unsigned int nr_scratch, unsigned long *blocks)
{
	struct kho_walk_ctx ctx = {
		.scratch = scratch,
		.nr_scratch = nr_scratch,
		.max_tables = kho_max_tables(memblock_end_of_DRAM()),
		.blocks = blocks,
		.nr_pfns = PHYS_PFN(memblock_end_of_DRAM()),
	};
	size_t bytes = BITS_TO_LONGS(ctx.nr_pfns) * sizeof(long);
	unsigned long pages = 0;
	unsigned int order;
	long regions;
	int err;

	ctx.pfns = memblock_alloc(bytes, SMP_CACHE_BYTES);
	if (!ctx.pfns) {
		pr_err("rejecting the handover: no memory for a %zu KiB bitmap\n",
		       bytes / SZ_1K);
		return -ENOMEM;
	}
	kho_pfn_forbidden(&ctx, true);
	if (!PAGE_ALIGNED(map) || !kho_check_table(map, &ctx)) {
		pr_err("rejecting the handover: bad tracker root %pa\n", &map);
		memblock_free(ctx.pfns, bytes);
		return -EINVAL;
	}
	err = kho_radix_walk(phys_to_virt(map), kho_check_table,
			     kho_reserve_run, &ctx);
	kho_pfn_forbidden(&ctx, false);
	if (err) {
		if (!ctx.err)
			kho_walk_fail(&ctx, 0, KHO_WALK_BAD, err);
		goto refuse;
	}
	regions = memblock_reserve_kho_pfns(ctx.pfns, ctx.nr_pfns);
	if (regions < 0) {
		/* -EBUSY would mean the bitmap is wrong: refuse all the same */
		kho_walk_fail(&ctx, 0, regions == -ENOMEM ? KHO_WALK_NOMEM :
			      KHO_WALK_OVERLAP, regions);
		goto refuse;
	}
	memblock_free(ctx.pfns, bytes);
	for (order = 0; order <= MAX_PAGE_ORDER; order++)
		pages += blocks[order] << order;
	pr_info("reserved %lu preserved pages and %lu tracker pages in %ld regions (%zu KiB); the walk's bitmap took %zu KiB\n",
		pages, ctx.tables, regions,
		DIV_ROUND_UP(regions * sizeof(struct memblock_region), SZ_1K),
		DIV_ROUND_UP(bytes, SZ_1K));
	return 0;

refuse:
	kho_walk_refuse(&ctx);
	memset(blocks, 0, sizeof(*blocks) * (KHO_ORDER_0_LOG2 + 1));
	memblock_free(ctx.pfns, bytes);
	return ctx.fault == KHO_WALK_NOMEM ? -ENOMEM : -EINVAL;
}

/* The leaf bit of a block in the incoming tracker @root, or NULL. */
static unsigned long *kho_preserved_bit(struct kho_radix_node *root,
					phys_addr_t phys, unsigned int order,
					unsigned int *bit)
{
	struct kho_radix_leaf *leaf;
	u64 key;

	if (!root || order > MAX_PAGE_ORDER ||
	    !IS_ALIGNED(phys, PAGE_SIZE << order))
		return NULL;
	key = kho_radix_encode_key(phys, order);
	leaf = kho_radix_in_leaf(root, key);
	if (!leaf)
		return NULL;
	*bit = key % BIT(KHO_BITMAP_SIZE_LOG2);
	return leaf->bitmap;
}

/**
 * kho_preserved_test - is a block preserved and not restored yet?
 * @root:  the incoming tracker, reserved by kho_reserve_preserved()
 * @phys:  physical address of the block
 * @order: its order
 *
 * Return: true if @root records a block of @order at @phys.
 */
bool kho_preserved_test(struct kho_radix_node *root, phys_addr_t phys,
			unsigned int order)
{
	unsigned long *map;
	unsigned int bit;

	map = kho_preserved_bit(root, phys, order, &bit);
	return map && test_bit(bit, map);
}

/**
 * kho_preserved_take - take a block out of the incoming tracker
 * @root:  the incoming tracker, reserved by kho_reserve_preserved()
 * @phys:  physical address of the block
 * @order: its order
 *
 * The block's bit is cleared with one atomic operation, so of two callers
 * restoring the same block only one gets it.
 *
 * Return: true if the block was recorded and is taken now.
 */
bool kho_preserved_take(struct kho_radix_node *root, phys_addr_t phys,
			unsigned int order)
{
	unsigned long *map;
	unsigned int bit;

	map = kho_preserved_bit(root, phys, order, &bit);
	return map && test_and_clear_bit(bit, map);
}

/**
 * kho_preserved_give - give back a block taken by kho_preserved_take()
 * @root:  the incoming tracker
 * @phys:  physical address of the block
 * @order: its order
 */
void kho_preserved_give(struct kho_radix_node *root, phys_addr_t phys,
			unsigned int order)
{
	unsigned long *map;
	unsigned int bit;

	map = kho_preserved_bit(root, phys, order, &bit);
	if (map)
		set_bit(bit, map);
}

/**
 * kho_preserved_order - the order of the block preserved at an address
 * @root: the incoming tracker, reserved by kho_reserve_preserved()
 * @phys: physical address of the block
 *
 * Blocks do not overlap (kho_reserve_preserved() refuses a tracker where
 * they do), so at most one order records a block at @phys.
 *
 * Return: the order, or -1 if no block is preserved (or left) at @phys.
 */
int kho_preserved_order(struct kho_radix_node *root, phys_addr_t phys)
{
	unsigned int order;

	for (order = 0; order <= MAX_PAGE_ORDER; order++) {
		if (!IS_ALIGNED(phys, PAGE_SIZE << order))
			break;
		if (kho_preserved_test(root, phys, order))
			return order;
	}
	return -1;
}

/**
 * kho_check_preserved_fdts - vet the root FDT and its subtrees in place
 * @root:     the incoming tracker, reserved by kho_reserve_preserved()
 * @fdt:      the root FDT, checked by kho_fdt_check() and mapped
 * @fdt_phys: its physical address
 * @fdt_len:  its length, as the boot protocol gave it
 *
 * Called once kho_reserve_preserved() has reserved the blocks:
 * the root FDT must lie in a preserved block (else this kernel could have
 * reused its memory since it was checked), and so must every subtree it
 * lists, with a valid FDT header whose size fits in the block.  After this
 * kho_retrieve_subtree() and debugfs may read any subtree the root lists.
 *
 * Return: 0, or -EINVAL with a log line.
 */
int __init kho_check_preserved_fdts(struct kho_radix_node *root,
				    const void *fdt, phys_addr_t fdt_phys,
				    u64 fdt_len)
{
	int order, off;

	order = kho_preserved_order(root, fdt_phys);
	if (order < 0 || fdt_len > PAGE_SIZE << order) {
		pr_err("rejecting the handover: FDT at %pa is not preserved memory\n",
		       &fdt_phys);
		return -EINVAL;
	}
	fdt_for_each_subnode(off, fdt, 0) {
		const char *name = fdt_get_name(fdt, off, NULL);
		const struct fdt_header *sub;
		phys_addr_t phys = 0;
		const u64 *prop;
		int len;

		prop = fdt_getprop(fdt, off, KHO_FDT_SUB_TREE_PROP_NAME, &len);
		if (prop && len == sizeof(*prop))
			phys = get_unaligned(prop);
		order = phys ? kho_preserved_order(root, phys) : -1;
		if (order >= 0) {
			sub = phys_to_virt(phys);
			if (!fdt_check_header(sub) &&
			    fdt_totalsize(sub) <= PAGE_SIZE << order)
				continue;
		}
		pr_err("rejecting the handover: subtree %s at %pa is not a preserved FDT\n",
		       name ? name : "?", &phys);
		return -EINVAL;
	}
	return 0;
}
