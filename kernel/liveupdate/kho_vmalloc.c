// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec HandOver (KHO): preserve vmalloc areas across kexec.
 *
 * The pages behind a VM_ALLOC area are preserved block by block, at the
 * area's page order, and listed in a chain of preserved chunk pages that a
 * struct kho_vmalloc describes.  The next kernel checks the chain, takes the
 * blocks back and maps them again into a new area that vfree() can free.
 * The format is in include/linux/kho/abi/kexec_handover.h, the design in
 * Documentation/core-api/kho/vmalloc.rst.
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <kunit/visibility.h>
#include <linux/cacheflush.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kasan.h>
#include <linux/kexec_handover.h>
#include <linux/kmemleak.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "../../mm/internal.h"
#include "kho_vmalloc.h"

static unsigned int kho_vm_page_order(const struct vm_struct *vm)
{
#ifdef CONFIG_HAVE_ARCH_HUGE_VMALLOC
	return vm->page_order;
#else
	return 0;
#endif
}

static void kho_vm_set_page_order(struct vm_struct *vm, unsigned int order)
{
#ifdef CONFIG_HAVE_ARCH_HUGE_VMALLOC
	vm->page_order = order;
#endif
}

/**
 * kho_vmalloc_find_area - the vmalloc area that kho_preserve_vmalloc() takes
 * @ptr:   the start of the area
 * @order: set to the order of the area's physical blocks
 *
 * Return: the area if @ptr is the start of a fully populated VM_ALLOC area,
 * otherwise NULL.
 */
struct vm_struct *kho_vmalloc_find_area(const void *ptr, unsigned int *order)
{
	struct vm_struct *vm = ptr ? find_vm_area(ptr) : NULL;

	if (!vm || vm->addr != ptr || !(vm->flags & VM_ALLOC) ||
	    (vm->flags & VM_UNINITIALIZED) || !vm->pages || !vm->nr_pages ||
	    vm->nr_pages != get_vm_area_size(vm) >> PAGE_SHIFT)
		return NULL;
	*order = kho_vm_page_order(vm);
	if (*order > MAX_PAGE_ORDER || !IS_ALIGNED(vm->nr_pages, 1U << *order))
		return NULL;
	return vm;
}
EXPORT_SYMBOL_IF_KUNIT(kho_vmalloc_find_area);

/* Unpreserve the blocks listed in a chain of this kernel and free it. */
static void kho_vmalloc_release(u64 first, unsigned int order)
{
	unsigned long nr = 1UL << order;

	while (first) {
		struct kho_vmalloc_chunk *chunk = phys_to_virt(first);
		unsigned int i;

		for (i = 0; i < KHO_VMALLOC_CHUNK_ENTRIES && chunk->phys[i]; i++)
			kho_unpreserve_pages(pfn_to_page(PHYS_PFN(chunk->phys[i])),
					     nr);
		first = chunk->hdr.next;
		kho_unpreserve_free(chunk);
	}
}

/**
 * kho_preserve_vmalloc - preserve a vmalloc area across kexec
 * @ptr:          start of the area, as vmalloc() or vmalloc_huge() returned
 *                it; only VM_ALLOC areas can be preserved
 * @preservation: descriptor to fill, for the caller to hand over in its own
 *                preserved data
 *
 * Preserves every physical block behind the area at the area's page order
 * (above 0 for areas that vmalloc_huge() mapped with huge pages) and lists
 * the blocks in chunk pages, which are preserved too.  Either everything is
 * preserved or, on failure, nothing, and @preservation is left untouched.
 * The area must stay allocated, and its contents are what the next kernel
 * gets, until kexec or kho_unpreserve_vmalloc().  The next kernel gets it
 * back with kho_restore_vmalloc().
 *
 * Context: Process context; may sleep.
 * Return: 0; -EOPNOTSUPP if KHO is off; -EINVAL if @ptr is not the start
 * of a fully populated VM_ALLOC area; -ENOMEM; or an error of
 * kho_preserve_pages().
 */
