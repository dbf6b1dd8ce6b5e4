/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The preserved-memory tracker of kexec handover: a radix tree keyed by
 * (order, physical address) whose leaves are bitmaps.  The layout is ABI,
 * see include/linux/kho/abi/kexec_handover.h.
 *
 * This file and kho_radix.c depend on nothing but a few basic kernel
 * headers, so that tools/testing/kho can compile them natively.
 */
#ifndef _KERNEL_LIVEUPDATE_KHO_RADIX_H
#define _KERNEL_LIVEUPDATE_KHO_RADIX_H

#include <linux/kho/abi/kexec_handover.h>
#include <linux/mutex.h>
#include <linux/types.h>

/**
 * struct kho_radix_tree - an outgoing preserved-memory tracker
 * @root:   the level-5 node, allocated by kho_radix_init()
 * @lock:   serialises every change to the tree
 * @nodes:  number of node pages in the tree, the root included
 * @leaves: number of leaf pages in the tree
 * @blocks: number of preserved blocks per order
 */
struct kho_radix_tree {
	struct kho_radix_node *root;
	struct mutex lock;	/* protects the tree and the counters */
	unsigned long nodes;
	unsigned long leaves;
	unsigned long blocks[KHO_ORDER_0_LOG2 + 1];
};

/**
 * typedef kho_radix_visit_t - called for each run of preserved blocks
 * @phys:  physical address of the first block
 * @order: every block of the run is 2^order pages
 * @nr:    number of blocks in the run, back to back from @phys (at least 1)
 * @arg:   the walk's argument
 *
 * A walk reports blocks in runs so that a dense tracker costs a few bitmap
 * words per run instead of a call per block.
 *
 * Return: 0 to go on, anything else stops the walk and is returned by it.
 */
typedef int (*kho_radix_visit_t)(phys_addr_t phys, unsigned int order,
				 unsigned long nr, void *arg);

/**
 * typedef kho_radix_check_t - vets a table pointer found in a tree
 * @phys: physical address of a node or leaf page, as stored in its parent
 * @arg:  the walk's argument
 *
 * Return: true if @phys may be read as a tree page.
 */
typedef bool (*kho_radix_check_t)(phys_addr_t phys, void *arg);

u64 kho_radix_encode_key(phys_addr_t phys, unsigned int order);
phys_addr_t kho_radix_decode_key(u64 key, unsigned int *order);

int kho_radix_init(struct kho_radix_tree *tree);
void kho_radix_destroy(struct kho_radix_tree *tree);
int kho_radix_add(struct kho_radix_tree *tree, phys_addr_t phys,
		  unsigned int order);
void kho_radix_del(struct kho_radix_tree *tree, phys_addr_t phys,
		   unsigned int order);
bool kho_radix_test(struct kho_radix_tree *tree, phys_addr_t phys,
		    unsigned int order);

int kho_radix_walk(const struct kho_radix_node *root, kho_radix_check_t check,
		   kho_radix_visit_t visit, void *arg);
struct kho_radix_leaf *kho_radix_in_leaf(struct kho_radix_node *root, u64 key);

#if IS_ENABLED(CONFIG_KUNIT)
void *kho_radix_alloc_table(void);
#endif

#endif /* _KERNEL_LIVEUPDATE_KHO_RADIX_H */
