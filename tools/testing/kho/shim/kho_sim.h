/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: a stand-in for the KHO core of kexec_handover.c, built
 * on the real tracker (kho_radix.c), so that kho_array.c and kho_block.c
 * can preserve and restore, and tests can "kexec" between two simulated
 * kernels that share the arena.
 */
#ifndef _KHO_SIM_H
#define _KHO_SIM_H

#include <linux/types.h>

struct kho_radix_tree;

/* Marks the head page of a preserved block in the next kernel. */
#define KHO_SIM_PAGE_MAGIC	0x4b484f50UL	/* "KHOP" */

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
