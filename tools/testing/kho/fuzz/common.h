/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: the input format shared by the fuzz targets and the
 * seed generator.  An input is a target-specific header followed by page
 * images: page i of the input is the content of the arena page at
 * physical address KHO_ARENA_BASE + i * PAGE_SIZE; the arena has
 * FUZZ_PAGES pages, those the input does not cover are zero.  The arena is
 * all the RAM there is, so any pointer the input holds that leads out of
 * it must be refused before it is followed.
 *
 * Headers that describe which pages the "previous kernel" preserved hold
 * one byte per arena page: 0 for not preserved, 1 + order for the head of
 * a block of that order (ignored unless aligned and inside the arena).
 */
#ifndef _KHO_FUZZ_COMMON_H
#define _KHO_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <linux/bits.h>
#include <linux/compiler.h>

#define FUZZ_PAGES	32
#define FUZZ_PAGE_SIZE	4096
#define FUZZ_BASE	BIT_ULL(30)		/* KHO_ARENA_BASE */
#define FUZZ_PHYS(i)	(FUZZ_BASE + (uint64_t)(i) * FUZZ_PAGE_SIZE)
#define FUZZ_MAX_LEN(hdr) ((hdr) + FUZZ_PAGES * FUZZ_PAGE_SIZE)

struct fuzz_tracker_hdr {
	uint64_t root;		/* physical address of the level-5 node */
	uint64_t scratch_addr;	/* one scratch area, none if size is 0 */
	uint64_t scratch_size;
	uint64_t flags;		/* unused for now */
};

struct fuzz_array_hdr {
	uint8_t desc[16];	/* struct kho_array */
	uint8_t marks[FUZZ_PAGES];
	uint64_t seek;		/* an index to read with ka_iter_setpos() */
};

struct fuzz_block_hdr {
	uint64_t head_pa;
	uint32_t entry_size;
	uint32_t shrink;	/* records to drop after reading them */
	uint8_t marks[FUZZ_PAGES];
};

struct fuzz_vmalloc_hdr {
	uint8_t desc[16];	/* struct kho_vmalloc */
	uint8_t marks[FUZZ_PAGES];
};

/* The FDT target takes a bare FDT blob, at most this long. */
#define FUZZ_FDT_MAX	(4 * FUZZ_PAGE_SIZE)

/*
 * The handover target: where the boot protocol says the root FDT and the
 * scratch array are.  Its arena is FUZZ_HO_ARENA bytes (scratch areas are
 * tens of MiB), RAM except for a hole [FUZZ_HO_HOLE, FUZZ_HO_HOLE_END)
 * that is mapped PROT_NONE.  Each of the four values is derived from its
 * raw field by a selector (see fuzz/handover.c): the raw value, inside the
 * arena, at an edge of RAM, in the hole, wrapping, huge, inside one of
 * the input's own scratch areas...  The header is followed by fdt_bytes
 * bytes of FDT blob, then the scratch array (at most FUZZ_HO_ARRAY_MAX
 * bytes), each copied to its address where that is RAM.
 */
#define FUZZ_MIB		BIT_ULL(20)
#define FUZZ_HO_ARENA		(256 * FUZZ_MIB)
#define FUZZ_HO_HOLE		(112 * FUZZ_MIB)
#define FUZZ_HO_HOLE_END	(128 * FUZZ_MIB)
#define FUZZ_HO_ARRAY_MAX	(8 * 16)

struct fuzz_handover_hdr {
	uint64_t fdt_phys;
	uint64_t fdt_len;
	uint64_t scratch_phys;
	uint64_t scratch_len;
	uint8_t fdt_sel;
	uint8_t fdt_len_sel;
	uint8_t scratch_sel;
	uint8_t scratch_len_sel;
	uint32_t fdt_bytes;
};

/*
 * The subtree target: a root FDT in (usually) a preserved block, whose
 * subtrees' "preserved-data" addresses are rewritten by selectors, and up
 * to FUZZ_SUB_BLOCKS preserved blocks in the first FUZZ_SUB_REGION pages
 * of its arena, each holding a blob.  The header is followed by root_len
 * bytes of root FDT (at most FUZZ_SUB_ROOT_MAX), then, for each block of
 * the header, its len bytes of blob (clipped to the block).
 */
#define FUZZ_SUB_REGION		2048	/* pages, room for order-10 blocks */
#define FUZZ_SUB_BLOCKS		8
#define FUZZ_SUB_NODES		16
#define FUZZ_SUB_ROOT_MAX	(4 * FUZZ_PAGE_SIZE)
#define FUZZ_SUB_DATA_MAX	(16 * FUZZ_PAGE_SIZE)

/* Where a subtree (or the root FDT) is put: see fuzz/subtree.c. */
enum fuzz_sub_kind {
	FUZZ_SUB_KEEP,		/* the address the blob holds */
	FUZZ_SUB_HEAD,		/* the head of block arg */
	FUZZ_SUB_HEAD2,		/* the same, twice as likely */
	FUZZ_SUB_PLAIN,		/* an arena page no block covers, or a table */
	FUZZ_SUB_NOT_RAM,	/* an address outside the arena */
	FUZZ_SUB_MISALIGNED,	/* inside the head page of block arg */
	FUZZ_SUB_INTERIOR,	/* a page of block arg other than its head */
	FUZZ_SUB_PAGE,		/* any page of the block region */
	FUZZ_SUB_KINDS
};

struct fuzz_sub_block {
	uint16_t page;		/* head, aligned down to the order */
	uint8_t order;		/* modulo MAX_PAGE_ORDER + 1 */
	uint8_t pad;
	uint32_t len;		/* bytes of blob that follow in the input */
};

struct fuzz_sub_addr {
	uint8_t kind;		/* enum fuzz_sub_kind, modulo FUZZ_SUB_KINDS */
	uint8_t arg;
	uint16_t off;
};

struct fuzz_subtree_hdr {
	uint8_t root_kind;	/* HEAD, PLAIN or INTERIOR, modulo 4 */
	uint8_t root_arg;
	uint8_t len_sel;	/* how fdt_len is derived, modulo 5 */
	uint8_t nr_blocks;
	uint32_t root_len;
	uint32_t fdt_len;	/* raw fdt_len */
	uint32_t pad;
	struct fuzz_sub_block blocks[FUZZ_SUB_BLOCKS];
	struct fuzz_sub_addr subs[FUZZ_SUB_NODES];
};

/* The first words of every refusal the incoming checks log. */
#define FUZZ_REJECT	"KHO: rejecting the handover: "

#ifndef FUZZ_NO_ARENA
/* Fill the arena from page images and forget every page's state. */
void fuzz_load(const uint8_t *pages, size_t len);
/* Reserve the blocks @marks describes, as the next kernel would. */
void fuzz_mark(const uint8_t *marks);
/*
 * Make every arena page that fuzz_mark() did not reserve inaccessible, until
 * the next fuzz_load(): RAM, but not handed over, so a decoder that reads
 * it before vetting it with kho_is_preserved() crashes.  Only for decoders
 * that allocate no arena pages.
 */
void fuzz_protect(void);
/* Abort with a message: a property of the decoder does not hold. */
__noreturn void fuzz_fail(const char *what);
/* Abort unless exactly one error was logged, a FUZZ_REJECT line. */
void fuzz_refused(void);
#define FUZZ_ASSERT(cond) do { if (!(cond)) fuzz_fail(#cond); } while (0)
#endif

#endif
