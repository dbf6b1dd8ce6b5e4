// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the root FDT and the scratch array as kho_populate() of
 * kexec_handover.c finds them.  From the input come the four values the
 * boot protocol passes (fdt_phys, fdt_len, scratch_phys, scratch_len,
 * each biased by a selector towards addresses inside the arena, at the
 * edges of RAM, in a hole, wrapping around, huge, inside the scratch areas
 * the input itself describes) and the bytes of the FDT and of the array,
 * copied to those addresses where they are RAM.  Then the kernel's
 * sequence: kho_handover_check(); only if it passes, "map" both (the
 * direct map: the arena) and run kho_fdt_check() and kho_scratch_check().
 *
 * RAM is the arena less a hole in its middle, which is mapped PROT_NONE
 * (a hole has no direct map); addresses outside the arena go to the trap.
 * Reading memory not vetted as RAM faults.
 *
 * Properties: no trap and no fault; a refusal is -EINVAL and logs exactly
 * one "rejecting the handover" line; an accepted handover has its FDT and
 * its array in RAM, the array inside one area, every area pageblock
 * aligned at both ends, at least its minimum size, RAM, apart from the
 * other areas and from the FDT, and a non-zero page-aligned tracker root;
 * the checks answer the same on copies of exactly fdt_len and scratch_len
 * bytes (so nothing past them was read).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/kho/abi/kexec_handover.h>
#include <linux/memblock.h>
#include <linux/mm.h>

#include "../../../../kernel/liveupdate/kexec_handover_internal.h"
#include "../shim/kho_shim.h"
#include "common.h"
#include "targets.h"

#define A(off)		(KHO_ARENA_BASE + (u64)(off))
#define PB		(PAGE_SIZE << pageblock_order)
#define AREA		sizeof(struct kho_scratch_area)
#define MAX_IN		KHO_SCRATCH_MAX_AREAS

static const struct {
	u64 start, end;
} ram[] = {
	{ A(0), A(FUZZ_HO_HOLE) },
	{ A(FUZZ_HO_HOLE_END), A(FUZZ_HO_ARENA) },
};

/* The edges of RAM, as offsets in the arena. */
static const u64 edges[] = {
	0, FUZZ_HO_HOLE, FUZZ_HO_HOLE_END, FUZZ_HO_ARENA,
};

/* What was copied into the arena, to clear it again afterwards. */
static struct {
	u64 phys;
	u64 len;
} placed[2 * ARRAY_SIZE(ram)];
static unsigned int nr_placed;

static bool in_ram(u64 addr, u64 len)
{
	unsigned int i;

	if (!len || addr + len < addr)
		return false;
	for (i = 0; i < ARRAY_SIZE(ram); i++)
		if (addr >= ram[i].start && addr + len <= ram[i].end)
			return true;
	return false;
}

static bool overlaps(u64 a, u64 as, u64 b, u64 bs)
{
	return a < b + bs && b < a + as;
}

/* Copy @len bytes to @phys, the parts of it that are RAM. */
static void place(u64 phys, const uint8_t *src, u64 len)
{
	u64 end = phys + len < phys ? ~0ULL : phys + len;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ram); i++) {
		u64 s = max(phys, ram[i].start), e = min(end, ram[i].end);

		if (s >= e)
			continue;
		memcpy(kho_arena.virt + (s - kho_arena.base), src + (s - phys),
		       e - s);
		placed[nr_placed].phys = s;
		placed[nr_placed].len = e - s;
		nr_placed++;
	}
}

static void unplace(void)
{
	while (nr_placed--)
		memset(kho_arena.virt + (placed[nr_placed].phys -
					 kho_arena.base),
		       0, placed[nr_placed].len);
	nr_placed = 0;
}

