// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover, incoming side: the decoders of what the previous kernel
 * handed over.  The root FDT is checked before anything in it is used, and
 * the preserved-memory tracker is walked twice: once to vet every table and
 * every block, then once to reserve the blocks in memblock.  Nothing is
 * reserved unless the whole tree is sound.
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

/**
 * kho_fdt_subtree - find a subtree in a root FDT vetted by kho_fdt_check()
 * @fdt:  the root FDT
 * @name: the subtree's node name
 * @phys: where to store the physical address of the subtree's FDT
 *
 * Return: 0; -ENOENT if there is no such node; -EINVAL if its property is
 * missing, of the wrong size, zero or not page aligned.
 */
int kho_fdt_subtree(const void *fdt, const char *name, phys_addr_t *phys)
{
	const u64 *prop;
	int off, len;
	u64 val;

	off = fdt_subnode_offset(fdt, 0, name);
	if (off < 0)
		return -ENOENT;
	prop = fdt_getprop(fdt, off, KHO_FDT_SUB_TREE_PROP_NAME, &len);
	val = prop && len == sizeof(*prop) ? get_unaligned(prop) : 0;
	if (!val || !PAGE_ALIGNED(val))
		return -EINVAL;
	*phys = val;
	return 0;
}

struct kho_walk_ctx {
	const struct kho_scratch_area *scratch;
	unsigned int nr_scratch;
	unsigned long tables;
	unsigned long max_tables;
	unsigned long *blocks;
	phys_addr_t bad;
	/* the run of contiguous blocks not reserved yet */
	phys_addr_t run_start;
	phys_addr_t run_end;
	unsigned long run_blocks;
	/* blocks reserved so far, in walk order; and undone so far */
	unsigned long reserved;
	unsigned long undone;
};

static bool __init kho_in_scratch(const struct kho_walk_ctx *ctx,
				  phys_addr_t addr, phys_addr_t size)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_scratch; i++) {
		if (addr < ctx->scratch[i].addr + ctx->scratch[i].size &&
		    ctx->scratch[i].addr < addr + size)
			return true;
	}
	return false;
}

/* A tree page: RAM, not scratch, and not more tables than memory has. */
static bool __init kho_check_table(phys_addr_t phys, void *arg)
{
	struct kho_walk_ctx *ctx = arg;

	if (++ctx->tables > ctx->max_tables ||
	    !memblock_is_region_memory(phys, PAGE_SIZE) ||
	    kho_in_scratch(ctx, phys, PAGE_SIZE)) {
		ctx->bad = phys;
		return false;
	}
	return true;
}

static int __init kho_check_block(phys_addr_t phys, unsigned int order,
				  void *arg)
{
	struct kho_walk_ctx *ctx = arg;
	phys_addr_t size = PAGE_SIZE << order;

	if (order > MAX_PAGE_ORDER || !memblock_is_region_memory(phys, size) ||
	    kho_in_scratch(ctx, phys, size)) {
		ctx->bad = phys;
		return -EINVAL;
	}
	return 0;
}

/*
 * Reserve [@start, @start + @size).  Blocks of a sound tree never overlap
 * each other or memory this kernel reserved itself, so an overlap means
 * the tree is corrupt.
 */
static int __init kho_reserve_range(struct kho_walk_ctx *ctx,
				    phys_addr_t start, phys_addr_t size)
{
	if (memblock_is_region_reserved(start, size)) {
		ctx->bad = start;
		return -EINVAL;
	}
	memblock_reserve(start, size);
	memblock_reserved_mark_noinit(start, size);
	return 0;
}

static int __init kho_reserve_run(struct kho_walk_ctx *ctx)
{
	phys_addr_t size = ctx->run_end - ctx->run_start;
	int err;

	if (!size)
		return 0;
	err = kho_reserve_range(ctx, ctx->run_start, size);
	if (err)
		return err;
	ctx->reserved += ctx->run_blocks;
	ctx->run_start = 0;
	ctx->run_end = 0;
	ctx->run_blocks = 0;
	return 0;
}

static void __init kho_mark_block(struct kho_walk_ctx *ctx,
				  phys_addr_t phys, unsigned int order)
{
	struct page *page = pfn_to_page(PHYS_PFN(phys));

	set_page_private(page, kho_block_mark(order));
	ctx->blocks[order]++;
}

/* Reserve runs of contiguous blocks with one memblock call each. */
static int __init kho_reserve_block(phys_addr_t phys, unsigned int order,
				    void *arg)
{
	struct kho_walk_ctx *ctx = arg;
	int err;

	if (phys != ctx->run_end) {
		err = kho_reserve_run(ctx);
		if (err)
			return err;
		ctx->run_start = phys;
	}
	ctx->run_end = phys + (PAGE_SIZE << order);
	ctx->run_blocks++;
	kho_mark_block(ctx, phys, order);
	return 0;
}

/* The baseline for tools/testing/kho: one memblock call per block. */
static int __init kho_reserve_one(phys_addr_t phys, unsigned int order,
				  void *arg)
{
	struct kho_walk_ctx *ctx = arg;
	int err;

	err = kho_reserve_range(ctx, phys, PAGE_SIZE << order);
	if (err)
		return err;
	ctx->reserved++;
	kho_mark_block(ctx, phys, order);
	return 0;
}

/* Undo a reserving walk that stopped half-way: same tree, same order. */
static int __init kho_unreserve_block(phys_addr_t phys, unsigned int order,
				      void *arg)
{
	struct kho_walk_ctx *ctx = arg;

	if (ctx->undone++ < ctx->reserved)
		memblock_phys_free(phys, PAGE_SIZE << order);
	set_page_private(pfn_to_page(PHYS_PFN(phys)), 0);
	return 0;
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
 * Every table pointer must be RAM outside scratch, the tables may not
 * outnumber the pages of memory, and every block must be RAM outside
 * scratch of an order up to MAX_PAGE_ORDER.  The head page of each block
 * is marked with its order for kho_restore_folio() and friends.
 *
 * Blocks that overlap each other or memory already reserved are refused
 * too.
 *
 * Return: 0, or -EINVAL with a log line if the tree is refused, in which
 * case nothing was reserved.
 */
int __init kho_reserve_preserved(phys_addr_t map,
				 const struct kho_scratch_area *scratch,
				 unsigned int nr_scratch, unsigned long *blocks,
				 bool coalesce)
{
	struct kho_walk_ctx ctx = {
		.scratch = scratch,
		.nr_scratch = nr_scratch,
		.max_tables = PHYS_PFN(memblock_phys_mem_size()),
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
		pr_err("rejecting the handover: bad preserved-memory map near %pa (%d)\n",
		       &ctx.bad, err);
		return -EINVAL;
	}
	/* the first walk vetted every table and block */
	ctx.tables = 0;
	err = kho_radix_walk(root, kho_check_table,
			     coalesce ? kho_reserve_block : kho_reserve_one,
			     &ctx);
	if (!err)
		err = kho_reserve_run(&ctx);
	if (err) {
		pr_err("rejecting the handover: preserved block at %pa overlaps reserved memory\n",
		       &ctx.bad);
		ctx.tables = 0;
		kho_radix_walk(root, kho_check_table, kho_unreserve_block,
			       &ctx);
		memset(blocks, 0, sizeof(*blocks) * (KHO_ORDER_0_LOG2 + 1));
		return -EINVAL;
	}
	return 0;
}
