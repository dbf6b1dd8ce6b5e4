/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: there is no vmalloc space.  The declarations let the
 * kho_vmalloc KUnit suite build; tests/kernel_only.c has the definitions,
 * which BUG(), and the runner skips the suites that would call them.
 */
#ifndef _KHO_SHIM_LINUX_VMALLOC_H
#define _KHO_SHIM_LINUX_VMALLOC_H

#include <linux/types.h>

struct page;
struct vm_struct;

void *vmalloc(unsigned long size);
void *vmalloc_huge(unsigned long size, gfp_t gfp);
void vfree(const void *addr);
void *vmap(struct page **pages, unsigned int count, unsigned long flags,
	   int prot);
void vunmap(const void *addr);
struct page *vmalloc_to_page(const void *addr);

#define VM_MAP		0x00000004
#define PAGE_KERNEL	0

#endif
