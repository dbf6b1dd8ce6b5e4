// SPDX-License-Identifier: GPL-2.0
/*
 * Seed corpora for the fuzz targets, made from well-formed structures
 * written by the real code (the tracker, kho_array, kho_block) or built by
 * hand from the ABI (vmalloc chunks, root FDTs), plus a libFuzzer
 * dictionary and the largest useful input length per target.
 *
 *   seedgen <dir>   writes <dir>/<target>/seed-*, <dir>/<target>.dict
 *                   and <dir>/<target>.max_len
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/kexec_handover.h>
#include <linux/kho_array.h>
#include <linux/kho_block.h>
#include <linux/libfdt.h>
#include <linux/mm.h>

#include "../../../../kernel/liveupdate/kho_radix.h"
#include "../shim/kho_shim.h"
#include "../shim/kho_sim.h"
#include "common.h"

static const char *dir;
static unsigned int nseeds;

static void die(const char *what)
{
	fprintf(stderr, "seedgen: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void put(const char *target, const char *name, const void *a,
		size_t alen, const void *b, size_t blen)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/seed-%s", dir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(a, 1, alen, f) != alen ||
	    (blen && fwrite(b, 1, blen, f) != blen) || fclose(f))
		die(path);
	nseeds++;
}

/* A seed: @hdr, then the arena pages up to the last one not all zero. */
static void seed(const char *target, const char *name, const void *hdr,
		 size_t len)
{
	size_t n = FUZZ_PAGES * PAGE_SIZE;

	while (n && !kho_arena.virt[n - 1])
		n--;
	n = (n + PAGE_SIZE - 1) & PAGE_MASK;
	put(target, name, hdr, len, kho_arena.virt, n);
}

static void text(const char *target, const char *ext, const char *body)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.%s", dir, target, ext);
	f = fopen(path, "w");
	if (!f || fputs(body, f) < 0 || fclose(f))
		die(path);
}

static void max_len(const char *target, size_t len)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%zu\n", len);
	text(target, "max_len", buf);
}

/* Dictionary: the address of every arena page, and @extra. */
static void dict(const char *target, const char *extra)
{
	char *buf = malloc(64 * FUZZ_PAGES + 4096), *p = buf;
	unsigned int i, k;

	if (!buf)
		die("malloc");
	for (i = 0; i <= FUZZ_PAGES; i++) {
		u64 v = FUZZ_PHYS(i);

		p += sprintf(p, "page%u=\"", i);
		for (k = 0; k < 8; k++)
			p += sprintf(p, "\\x%02x", (unsigned int)(v >> 8 * k) & 0xff);
		p += sprintf(p, "\"\n");
	}
	strcpy(p, extra);
	text(target, "dict", buf);
	free(buf);
}

static void fresh(void)
{
	memset(kho_arena.virt, 0, kho_arena.size);
	if (kho_sim_start())
		die("kho_sim_start");
}

/* ---- tracker --------------------------------------------------------- */

static void tracker_seed(const char *name, const unsigned int (*blk)[2],
			 unsigned int n, u64 scratch, u64 scratch_size)
{
	struct fuzz_tracker_hdr h = { 0 };
	unsigned int i;

	fresh();
	for (i = 0; i < n; i++)
		if (kho_radix_add(kho_sim.out, FUZZ_PHYS(blk[i][0]), blk[i][1]))
			die("kho_radix_add");
	h.root = virt_to_phys(kho_sim.out->root);
	h.scratch_addr = scratch;
	h.scratch_size = scratch_size;
	seed("tracker", name, &h, sizeof(h));
}

static void tracker(void)
{
	static const unsigned int one[][2] = { { 8, 0 } };
	static const unsigned int mixed[][2] = {
		{ 8, 3 }, { 16, 2 }, { 20, 0 }, { 21, 0 }, { 22, 0 },
		{ 24, 1 }, { 28, 2 },
	};
	static const unsigned int big[][2] = { { 16, 4 } };
	static const unsigned int outside[][2] = { { 8, 0 }, { 64, 0 } };
	unsigned int dense[24][2], i;

	for (i = 0; i < 24; i++) {
		dense[i][0] = 8 + i;
		dense[i][1] = 0;
	}
	tracker_seed("empty", NULL, 0, 0, 0);
	tracker_seed("one", one, 1, 0, 0);
	tracker_seed("dense", dense, 24, 0, 0);
	tracker_seed("mixed", mixed, ARRAY_SIZE(mixed), 0, 0);
	tracker_seed("mixed-scratch", mixed, ARRAY_SIZE(mixed),
		     FUZZ_PHYS(30), 2 * PAGE_SIZE);
	tracker_seed("order4", big, 1, FUZZ_PHYS(6), PAGE_SIZE);
	tracker_seed("outside", outside, 2, 0, 0);
	dict("tracker", "");
	max_len("tracker", FUZZ_MAX_LEN(sizeof(struct fuzz_tracker_hdr)));
}

