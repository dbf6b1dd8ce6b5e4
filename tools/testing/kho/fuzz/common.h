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

#define FUZZ_PAGES	32
#define FUZZ_PAGE_SIZE	4096
#define FUZZ_BASE	(1ULL << 30)		/* KHO_ARENA_BASE */
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
void fuzz_fail(const char *what) __attribute__((noreturn));
#define FUZZ_ASSERT(cond) do { if (!(cond)) fuzz_fail(#cond); } while (0)
#endif

#endif
