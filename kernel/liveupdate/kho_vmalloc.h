/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmalloc preservation of kexec handover: reading an incoming descriptor.
 *
 * The descriptor and its chunk chain come from the previous kernel and are
 * untrusted.  kho_vmalloc_check() vets all of it before the caller takes a
 * single block; kho_vmalloc_iter_next() then hands out the blocks of a
 * chain that passed.  Both are defined here, not in kho_vmalloc.c, and use
 * nothing but phys_to_virt() and a few basic headers, so that the KUnit
 * suite (built-in or a module) and a native test harness can use them
 * as they are.  The layout is ABI, see include/linux/kho/abi/kexec_handover.h.
 */
#ifndef _KERNEL_LIVEUPDATE_KHO_VMALLOC_H
#define _KERNEL_LIVEUPDATE_KHO_VMALLOC_H

#include <linux/align.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/math.h>
#include <linux/mmzone.h>
#include <linux/sprintf.h>
#include <linux/stdarg.h>
#include <linux/types.h>

struct vm_struct;

/**
 * struct kho_vmalloc_walk - state and outcome of kho_vmalloc_check()
 * @take_chunk: claims the chunk page at @phys, before it is read; returns 0,
 *              or a negative errno if @phys is not a preserved page, which
 *              stops the walk (the page is not read)
 * @arg:        passed to @take_chunk
 * @chunks:     chunk pages claimed, on success or failure; they are the
 *              first @chunks links of the chain, and the caller releases
 *              them
 * @blocks:     blocks listed in the chunks read so far
 * @why:        on failure, what is wrong with the descriptor
 */
struct kho_vmalloc_walk {
	int (*take_chunk)(phys_addr_t phys, void *arg);
	void *arg;
	unsigned long chunks;
	unsigned long blocks;
	char why[128];
};

/**
 * struct kho_vmalloc_iter - hands out the blocks of a chain, in order
 * @chunk: the chunk being read, NULL once the list has ended
 * @slot:  the next entry of @chunk to read
 */
struct kho_vmalloc_iter {
	const struct kho_vmalloc_chunk *chunk;
	unsigned int slot;
};

static inline __printf(3, 4)
int kho_vmalloc_fail(struct kho_vmalloc_walk *w, int err, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(w->why, sizeof(w->why), fmt, args);
	va_end(args);
	return err;
}

/* The fields of the descriptor itself; reads no memory. */
static inline int kho_vmalloc_check_desc(const struct kho_vmalloc *desc,
					 struct kho_vmalloc_walk *w)
{
	unsigned int flags = desc->flags, order = desc->order;
	unsigned int pages = desc->total_pages;

	if (flags & ~KHO_VMALLOC_FLAGS)
		return kho_vmalloc_fail(w, -EINVAL, "unknown flags %#x", flags);
	if (!(flags & KHO_VMALLOC_ALLOC))
		return kho_vmalloc_fail(w, -EINVAL,
					"flags %#x lack KHO_VMALLOC_ALLOC",
					flags);
	if (order > MAX_PAGE_ORDER)
		return kho_vmalloc_fail(w, -EINVAL,
					"order %u is above MAX_PAGE_ORDER (%u)",
					order, MAX_PAGE_ORDER);
	if (order && !(flags & KHO_VMALLOC_HUGE_VMAP))
		return kho_vmalloc_fail(w, -EINVAL,
					"order %u without KHO_VMALLOC_HUGE_VMAP",
					order);
	if (!pages)
		return kho_vmalloc_fail(w, -EINVAL, "empty area (0 pages)");
	if (!IS_ALIGNED(pages, 1U << order))
		return kho_vmalloc_fail(w, -EINVAL,
					"%u pages are not a whole number of order-%u blocks",
					pages, order);
	if (!desc->first)
		return kho_vmalloc_fail(w, -EINVAL,
					"no chunk list for %u pages", pages);
	return 0;
}

/**
 * kho_vmalloc_check() - vet an incoming descriptor and its chunk chain
 * @desc: the descriptor, as handed over
 * @w:    @w->take_chunk and @w->arg set by the caller; the rest is output
 *
 * Checks the descriptor's fields, then walks the chain: every chunk is
 * claimed through @w->take_chunk before it is read, the chain may not be
 * longer than its entries need (which also ends any cycle), every listed
 * block must be aligned to its order, only the last chunk may end its list
 * early, and the chain must list exactly total_pages >> order blocks.  No
 * block is touched.  Whatever the outcome, @w->chunks chunk pages have been
 * claimed and are for the caller to release.
 *
 * Return: 0 if the descriptor is sound; -EINVAL if it is malformed, -ELOOP
 * if its chain is too long, or the error of @w->take_chunk; @w->why says
 * what is wrong.
 */
