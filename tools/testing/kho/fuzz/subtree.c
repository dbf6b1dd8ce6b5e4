// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the subtrees of the root FDT, as kho_memory_init() vets
 * them and debugfs (kho_debugfs_in()) and kho_retrieve_subtree() users
 * then read them.  From the input: up to FUZZ_SUB_BLOCKS preserved blocks
 * of any order, each holding a blob; a root FDT, placed (usually) at the
 * head of one of them; and, for each subtree node of the root, where its
 * "preserved-data" points: the head of a block, an arena page no block
 * covers, a tracker table, an address outside the arena, a misaligned one,
 * a block's interior, or what the blob says.
 *
 * The blocks go into a real tracker (its tables in arena pages after the
 * blocks'), kho_reserve_preserved() reserves them (and the tracker) in
 * memblock, then kho_check_preserved_fdts() decides.  If it
 * accepts, every subtree is looked up by name with kho_fdt_subtree() and
 * read whole, fdt_totalsize() bytes through phys_to_virt(), as the debugfs
 * blob is.
 *
 * Properties: the sound tracker is taken; no trap, no read outside the
 * arena; refused means -EINVAL, exactly one "rejecting the handover" line,
 * and kho_unreserve_preserved() leaves nothing reserved and no struct
 * page written; accepted means the root FDT lies in a preserved block, and every
 * subtree node is found and is the head of a preserved block at least
 * fdt_totalsize() long.
 */
#include <string.h>

#include <linux/kho/abi/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/unaligned.h>

#include "../../../../kernel/liveupdate/kexec_handover_internal.h"
#include "../../../../kernel/liveupdate/kho_radix.h"
#include "../shim/kho_shim.h"
#include "common.h"
#include "targets.h"

#define REGION		FUZZ_SUB_REGION
#define TABLES		64		/* pages for the tracker's tables */
#define SUB_PAGES	(REGION + TABLES)
#define NO_BLOCK	0xff

struct block {
	u64 phys;
	unsigned int order;
};

static struct block blk[FUZZ_SUB_BLOCKS];
static unsigned int nr_blk;
static uint8_t owner[REGION];		/* block covering a page, or NO_BLOCK */
static struct kho_radix_tree tree;
static unsigned long counts[KHO_ORDER_0_LOG2 + 1];
static struct {
	u64 phys;
	u64 len;
} placed[FUZZ_SUB_BLOCKS + 1];		/* what was copied to the arena */
static unsigned int nr_placed;
/* a sink the compiler cannot drop, so that the reads happen */
u64 fuzz_subtree_sum;

static u64 block_size(const struct block *b)
{
	return PAGE_SIZE << b->order;
}

/* The block whose head is @phys, or NULL. */
static const struct block *head_of(u64 phys)
{
	unsigned int i;

	for (i = 0; i < nr_blk; i++)
		if (blk[i].phys == phys)
			return &blk[i];
	return NULL;
}

/* Copy @len bytes of @src to @phys, no further than the block region. */
static void place(u64 phys, const uint8_t *src, u64 len)
{
	u64 end = FUZZ_PHYS(REGION);

	if (phys >= end)
		return;
	len = min(len, end - phys);
	if (!len)
		return;
	memcpy(phys_to_virt(phys), src, len);
	placed[nr_placed].phys = phys;
	placed[nr_placed].len = len;
	nr_placed++;
}

static void setup(void)
{
	if (kho_arena.nr_pages != SUB_PAGES &&
	    kho_arena_init((u64)SUB_PAGES * PAGE_SIZE))
		abort();
	/* clear what the last input copied */
	while (nr_placed--)
		memset(phys_to_virt(placed[nr_placed].phys), 0,
		       placed[nr_placed].len);
	nr_placed = 0;
	kho_arena_reset();
	kho_arena_window(kho_arena.base_pfn + REGION,
			 kho_arena.base_pfn + SUB_PAGES);
	kho_arena.fail_after = -1;
	kho_arena.traps = 0;
	kho_mb_reset();
	if (memblock_add(kho_arena.base, kho_arena.size))
		abort();
	memset(counts, 0, sizeof(counts));
	memset(owner, NO_BLOCK, sizeof(owner));
	nr_blk = 0;
	if (kho_radix_init(&tree))
		abort();
	kho_log_quiet(false);
	kho_log_reset();
}

/* Add the block @b describes to the tracker, unless it overlaps one. */
static void add_block(const struct fuzz_sub_block *b)
{
	unsigned int order = b->order % (MAX_PAGE_ORDER + 1);
	unsigned int page = (b->page % REGION) & ~((1U << order) - 1);
	unsigned int i;

	for (i = page; i < page + (1U << order); i++)
		if (owner[i] != NO_BLOCK)
			return;
	memset(&owner[page], nr_blk, 1U << order);
	blk[nr_blk].phys = FUZZ_PHYS(page);
	blk[nr_blk].order = order;
	if (kho_radix_add(&tree, blk[nr_blk].phys, order))
		abort();
	nr_blk++;
}

/* An arena page that no block covers, from @start on, or 0. */
static u64 plain_page(unsigned int start)
{
	unsigned int i;

	for (i = 0; i < REGION; i++) {
		unsigned int p = (start + i) % REGION;

		if (owner[p] == NO_BLOCK)
			return FUZZ_PHYS(p);
	}
	return 0;
}

/* Addresses that are not arena memory. */
static u64 not_ram(unsigned int arg, unsigned int off)
{
	u64 end = kho_arena.base + kho_arena.size;

	switch (arg % 8) {
	case 0:
		return 0;
	case 1:
		return (u64)(off + 1) * PAGE_SIZE;
	case 2:
		return kho_arena.base - (u64)(off % 16 + 1) * PAGE_SIZE;
	case 3:
		return end + (u64)(off % 16) * PAGE_SIZE;
	case 4:		/* the trap's own offset 0, from above and below */
		return kho_arena.base + KHO_TRAP_SIZE;
	case 5:
		return 1ULL << (32 + off % 32);
	case 6:
		return -(u64)(off % 16 + 1) * PAGE_SIZE;
	default:
		return 0xfed00000ULL;
	}
}

/* The address @a selects; @raw is what the blob holds. */
static u64 pick_addr(const struct fuzz_sub_addr *a, u64 raw)
{
	const struct block *b = nr_blk ? &blk[a->arg % nr_blk] : NULL;
	unsigned long nr = b ? 1UL << b->order : 0;

	switch (a->kind % FUZZ_SUB_KINDS) {
	case FUZZ_SUB_HEAD:
	case FUZZ_SUB_HEAD2:
		return b ? b->phys : raw;
	case FUZZ_SUB_PLAIN:
		if (a->arg & 1)		/* a tracker table: RAM, in use */
			return virt_to_phys(tree.root);
		return plain_page(a->off);
	case FUZZ_SUB_NOT_RAM:
		return not_ram(a->arg >> 1, a->off);
	case FUZZ_SUB_MISALIGNED:
		return b ? b->phys + 1 + a->off % (PAGE_SIZE - 1) : raw | 1;
	case FUZZ_SUB_INTERIOR:
		if (!b)
			return raw;
		return b->phys + (1 + a->off % (nr > 1 ? nr - 1 : 1)) *
				 PAGE_SIZE;
	case FUZZ_SUB_PAGE:
		return FUZZ_PHYS(a->off % REGION);
	default:
		return raw;
	}
}

/* Where the root FDT goes: the head or interior of a block, or a page. */
static u64 pick_root(const struct fuzz_subtree_hdr *h)
{
	struct fuzz_sub_addr a = { FUZZ_SUB_HEAD, h->root_arg, h->root_arg };
	u64 phys;

	switch (h->root_kind % 4) {
	case 1:
		a.kind = FUZZ_SUB_PLAIN;
		a.arg &= ~1;
		a.off = h->root_arg * 8;
		break;
	case 2:
		a.kind = FUZZ_SUB_INTERIOR;
		break;
	}
	phys = pick_addr(&a, 0);
	/* no block or no free page: the first page will do */
	return phys && phys < FUZZ_PHYS(REGION) ? phys : FUZZ_PHYS(0);
}

static u64 pick_fdt_len(const struct fuzz_subtree_hdr *h, u64 fdt_phys,
			const uint8_t *root, u64 root_len)
{
	u64 room = PAGE_SIZE;
	unsigned int p = PHYS_PFN(fdt_phys - FUZZ_BASE);

	if (owner[p] != NO_BLOCK)
		room = block_size(&blk[owner[p]]) -
		       (fdt_phys - blk[owner[p]].phys);
	switch (h->len_sel % 5) {
	case 0:		/* what the header says, read from the input */
		return root_len >= 8 ? get_unaligned_be32(root + 4) :
		       h->fdt_len;
	case 2:
		return room;
	case 3:
		return room + 1 + h->fdt_len % PAGE_SIZE;
	case 4:
		return root_len;
	default:
		return h->fdt_len;
	}
}

/* Point the subtrees of @fdt where the header says, in place. */
static void redirect(void *fdt, const struct fuzz_subtree_hdr *h)
{
	unsigned int i = 0;
	int off, len;

	fdt_for_each_subnode(off, fdt, 0) {
		const void *prop;
		u64 val;

		if (i == FUZZ_SUB_NODES)
			break;
		prop = fdt_getprop(fdt, off, KHO_FDT_SUB_TREE_PROP_NAME, &len);
		if (prop && len == sizeof(val)) {
			memcpy(&val, prop, sizeof(val));
			val = pick_addr(&h->subs[i], val);
			FUZZ_ASSERT(!fdt_setprop_inplace(fdt, off,
							 KHO_FDT_SUB_TREE_PROP_NAME,
							 &val, sizeof(val)));
		}
		i++;
	}
}

/* Read all @len bytes at @p, a word at a time (blocks are page aligned). */
static u64 checksum(const void *p, u64 len)
{
	const unsigned char *c = p;
	u64 s = 0, w, i;

	for (i = 0; i + sizeof(w) <= len; i += sizeof(w)) {
		memcpy(&w, c + i, sizeof(w));
		s = s * 31 + w;
	}
	for (; i < len; i++)
		s = s * 31 + c[i];
	return s;
}

/* What debugfs and kho_retrieve_subtree() users do with an accepted FDT. */
static void read_subtrees(const void *fdt, u64 fdt_phys, u64 fdt_len)
{
	const struct block *b = head_of(fdt_phys);
	int off;

	FUZZ_ASSERT(b && fdt_len <= block_size(b));
	FUZZ_ASSERT(fdt_totalsize(fdt) <= fdt_len);
	fuzz_subtree_sum += checksum(fdt, fdt_totalsize(fdt));

	fdt_for_each_subnode(off, fdt, 0) {
		const char *name = fdt_get_name(fdt, off, NULL);
		const void *sub;
		phys_addr_t phys = 0;

		if (!name)
			continue;
		FUZZ_ASSERT(!kho_fdt_subtree(fdt, name, &phys));
		b = head_of(phys);
		FUZZ_ASSERT(b);
		sub = phys_to_virt(phys);
		FUZZ_ASSERT(fdt_totalsize(sub) <= block_size(b));
		fuzz_subtree_sum += checksum(sub, fdt_totalsize(sub));
	}
}

static void check_unreserved(void)
{
	unsigned long i;

	FUZZ_ASSERT(kho_mb_reserved_cnt() == 0);
	for (i = 0; i <= KHO_ORDER_0_LOG2; i++)
		FUZZ_ASSERT(!counts[i]);
	for (i = 0; i < kho_arena.nr_pages; i++)
		FUZZ_ASSERT(!kho_arena.memmap[i].private);
}

int kho_fuzz_subtree(const uint8_t *data, size_t size)
{
	struct fuzz_subtree_hdr h;
	const uint8_t *root, *p;
	u64 fdt_phys, fdt_len, root_len, len;
	phys_addr_t map = 0, tracker;
	unsigned int i, n;
	void *fdt;
	int err;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	data += sizeof(h);
	size -= sizeof(h);
	setup();

	n = min_t(unsigned int, h.nr_blocks, FUZZ_SUB_BLOCKS);
	root = data;
	root_len = min_t(u64, min_t(u64, h.root_len, size), FUZZ_SUB_ROOT_MAX);
	p = data + root_len;
	size -= root_len;
	for (i = 0; i < n; i++) {
		unsigned int before = nr_blk;

		add_block(&h.blocks[i]);
		len = min_t(u64, h.blocks[i].len, size);
		if (nr_blk > before)
			place(blk[before].phys, p,
			      min(len, block_size(&blk[before])));
		p += len;
		size -= len;
	}

	fdt_phys = pick_root(&h);
	fdt_len = pick_fdt_len(&h, fdt_phys, root, root_len);
	/* what kho_handover_check() guarantees */
	if (!fdt_len || fdt_len > KHO_FDT_MAX_SIZE ||
	    !kho_arena_has(fdt_phys, fdt_len))
		return 0;
	place(fdt_phys, root, min(root_len, fdt_len));
	fdt = phys_to_virt(fdt_phys);
	/* what kho_populate() has checked */
	if (kho_fdt_check(fdt, fdt_len, &map))
		return 0;
	/* the tracker root is ours, the rest of the root FDT the input's */
	tracker = virt_to_phys(tree.root);
	FUZZ_ASSERT(!fdt_setprop_inplace(fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME,
					 &tracker, sizeof(tracker)));
	redirect(fdt, &h);
	FUZZ_ASSERT(!kho_fdt_check(fdt, fdt_len, &map) && map == tracker);

	/* kho_memory_init(): the blocks, then the FDTs in them */
	err = kho_reserve_preserved(map, NULL, 0, counts);
	FUZZ_ASSERT(!err);
	for (i = 0; i < nr_blk; i++)
		FUZZ_ASSERT(kho_preserved_order(tree.root, blk[i].phys) ==
			    (int)blk[i].order);
	kho_log_reset();
	err = kho_check_preserved_fdts(tree.root, fdt, fdt_phys, fdt_len);
	if (err) {
		FUZZ_ASSERT(err == -EINVAL);
		fuzz_refused();
		kho_unreserve_preserved(counts);
		check_unreserved();
	} else {
		FUZZ_ASSERT(!kho_log_errors());
		read_subtrees(fdt, fdt_phys, fdt_len);
	}
	FUZZ_ASSERT(kho_arena.traps == 0);
	return 0;
}
