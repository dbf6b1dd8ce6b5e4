/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kexec HandOver (KHO): the handover format between two kernels.
 *
 * Everything in this file crosses a kexec.  Changing a layout, a property
 * name or a compatible string requires a new compatible string, and a kernel
 * refuses (with a log line, booting on without the handover) data whose
 * compatible it does not know.
 */
#ifndef _LINUX_KHO_ABI_KEXEC_HANDOVER_H
#define _LINUX_KHO_ABI_KEXEC_HANDOVER_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/types.h>
#include <asm/page.h>

/**
 * DOC: Root FDT
 *
 * The outgoing kernel hands over one flattened device tree, the root FDT.
 * It lives in preserved memory and looks like this::
 *
 *   / {
 *       compatible = "kho-v2";
 *       preserved-memory-map = <u64: physical address of the tracker root>;
 *
 *       <subsystem-name> {
 *           preserved-data = <u64: physical address of the subsystem FDT>;
 *       };
 *   };
 *
 * There is one node per registered subtree; node names are unique.  A
 * subtree is an FDT that its subsystem allocated and preserved; its size is
 * the totalsize of its own FDT header.  Every address that crosses the kexec
 * is physical, little-endian on the platforms KHO supports.
 */

/** KHO_FDT_COMPATIBLE: compatible string of the root FDT. */
#define KHO_FDT_COMPATIBLE		"kho-v2"
/** KHO_FDT_MEMORY_MAP_PROP_NAME: root property holding the tracker root. */
#define KHO_FDT_MEMORY_MAP_PROP_NAME	"preserved-memory-map"
/** KHO_FDT_SUB_TREE_PROP_NAME: subtree property holding its FDT address. */
#define KHO_FDT_SUB_TREE_PROP_NAME	"preserved-data"

/**
 * DOC: Preserved-memory tracker
 *
 * Every preserved block of 2^order pages is one key in a radix tree::
 *
 *   key = (1 << (KHO_ORDER_0_LOG2 - order)) | (phys >> (PAGE_SHIFT + order))
 *
 * The single "order bit" keeps the keys of different orders apart, so one
 * tree holds every order.  To decode a key, the order is KHO_ORDER_0_LOG2
 * minus the index of its highest set bit, and the physical address is the
 * key without that bit, shifted left by PAGE_SHIFT + order.
 *
 * With 4 KiB pages the key is cut into indices like this (bits 63:60 are
 * always zero)::
 *
 *   bits:  63:60 | 59:51 | 50:42 | 41:33 | 32:24 | 23:15 |   14:0
 *   use:     0   |  L5   |  L4   |  L3   |  L2   |  L1   | bit in leaf
 *
 * Levels 5 to 1 are nodes (&struct kho_radix_node): one page of physical
 * addresses of the next lower level, 0 where empty.  Level 0 is a leaf
 * (&struct kho_radix_leaf): one page used as a bitmap, bit n being bit n % 64
 * of word n / 64; a set bit is one preserved block.  The root FDT's
 * "preserved-memory-map" property holds the physical address of the level-5
 * node.  The tree's own pages are not listed in the tree: the next kernel
 * reads them while it allocates only from scratch memory and frees them
 * afterwards.
 */

/** KHO_ORDER_0_LOG2: position of the order bit of an order-0 key. */
#define KHO_ORDER_0_LOG2	(64 - PAGE_SHIFT)
/** KHO_TABLE_SIZE_LOG2: log2 of the number of entries of a node. */
#define KHO_TABLE_SIZE_LOG2	(PAGE_SHIFT - ilog2(sizeof(u64)))
/** KHO_BITMAP_SIZE_LOG2: log2 of the number of bits of a leaf. */
#define KHO_BITMAP_SIZE_LOG2	(PAGE_SHIFT + ilog2(BITS_PER_BYTE))
/** KHO_TREE_MAX_DEPTH: levels of the tree, the leaf level included. */
#define KHO_TREE_MAX_DEPTH						\
	(DIV_ROUND_UP(KHO_ORDER_0_LOG2 - KHO_BITMAP_SIZE_LOG2,		\
		      KHO_TABLE_SIZE_LOG2) + 1)

/**
 * struct kho_radix_node - an inner node of the preserved-memory tracker
 * @table: physical address of each child (a node, or a leaf at level 1);
 *         0 for none
 */
struct kho_radix_node {
	u64 table[1 << KHO_TABLE_SIZE_LOG2];
};

/**
 * struct kho_radix_leaf - a leaf of the preserved-memory tracker
 * @bitmap: one bit per key; a set bit is a preserved block
 */
struct kho_radix_leaf {
	unsigned long bitmap[(1 << KHO_BITMAP_SIZE_LOG2) / BITS_PER_LONG];
};

/**
 * struct kho_scratch_area - one scratch area handed to the next kernel
 * @addr: physical start, page aligned
 * @size: length in bytes, page aligned
 *
 * The scratch array is a packed array of these.  The next kernel allocates
 * only from these areas until it has reserved every preserved block.
 */
