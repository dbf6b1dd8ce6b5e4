/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kexec HandOver (KHO): the format of kho_block chains.
 *
 * Everything in this file crosses a kexec.  Changing the layout requires a
 * new compatible string; a kernel refuses chains it cannot validate.
 */
#ifndef _LINUX_KHO_ABI_BLOCK_H
#define _LINUX_KHO_ABI_BLOCK_H

#include <linux/compiler_attributes.h>
#include <linux/types.h>
#include <asm/page.h>

/**
 * DOC: kho_block chains
 *
 * A kho_block chain is a singly linked list of blocks that hold records of
 * one fixed size, the entry size.  The entry size is not stored in the
 * chain: the subsystem that owns the chain knows it, typically from the
 * compatible string of its own FDT or blob, which also records the
 * physical address of the first block.
 *
 * Each block is one page (``PAGE_SIZE`` bytes, page aligned) of preserved
 * memory, laid out like this::
 *
 *   offset 0                       struct kho_block_header_ser
 *   offset 16 + i * entry_size     record i, for i = 0 .. count - 1
 *
 * Records are packed: record i of a block starts exactly at byte
 * 16 + i * entry_size, whatever the alignment that gives.  A block holds
 * at most KHO_BLOCK_COUNT_PER_BLOCK(entry_size) records, that is
 * (PAGE_SIZE - 16) / entry_size; the bytes after the last valid record
 * are not part of the format.
 *
 * A chain is valid only if
 *
 * - every block address (the head and each non-zero ``next``) is page
 *   aligned;
 * - every block has a ``count`` between 1 and the per-block capacity: empty
 *   blocks are never linked, an empty chain is head address 0;
 * - the chain ends (a ``next`` of 0) within KHO_MAX_BLOCKS blocks, and no
 *   block appears in it twice.
 *
 * Anything else is corruption: the next kernel rejects the chain as a
 * whole and takes none of its records.
 *
 * This format is "kho-block-v1".  A chain carries no compatible string of
 * its own: the compatible string of the blob that owns it (LUO's
 * "luo-v1", for one) names the format of its chains with everything else,
 * so a change to this layout needs a new compatible string for every
 * owner.
 */

/**
 * define KHO_MAX_BLOCKS - the most blocks a valid chain may have
 *
 * A longer chain is corrupt.  The bound also ends the walk over a chain
 * that loops.
 */
#define KHO_MAX_BLOCKS		10000

/**
 * struct kho_block_header_ser - header at the start of every block
 * @next:  physical address of the next block of the chain, 0 for the last
 * @count: number of valid records in this block, from 1 to
 *         KHO_BLOCK_COUNT_PER_BLOCK() of the chain's entry size
 *
 * The header takes the first 16 bytes of the block; the records follow
 * it directly.  Both fields are native (little-endian) u64.
 */
struct kho_block_header_ser {
	u64 next;
	u64 count;
} __packed;

/**
 * KHO_BLOCK_COUNT_PER_BLOCK - records of @entry_size bytes that fit a block
 * @entry_size: size of one record in bytes, not 0
 *
 * Return: (PAGE_SIZE - 16) / @entry_size; 0 if a record does not fit.
 */
#define KHO_BLOCK_COUNT_PER_BLOCK(entry_size)				\
	((PAGE_SIZE - sizeof(struct kho_block_header_ser)) / (entry_size))

#endif /* _LINUX_KHO_ABI_BLOCK_H */
