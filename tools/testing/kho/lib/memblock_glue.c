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

unsigned int kho_mb_flag_noinit(void)
{
	return MEMBLOCK_RSRV_NOINIT;
}
