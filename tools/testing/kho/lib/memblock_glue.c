// SPDX-License-Identifier: GPL-2.0
/*
 * Native harness: what mm/memblock.c needs around it, and set-up and
 * inspection helpers for tests and benchmarks.  Built like
 * tools/testing/memblock builds its tests, with its include directories.
 *
 * memblock grows its region arrays with kmalloc() here (slab is "up"):
 * the boot-time path would take them from memblock memory through __va(),
 * which in tools/testing/memblock is the identity and not the arena.  The
 * cost is the same doubling and copying.
 */
#include <stdlib.h>
#include <string.h>

struct seq_file;

#include <linux/memblock.h>
#include <linux/slab.h>

bool movable_node_enabled;

void kho_mb_reset(void)
{
	slab_state = UP;
	memblock_allow_resize();
	memset(memblock.memory.regions, 0,
	       memblock.memory.cnt * sizeof(struct memblock_region));
	memblock.memory.cnt = 0;
	memblock.memory.total_size = 0;
	memset(memblock.reserved.regions, 0,
	       memblock.reserved.cnt * sizeof(struct memblock_region));
	memblock.reserved.cnt = 0;
	memblock.reserved.total_size = 0;
	memblock.bottom_up = false;
	memblock.current_limit = MEMBLOCK_ALLOC_ANYWHERE;
}

unsigned long kho_mb_reserved_cnt(void)
{
	return memblock.reserved.cnt;
}

unsigned long kho_mb_reserved_max(void)
{
	return memblock.reserved.max;
}

void kho_mb_reserved_region(unsigned long i, phys_addr_t *base,
			    phys_addr_t *size, unsigned int *flags)
{
	struct memblock_region *r = &memblock.reserved.regions[i];

	*base = r->base;
	*size = r->size;
	*flags = r->flags;
}

/* The shim's copies of the flags the KHO sources test. */
static_assert(MEMBLOCK_RSRV_KHO == 0x80);
static_assert(MEMBLOCK_NOMAP == 0x4);

/* for_each_reserved_mem_region() of the shim: region @i, or NULL. */
struct kho_mb_region {
	phys_addr_t base;
	phys_addr_t size;
	unsigned int flags;
};

static struct kho_mb_region *kho_mb_copy(struct memblock_type *type,
					 unsigned long i)
{
	static struct kho_mb_region copy;

	if (i >= type->cnt)
		return NULL;
	copy.base = type->regions[i].base;
	copy.size = type->regions[i].size;
	copy.flags = type->regions[i].flags;
	return &copy;
}

struct kho_mb_region *kho_mb_reserved(unsigned long i)
{
	return kho_mb_copy(&memblock.reserved, i);
}

/* for_each_mem_region() of the shim */
struct kho_mb_region *kho_mb_memory(unsigned long i)
{
	return kho_mb_copy(&memblock.memory, i);
}

static unsigned long reserve_kho_calls;

long kho_mb_reserve_kho_pfns(const unsigned long *pfns, unsigned long nr_pfns)
{
	reserve_kho_calls++;
	return memblock_reserve_kho_pfns(pfns, nr_pfns);
}

unsigned long kho_mb_reserve_kho_calls(void)
{
	return reserve_kho_calls;
}

/* memblock_alloc() and memblock_free() of the KHO sources */
static unsigned long allocs_live, allocs_to_fail;

void *kho_mb_alloc(phys_addr_t size, phys_addr_t align)
{
	void *p;

	if (allocs_to_fail) {
		allocs_to_fail--;
		return NULL;
	}
	p = calloc(1, size);
	if (p)
		allocs_live++;
	return p;
}

void kho_mb_free(void *ptr, size_t size)
{
	if (ptr)
		allocs_live--;
	free(ptr);
}

void kho_mb_fail_allocs(unsigned long n)
{
	allocs_to_fail = n;
}

unsigned long kho_mb_allocs_live(void)
{
	return allocs_live;
}

unsigned int kho_mb_flag_noinit(void)
{
	return MEMBLOCK_RSRV_NOINIT;
}