/* An address from @raw, biased by @sel; @in are the input's own areas. */
static u64 pick_addr(unsigned int sel, u64 raw,
		     const struct kho_scratch_area *in, unsigned int nr_in)
{
	const struct kho_scratch_area *a = nr_in ? &in[raw % nr_in] : NULL;
	s64 delta = (s64)((raw >> 8) % 5) - 2;

	switch (sel % 10) {
	case 1:		/* inside the arena, page aligned */
		return A(raw % FUZZ_HO_ARENA) & PAGE_MASK;
	case 2:		/* inside the arena, any alignment */
		return A(raw % FUZZ_HO_ARENA);
	case 3:		/* an edge of RAM, give or take two pages */
		return A(edges[raw % ARRAY_SIZE(edges)]) + delta * PAGE_SIZE;
	case 4:		/* in the hole */
		return A(FUZZ_HO_HOLE + (raw % (FUZZ_HO_HOLE_END -
						FUZZ_HO_HOLE))) & PAGE_MASK;
	case 5:		/* wrapping around */
		return -(((raw % 16) + 1) * PAGE_SIZE);
	case 6:		/* huge */
		return 1ULL << (32 + raw % 32);
	case 7:		/* just below the arena */
		return A(0) - ((raw % 16) + 1) * PAGE_SIZE;
	case 8:		/* inside one of the input's areas */
		if (!a)
			return raw;
		return a->addr + (((raw >> 8) % (a->size | 1)) & PAGE_MASK);
	case 9:		/* at either end of one of them */
		if (!a)
			return raw;
		return a->addr + (raw & 0x100 ? a->size : 0) +
		       delta * PAGE_SIZE;
	default:
		return raw;
	}
}

static u64 pick_fdt_len(unsigned int sel, u64 raw, u64 phys,
			const uint8_t *blob, u64 blob_len)
{
	unsigned int i;

	switch (sel % 8) {
	case 1:		/* what the blob's header says */
		if (blob_len < 8)
			return raw;
		return (u64)blob[4] << 24 | blob[5] << 16 | blob[6] << 8 |
		       blob[7];
	case 2:
		return blob_len;
	case 3:
		return ((raw % 16) + 1) * PAGE_SIZE;
	case 4:		/* at the limit */
		return KHO_FDT_MAX_SIZE + (raw % 3) - 1;
	case 5:
		return 0;
	case 6:
		return raw | 1ULL << 63;
	case 7:		/* up to the end of RAM, give or take a byte */
		for (i = 0; i < ARRAY_SIZE(ram); i++)
			if (phys >= ram[i].start && phys < ram[i].end)
				return ram[i].end - phys + (raw % 3) - 1;
		return raw;
	default:
		return raw;
	}
}

static u64 pick_scratch_len(unsigned int sel, u64 raw, u64 arr_len)
{
	switch (sel % 6) {
	case 1:		/* the areas the input holds */
		return arr_len / AREA * AREA;
	case 2:
		return (raw % (KHO_SCRATCH_MAX_AREAS + 2)) * AREA;
	case 3:		/* off by a byte */
		return (raw % (KHO_SCRATCH_MAX_AREAS + 2)) * AREA + (raw >> 8) % 3 - 1;
	case 4:
		return 0;
	case 5:
		return raw | 1ULL << 63;
	default:
		return raw;
	}
}

static u64 scratch_min(unsigned int i)
{
	if (i == 0)
		return KHO_SCRATCH_MIN_LOWMEM;
	return i == 1 ? KHO_SCRATCH_MIN_GLOBAL : KHO_SCRATCH_MIN_NODE;
}

static void setup(void)
{
	unsigned int i;

	if (kho_arena.size != FUZZ_HO_ARENA && kho_arena_init(FUZZ_HO_ARENA))
		abort();
	/* every time: another user of the arena may have mapped it anew */
	if (mprotect(kho_arena.virt + FUZZ_HO_HOLE,
		     FUZZ_HO_HOLE_END - FUZZ_HO_HOLE, PROT_NONE))
		abort();
	kho_mb_reset();
	for (i = 0; i < ARRAY_SIZE(ram); i++)
		if (memblock_add(ram[i].start, ram[i].end - ram[i].start))
			abort();
	kho_log_quiet(false);
	kho_log_reset();
	kho_arena.traps = 0;
}

/* What was accepted: check every property kho_scratch_check() promises. */
static void check_accepted(const struct kho_scratch_area *areas,
			   unsigned int cnt, u64 fdt_phys, u64 fdt_len,
			   u64 scratch_phys, u64 scratch_len)
{
	bool inside = false;
	unsigned int i, j;

	for (i = 0; i < cnt; i++) {
		u64 addr = areas[i].addr, size = areas[i].size;

		FUZZ_ASSERT(IS_ALIGNED(addr, PB) && IS_ALIGNED(size, PB));
		FUZZ_ASSERT(size >= scratch_min(i));
		FUZZ_ASSERT(in_ram(addr, size));
		for (j = 0; j < i; j++)
			FUZZ_ASSERT(!overlaps(addr, size, areas[j].addr,
					      areas[j].size));
		FUZZ_ASSERT(!overlaps(addr, size, fdt_phys, fdt_len));
		if (scratch_phys >= addr &&
		    scratch_phys + scratch_len <= addr + size)
			inside = true;
	}
	FUZZ_ASSERT(inside);
}