/* ---- kho_array --------------------------------------------------------- */

static void array_seed(const char *name, const unsigned long *pos,
		       unsigned int n, bool pointers, u64 seek)
{
	struct fuzz_array_hdr h = { 0 };
	struct kho_array ka;
	struct ka_iter it;
	char *mem;
	unsigned int i;
	u64 p;

	fresh();
	mem = (char *)get_zeroed_page(GFP_KERNEL);
	kho_array_init(&ka);
	ka_iter_init_write(&it, &ka);
	for (i = 0; i < n; i++) {
		if (ka_iter_setpos(&it, pos[i]) ||
		    ka_iter_setentry(&it, pointers && i % 2 ?
				     (void *)(mem + 8 * (i % 512)) :
				     ka_mk_value(pos[i] * 7)))
			die("ka_iter");
	}
	memcpy(h.desc, &ka, sizeof(ka));
	for (p = ka.first; p; p = ((struct kho_array_page *)phys_to_virt(p))->next)
		h.marks[PHYS_PFN(p - FUZZ_BASE)] = 1;
	h.seek = seek;
	seed("array", name, &h, sizeof(h));
}

static void array(void)
{
	static const unsigned long few[] = { 0, 1, 2, 3, 9 };
	static const unsigned long spread[] = {
		5, 509, 510, 1019, 1530, 1531, 10000, 10001, 200000,
	};
	static const unsigned long far[] = { 1, 1UL << 40, LONG_MAX };
	unsigned long dense[600];
	unsigned int i;

	for (i = 0; i < 600; i++)
		dense[i] = i;
	array_seed("empty", NULL, 0, false, 0);
	array_seed("few", few, ARRAY_SIZE(few), false, 3);
	array_seed("dense", dense, 600, false, 511);
	array_seed("spread", spread, ARRAY_SIZE(spread), true, 1530);
	array_seed("far", far, ARRAY_SIZE(far), false, LONG_MAX);
	array_seed("pointers", dense, 100, true, 42);
	dict("array", "magic=\"RRAK\"\n");
	max_len("array", FUZZ_MAX_LEN(sizeof(struct fuzz_array_hdr)));
}

/* ---- kho_block ----------------------------------------------------------- */

static void block_seed(const char *name, size_t entry_size, unsigned long n,
		       unsigned int shrink)
{
	struct fuzz_block_hdr h = { 0 };
	struct kho_block_set set;
	struct kho_block_set_it it;
	unsigned long i;
	u64 p;

	fresh();
	if (kho_block_set_init(&set, entry_size) ||
	    kho_block_set_grow(&set, n))
		die("kho_block_set");
	kho_block_set_it_init(&it, &set, 0);
	for (i = 0; i < n; i++) {
		u8 *r = kho_block_set_it_reserve_entry(&it);

		if (!r)
			die("reserve_entry");
		memset(r, i, entry_size);
	}
	h.head_pa = kho_block_set_head_pa(&set);
	h.entry_size = entry_size;
	h.shrink = shrink;
	for (p = h.head_pa; p;
	     p = ((struct kho_block_header_ser *)phys_to_virt(p))->next)
		h.marks[PHYS_PFN(p - FUZZ_BASE)] = 1;
	seed("block", name, &h, sizeof(h));
	kho_block_set_destroy(&set);
}

static void block(void)
{
	block_seed("empty", 24, 0, 0);
	block_seed("one", 24, 1, 0);
	block_seed("full", 24, (PAGE_SIZE - 16) / 24, 1);
	block_seed("three", 24, 2 * ((PAGE_SIZE - 16) / 24) + 5, 200);
	block_seed("bytes", 1, 5000, 4000);
	block_seed("odd", 100, 120, 3);
	block_seed("max", PAGE_SIZE - 16, 4, 1);
	dict("block", "");
	max_len("block", FUZZ_MAX_LEN(sizeof(struct fuzz_block_hdr)));
}

/* ---- vmalloc --------------------------------------------------------------- */

