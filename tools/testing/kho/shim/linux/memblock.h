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
int memblock_mark_nomap(phys_addr_t base, phys_addr_t size);
int memblock_mark_kho_scratch(phys_addr_t base, phys_addr_t size);
int memblock_clear_kho_scratch(phys_addr_t base, phys_addr_t size);
phys_addr_t memblock_phys_mem_size(void);
phys_addr_t memblock_reserved_size(void);
bool memblock_is_memory(phys_addr_t addr);
bool memblock_is_region_memory(phys_addr_t base, phys_addr_t size);
bool memblock_is_reserved(phys_addr_t addr);
bool memblock_is_region_reserved(phys_addr_t base, phys_addr_t size);
bool memblock_is_map_memory(phys_addr_t addr);
phys_addr_t memblock_end_of_DRAM(void);
#define memblock_reserve_kho_pfns(pfns, nr)	kho_mb_reserve_kho_pfns(pfns, nr)
long kho_mb_reserve_kho_pfns(const unsigned long *pfns, unsigned long nr_pfns);
void memblock_unreserve_kho(void);

/*
 * Early allocations come from the C heap (calloc()); the real ones are
 * taken from scratch memory, which the walks never read.  The glue counts
 * calls of memblock_reserve_kho_pfns() and can make the next allocations
 * fail (kho_mb_fail_allocs()).
 */
#define SMP_CACHE_BYTES		64
#define memblock_alloc(size, align)	kho_mb_alloc(size, align)
#define memblock_free(ptr, size)	kho_mb_free(ptr, size)
void *kho_mb_alloc(phys_addr_t size, phys_addr_t align);
void kho_mb_free(void *ptr, size_t size);

/*
 * A copy of a reserved region, enough for for_each_reserved_mem_region():
 * the real struct lives on the other side of the glue.
 */
#define MEMBLOCK_NOMAP		0x4
#define MEMBLOCK_RSRV_KHO	0x80
struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
	unsigned int flags;
};

static inline bool memblock_is_nomap(const struct memblock_region *m)
{
	return m->flags & MEMBLOCK_NOMAP;
}

struct memblock_region *kho_mb_reserved(unsigned long i);
#define for_each_reserved_mem_region(r)					\
	for (unsigned long __i = 0; ((r) = kho_mb_reserved(__i)); __i++)
struct memblock_region *kho_mb_memory(unsigned long i);
#define for_each_mem_region(r)						\
	for (unsigned long __i = 0; ((r) = kho_mb_memory(__i)); __i++)

/* ---- lib/memblock_glue.c: set-up and inspection for tests ----------- */

/* Forget every region; memory and reserved become empty. */
void kho_mb_reset(void);
/* Number of reserved regions, room in the array for them, and region @i. */
unsigned long kho_mb_reserved_cnt(void);
unsigned long kho_mb_reserved_max(void);
void kho_mb_reserved_region(unsigned long i, phys_addr_t *base,
			    phys_addr_t *size, unsigned int *flags);
/* The flag memblock_reserved_mark_noinit() sets. */
unsigned int kho_mb_flag_noinit(void);
/* Make the next @n memblock_alloc() calls fail. */
void kho_mb_fail_allocs(unsigned long n);
/* memblock_alloc() calls not freed yet; memblock_reserve_kho_pfns() calls. */
unsigned long kho_mb_allocs_live(void);
unsigned long kho_mb_reserve_kho_calls(void);

#endif
