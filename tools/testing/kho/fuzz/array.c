// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: kho_array restore and iteration in the next kernel, on an
 * arbitrary descriptor and page list, with an arbitrary set of pages the
 * previous kernel preserved.
 *
 * Properties: no access outside the arena or to memory not vetted (the
 * arena pages that are not preserved are made inaccessible, so reading
 * one before asking kho_is_preserved() crashes); a refused array is left
 * empty and readable; an accepted one reads back
 * entries in strictly ascending index order, each a value or an 8-byte
 * aligned address, no more than its pages hold; seeking agrees with
 * reading; destroying it frees exactly the pages it restored.
 */
#include <string.h>

#include <linux/kho_array.h>
#include <linux/mm.h>

#include "../shim/kho_shim.h"
#include "common.h"
#include "targets.h"

int kho_fuzz_array(const uint8_t *data, size_t size)
{
	struct fuzz_array_hdr h;
	struct kho_array ka;
	struct ka_iter it;
	unsigned long n = 0, last = 0, used, pages = 0;
	void *e, *at_seek = NULL;
	bool seek_found = false;
	int err;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	fuzz_load(data + sizeof(h), size - sizeof(h));
	fuzz_mark(h.marks);
	fuzz_protect();
	memcpy(&ka, h.desc, sizeof(ka));
	used = kho_arena.used;

	err = ka_iter_init_restore(&it, &ka);
	if (err) {
		FUZZ_ASSERT(err == -EINVAL);
		FUZZ_ASSERT(ka.magic == KHO_ARRAY_MAGIC && !ka.first);
		FUZZ_ASSERT(ka_iter_end(&it) && !ka_iter_getentry(&it));
		/* nothing is restored before the whole list is vetted */
		FUZZ_ASSERT(kho_arena.used == used);
		kho_array_destroy(&ka);
		return 0;
	}
	for (u64 p = ka.first; p; p = ((struct kho_array_page *)
				       phys_to_virt(p))->next)
		pages++;
	FUZZ_ASSERT(pages <= FUZZ_PAGES);

	ka_iter_for_each(&it, e) {
		unsigned long pos = ka_iter_getpos(&it);

		FUZZ_ASSERT(e);
		FUZZ_ASSERT(!n || pos > last);
		FUZZ_ASSERT(pos <= KHO_ARRAY_MAX_INDEX);
		if (!ka_is_value(e))
			FUZZ_ASSERT(IS_ALIGNED((unsigned long)e, 8));
		if (pos == h.seek) {
			at_seek = e;
			seek_found = true;
		}
		last = pos;
		n++;
		FUZZ_ASSERT(n <= pages * KHO_ARRAY_PAGE_ENTRIES);
	}
	FUZZ_ASSERT(ka_iter_end(&it));

	/* random access agrees with the scan */
	ka_iter_init_read(&it, &ka);
	if (h.seek <= KHO_ARRAY_MAX_INDEX &&
	    !ka_iter_setpos(&it, h.seek)) {
		e = ka_iter_getentry(&it);
		FUZZ_ASSERT(seek_found ? e == at_seek : !e);
	}

	kho_array_destroy(&ka);
	FUZZ_ASSERT(kho_arena.used == used - pages);
	return 0;
}
