/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kexec handover: what its files share and nothing else should see.
 */
#ifndef _KERNEL_LIVEUPDATE_KEXEC_HANDOVER_INTERNAL_H
#define _KERNEL_LIVEUPDATE_KEXEC_HANDOVER_INTERNAL_H

#include <linux/kho/abi/kexec_handover.h>
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

/* Head page of a preserved block in the next kernel: magic and order. */
#define KHO_PAGE_MAGIC		0x4b484f50UL	/* "KHOP" */

/* The page_private() mark of the head page of a preserved block. */
static inline unsigned long kho_block_mark(unsigned int order)
{
	return KHO_PAGE_MAGIC << 32 | order;
}

extern struct kho_scratch_area *kho_scratch;
extern unsigned int kho_scratch_cnt;

const void *kho_in_fdt(void);
const void *kho_out_fdt(void);
void kho_stats(struct kho_stats *st);

/* kho_reserve.c: decoders of the incoming handover */
int kho_fdt_check(const void *fdt, u64 len, phys_addr_t *map);
int kho_fdt_subtree(const void *fdt, const char *name, phys_addr_t *phys);
int kho_reserve_preserved(phys_addr_t map,
			  const struct kho_scratch_area *scratch,
			  unsigned int nr_scratch, unsigned long *blocks,
			  bool coalesce);

#ifdef CONFIG_KEXEC_HANDOVER_DEBUGFS
void kho_debugfs_subtree_add(const char *name, void *fdt);
void kho_debugfs_subtree_remove(void *fdt);
#else
static inline void kho_debugfs_subtree_add(const char *name, void *fdt) { }
static inline void kho_debugfs_subtree_remove(void *fdt) { }
#endif

#endif /* _KERNEL_LIVEUPDATE_KEXEC_HANDOVER_INTERNAL_H */