int kho_preserve_vmalloc(void *ptr, struct kho_vmalloc *preservation)
{
	struct kho_vmalloc_chunk *first = NULL, *chunk = NULL;
	unsigned int order, step, i, slot = 0;
	u16 flags = KHO_VMALLOC_ALLOC;
	struct vm_struct *vm;
	int err;

	if (!kho_is_enabled())
		return -EOPNOTSUPP;
	if (!preservation)
		return -EINVAL;
	vm = kho_vmalloc_find_area(ptr, &order);
	if (!vm)
		return -EINVAL;
	if (vm->flags & VM_ALLOW_HUGE_VMAP)
		flags |= KHO_VMALLOC_HUGE_VMAP;
	else if (order)
		return -EINVAL;
	step = 1U << order;

	for (i = 0; i < vm->nr_pages; i += step) {
		struct page *page = vm->pages[i];

		if (!chunk || slot == KHO_VMALLOC_CHUNK_ENTRIES) {
			struct kho_vmalloc_chunk *next;

			next = kho_alloc_preserve(PAGE_SIZE);
			if (IS_ERR(next)) {
				err = PTR_ERR(next);
				goto unwind;
			}
			if (chunk)
				chunk->hdr.next = virt_to_phys(next);
			else
				first = next;
			chunk = next;
			slot = 0;
		}
		if (!IS_ALIGNED(page_to_pfn(page), step)) {
			err = -EINVAL;
			goto unwind;
		}
		err = kho_preserve_pages(page, step);
		if (err)
			goto unwind;
		chunk->phys[slot++] = page_to_phys(page);
		cond_resched();
	}

	preservation->first = virt_to_phys(first);
	preservation->total_pages = vm->nr_pages;
	preservation->flags = flags;
	preservation->order = order;
	return 0;

unwind:
	if (first)
		kho_vmalloc_release(virt_to_phys(first), order);
	return err;
}
EXPORT_SYMBOL_GPL(kho_preserve_vmalloc);

/**
 * kho_unpreserve_vmalloc - undo kho_preserve_vmalloc()
 * @preservation: the descriptor kho_preserve_vmalloc() filled
 *
 * Unpreserves the area's blocks, unpreserves and frees the chunk pages and
 * clears @preservation.  The area itself stays allocated.  A cleared
 * descriptor is ignored.
 *
 * Context: Process context; may sleep.
 */
void kho_unpreserve_vmalloc(struct kho_vmalloc *preservation)
{
	if (!preservation || !preservation->first)
		return;
	kho_vmalloc_release(preservation->first, preservation->order);
	memset(preservation, 0, sizeof(*preservation));
}
EXPORT_SYMBOL_GPL(kho_unpreserve_vmalloc);

static int kho_vmalloc_take_chunk(phys_addr_t phys, void *arg)
{
	return kho_restore_pages(phys, 1) ? 0 : -ENOENT;
}

/* Free the first @nr chunk pages of an incoming chain, all restored. */
static void kho_vmalloc_put_chunks(u64 first, unsigned long nr)
{
	while (nr--) {
		struct kho_vmalloc_chunk *chunk = phys_to_virt(first);

		first = chunk->hdr.next;
		__free_page(virt_to_page(chunk));
	}
}

/* Take back every block of a checked chain, filling @pages. */
static int kho_vmalloc_take_blocks(const struct kho_vmalloc *desc,
				   struct page **pages, unsigned int *done)
{
	unsigned int order = desc->order, step = 1U << order, i;
	struct kho_vmalloc_iter it;

	kho_vmalloc_iter_init(&it, desc);
	for (*done = 0; *done < desc->total_pages; *done += step) {
		u64 phys = kho_vmalloc_iter_next(&it);
		struct page *page = kho_restore_pages(phys, step);

		if (!page) {
			pr_err("vmalloc restore: block %u at %#llx is not a preserved order-%u block\n",
			       *done >> order, phys, order);
			return -ENOENT;
		}
		for (i = 0; i < step; i++)
			pages[*done + i] = page + i;
		cond_resched();
	}
	return 0;
}

/*
 * Reserve address space for @nr_pages pages.  A huge area needs addresses
 * aligned to its blocks, which 6.12 offers outside mm/ only for ioremap
 * areas: they are aligned to their size rounded up to a power of two (up
 * to IOREMAP_MAX_ORDER).  The area is switched to VM_ALLOC once it is set
 * up; until then VM_UNINITIALIZED keeps vread_iter() and /proc/vmallocinfo
 * off it.  Sets *@shift to the page shift to map with.
 */
static struct vm_struct *kho_vmalloc_get_area(unsigned int nr_pages,
					      unsigned int order, bool huge,
					      unsigned int *shift,
					      const void *caller)
{
	unsigned long size = (unsigned long)nr_pages << PAGE_SHIFT;
	bool aligned = IS_ENABLED(CONFIG_HAVE_ARCH_HUGE_VMALLOC) && huge && order;
	unsigned long flags = aligned ? VM_IOREMAP : VM_ALLOC;
	struct vm_struct *vm;

	vm = get_vm_area_caller(size, flags | VM_UNINITIALIZED, caller);
	if (!vm)
		return NULL;
	*shift = PAGE_SHIFT;
	if (aligned &&
	    IS_ALIGNED((unsigned long)kasan_reset_tag(vm->addr),
		       PAGE_SIZE << order))
		*shift += order;
	return vm;
}

