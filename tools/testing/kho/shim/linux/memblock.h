/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: the memblock calls that the KHO sources make.  They link
 * against the real mm/memblock.c, built apart in the tools/testing/memblock
 * environment (see lib/memblock_glue.c).  phys_addr_t is a 64-bit integer
 * in both environments.
 */
#ifndef _KHO_SHIM_LINUX_MEMBLOCK_H
#define _KHO_SHIM_LINUX_MEMBLOCK_H

#include <linux/init.h>
#include <linux/types.h>

int memblock_add(phys_addr_t base, phys_addr_t size);
int memblock_remove(phys_addr_t base, phys_addr_t size);
int memblock_reserve(phys_addr_t base, phys_addr_t size);
int memblock_phys_free(phys_addr_t base, phys_addr_t size);
int memblock_reserved_mark_noinit(phys_addr_t base, phys_addr_t size);
int memblock_mark_kho_scratch(phys_addr_t base, phys_addr_t size);
int memblock_clear_kho_scratch(phys_addr_t base, phys_addr_t size);
phys_addr_t memblock_phys_mem_size(void);
phys_addr_t memblock_reserved_size(void);
bool memblock_is_memory(phys_addr_t addr);
bool memblock_is_region_memory(phys_addr_t base, phys_addr_t size);
bool memblock_is_reserved(phys_addr_t addr);
bool memblock_is_region_reserved(phys_addr_t base, phys_addr_t size);
phys_addr_t memblock_end_of_DRAM(void);
int memblock_reserve_kho(phys_addr_t base, phys_addr_t size);
void memblock_unreserve_kho(void);

/*
 * A copy of a reserved region, enough for for_each_reserved_mem_region():
 * the real struct lives on the other side of the glue.
 */
#define MEMBLOCK_RSRV_KHO	0x80
struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
	unsigned int flags;
};

struct memblock_region *kho_mb_reserved(unsigned long i);
#define for_each_reserved_mem_region(r)					\
	for (unsigned long __i = 0; ((r) = kho_mb_reserved(__i)); __i++)

/* ---- lib/memblock_glue.c: set-up and inspection for tests ----------- */

/* Forget every region; memory and reserved become empty. */
void kho_mb_reset(void);
/* Number of reserved regions, and region @i. */
unsigned long kho_mb_reserved_cnt(void);
void kho_mb_reserved_region(unsigned long i, phys_addr_t *base,
			    phys_addr_t *size, unsigned int *flags);
/* The flag memblock_reserved_mark_noinit() sets. */
unsigned int kho_mb_flag_noinit(void);

#endif
