/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kexec handover: what its files share and nothing else should see.
 */
#ifndef _KERNEL_LIVEUPDATE_KEXEC_HANDOVER_INTERNAL_H
#define _KERNEL_LIVEUPDATE_KEXEC_HANDOVER_INTERNAL_H

#include <linux/bitops.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/sizes.h>
#include <linux/types.h>

/**
 * struct kho_stats - preserved-memory tracker statistics
 * @nodes:      node pages of the outgoing tracker
 * @leaves:     leaf pages of the outgoing tracker
 * @out_blocks: blocks preserved for the next kernel, per order
 * @in_blocks:  blocks the previous kernel handed over, per order
 */
struct kho_stats {
	unsigned long nodes;
	unsigned long leaves;
	unsigned long out_blocks[KHO_ORDER_0_LOG2 + 1];
	unsigned long in_blocks[KHO_ORDER_0_LOG2 + 1];
};

/**
 * kho_run_order - order of the block that starts a run of pages
 * @pfn:      first page frame of the run
 * @nr_pages: pages left in the run, at least one
 *
 * kho_preserve_pages() splits a run into the largest naturally aligned
 * blocks, at most MAX_PAGE_ORDER pages, from its start; its undo and
 * kho_restore_pages() must split it the same way, and so must anything
 * that stands in for them (tools/testing/kho).
 *
 * Return: the order of the block at @pfn.
 */
static inline unsigned int kho_run_order(unsigned long pfn,
					 unsigned long nr_pages)
{
	unsigned int order = min_t(unsigned int, MAX_PAGE_ORDER,
				   ilog2(nr_pages));

	if (pfn)
		order = min_t(unsigned int, order, __ffs(pfn));
	return order;
}

/* The largest root FDT an incoming kernel accepts. */
#define KHO_FDT_MAX_SIZE	SZ_64K

/*
 * Scratch areas: one below ARCH_LOW_ADDRESS_LIMIT, one anywhere, one per
 * node with memory (KHO_SCRATCH_MAX_AREAS at most); and the smallest size
 * of each that a kernel hands over (the next kernel's image and initrd go
 * there too) and accepts.
 */
#define KHO_SCRATCH_MIN_LOWMEM	SZ_16M
#define KHO_SCRATCH_MIN_GLOBAL	SZ_64M
#define KHO_SCRATCH_MIN_NODE	SZ_16M

extern struct kho_scratch_area *kho_scratch;
extern unsigned int kho_scratch_cnt;

#if IS_ENABLED(CONFIG_KUNIT)
bool kho_kexec_started(void);
#endif

const void *kho_in_fdt(void);
const void *kho_out_fdt(void);
void kho_stats(struct kho_stats *st);

/* kho_reserve.c: decoders of the incoming handover */
int kho_handover_check(phys_addr_t fdt_phys, u64 fdt_len,
		       phys_addr_t scratch_phys, u64 scratch_len);
int kho_fdt_check(const void *fdt, u64 len, phys_addr_t *map);
int kho_scratch_check(const struct kho_scratch_area *areas, unsigned int cnt,
		      phys_addr_t fdt_phys, u64 fdt_len,
		      phys_addr_t scratch_phys);
int kho_fdt_subtree(const void *fdt, const char *name, phys_addr_t *phys);
int kho_reserve_preserved(phys_addr_t map,
			  const struct kho_scratch_area *scratch,
			  unsigned int nr_scratch, unsigned long *blocks);
void kho_unreserve_preserved(unsigned long *blocks);
/*
 * kexec_handover.c: make the struct pages of [@pfn, @pfn + @nr_pages), a
 * preserved block being reserved, ready for kho_restore_folio() and
 * friends, initialising those that deferred struct page init has not
 * reached (it never will: the block is reserved).
 */
void kho_init_preserved_pages(unsigned long pfn, unsigned long nr_pages);
int kho_check_preserved_fdts(struct kho_radix_node *root, const void *fdt,
			     phys_addr_t fdt_phys, u64 fdt_len);
bool kho_preserved_test(struct kho_radix_node *root, phys_addr_t phys,
			unsigned int order);
bool kho_preserved_take(struct kho_radix_node *root, phys_addr_t phys,
			unsigned int order);
void kho_preserved_give(struct kho_radix_node *root, phys_addr_t phys,
			unsigned int order);
int kho_preserved_order(struct kho_radix_node *root, phys_addr_t phys);

#ifdef CONFIG_KEXEC_HANDOVER_DEBUGFS
void kho_debugfs_subtree_add(const char *name, void *fdt);
void kho_debugfs_subtree_remove(void *fdt);
#else
static inline void kho_debugfs_subtree_add(const char *name, void *fdt) { }
static inline void kho_debugfs_subtree_remove(void *fdt) { }
#endif

#endif /* _KERNEL_LIVEUPDATE_KEXEC_HANDOVER_INTERNAL_H */
