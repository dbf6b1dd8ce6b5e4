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
	/* a page's line is at most 46 bytes */
	size_t size = 64 * (FUZZ_PAGES + 1) + strlen(extra) + 1, n = 0;
	char *buf = malloc(size);
	unsigned int i, k;

	if (!buf)
		die("malloc");
	for (i = 0; i <= FUZZ_PAGES; i++) {
		u64 v = FUZZ_PHYS(i);

		n += snprintf(buf + n, size - n, "page%u=\"", i);
		for (k = 0; k < 8; k++)
			n += snprintf(buf + n, size - n, "\\x%02x",
				      (unsigned int)(v >> 8 * k) & 0xff);
		n += snprintf(buf + n, size - n, "\"\n");
	}
	snprintf(buf + n, size - n, "%s", extra);
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

/* libFuzzer dictionary for targets that read FDTs: tokens of the KHO ABI */
static const char fdt_dict[] =
	"magic=\"\\xd0\\x0d\\xfe\\xed\"\n"
	"compat=\"kho-v2\"\n"
	"compatible=\"compatible\"\n"
	"map=\"preserved-memory-map\"\n"
	"data=\"preserved-data\"\n"
	"beginnode=\"\\x00\\x00\\x00\\x01\"\n"
	"endnode=\"\\x00\\x00\\x00\\x02\"\n"
	"prop=\"\\x00\\x00\\x00\\x03\"\n"
	"end=\"\\x00\\x00\\x00\\x09\"\n";

static void fdt(void)
{
	fdt_seed("bare", KHO_FDT_COMPATIBLE, 0x40000000ULL, 0);
	fdt_seed("one", KHO_FDT_COMPATIBLE, 0x40000000ULL, 1);
	fdt_seed("four", KHO_FDT_COMPATIBLE, 0x123456000ULL, 4);
	fdt_seed("v1", "kho-v1", 0x40000000ULL, 2);
	fdt_seed("nocompat", NULL, 0x40000000ULL, 1);
	dict("fdt", fdt_dict);
	max_len("fdt", FUZZ_FDT_MAX);
}

/* ---- handover -------------------------------------------------------------- */

#define HO_A(off)	(FUZZ_BASE + (u64)(off))

/* A root FDT as a kernel hands it over, packed, into @buf; its size. */
static size_t root_fdt(char *buf, size_t room, u64 map)
{
	if (fdt_create_empty_tree(buf, room) ||
	    fdt_setprop_string(buf, 0, "compatible", KHO_FDT_COMPATIBLE) ||
	    fdt_setprop(buf, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, &map,
			sizeof(map)) ||
	    fdt_pack(buf))
		die("root fdt");
	return fdt_totalsize(buf);
}

/* Raw values (selector 0), the FDT's length from its header. */
static void handover_seed(const char *name, u64 fdt_phys, u64 scratch_phys,
			  const struct kho_scratch_area *areas,
			  unsigned int cnt, const u8 *sel)
{
	struct fuzz_handover_hdr h = { 0 };
	char buf[PAGE_SIZE + FUZZ_HO_ARRAY_MAX];
	size_t n = root_fdt(buf, PAGE_SIZE, HO_A(200 * FUZZ_MIB));

	h.fdt_phys = fdt_phys;
	h.fdt_len = n;
	h.scratch_phys = scratch_phys;
	h.scratch_len = cnt * sizeof(*areas);
	h.fdt_bytes = n;
	if (sel) {
		h.fdt_sel = sel[0];
		h.fdt_len_sel = sel[1];
		h.scratch_sel = sel[2];
		h.scratch_len_sel = sel[3];
	}
	memcpy(buf + n, areas, cnt * sizeof(*areas));
	put("handover", name, &h, sizeof(h), buf, n + cnt * sizeof(*areas));
}