int kho_fuzz_handover(const uint8_t *data, size_t size)
{
	struct kho_scratch_area in[MAX_IN], *areas;
	u64 fdt_phys, fdt_len, scratch_phys, scratch_len, blob_len, arr_len;
	struct fuzz_handover_hdr h;
	const uint8_t *blob, *arr;
	phys_addr_t map = 0, map2 = 0;
	unsigned int nr_in, cnt;
	int err, err2;
	void *fdt, *copy;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	data += sizeof(h);
	size -= sizeof(h);
	blob = data;
	blob_len = min_t(u64, min_t(u64, h.fdt_bytes, size), KHO_FDT_MAX_SIZE);
	arr = data + blob_len;
	arr_len = min_t(u64, size - blob_len, FUZZ_HO_ARRAY_MAX);
	nr_in = min_t(u64, arr_len / AREA, MAX_IN);
	memcpy(in, arr, nr_in * AREA);

	fdt_phys = pick_addr(h.fdt_sel, h.fdt_phys, in, nr_in);
	fdt_len = pick_fdt_len(h.fdt_len_sel, h.fdt_len, fdt_phys, blob,
			       blob_len);
	scratch_phys = pick_addr(h.scratch_sel, h.scratch_phys, in, nr_in);
	scratch_len = pick_scratch_len(h.scratch_len_sel, h.scratch_len,
				       arr_len);

	setup();
	place(fdt_phys, blob, min(blob_len, fdt_len));
	place(scratch_phys, arr, min(arr_len, scratch_len));

	/* where it is, before anything is mapped */
	err = kho_handover_check(fdt_phys, fdt_len, scratch_phys, scratch_len);
	if (err) {
		FUZZ_ASSERT(err == -EINVAL);
		fuzz_refused();
		goto out;
	}
	FUZZ_ASSERT(in_ram(fdt_phys, fdt_len));
	FUZZ_ASSERT(in_ram(scratch_phys, scratch_len));
	FUZZ_ASSERT(PAGE_ALIGNED(fdt_phys) && PAGE_ALIGNED(scratch_phys));
	FUZZ_ASSERT(fdt_len <= KHO_FDT_MAX_SIZE);
	cnt = scratch_len / AREA;
	FUZZ_ASSERT(cnt && cnt <= KHO_SCRATCH_MAX_AREAS && cnt * AREA == scratch_len);

	/* "map" both: the direct map, which RAM is in */
	fdt = phys_to_virt(fdt_phys);
	areas = phys_to_virt(scratch_phys);
	FUZZ_ASSERT(kho_arena.traps == 0);
	err = kho_fdt_check(fdt, fdt_len, &map);
	if (!err)
		err = kho_scratch_check(areas, cnt, fdt_phys, fdt_len,
					scratch_phys);
	FUZZ_ASSERT(!err || err == -EINVAL);
	if (err) {
		fuzz_refused();
	} else {
		FUZZ_ASSERT(!kho_log_errors());
		FUZZ_ASSERT(map && PAGE_ALIGNED(map));
		check_accepted(areas, cnt, fdt_phys, fdt_len, scratch_phys,
			       scratch_len);
	}

	/* the same answers on exactly what early_memremap() would map */
	copy = malloc(fdt_len);
	if (!copy)
		abort();
	memcpy(copy, fdt, fdt_len);
	err2 = kho_fdt_check(copy, fdt_len, &map2);
	free(copy);
	if (!err2) {
		copy = malloc(scratch_len);
		if (!copy)
			abort();
		memcpy(copy, areas, scratch_len);
		err2 = kho_scratch_check(copy, cnt, fdt_phys, fdt_len,
					 scratch_phys);
		free(copy);
	}
	FUZZ_ASSERT(err == err2);
	FUZZ_ASSERT(err || map == map2);
out:
	FUZZ_ASSERT(kho_arena.traps == 0);
	unplace();
	return 0;
}
