/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: services of the shims (log, warnings, the simulated
 * physical memory) that tests, fuzz targets and benchmarks use directly.
 * Only plain C types here, and tools/include's compiler attributes and
 * BIT_ULL(), so that any translation unit may include it.
 */
#ifndef _KHO_SHIM_H
#define _KHO_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bits.h>
#include <linux/compiler.h>

/* ---- log and warnings ---------------------------------------------- */

__printf(2, 3)
void kho_shim_printk(int level, const char *fmt, ...);
__printf(3, 4)
void kho_shim_warn(const char *file, int line, const char *fmt, ...);
__noreturn
void kho_shim_bug(const char *file, int line, const char *what);

/* Forget the log and the warning count. */
void kho_log_reset(void);
/* Lines logged at KERN_ERR or more urgent, and warnings, since the reset. */
unsigned long kho_log_errors(void);
unsigned long kho_log_warnings(void);
/* Does a line logged since the reset contain @needle? */
bool kho_log_contains(const char *needle);
/* The last line logged, "" if none. */
const char *kho_log_last(void);
/* Drop log lines instead of keeping them (fuzzing, benchmarks). */
void kho_log_quiet(bool quiet);

/* ---- the simulated physical memory: see shim/linux/mm.h --------------- */

/* Physical address of the first arena page; 0 is never RAM. */
#define KHO_ARENA_BASE		BIT_ULL(30)

struct page;

struct kho_arena {
	unsigned char *virt;		/* the mapping of the arena */
	uint64_t base;			/* physical address of virt[0] */
	uint64_t size;			/* bytes */
	unsigned long base_pfn;
	unsigned long nr_pages;
	struct page *memmap;		/* one struct page per arena page */
	/* PROT_NONE: where phys_to_virt() sends addresses outside */
	unsigned char *trap;
	/* page allocator */
	unsigned long alloc_lo, alloc_hi;	/* pfn window it allocates from */
	unsigned long hint;		/* lowest pfn that may be free */
	unsigned long used;		/* pages allocated */
	long fail_after;		/* allocations to let through; -1 all */
	unsigned long traps;		/* out-of-arena phys_to_virt() calls */
	bool poison;			/* fill freed pages with 0x6b */
};

extern struct kho_arena kho_arena;

/* Map an arena of @bytes (rounded to pages); 0 or -errno. */
int kho_arena_init(uint64_t bytes);
void kho_arena_exit(void);
/* Allocate only from pfns [lo, hi) from now on. */
void kho_arena_window(unsigned long lo, unsigned long hi);
/* Is [phys, phys + len) inside the arena? */
static inline bool kho_arena_has(uint64_t phys, uint64_t len)
{
	return phys >= kho_arena.base && len <= kho_arena.size &&
	       phys - kho_arena.base <= kho_arena.size - len;
}

/* Free every page and clear the memmap; the contents stay. */
void kho_arena_reset(void);

#endif
