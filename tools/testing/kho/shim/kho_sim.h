/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: a stand-in for the KHO core of kexec_handover.c, built
 * on the real tracker (kho_radix.c), so that kho_array.c and kho_block.c
 * can preserve and restore, and tests can "kexec" between two simulated
 * kernels that share the arena.
 */
#ifndef _KHO_SIM_H
#define _KHO_SIM_H

#include <linux/mm.h>
#include <linux/types.h>

struct kho_radix_tree;

/*
 * The stand-in's restore calls find a block kernel B got by a mark on its
 * head page: "KHOP" and the order in page->private.  These helpers are
 * the only code that knows the encoding.  (kexec_handover.c marks no
 * struct page: it takes the block's bit out of the incoming tracker.)
 */
#define KHO_SIM_PAGE_MAGIC	0x4b484f50UL	/* "KHOP" */

static inline void kho_sim_page_mark(struct page *page, unsigned int order)
{
	page->private = KHO_SIM_PAGE_MAGIC << 32 | order;
}

static inline void kho_sim_page_unmark(struct page *page)
{
	page->private = 0;
}

/* The order @page is marked with, or -1 if it is not a marked head page. */
static inline int kho_sim_page_order(const struct page *page)
{
	if (page->private >> 32 != KHO_SIM_PAGE_MAGIC)
		return -1;
	return page->private & 0xffffffffUL;
}

struct kho_sim {
	bool enabled;		/* kho=on in the running kernel */
	bool boot;		/* the running kernel was handed data */
	struct kho_radix_tree *out;	/* the outgoing tracker */
	unsigned long in_blocks;	/* blocks reserved at the last kexec */
	unsigned long in_pages;
};

extern struct kho_sim kho_sim;

/* Fresh "kernel A": empty arena, KHO on, an empty outgoing tracker. */
int kho_sim_start(void);
/* Tear everything down (pages of the tracker included). */
void kho_sim_stop(void);
/*
 * Kexec into "kernel B": every page that is not preserved becomes free
 * (and poisoned if it was in use), every preserved block is reserved and
 * marked for restore, the old tracker is gone and a new empty one set up.
 * Return: 0, or the error of the tracker walk (the handover is then
 * refused and nothing is reserved).
 */
int kho_sim_kexec(void);
/* Mark the block at @phys of @order as preserved, as kernel B would. */
void kho_sim_mark_preserved(phys_addr_t phys, unsigned int order);

#endif