static void handover(void)
{
	/* lowmem, global, node: the minimum sizes, in both RAM ranges */
	static const struct kho_scratch_area good[] = {
		{ HO_A(0), 16 * FUZZ_MIB },
		{ HO_A(128 * FUZZ_MIB), 64 * FUZZ_MIB },
		{ HO_A(64 * FUZZ_MIB), 16 * FUZZ_MIB },
	};
	/* global and node right against the hole and the end of RAM */
	static const struct kho_scratch_area edges[] = {
		{ HO_A(0), 16 * FUZZ_MIB },
		{ HO_A(FUZZ_HO_ARENA - 64 * FUZZ_MIB), 64 * FUZZ_MIB },
		{ HO_A(FUZZ_HO_HOLE - 16 * FUZZ_MIB), 16 * FUZZ_MIB },
	};
	static const struct kho_scratch_area big[] = {
		{ HO_A(0), FUZZ_HO_HOLE },
	};
	/* an area over the hole; one below its minimum; overlapping */
	static const struct kho_scratch_area hole[] = {
		{ HO_A(0), 16 * FUZZ_MIB },
		{ HO_A(96 * FUZZ_MIB), 64 * FUZZ_MIB },
	};
	static const struct kho_scratch_area small[] = {
		{ HO_A(0), 16 * FUZZ_MIB },
		{ HO_A(128 * FUZZ_MIB), 16 * FUZZ_MIB },
	};
	static const struct kho_scratch_area overlap[] = {
		{ HO_A(0), 16 * FUZZ_MIB },
		{ HO_A(128 * FUZZ_MIB), 64 * FUZZ_MIB },
		{ HO_A(176 * FUZZ_MIB), 16 * FUZZ_MIB },
	};
	/* array inside area 1 (selector 8: raw 1 picks it), len from input */
	static const u8 in_area[] = { 0, 1, 8, 1 };
	/* FDT right before the hole, up to it (len selector 7) */
	static const u8 at_hole[] = { 0, 7, 0, 1 };
	static const u8 wrap[] = { 5, 1, 0, 1 };
	static const u8 in_hole[] = { 4, 1, 0, 1 };
	static const u8 fdt_max[] = { 0, 4, 0, 1 };

	handover_seed("good", HO_A(48 * FUZZ_MIB), HO_A(FUZZ_MIB), good, 3,
		      NULL);
	handover_seed("one-area", HO_A(48 * FUZZ_MIB), HO_A(8 * FUZZ_MIB),
		      good, 1, NULL);
	handover_seed("two-areas", HO_A(240 * FUZZ_MIB), HO_A(0), good, 2,
		      NULL);
	handover_seed("edges", HO_A(FUZZ_HO_HOLE_END),
		      HO_A(FUZZ_HO_ARENA - PAGE_SIZE), edges, 3, NULL);
	handover_seed("big-area", HO_A(FUZZ_HO_HOLE_END), HO_A(100 * FUZZ_MIB),
		      big, 1, NULL);
	handover_seed("array-in-area1", HO_A(48 * FUZZ_MIB), 0x10001, good, 3,
		      in_area);
	handover_seed("fdt-at-hole", HO_A(FUZZ_HO_HOLE - PAGE_SIZE),
		      HO_A(FUZZ_MIB), good, 3, at_hole);
	handover_seed("fdt-max", HO_A(48 * FUZZ_MIB), HO_A(FUZZ_MIB), good, 3,
		      fdt_max);
	handover_seed("area-over-hole", HO_A(48 * FUZZ_MIB), HO_A(FUZZ_MIB),
		      hole, 2, NULL);
	handover_seed("area-small", HO_A(48 * FUZZ_MIB), HO_A(FUZZ_MIB), small,
		      2, NULL);
	handover_seed("areas-overlap", HO_A(48 * FUZZ_MIB), HO_A(FUZZ_MIB),
		      overlap, 3, NULL);
	handover_seed("fdt-in-area", HO_A(130 * FUZZ_MIB), HO_A(FUZZ_MIB),
		      good, 3, NULL);
	handover_seed("fdt-wraps", 3, HO_A(FUZZ_MIB), good, 3, wrap);
	handover_seed("fdt-in-hole", 0, HO_A(FUZZ_MIB), good, 3, in_hole);
	dict("handover", "magic=\"\\xd0\\x0d\\xfe\\xed\"\n"
			 "compat=\"kho-v2\"\n"
			 "map=\"preserved-memory-map\"\n"
			 "mib16=\"\\x00\\x00\\x00\\x01\\x00\\x00\\x00\\x00\"\n"
			 "mib64=\"\\x00\\x00\\x00\\x04\\x00\\x00\\x00\\x00\"\n"
			 "ram=\"\\x00\\x00\\x00\\x40\\x00\\x00\\x00\\x00\"\n"
			 "a16=\"\\x00\\x00\\x00\\x41\\x00\\x00\\x00\\x00\"\n"
			 "a64=\"\\x00\\x00\\x00\\x44\\x00\\x00\\x00\\x00\"\n"
			 "hole=\"\\x00\\x00\\x00\\x47\\x00\\x00\\x00\\x00\"\n"
			 "ram2=\"\\x00\\x00\\x00\\x48\\x00\\x00\\x00\\x00\"\n"
			 "a192=\"\\x00\\x00\\x00\\x4c\\x00\\x00\\x00\\x00\"\n"
			 "end=\"\\x00\\x00\\x00\\x50\\x00\\x00\\x00\\x00\"\n");
	max_len("handover", sizeof(struct fuzz_handover_hdr) + 2 * PAGE_SIZE +
		FUZZ_HO_ARRAY_MAX);
}

