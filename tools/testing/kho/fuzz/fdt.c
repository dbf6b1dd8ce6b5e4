// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the root FDT decoders of kho_reserve.c, kho_fdt_check()
 * and, on a blob it accepts, kho_fdt_subtree() for every node name in it
 * and a few that may not be.  The blob is copied to a buffer of exactly
 * its size (plus KHO_FUZZ_FDT_SLACK bytes), so that AddressSanitizer sees
 * any read past it.
 *
 * Properties: no read outside the blob; an accepted blob yields a non-zero
 * page-aligned tracker root, and each subtree found a non-zero page-aligned
 * address.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/libfdt.h>
#include <linux/mm.h>

#include "../../../../kernel/liveupdate/kexec_handover_internal.h"
#include "common.h"
#include "targets.h"

/*
 * Known issue, reported: kho_fdt_check() matches "compatible" with
 * fdt_node_check_compatible(), whose fdt_stringlist_contains() compares
 * strlen("kho-v2") + 1 bytes while only strlen("kho-v2") may be left, so a
 * "compatible" value that ends the blob is read one byte past it
 * (regressions/fdt/compatible-at-blob-end).  Set to 0 once kho_fdt_check()
 * compares the property itself.
 */
#ifndef KHO_FUZZ_FDT_SLACK
#define KHO_FUZZ_FDT_SLACK 0
#endif

static void try_subtree(const void *fdt, const char *name)
{
	phys_addr_t phys = 0;
	int err = kho_fdt_subtree(fdt, name, &phys);

	FUZZ_ASSERT(!err || err == -ENOENT || err == -EINVAL);
	if (!err)
		FUZZ_ASSERT(phys && PAGE_ALIGNED(phys));
}

int kho_fuzz_fdt(const uint8_t *data, size_t size)
{
	static const char * const names[] = { "memfd", "LUO", "a", "" };
	phys_addr_t map = 0;
	unsigned int i;
	void *fdt;
	int off;

	if (size > FUZZ_FDT_MAX)
		return 0;
	fdt = malloc(size + KHO_FUZZ_FDT_SLACK ? size + KHO_FUZZ_FDT_SLACK : 1);
	if (!fdt)
		return 0;
	memcpy(fdt, data, size);
	kho_log_quiet(true);

	if (kho_fdt_check(fdt, size, &map)) {
		free(fdt);
		return 0;
	}
	FUZZ_ASSERT(map && PAGE_ALIGNED(map));
	for (i = 0; i < ARRAY_SIZE(names); i++)
		try_subtree(fdt, names[i]);
	fdt_for_each_subnode(off, fdt, 0) {
		const char *name = fdt_get_name(fdt, off, NULL);

		if (name)
			try_subtree(fdt, name);
	}
	free(fdt);
	return 0;
}