static inline int kho_vmalloc_check(const struct kho_vmalloc *desc,
				    struct kho_vmalloc_walk *w)
{
	unsigned int order = desc->order;
	unsigned long nr_blocks, max_chunks;
	u64 phys = desc->first;
	int err;

	w->chunks = 0;
	w->blocks = 0;
	w->why[0] = '\0';

	err = kho_vmalloc_check_desc(desc, w);
	if (err)
		return err;

	nr_blocks = desc->total_pages >> order;
	max_chunks = DIV_ROUND_UP(nr_blocks, KHO_VMALLOC_CHUNK_ENTRIES);

	while (phys) {
		const struct kho_vmalloc_chunk *chunk;
		unsigned int i;

		if (w->chunks == max_chunks)
			return kho_vmalloc_fail(w, -ELOOP,
						"chain is longer than the %lu chunk(s) %lu blocks need (cycle?), next at %#llx",
						max_chunks, nr_blocks, phys);
		if (!IS_ALIGNED(phys, PAGE_SIZE))
			return kho_vmalloc_fail(w, -EINVAL,
						"chunk %lu at %#llx is not page aligned",
						w->chunks, phys);
		err = w->take_chunk(phys, w->arg);
		if (err)
			return kho_vmalloc_fail(w, err,
						"chunk %lu at %#llx is not preserved memory",
						w->chunks, phys);
		w->chunks++;

		chunk = phys_to_virt(phys);
		for (i = 0; i < KHO_VMALLOC_CHUNK_ENTRIES; i++) {
			u64 block = chunk->phys[i];

			if (!block)
				break;
			if (w->blocks == nr_blocks)
				return kho_vmalloc_fail(w, -EINVAL,
							"more than %lu blocks listed",
							nr_blocks);
			if (!IS_ALIGNED(block, PAGE_SIZE << order))
				return kho_vmalloc_fail(w, -EINVAL,
							"block %lu at %#llx is not aligned to order %u",
							w->blocks, block, order);
			w->blocks++;
		}

		phys = chunk->hdr.next;
		if (i < KHO_VMALLOC_CHUNK_ENTRIES && phys)
			return kho_vmalloc_fail(w, -EINVAL,
						"chunk %lu ends its list early but links to %#llx",
						w->chunks - 1, phys);
	}

	if (w->blocks != nr_blocks)
		return kho_vmalloc_fail(w, -EINVAL,
					"%lu blocks listed, %lu expected (%u pages of order %u)",
					w->blocks, nr_blocks, desc->total_pages,
					order);
	return 0;
}

/**
 * kho_vmalloc_iter_init() - start handing out the blocks of a chain
 * @it:   the iterator
 * @desc: a descriptor whose chain kho_vmalloc_check() accepted, or one of
 *        this kernel's own
 */
static inline void kho_vmalloc_iter_init(struct kho_vmalloc_iter *it,
					 const struct kho_vmalloc *desc)
{
	it->chunk = desc->first ? phys_to_virt(desc->first) : NULL;
	it->slot = 0;
}

/**
 * kho_vmalloc_iter_next() - the next block of a chain
 * @it: the iterator
 *
 * Return: the physical address of the next listed block, 0 at the end.
 */
static inline u64 kho_vmalloc_iter_next(struct kho_vmalloc_iter *it)
{
	u64 phys;

	if (!it->chunk)
		return 0;
	if (it->slot == KHO_VMALLOC_CHUNK_ENTRIES) {
		if (!it->chunk->hdr.next) {
			it->chunk = NULL;
			return 0;
		}
		it->chunk = phys_to_virt(it->chunk->hdr.next);
		it->slot = 0;
	}
	phys = it->chunk->phys[it->slot++];
	if (!phys)
		it->chunk = NULL;
	return phys;
}

struct vm_struct *kho_vmalloc_find_area(const void *ptr, unsigned int *order);

#endif /* _KERNEL_LIVEUPDATE_KHO_VMALLOC_H */