/**
 * kho_restore_vmalloc - take back a vmalloc area preserved before kexec
 * @preservation: the descriptor kho_preserve_vmalloc() filled in the
 *                previous kernel
 *
 * Checks the descriptor and its chunk chain, takes back the chunk pages and
 * the blocks, frees the chunk pages and maps the blocks into a new VM_ALLOC
 * area of the same size, contents and page order (mapped with huge pages
 * where the area was).  Free the area with vfree().  Its mapping is
 * PAGE_KERNEL, whatever it was before.
 *
 * A descriptor that is corrupt (a chunk or block that is not preserved
 * memory, a cycle or an over-long chain, a wrong count, alignment, order or
 * flags) is refused with a "KHO: vmalloc restore: " line in the log;
 * whatever was taken back by then is freed.  A chunk or block that is not
 * preserved also draws the warning of kho_restore_pages().
 *
 * Context: Process context; may sleep.
 * Return: the area, or NULL if the descriptor was refused or memory ran out.
 */
void *kho_restore_vmalloc(const struct kho_vmalloc *preservation)
{
	const void *caller = __builtin_return_address(0);
	struct kho_vmalloc_walk walk = {
		.take_chunk = kho_vmalloc_take_chunk,
	};
	struct kho_vmalloc desc;
	unsigned int shift, done = 0, i;
	unsigned long size, addr;
	struct vm_struct *vm;
	struct page **pages;
	bool huge;
	int err;

	if (!preservation)
		return NULL;
	desc = *preservation;

	err = kho_vmalloc_check(&desc, &walk);
	if (err) {
		pr_err("vmalloc restore: %s\n", walk.why);
		goto put_chunks;
	}

	pages = kvmalloc_array(desc.total_pages, sizeof(*pages),
			       GFP_KERNEL | __GFP_NOWARN);
	if (!pages) {
		pr_err("vmalloc restore: no memory for the page array of %u pages\n",
		       desc.total_pages);
		goto put_chunks;
	}
	err = kho_vmalloc_take_blocks(&desc, pages, &done);
	if (err)
		goto free_pages;

	huge = desc.flags & KHO_VMALLOC_HUGE_VMAP;
	size = (unsigned long)desc.total_pages << PAGE_SHIFT;
	vm = kho_vmalloc_get_area(desc.total_pages, desc.order, huge, &shift,
				  caller);
	if (!vm) {
		pr_err("vmalloc restore: no vmalloc space for %lu KiB\n",
		       size >> 10);
		goto free_pages;
	}
	addr = (unsigned long)kasan_reset_tag(vm->addr);
	err = vmap_pages_range_noflush(addr, addr + size, PAGE_KERNEL, pages,
				       shift);
	flush_cache_vmap(addr, addr + size);
	if (err) {
		pr_err("vmalloc restore: cannot map %lu KiB (%d)\n", size >> 10,
		       err);
		free_vm_area(vm);
		goto free_pages;
	}

	vm->addr = kasan_unpoison_vmalloc(vm->addr, size,
					  KASAN_VMALLOC_PROT_NORMAL |
					  KASAN_VMALLOC_VM_ALLOC);
	vm->pages = pages;
	vm->nr_pages = desc.total_pages;
	kho_vm_set_page_order(vm, desc.order);
	kmemleak_vmalloc(vm, size, GFP_KERNEL);
	/*
	 * VM_MAP_PUT_PAGES: vfree() then frees the pages and the array but
	 * leaves vmalloc's page counter alone, which never counted them.
	 * Pairs with smp_rmb() in vread_iter() and vmalloc_info_show().
	 */
	smp_wmb();
	vm->flags = VM_ALLOC | VM_MAP_PUT_PAGES |
		    (huge ? VM_ALLOW_HUGE_VMAP : 0);

	kho_vmalloc_put_chunks(desc.first, walk.chunks);
	return vm->addr;

free_pages:
	for (i = 0; i < done; i++)
		__free_page(pages[i]);
	kvfree(pages);
put_chunks:
	kho_vmalloc_put_chunks(desc.first, walk.chunks);
	return NULL;
}
EXPORT_SYMBOL_GPL(kho_restore_vmalloc);
