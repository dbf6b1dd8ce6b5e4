/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kho_block: growable sets of fixed-size records kept in chains of
 * preserved pages, handed over to the next kernel by kexec handover.
 * The chain format is in include/linux/kho/abi/block.h.
 */

/**
 * DOC: kho_block sets
 *
 * A &struct kho_block_set keeps records of one fixed size in a chain of
 * preserved pages (see the chain format above).  The pages come from
 * kho_alloc_preserve(), and the chain in memory is kept valid after every
 * call, so the set is always ready for a kexec: a subsystem only records
 * kho_block_set_head_pa() in its own FDT or blob.  The head address
 * changes when the set goes from empty to non-empty and back, so record
 * it after the last change, or again whenever it may have changed.
 *
 * Records are added in two steps.  kho_block_set_grow() makes room for a
 * number of records; it is the only call that allocates, and it either
 * makes all the room asked for or none.  kho_block_set_it_reserve_entry()
 * then hands out the room one record at a time and cannot fail for lack
 * of memory.  Room that no record uses yet is preserved but not part of
 * the chain: the next kernel does not get it back, so give it up with
 * kho_block_set_shrink(set, 0) when much of it may be left over.
 *
 * In the next kernel kho_block_set_restore() validates the chain found at
 * the recorded address and takes its pages back.  Such an incoming set is
 * read-only: it cannot grow and hands out no room, and its pages are
 * ordinary memory again, freed by kho_block_set_shrink(),
 * kho_block_set_clear() and kho_block_set_destroy().  To hand the same
 * chain on to the kernel after next, kho_block_set_preserve() preserves
 * its pages again and makes it an outgoing set once more.
 *
 * A set is not locked internally.  The caller serialises every call on a
 * set, iterators included, and keeps the set stable while a kexec may
 * start (for instance from the live update freeze step).  Without
 * CONFIG_KEXEC_HANDOVER the calls fail with -EOPNOTSUPP or hand out
 * nothing.
 */
#ifndef _LINUX_KHO_BLOCK_H
#define _LINUX_KHO_BLOCK_H

#include <linux/errno.h>
#include <linux/kho/abi/block.h>
#include <linux/list.h>
#include <linux/types.h>

/**
 * struct kho_block_set - records of one size in a chain of preserved pages
 * @blocks:          the blocks, in chain order; those holding records come
 *                   first, followed by empty ones made by grow
 * @nr_blocks:       number of blocks on @blocks
 * @count:           number of records in the set
 * @head_pa:         physical address of the first block, 0 when empty
 * @entry_size:      size of one record in bytes
 * @count_per_block: records per block; 0 if @entry_size is not valid
 * @incoming:        the blocks were restored from the previous kernel
 *
 * Set it up with kho_block_set_init() or KHO_BLOCK_SET_INIT().  The fields
 * may be read; only the kho_block_set_*() functions change them.
 */
struct kho_block_set {
	struct list_head blocks;
	unsigned long nr_blocks;
	unsigned long count;
	phys_addr_t head_pa;
	size_t entry_size;
	unsigned int count_per_block;
	bool incoming;
};

/**
 * KHO_BLOCK_SET_INIT - initialiser for an empty &struct kho_block_set
 * @name: the variable being initialised
 * @type: the type of a record; its size is the entry size and must be at
 *        most PAGE_SIZE - 16 bytes
 *
 * For example::
 *
 *   static struct kho_block_set sessions =
 *	KHO_BLOCK_SET_INIT(sessions, struct my_session_ser);
 *
 * kho_block_set_init() does the same at run time, from a size.
 */
#define KHO_BLOCK_SET_INIT(name, type) {				\
	.blocks = LIST_HEAD_INIT((name).blocks),			\
	.entry_size = sizeof(type),					\
	.count_per_block = KHO_BLOCK_COUNT_PER_BLOCK(sizeof(type)),	\
}

/**
 * struct kho_block_set_it - a position between two records of a set
 * @set:   the set
 * @node:  the block @index counts in (the list head of an empty set)
 * @index: index in @node's block of the record after the position; the
 *         per-block count stands for the first record of the next block
 * @pos:   number of records before the position
 *
 * Set it up with kho_block_set_it_init().  kho_block_set_grow() leaves
 * iterators valid; kho_block_set_shrink(), kho_block_set_clear(),
 * kho_block_set_destroy() and kho_block_set_restore() invalidate them.
 */
