// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/build_bug.h>
#include <linux/mm.h>
#include "../shim/kho_shim.h"
#include "../shim/kho_sim.h"
#include "common.h"

static_assert(FUZZ_PAGE_SIZE == PAGE_SIZE, "page size");
static_assert(FUZZ_BASE == KHO_ARENA_BASE, "arena base");

void fuzz_load(const uint8_t *pages, size_t len)
{
	if (!kho_arena.virt || kho_arena.nr_pages != FUZZ_PAGES) {
		if (kho_arena_init(FUZZ_PAGES * PAGE_SIZE))
			abort();
		kho_log_quiet(true);
	}
	/* undo fuzz_protect() of the last input */
	if (mprotect(kho_arena.virt, kho_arena.size, PROT_READ | PROT_WRITE))
		abort();
	if (len > FUZZ_PAGES * PAGE_SIZE)
		len = FUZZ_PAGES * PAGE_SIZE;
	memcpy(kho_arena.virt, pages, len);
	memset(kho_arena.virt + len, 0, FUZZ_PAGES * PAGE_SIZE - len);
	kho_arena_reset();
	kho_arena.fail_after = -1;
	kho_sim.enabled = false;
	kho_sim.boot = true;
	kho_sim.out = NULL;
}

static bool fuzz_free_run(unsigned int first, unsigned int nr)
{
	unsigned int i;

	for (i = first; i < first + nr; i++)
		if (kho_arena.memmap[i].flags & KHO_PG_USED)
			return false;
	return true;
}

void fuzz_mark(const uint8_t *marks)
{
	unsigned int i;

	for (i = 0; i < FUZZ_PAGES; i++) {
		unsigned int order;

		if (!marks[i])
			continue;
		order = marks[i] - 1;
		if (order > MAX_PAGE_ORDER || i & ((1U << order) - 1) ||
		    i + (1U << order) > FUZZ_PAGES)
			continue;
		/* not over a block marked already */
		if (!fuzz_free_run(i, 1U << order))
			continue;
		kho_sim_mark_preserved(FUZZ_PHYS(i), order);
	}
}

void fuzz_protect(void)
{
	unsigned int i, start;

	for (i = 0; i < FUZZ_PAGES; i = start + 1) {
		for (start = i; start < FUZZ_PAGES &&
		     !(kho_arena.memmap[start].flags & KHO_PG_USED); start++)
			;
		if (start > i &&
		    mprotect(kho_arena.virt + (size_t)i * PAGE_SIZE,
			     (size_t)(start - i) * PAGE_SIZE, PROT_NONE))
			abort();
	}
}

void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz property failed: %s\n", what);
	abort();
}

void fuzz_refused(void)
{
	FUZZ_ASSERT(kho_log_errors() == 1);
	FUZZ_ASSERT(!strncmp(kho_log_last(), FUZZ_REJECT, strlen(FUZZ_REJECT)));
}
