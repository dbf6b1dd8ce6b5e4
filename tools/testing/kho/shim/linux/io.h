/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: the direct map is the arena (see kho_shim.h).
 *
 * phys_to_virt() of an address in the arena gives its place in the
 * mapping.  Of any other address it gives a place in a PROT_NONE trap
 * region, so that computing such a pointer is harmless, as in the kernel,
 * but reading or writing through it faults: a decoder that touches memory
 * it has not vetted crashes under test and fuzzing.  virt_to_phys() of a
 * pointer outside the arena (stack, heap, globals) is a bug and aborts.
 */
#ifndef _KHO_SHIM_LINUX_IO_H
#define _KHO_SHIM_LINUX_IO_H

#include <linux/bits.h>
#include <linux/types.h>
#include "../kho_shim.h"

#define KHO_TRAP_SIZE	BIT(30)

static inline void *phys_to_virt(phys_addr_t phys)
{
	if (kho_arena_has(phys, 1))
		return kho_arena.virt + (phys - kho_arena.base);
	kho_arena.traps++;
	return kho_arena.trap + (phys & (KHO_TRAP_SIZE - 1));
}

phys_addr_t kho_shim_virt_to_phys(const void *virt);

static inline phys_addr_t virt_to_phys(const void *virt)
{
	unsigned long off = (unsigned long)virt -
			    (unsigned long)kho_arena.virt;

	if ((unsigned long)virt >= (unsigned long)kho_arena.virt &&
	    off < kho_arena.size)
		return kho_arena.base + off;
	return kho_shim_virt_to_phys(virt);	/* aborts */
}

/* Does @virt point into the arena, the only "direct map" there is? */
static inline bool virt_addr_valid(const void *virt)
{
	return (unsigned long)virt >= (unsigned long)kho_arena.virt &&
	       (unsigned long)virt - (unsigned long)kho_arena.virt <
	       kho_arena.size;
}

#define __va(x)		phys_to_virt((phys_addr_t)(x))
#define __pa(x)		virt_to_phys((void *)(x))

#endif
