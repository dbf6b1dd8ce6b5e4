// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover, incoming side: the decoders of what the previous kernel
 * handed over.  Nothing the previous kernel wrote is trusted: the root FDT
 * and the scratch array are checked to be RAM before they are mapped and
 * checked again once mapped; the preserved-memory tracker is walked twice,
 * once to vet every table and every block, then once to reserve the blocks
 * in memblock, vetting them again; the root FDT and every subtree it lists
 * must then lie in preserved blocks.  A handover is taken whole or not at
 * all: whatever fails, every reservation made for it is dropped again.
 * See "What the next kernel trusts" in Documentation/core-api/kho/.
 *
 * This file depends only on memblock, libfdt and a few basic headers, so
 * that tools/testing/kho can build it natively, against the real
 * mm/memblock.c, to fuzz the decoders and to measure the restore cost.
 */

#define pr_fmt(fmt) "KHO: " fmt

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
	    scratch_len > KHO_SCRATCH_MAX * sizeof(struct kho_scratch_area)) {
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

/* Why a walk of the tracker stopped. */
enum kho_walk_fault {
	KHO_WALK_BAD,		/* a table or block that is not RAM, in scratch... */
	KHO_WALK_TABLE_USED,	/* a table in memory this kernel reserved */
	KHO_WALK_TOO_MANY,	/* more tables than a sound tree can have */
	KHO_WALK_OVERLAP,	/* a block overlapping reserved memory */
	KHO_WALK_NOMEM,		/* memblock could not record a reservation */
};

struct kho_walk_ctx {
	const struct kho_scratch_area *scratch;
	unsigned int nr_scratch;
	bool reserving;		/* second walk: KHO's own reservations exist */
	unsigned long tables;
	unsigned long max_tables;
	unsigned long *blocks;
	phys_addr_t bad;
	enum kho_walk_fault fault;
	int err;
	/* the run of contiguous blocks not reserved yet */
	phys_addr_t run_start;
	phys_addr_t run_end;
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

static bool __init kho_walk_fail(struct kho_walk_ctx *ctx, phys_addr_t phys,
				 enum kho_walk_fault fault, int err)
{
	ctx->bad = phys;
	ctx->fault = fault;
	ctx->err = err;
	return false;
}

/*
 * A tree page: RAM outside scratch, and no more tables than a sound tree
 * can have.  In the first walk it must not be memory this kernel reserved
 * for itself either (its image, its memblock arrays): this kernel writes
 * nothing else outside scratch before the second walk, so both walks read
 * the same tree.
 */
static bool __init kho_check_table(phys_addr_t phys, void *arg)
{
	struct kho_walk_ctx *ctx = arg;

	if (++ctx->tables > ctx->max_tables)
		return kho_walk_fail(ctx, phys, KHO_WALK_TOO_MANY, -E2BIG);
	if (!memblock_is_region_memory(phys, PAGE_SIZE) ||
	    kho_in_scratch(ctx, phys, PAGE_SIZE))
		return kho_walk_fail(ctx, phys, KHO_WALK_BAD, -EINVAL);
	if (!ctx->reserving && memblock_is_region_reserved(phys, PAGE_SIZE))
		return kho_walk_fail(ctx, phys, KHO_WALK_TABLE_USED, -EINVAL);
	return true;
}

/*
 * A block, in the first walk: of an order the page allocator has, RAM,
 * outside scratch.  The second walk checks the same per run, and whether
 * the run overlaps reserved memory.
 */
static int __init kho_check_block(phys_addr_t phys, unsigned int order,
				  void *arg)
{
	struct kho_walk_ctx *ctx = arg;
	phys_addr_t size;

	if (order <= MAX_PAGE_ORDER) {
		size = PAGE_SIZE << order;
		if (memblock_is_region_memory(phys, size) &&
		    !kho_in_scratch(ctx, phys, size))
			return 0;
	}
	kho_walk_fail(ctx, phys, KHO_WALK_BAD, -EINVAL);
	return -EINVAL;
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

/*
 * Vet and reserve the run of contiguous blocks collected so far: the
 * checks of kho_check_block() hold for every block of the run iff they
 * hold for the run, which costs one check per run instead of one per
 * block.  Memory reserved already (by this kernel, or for an earlier block
 * of the tree) means the tree is corrupt.
 */
static int __init kho_reserve_run(struct kho_walk_ctx *ctx)
{
	phys_addr_t size = ctx->run_end - ctx->run_start;
	int err;

	if (!size)
		return 0;
	if (!kho_all_ram(ctx->run_start, ctx->run_end) ||
	    kho_in_scratch(ctx, ctx->run_start, size)) {
		kho_walk_fail(ctx, ctx->run_start, KHO_WALK_BAD, -EINVAL);
		return -EINVAL;
	}
	if (memblock_is_region_reserved(ctx->run_start, size)) {
		kho_walk_fail(ctx, ctx->run_start, KHO_WALK_OVERLAP, -EINVAL);
		return -EINVAL;
	}
	err = memblock_reserve_kho(ctx->run_start, size);
	if (err) {
		kho_walk_fail(ctx, ctx->run_start, KHO_WALK_NOMEM, err);
		return err;
	}
	ctx->run_start = 0;
	ctx->run_end = 0;
	return 0;
}

/*
 * The second walk checks a block's order and that it has a struct page
 * before it marks it; the rest is checked for its whole run, before the
 * run is reserved.
 */
static int __init kho_check_head(struct kho_walk_ctx *ctx, phys_addr_t phys,
				 unsigned int order)
{
	if (order <= MAX_PAGE_ORDER && pfn_valid(PHYS_PFN(phys)))
		return 0;
	kho_walk_fail(ctx, phys, KHO_WALK_BAD, -EINVAL);
	return -EINVAL;
}

static void __init kho_mark_block(struct kho_walk_ctx *ctx,
				  phys_addr_t phys, unsigned int order)
{
	struct page *page = pfn_to_page(PHYS_PFN(phys));

	kho_init_preserved_pages(PHYS_PFN(phys), 1UL << order);
	set_page_private(page, kho_block_mark(order));
	ctx->blocks[order]++;
}

/*
 * The second walk vets everything again (it must be safe on its own) and
 * reserves runs of contiguous blocks with one memblock call each.  A block
 * that overlaps the run being collected, or a run that overlaps reserved
 * memory, overlaps this kernel's memory or an earlier block of the tree.
 */
static int __init kho_reserve_block(phys_addr_t phys, unsigned int order,
				    void *arg)
{
	struct kho_walk_ctx *ctx = arg;
	int err;

	err = kho_check_head(ctx, phys, order);
	if (err)
		return err;
	if (ctx->run_start < ctx->run_end &&
	    kho_overlaps(phys, PAGE_SIZE << order, ctx->run_start,
			 ctx->run_end - ctx->run_start)) {
		kho_walk_fail(ctx, phys, KHO_WALK_OVERLAP, -EINVAL);
		return -EINVAL;
	}
	if (phys != ctx->run_end) {
		err = kho_reserve_run(ctx);
		if (err)
			return err;
		ctx->run_start = phys;
	}
	ctx->run_end = phys + (PAGE_SIZE << order);
	kho_mark_block(ctx, phys, order);
	return 0;
}

/* The baseline for tools/testing/kho: one memblock call per block. */
static int __init kho_reserve_one(phys_addr_t phys, unsigned int order,
				  void *arg)
{
	struct kho_walk_ctx *ctx = arg;
	int err;

	err = kho_check_head(ctx, phys, order);
	if (err)
		return err;
	ctx->run_start = phys;
	ctx->run_end = phys + (PAGE_SIZE << order);
	err = kho_reserve_run(ctx);
	if (err)
		return err;
	kho_mark_block(ctx, phys, order);
	return 0;
}

static void __init kho_walk_refuse(const struct kho_walk_ctx *ctx)
{
	switch (ctx->fault) {
	case KHO_WALK_TABLE_USED:
		pr_err("rejecting the handover: tracker table %pa is in memory this kernel uses\n",
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
		pr_err("rejecting the handover: cannot reserve preserved memory at %pa (%d)\n",
		       &ctx->bad, ctx->err);
		break;
	default:
		pr_err("rejecting the handover: bad preserved-memory map near %pa (%d)\n",
		       &ctx->bad, ctx->err);
		break;
	}
}

static void __init kho_clear_marks(phys_addr_t start, phys_addr_t end)
{
	unsigned long pfn;

	for (pfn = PHYS_PFN(start); pfn < PHYS_PFN(end); pfn++) {
		if (pfn_valid(pfn))
			set_page_private(pfn_to_page(pfn), 0);
	}
}

/**
 * kho_unreserve_preserved - drop every reservation of a handover
 * @blocks: the per-order counters kho_reserve_preserved() increased; they
 *          are cleared
 *
 * For a handover refused after kho_reserve_preserved() (or by it, half-way
 * through): the head page marks are cleared and every reservation made
 * with memblock_reserve_kho() is dropped.  Nothing the tracker says is
 * read again, so this undoes exactly what was done.
 */
void __init kho_unreserve_preserved(unsigned long *blocks)
{
	struct memblock_region *r;

	for_each_reserved_mem_region(r) {
		if (r->flags & MEMBLOCK_RSRV_KHO)
			kho_clear_marks(r->base, r->base + r->size);
	}
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
 * @coalesce:   reserve runs of contiguous blocks with one memblock call
 *              (false only to measure the difference)
 *
 * Every table must be RAM outside scratch and outside memory this kernel
 * reserved, and there may be no more tables than a sound tree can have on
 * this machine.  Every block must be RAM outside scratch and of an order up
 * to MAX_PAGE_ORDER (checked in both walks), and overlap neither memory
 * already reserved nor another block (checked as the second walk reserves
 * them).  Blocks are reserved with memblock_reserve_kho() (so their struct
 * pages are not initialised again) and the head page of each is marked
 * with its order for kho_restore_folio() and friends.
 *
 * Return: 0; or -EINVAL (a bad tree) or -ENOMEM (memblock cannot record
 * the reservations, which can only grow inside scratch), with a log line,
 * in which case nothing is reserved and no page is marked.
 */
int __init kho_reserve_preserved(phys_addr_t map,
				 const struct kho_scratch_area *scratch,
				 unsigned int nr_scratch, unsigned long *blocks,
				 bool coalesce)
{
	struct kho_walk_ctx ctx = {
		.scratch = scratch,
		.nr_scratch = nr_scratch,
		.max_tables = kho_max_tables(memblock_end_of_DRAM()),
		.blocks = blocks,
	};
	const struct kho_radix_node *root;
	int err;

	if (!PAGE_ALIGNED(map) || !kho_check_table(map, &ctx)) {
		pr_err("rejecting the handover: bad tracker root %pa\n", &map);
		return -EINVAL;
	}
	root = phys_to_virt(map);
	err = kho_radix_walk(root, kho_check_table, kho_check_block, &ctx);
	if (err) {
		if (!ctx.err)
			kho_walk_fail(&ctx, 0, KHO_WALK_BAD, err);
		kho_walk_refuse(&ctx);
		return -EINVAL;
	}

	ctx.reserving = true;
	ctx.tables = 1;			/* the root, vetted above */
	err = kho_radix_walk(root, kho_check_table,
			     coalesce ? kho_reserve_block : kho_reserve_one,
			     &ctx);
	if (!err)
		err = kho_reserve_run(&ctx);
	if (err) {
		if (!ctx.err)
			kho_walk_fail(&ctx, 0, KHO_WALK_BAD, err);
		kho_walk_refuse(&ctx);
		/* the run not reserved yet was marked already */
		kho_clear_marks(ctx.run_start, ctx.run_end);
		kho_unreserve_preserved(blocks);
		return ctx.fault == KHO_WALK_NOMEM ? ctx.err : -EINVAL;
	}
	return 0;
}

/* The order of the preserved block whose head is @phys, or -1. */
static int __init kho_marked_order(phys_addr_t phys)
{
	unsigned long mark;
	unsigned int order;

	if (!phys || !PAGE_ALIGNED(phys) || !pfn_valid(PHYS_PFN(phys)))
		return -1;
	mark = page_private(pfn_to_page(PHYS_PFN(phys)));
	order = mark & U32_MAX;
	if (order > MAX_PAGE_ORDER || mark != kho_block_mark(order))
		return -1;
	return order;
}

/**
 * kho_check_preserved_fdts - vet the root FDT and its subtrees in place
 * @fdt:      the root FDT, checked by kho_fdt_check() and mapped
 * @fdt_phys: its physical address
 * @fdt_len:  its length, as the boot protocol gave it
 *
 * Called once kho_reserve_preserved() has reserved and marked the blocks:
 * the root FDT must lie in a preserved block (else this kernel could have
 * reused its memory since it was checked), and so must every subtree it
 * lists, with a valid FDT header whose size fits in the block.  After this
 * kho_retrieve_subtree() and debugfs may read any subtree the root lists.
 *
 * Return: 0, or -EINVAL with a log line.
 */
int __init kho_check_preserved_fdts(const void *fdt, phys_addr_t fdt_phys,
				    u64 fdt_len)
{
	int order, off;

	order = kho_marked_order(fdt_phys);
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
		order = kho_marked_order(phys);
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