struct kho_block_set_it {
	struct kho_block_set *set;
	struct list_head *node;
	unsigned int index;
	unsigned long pos;
};

/**
 * typedef kho_block_usable_t - vets a block address before it is read
 * @pa:  physical address of a block, page aligned
 * @arg: the argument given to kho_block_chain_check()
 *
 * For a chain handed over by the previous kernel, the page must be one it
 * preserved at order 0 and that nothing has restored since, which
 * kho_is_preserved(@pa, 0) tells.
 *
 * Return: true if the page at @pa may be read through phys_to_virt().
 */
typedef bool (*kho_block_usable_t)(phys_addr_t pa, void *arg);

/**
 * kho_block_set_head_pa - where the next kernel finds the chain
 * @set: the set
 *
 * Return: the physical address of the first block, or 0 if @set holds no
 * records.  This is the value to record for kho_block_set_restore().
 */
static inline phys_addr_t kho_block_set_head_pa(const struct kho_block_set *set)
{
	return set->head_pa;
}

/**
 * kho_block_set_is_empty - does the set hold no records?
 * @set: the set
 *
 * Return: true if @set holds no records (it may still have room).
 */
static inline bool kho_block_set_is_empty(const struct kho_block_set *set)
{
	return !set->count;
}

#ifdef CONFIG_KEXEC_HANDOVER

int kho_block_set_init(struct kho_block_set *set, size_t entry_size);
int kho_block_set_grow(struct kho_block_set *set, unsigned long nr);
void kho_block_set_shrink(struct kho_block_set *set, unsigned long nr);
void kho_block_set_clear(struct kho_block_set *set);
void kho_block_set_destroy(struct kho_block_set *set);
int kho_block_set_restore(struct kho_block_set *set, phys_addr_t head_pa);
int kho_block_set_preserve(struct kho_block_set *set);

void kho_block_set_it_init(struct kho_block_set_it *it,
			   struct kho_block_set *set, unsigned long pos);
void *kho_block_set_it_reserve_entry(struct kho_block_set_it *it);
void *kho_block_set_it_read_entry(struct kho_block_set_it *it);
void *kho_block_set_it_prev(struct kho_block_set_it *it);

int kho_block_chain_check(phys_addr_t head_pa, size_t entry_size,
			  kho_block_usable_t usable, void *arg,
			  unsigned long *nr_blocks);

#else /* !CONFIG_KEXEC_HANDOVER */

static inline int kho_block_set_init(struct kho_block_set *set,
				     size_t entry_size)
{
	return -EOPNOTSUPP;
}

static inline int kho_block_set_grow(struct kho_block_set *set,
				     unsigned long nr)
{
	return -EOPNOTSUPP;
}

static inline void kho_block_set_shrink(struct kho_block_set *set,
					unsigned long nr) { }

static inline void kho_block_set_clear(struct kho_block_set *set) { }

static inline void kho_block_set_destroy(struct kho_block_set *set) { }

static inline int kho_block_set_restore(struct kho_block_set *set,
					phys_addr_t head_pa)
{
	return -EOPNOTSUPP;
}

static inline int kho_block_set_preserve(struct kho_block_set *set)
{
	return -EOPNOTSUPP;
}

static inline void kho_block_set_it_init(struct kho_block_set_it *it,
					 struct kho_block_set *set,
					 unsigned long pos) { }

static inline void *kho_block_set_it_reserve_entry(struct kho_block_set_it *it)
{
	return NULL;
}

static inline void *kho_block_set_it_read_entry(struct kho_block_set_it *it)
{
	return NULL;
}

static inline void *kho_block_set_it_prev(struct kho_block_set_it *it)
{
	return NULL;
}

static inline int kho_block_chain_check(phys_addr_t head_pa,
					size_t entry_size,
					kho_block_usable_t usable, void *arg,
					unsigned long *nr_blocks)
{
	return -EOPNOTSUPP;
}

#endif /* CONFIG_KEXEC_HANDOVER */

#endif /* _LINUX_KHO_BLOCK_H */
