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
#include <string.h>

struct seq_file;

#include <linux/memblock.h>
#include <linux/slab.h>

bool movable_node_enabled;
extern enum slab_state slab_state;

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

void kho_mb_reserved_region(unsigned long i, phys_addr_t *base,
			    phys_addr_t *size, unsigned int *flags)
{
	struct memblock_region *r = &memblock.reserved.regions[i];

	*base = r->base;
	*size = r->size;
	*flags = r->flags;
}

/* The shim's copy of the flag the KHO sources test. */
static_assert(MEMBLOCK_RSRV_KHO == 0x80);

/* for_each_reserved_mem_region() of the shim: region @i, or NULL. */
struct kho_mb_region {
	phys_addr_t base;
	phys_addr_t size;
	unsigned int flags;
};

struct kho_mb_region *kho_mb_reserved(unsigned long i)
{
	static struct kho_mb_region copy;

	if (i >= memblock.reserved.cnt)
		return NULL;
	copy.base = memblock.reserved.regions[i].base;
	copy.size = memblock.reserved.regions[i].size;
	copy.flags = memblock.reserved.regions[i].flags;
	return &copy;
}

unsigned int kho_mb_flag_noinit(void)
{
	return MEMBLOCK_RSRV_NOINIT;
}
