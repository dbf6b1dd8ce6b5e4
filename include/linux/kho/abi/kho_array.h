/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kexec HandOver (KHO): the layout of a kho_array, a sparse array of u64
 * entries that crosses a kexec.
 *
 * Everything in this file is ABI between two kernels.  A change to either
 * layout or to the meaning of an entry needs a new KHO_ARRAY_VERSION, and a
 * kernel refuses an array whose version it does not know.
 */
#ifndef _LINUX_KHO_ABI_KHO_ARRAY_H
#define _LINUX_KHO_ABI_KHO_ARRAY_H

#include <linux/compiler.h>
#include <linux/limits.h>
#include <linux/types.h>
#include <asm/page.h>

/**
 * DOC: kho_array format
 *
 * A kho_array maps indices 0 to KHO_ARRAY_MAX_INDEX to u64 entries.  It is
 * made of a descriptor, &struct kho_array, which its owner embeds in a blob
 * of its own (an FDT property or a preserved structure), and a list of
 * pages, each a &struct kho_array_page, that the owner preserves.  Every
 * address is physical.
 *
 * The descriptor holds KHO_ARRAY_MAGIC, KHO_ARRAY_VERSION, a reserved field
 * that is zero, and the physical address of the first page of the list, or
 * 0 for an array with no page.
 *
 * Each page holds KHO_ARRAY_PAGE_ENTRIES consecutive entries (510 with
 * 4 KiB pages): entry i of a page is the entry of index startpos + i.  The
 * pages are listed in strictly ascending startpos, each startpos is a
 * multiple of KHO_ARRAY_PAGE_ENTRIES and at most KHO_ARRAY_MAX_INDEX, and
 * the next field of the last page is 0.  Indices that no page covers are
 * holes and read as empty.  The list therefore has at most
 * KHO_ARRAY_MAX_INDEX / KHO_ARRAY_PAGE_ENTRIES + 1 pages and never visits a
 * page twice.
 *
 * An entry is one of:
 *
 * - 0: empty.
 * - bit 0 set: the value v, stored as (v << 1) | 1, with v from 0 to
 *   LONG_MAX.
 * - bit 0 clear and not 0: the physical address of memory that the owner
 *   preserved, 8-byte aligned.  The array does not say how large that
 *   memory is or how it was preserved; its owner knows.
 *
 * An entry of an index above KHO_ARRAY_MAX_INDEX is 0.
 */

/** KHO_ARRAY_MAGIC: &struct kho_array.magic, "KARR". */
#define KHO_ARRAY_MAGIC		0x4b415252U
/** KHO_ARRAY_VERSION: &struct kho_array.version of this layout. */
#define KHO_ARRAY_VERSION	0
/** KHO_ARRAY_PAGE_ENTRIES: entries of a page: PAGE_SIZE / 8 - 2. */
#define KHO_ARRAY_PAGE_ENTRIES	((PAGE_SIZE - 16) / 8)
/** KHO_ARRAY_MAX_INDEX: the largest index of an array, 2^63 - 1. */
#define KHO_ARRAY_MAX_INDEX	LONG_MAX

/**
 * struct kho_array - descriptor of a kho_array
 * @magic:    KHO_ARRAY_MAGIC
 * @version:  KHO_ARRAY_VERSION
 * @reserved: 0
 * @first:    physical address of the first &struct kho_array_page, page
 *            aligned; 0 if the array has no page
 *
 * The descriptor is 16 bytes with no padding, so that it can be embedded
 * anywhere in its owner's blob.
 */
struct kho_array {
	u32 magic;
	u16 version;
	u16 reserved;
	u64 first;
} __packed;

/**
 * struct kho_array_page - one page of a kho_array
 * @next:     physical address of the next page of the list, page aligned;
 *            0 for the last page
 * @startpos: index of @entries[0]; a multiple of KHO_ARRAY_PAGE_ENTRIES,
 *            greater than the startpos of every page before this one
 * @entries:  the entries of indices @startpos to @startpos +
 *            KHO_ARRAY_PAGE_ENTRIES - 1: 0 for empty, (v << 1) | 1 for the
 *            value v, otherwise an 8-byte aligned physical address
 *
 * A page of the list is exactly one page and is preserved as one.
 */
struct kho_array_page {
	u64 next;
	u64 startpos;
	u64 entries[KHO_ARRAY_PAGE_ENTRIES];
};

#endif /* _LINUX_KHO_ABI_KHO_ARRAY_H */
