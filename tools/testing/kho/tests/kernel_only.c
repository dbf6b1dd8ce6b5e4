// SPDX-License-Identifier: GPL-2.0
/*
 * Native harness: what the kernel-only KUnit suites (the runner's
 * kernel_only_suites[]) call and user space cannot do: vmalloc areas and
 * the parts of the KHO core the stand-in of lib/kho_sim.c lacks.  They
 * are linked, never run; each one stops the program as BUG() does.
 */
#include "../shim/kho_shim.h"
#include <linux/kexec_handover.h>
#include <linux/vmalloc.h>

#include "../../../../kernel/liveupdate/kexec_handover_internal.h"
#include "../../../../kernel/liveupdate/kho_vmalloc.h"

#define KERNEL_ONLY()	kho_shim_bug(__FILE__, __LINE__, __func__)

void *vmalloc(unsigned long size)
{
	KERNEL_ONLY();
}

void *vmalloc_huge(unsigned long size, gfp_t gfp)
{
	KERNEL_ONLY();
}

void vfree(const void *addr)
{
	KERNEL_ONLY();
}

void *vmap(struct page **pages, unsigned int count, unsigned long flags,
	   int prot)
{
	KERNEL_ONLY();
}

void vunmap(const void *addr)
{
	KERNEL_ONLY();
}

struct page *vmalloc_to_page(const void *addr)
{
	KERNEL_ONLY();
}

bool kho_kexec_started(void)
{
	KERNEL_ONLY();
}

int kho_preserve_vmalloc(void *ptr, struct kho_vmalloc *preservation)
{
	KERNEL_ONLY();
}

void kho_unpreserve_vmalloc(struct kho_vmalloc *preservation)
{
	KERNEL_ONLY();
}

void *kho_restore_vmalloc(const struct kho_vmalloc *preservation)
{
	KERNEL_ONLY();
}

struct vm_struct *kho_vmalloc_find_area(const void *ptr, unsigned int *order)
{
	KERNEL_ONLY();
}

int kho_add_subtree(const char *name, void *fdt)
{
	KERNEL_ONLY();
}