/* ---- subtree ----------------------------------------------------------------- */

struct sub_node {
	const char *name;
	u8 kind, arg;
	u16 off;
};

struct sub_blob {
	u16 page;
	u8 order;
	int totalsize;		/* 0: as packed; -1: no blob */
};

/*
 * A root FDT (at the head of block 0 unless @root_kind says otherwise)
 * with @nodes, and the blocks @b, each with an empty FDT whose header
 * claims @totalsize.
 */
static void subtree_seed(const char *name, const struct sub_blob *b,
			 unsigned int nb, const struct sub_node *nodes,
			 unsigned int nn, u8 root_kind, u8 root_arg, u8 len_sel)
{
	static char data[FUZZ_SUB_ROOT_MAX + FUZZ_SUB_DATA_MAX];
	struct fuzz_subtree_hdr h = { 0 };
	u64 fdt[256 / 8], map = FUZZ_PHYS(0);
	size_t len;
	unsigned int i;
	int off;

	h.root_kind = root_kind;
	h.root_arg = root_arg;
	h.len_sel = len_sel;
	h.nr_blocks = nb;
	/* the subtree addresses are placeholders, redirected by the header */
	if (fdt_create_empty_tree(data, FUZZ_SUB_ROOT_MAX) ||
	    fdt_setprop_string(data, 0, "compatible", KHO_FDT_COMPATIBLE) ||
	    fdt_setprop(data, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, &map,
			sizeof(map)))
		die("root fdt");
	for (i = 0; i < nn; i++) {
		u64 phys = FUZZ_PHYS(1);

		/* libfdt adds no two nodes of one name: renamed after */
		off = fdt_add_subnode(data, 0, "tmp");
		if (off < 0 || fdt_set_name(data, off, nodes[i].name) ||
		    fdt_setprop(data, off, KHO_FDT_SUB_TREE_PROP_NAME, &phys,
				sizeof(phys)))
			die("fdt subnode");
		/* each node goes first: the selectors are in blob order */
		h.subs[nn - 1 - i].kind = nodes[i].kind;
		h.subs[nn - 1 - i].arg = nodes[i].arg;
		h.subs[nn - 1 - i].off = nodes[i].off;
	}
	if (fdt_pack(data))
		die("fdt_pack");
	len = fdt_totalsize(data);
	h.root_len = len;
	for (i = 0; i < nb; i++) {
		h.blocks[i].page = b[i].page;
		h.blocks[i].order = b[i].order;
		if (b[i].totalsize < 0)
			continue;
		/* libfdt wants the blob 8-byte aligned: built apart */
		if (fdt_create_empty_tree(fdt, sizeof(fdt)) ||
		    fdt_setprop_string(fdt, 0, "compatible", "seed") ||
		    fdt_pack(fdt))
			die("subtree fdt");
		h.blocks[i].len = fdt_totalsize(fdt);
		if (b[i].totalsize)
			fdt_set_totalsize(fdt, b[i].totalsize);
		memcpy(data + len, fdt, h.blocks[i].len);
		len += h.blocks[i].len;
	}
	put("subtree", name, &h, sizeof(h), data, len);
}

