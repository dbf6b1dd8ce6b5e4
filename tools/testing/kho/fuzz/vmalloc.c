// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the chunk-chain walk of an incoming vmalloc descriptor,
 * kho_vmalloc_check() and kho_vmalloc_iter_next() of kho_vmalloc.h, with
 * chunks claimed as kho_restore_vmalloc() claims them.
 *
 * Properties: no access outside the arena or to an unclaimed chunk; what
 * is claimed is the first chunks of the chain and is released without a
 * double free; an accepted chain hands out exactly total_pages >> order
 * blocks, each non-zero and aligned to the order, then 0.
 */
#include <string.h>

#include <linux/kexec_handover.h>
#include <linux/mm.h>

#include "../../../../kernel/liveupdate/kho_vmalloc.h"
#include "../shim/kho_shim.h"
#include "common.h"
#include "targets.h"

static int take_chunk(phys_addr_t phys, void *arg)
{
	return kho_restore_pages(phys, 1) ? 0 : -ENOENT;
}

int kho_fuzz_vmalloc(const uint8_t *data, size_t size)
{
	struct kho_vmalloc_walk w = { .take_chunk = take_chunk };
	struct fuzz_vmalloc_hdr h;
	struct kho_vmalloc desc;
	struct kho_vmalloc_iter it;
	unsigned long used, i, nr;
	u64 phys;
	int err;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	fuzz_load(data + sizeof(h), size - sizeof(h));
	fuzz_mark(h.marks);
	memcpy(&desc, h.desc, sizeof(desc));
	used = kho_arena.used;

	err = kho_vmalloc_check(&desc, &w);
	FUZZ_ASSERT(w.chunks <= FUZZ_PAGES);
	FUZZ_ASSERT(err ? w.why[0] != '\0' : w.why[0] == '\0');
	if (!err) {
		nr = desc.total_pages >> desc.order;
		FUZZ_ASSERT(w.blocks == nr);
		kho_vmalloc_iter_init(&it, &desc);
		for (i = 0; i < nr; i++) {
			u64 b = kho_vmalloc_iter_next(&it);

			FUZZ_ASSERT(b);
			FUZZ_ASSERT(IS_ALIGNED(b, PAGE_SIZE << desc.order));
		}
		FUZZ_ASSERT(!kho_vmalloc_iter_next(&it));
	}

	/* release the claimed chunks, as kho_restore_vmalloc() does */
	for (phys = desc.first, i = 0; i < w.chunks; i++) {
		struct kho_vmalloc_chunk *chunk = phys_to_virt(phys);

		phys = chunk->hdr.next;
		__free_page(virt_to_page(chunk));
	}
	FUZZ_ASSERT(kho_arena.used == used - w.chunks);
	return 0;
}