struct kho_scratch_area {
	u64 addr;
	u64 size;
};

/*
 * The most scratch areas a handover may list: one below the low memory
 * limit, one anywhere and one per NUMA node, for the most nodes any
 * configuration has (NODES_SHIFT is at most 10).  The next kernel, and
 * its decompressor, ignore a longer array.
 */
#define KHO_SCRATCH_MAX_AREAS	(2 + 1024)

/**
 * DOC: vmalloc preservation
 *
 * A vmalloc area is handed over as a &struct kho_vmalloc, which its owner
 * embeds in a blob of its own (an FDT property, a record, ...), and a chain
 * of chunk pages (&struct kho_vmalloc_chunk) that list the physical blocks
 * behind the area in the order they are mapped::
 *
 *   struct kho_vmalloc        chunk 0                  chunk 1
 *   +-------------+           +----------------+       +----------------+
 *   | first ------+---------->| hdr.next ------+------>| hdr.next = 0   |
 *   | total_pages |           | phys[0]        |       | phys[0]        |
 *   | flags       |           | ...            |       | ...            |
 *   | order       |           | phys[510]      |       | phys[k] = 0    |
 *   +-------------+           +----------------+       +----------------+
 *
 * The area is made of total_pages pages in blocks of 2^order pages each;
 * phys[] lists the block that backs each successive 2^order pages of the
 * area.  Each chunk is one page and holds KHO_VMALLOC_CHUNK_ENTRIES (511
 * with 4 KiB pages) entries.  The rules:
 *
 * - first is the physical address of the first chunk, 0 if there is none
 *   (a descriptor that describes nothing); hdr.next is the physical address
 *   of the next chunk, 0 in the last one.
 * - Every chunk is a preserved order-0 page; every block listed is a
 *   preserved block of exactly @order, aligned to its size.
 * - Entries are filled front to back; a chunk's list ends at its first 0
 *   entry, or at its end if it is full.  Only the last chunk may end early,
 *   and a chain has no more chunks than the entries need.
 * - The number of listed blocks is total_pages >> order; total_pages is a
 *   non-zero multiple of 2^order and order is at most MAX_PAGE_ORDER.
 * - flags has KHO_VMALLOC_ALLOC set; only KHO_VMALLOC_ALLOC and
 *   KHO_VMALLOC_HUGE_VMAP may be set; an order above 0 requires
 *   KHO_VMALLOC_HUGE_VMAP.
 *
 * The next kernel refuses a descriptor that breaks any of these rules.
 */

/** KHO_VMALLOC_ALLOC: the area came from vmalloc() and friends (VM_ALLOC). */
#define KHO_VMALLOC_ALLOC	0x1
/**
 * KHO_VMALLOC_HUGE_VMAP: the area allowed huge mappings (VM_ALLOW_HUGE_VMAP,
 * as from vmalloc_huge()); blocks of an order above 0 are mapped with
 * page-table entries of that size where the architecture can.
 */
#define KHO_VMALLOC_HUGE_VMAP	0x2
/** KHO_VMALLOC_FLAGS: every flag this version of the format knows. */
#define KHO_VMALLOC_FLAGS	(KHO_VMALLOC_ALLOC | KHO_VMALLOC_HUGE_VMAP)

/** KHO_VMALLOC_CHUNK_ENTRIES: block addresses in one chunk page. */
#define KHO_VMALLOC_CHUNK_ENTRIES	((PAGE_SIZE - sizeof(u64)) / sizeof(u64))

/**
 * struct kho_vmalloc_chunk - one page of the block list of a vmalloc area
 * @hdr:      chunk header
 * @hdr.next: physical address of the next chunk, 0 in the last chunk
 * @phys:     physical addresses of the area's blocks, in mapping order;
 *            the list ends at the first 0 entry unless the chunk is full
 *
 * A chunk is exactly one page and is itself preserved memory.
 */
struct kho_vmalloc_chunk {
	struct {
		u64 next;
	} hdr;
	u64 phys[KHO_VMALLOC_CHUNK_ENTRIES];
};

static_assert(sizeof(struct kho_vmalloc_chunk) == PAGE_SIZE);

/**
 * struct kho_vmalloc - descriptor of a preserved vmalloc area
 * @first:       physical address of the first chunk, 0 if there is none
 * @total_pages: size of the area in pages
 * @flags:       KHO_VMALLOC_ALLOC, optionally KHO_VMALLOC_HUGE_VMAP
 * @order:       every block listed in the chunks is 2^@order pages
 *
 * The owner of the area embeds this descriptor in its own preserved data;
 * kho_preserve_vmalloc() fills it and kho_restore_vmalloc() reads it.
 */
struct kho_vmalloc {
	u64 first;
	u32 total_pages;
	u16 flags;
	u16 order;
};

static_assert(sizeof(struct kho_vmalloc) == 16);

#endif /* _LINUX_KHO_ABI_KEXEC_HANDOVER_H */