static void subtree(void)
{
	/* block 0 holds the root; orders 0, 2, 10 and 1 after it */
	static const struct sub_blob blocks[] = {
		{ 0, 0, -1 },
		{ 1, 0, 0 },
		{ 4, 2, 3 * PAGE_SIZE },
		{ 1024, 10, PAGE_SIZE << 10 },
		{ 8, 1, 0 },
	};
	static const struct sub_node good[] = {
		{ "memfd", FUZZ_SUB_HEAD, 1, 0 },
		{ "LUO", FUZZ_SUB_HEAD, 2, 0 },
		{ "a", FUZZ_SUB_HEAD, 3, 0 },
		{ "kho_test", FUZZ_SUB_HEAD, 4, 0 },
	};
	static const struct sub_node root_itself[] = {
		{ "self", FUZZ_SUB_HEAD, 0, 0 },
	};
	/* each after a good "memfd" subtree */
	static const struct sub_node bad[] = {
		{ "plain", FUZZ_SUB_PLAIN, 0, 100 },
		{ "table", FUZZ_SUB_PLAIN, 1, 0 },
		{ "hole", FUZZ_SUB_NOT_RAM, 14, 0 },
		{ "past", FUZZ_SUB_NOT_RAM, 6, 3 },
		{ "odd", FUZZ_SUB_MISALIGNED, 2, 8 },
		{ "inside", FUZZ_SUB_INTERIOR, 3, 5 },
		{ "memfd", FUZZ_SUB_PLAIN, 0, 200 },
	};
	static const char * const bad_names[] = {
		"plain", "table", "not-ram", "past-ram", "misaligned",
		"interior", "dup-name",
	};
	/* a subtree claiming more than its block; a block with no FDT */
	static const struct sub_blob too_big[] = {
		{ 0, 0, -1 }, { 1, 0, 2 * PAGE_SIZE },
	};
	static const struct sub_blob empty[] = {
		{ 0, 0, -1 }, { 1, 0, -1 },
	};
	struct sub_node pair[2] = { good[0] };
	char name[64];
	unsigned int i;

	subtree_seed("good", blocks, 5, good, 4, 0, 0, 0);
	subtree_seed("none", blocks, 1, NULL, 0, 0, 0, 0);
	subtree_seed("root-itself", blocks, 1, root_itself, 1, 0, 0, 0);
	subtree_seed("root-block-size", blocks, 5, good, 4, 0, 0, 2);
	subtree_seed("root-in-order10", blocks, 5, good, 4, 0, 3, 2);
	subtree_seed("root-unpreserved", blocks, 5, good, 4, 1, 0, 0);
	subtree_seed("root-interior", blocks, 5, good, 4, 2, 2, 0);
	subtree_seed("root-too-long", blocks, 5, good, 4, 0, 0, 3);
	subtree_seed("too-big", too_big, 2, good, 1, 0, 0, 0);
	subtree_seed("not-fdt", empty, 2, good, 1, 0, 0, 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(name, sizeof(name), "bad-%s", bad_names[i]);
		pair[1] = bad[i];
		subtree_seed(name, blocks, 5, pair, 2, 0, 0, 0);
	}
	dict("subtree", fdt_dict);
	max_len("subtree", sizeof(struct fuzz_subtree_hdr) + FUZZ_SUB_ROOT_MAX +
		FUZZ_SUB_DATA_MAX);
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
	handover();
	subtree();
	printf("seedgen: %u seeds in %s\n", nseeds, dir);
	return 0;
}