static void vmalloc_seed(const char *name, unsigned long nr_blocks,
			 unsigned int order)
{
	struct fuzz_vmalloc_hdr h = { 0 };
	struct kho_vmalloc d = { 0 };
	struct kho_vmalloc_chunk *c = NULL, *prev = NULL;
	unsigned long i;

	fresh();
	for (i = 0; i < nr_blocks; i++) {
		if (i % KHO_VMALLOC_CHUNK_ENTRIES == 0) {
			c = (void *)get_zeroed_page(GFP_KERNEL);
			if (!c)
				die("get_zeroed_page");
			if (prev)
				prev->hdr.next = virt_to_phys(c);
			else
				d.first = virt_to_phys(c);
			h.marks[PHYS_PFN(virt_to_phys(c) - FUZZ_BASE)] = 1;
			prev = c;
		}
		/* blocks are not read: any aligned address will do */
		c->phys[i % KHO_VMALLOC_CHUNK_ENTRIES] =
			FUZZ_PHYS(16) + ((u64)i << (PAGE_SHIFT + order));
	}
	d.total_pages = nr_blocks << order;
	d.flags = KHO_VMALLOC_ALLOC | (order ? KHO_VMALLOC_HUGE_VMAP : 0);
	d.order = order;
	memcpy(h.desc, &d, sizeof(d));
	seed("vmalloc", name, &h, sizeof(h));
}

static void vmalloc(void)
{
	vmalloc_seed("one", 1, 0);
	vmalloc_seed("small", 17, 0);
	vmalloc_seed("full", KHO_VMALLOC_CHUNK_ENTRIES, 0);
	vmalloc_seed("two", 600, 0);
	vmalloc_seed("twofull", 2 * KHO_VMALLOC_CHUNK_ENTRIES, 0);
	vmalloc_seed("huge", 3, 9);
	vmalloc_seed("order2", 40, 2);
	dict("vmalloc", "");
	max_len("vmalloc", FUZZ_MAX_LEN(sizeof(struct fuzz_vmalloc_hdr)));
}

/* ---- root FDT ---------------------------------------------------------------- */

static void fdt_seed(const char *name, const char *compatible, u64 map,
		     unsigned int subtrees)
{
	static const char * const names[] = { "memfd", "LUO", "a", "kho_test" };
	char buf[FUZZ_FDT_MAX];
	unsigned int i;
	int off;

	if (fdt_create_empty_tree(buf, sizeof(buf)) ||
	    (compatible && fdt_setprop_string(buf, 0, "compatible",
					      compatible)) ||
	    fdt_setprop(buf, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, &map,
			sizeof(map)))
		die("fdt");
	for (i = 0; i < subtrees && i < ARRAY_SIZE(names); i++) {
		u64 phys = 0x100000000ULL + ((u64)i << 21);

		off = fdt_add_subnode(buf, 0, names[i]);
		if (off < 0 || fdt_setprop(buf, off, KHO_FDT_SUB_TREE_PROP_NAME,
					   &phys, sizeof(phys)))
			die("fdt subnode");
	}
	if (fdt_pack(buf))
		die("fdt_pack");
	put("fdt", name, buf, fdt_totalsize(buf), NULL, 0);
}

static void fdt(void)
{
	fdt_seed("bare", KHO_FDT_COMPATIBLE, 0x40000000ULL, 0);
	fdt_seed("one", KHO_FDT_COMPATIBLE, 0x40000000ULL, 1);
	fdt_seed("four", KHO_FDT_COMPATIBLE, 0x123456000ULL, 4);
	fdt_seed("v1", "kho-v1", 0x40000000ULL, 2);
	fdt_seed("nocompat", NULL, 0x40000000ULL, 1);
	dict("fdt", "magic=\"\\xd0\\x0d\\xfe\\xed\"\n"
		    "compat=\"kho-v2\"\n"
		    "compatible=\"compatible\"\n"
		    "map=\"preserved-memory-map\"\n"
		    "data=\"preserved-data\"\n"
		    "beginnode=\"\\x00\\x00\\x00\\x01\"\n"
		    "endnode=\"\\x00\\x00\\x00\\x02\"\n"
		    "prop=\"\\x00\\x00\\x00\\x03\"\n"
		    "end=\"\\x00\\x00\\x00\\x09\"\n");
	max_len("fdt", FUZZ_FDT_MAX);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: seedgen <dir>\n");
		return 2;
	}
	dir = argv[1];
	mkdir(dir, 0755);
	if (kho_arena_init(FUZZ_PAGES * PAGE_SIZE))
		die("arena");
	kho_log_quiet(true);
	tracker();
	array();
	block();
	vmalloc();
	fdt();
	printf("seedgen: %u seeds in %s\n", nseeds, dir);
	return 0;
}
