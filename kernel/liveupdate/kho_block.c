// SPDX-License-Identifier: GPL-2.0-only
/*
 * kho_block: sets of fixed-size records in chains of preserved pages.
 *
 * Each block is one page from kho_alloc_preserve(), tracked here by a small
 * descriptor on the set's list.  Blocks that hold records come first on the
 * list and are linked into the chain through their headers; the blocks
 * after them are room made by kho_block_set_grow(), zeroed and unlinked,
 * because the format has no empty blocks.
 *
 * This file uses only a few basic kernel headers and the KHO calls, so
 * that a native test harness can compile it with shims.  Validation of an
 * incoming chain, kho_block_chain_check(), needs nothing but
 * phys_to_virt() and the caller's vetting of each block address;
 * kho_block_set_restore() vets them with kho_is_preserved().
 *
 * The format is in include/linux/kho/abi/block.h, the API in
 * include/linux/kho_block.h.
 */

#define pr_fmt(fmt) "KHO: kho_block: " fmt

#include <linux/align.h>
#include <linux/build_bug.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho_block.h>
#include <linux/list.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

static_assert(sizeof(struct kho_block_header_ser) == 16);

/* One block of a set: a page of records and its place on the set's list. */
struct kho_block {
	struct list_head node;
	struct kho_block_header_ser *ser;
	phys_addr_t pa;
};

/* Records per block, or 0 if @entry_size is not a valid entry size. */
static unsigned long kho_block_count_per_block(size_t entry_size)
{
	return entry_size ? KHO_BLOCK_COUNT_PER_BLOCK(entry_size) : 0;
}

static void *kho_block_entry(const struct kho_block_set *set,
			     struct list_head *node, unsigned int index)
{
	struct kho_block *block = list_entry(node, struct kho_block, node);

	return (u8 *)(block->ser + 1) + (size_t)index * set->entry_size;
}

/* ---------------------------------------------------------------------- */
/* Block memory                                                          */

static struct kho_block *kho_block_alloc(void)
{
	struct kho_block *block;
	void *mem;

	block = kmalloc(sizeof(*block), GFP_KERNEL);
	if (!block)
		return ERR_PTR(-ENOMEM);
	mem = kho_alloc_preserve(PAGE_SIZE);
	if (IS_ERR(mem)) {
		kfree(block);
		return ERR_CAST(mem);
	}
	block->ser = mem;
	block->pa = virt_to_phys(mem);
	return block;
}

/* Free a block's page: still preserved, or restored from the last kernel. */
static void kho_block_free_page(struct kho_block_header_ser *ser,
				bool incoming)
{
	if (incoming)
		folio_put(virt_to_folio(ser));
	else
		kho_unpreserve_free(ser);
}

static void kho_block_free(struct kho_block *block, bool incoming)
{
	list_del(&block->node);
	kho_block_free_page(block->ser, incoming);
	kfree(block);
}

static void kho_block_free_list(struct list_head *list, bool incoming)
{
	struct kho_block *block, *tmp;

	list_for_each_entry_safe_reverse(block, tmp, list, node)
		kho_block_free(block, incoming);
}

/* ---------------------------------------------------------------------- */
/* Outgoing sets                                                         */

/**
 * kho_block_set_init - set up an empty set
 * @set:        the set
 * @entry_size: size of one record in bytes, 1 to PAGE_SIZE - 16
 *
 * Does what KHO_BLOCK_SET_INIT() does.  The set holds no memory until it
 * grows or is restored.
 *
 * Return: 0, or -EINVAL if @entry_size is out of range (the set is still
 * initialised, empty, and cannot grow).
 */
int kho_block_set_init(struct kho_block_set *set, size_t entry_size)
{
	INIT_LIST_HEAD(&set->blocks);
	set->nr_blocks = 0;
	set->count = 0;
	set->head_pa = 0;
	set->entry_size = entry_size;
	set->count_per_block = kho_block_count_per_block(entry_size);
	set->incoming = false;
	return set->count_per_block ? 0 : -EINVAL;
}
EXPORT_SYMBOL_GPL(kho_block_set_init);

/**
 * kho_block_set_grow - make room for more records
 * @set: an outgoing set
 * @nr:  number of records to make room for, after the last record
 *
 * Adds the blocks needed so that @nr more records fit, counting room left
 * by earlier calls.  Either every block is added or, on failure, none:
 * the set is then unchanged.  New blocks are preserved, but join the chain
 * only when kho_block_set_it_reserve_entry() puts a record in them.
 *
 * Return: 0; -EINVAL if @set is incoming or its entry size is invalid;
 * -E2BIG if the chain would need more than KHO_MAX_BLOCKS blocks; -ENOMEM
 * or another error of kho_alloc_preserve(), such as -EOPNOTSUPP if KHO is
 * off.
 */
int kho_block_set_grow(struct kho_block_set *set, unsigned long nr)
{
	unsigned long cpb = set->count_per_block, room, need, blocks, i;
	struct kho_block *block;
	LIST_HEAD(added);
	int err;

	if (!cpb || set->incoming)
		return -EINVAL;
	room = set->nr_blocks * cpb - set->count;
	if (nr <= room)
		return 0;
	need = nr - room;
	blocks = need / cpb + !!(need % cpb);
	if (blocks > KHO_MAX_BLOCKS - set->nr_blocks)
		return -E2BIG;

	for (i = 0; i < blocks; i++) {
		block = kho_block_alloc();
		if (IS_ERR(block)) {
			err = PTR_ERR(block);
			goto fail;
		}
		list_add_tail(&block->node, &added);
	}
	list_splice_tail(&added, &set->blocks);
	set->nr_blocks += blocks;
	return 0;

fail:
	kho_block_free_list(&added, false);
	return err;
}
EXPORT_SYMBOL_GPL(kho_block_set_grow);

/**
 * kho_block_set_shrink - drop records from the end, free unused blocks
 * @set: the set
 * @nr:  number of records to drop from the end; more than the set holds
 *       drops them all
 *
 * Then frees, from the tail, every block that holds no record, including
 * the room made by kho_block_set_grow() and not used yet: call it with
 * @nr = 0 to give that room back.  The chain stays valid throughout.
 */
void kho_block_set_shrink(struct kho_block_set *set, unsigned long nr)
{
	unsigned long cpb = set->count_per_block, used, i;
	struct list_head *node = set->blocks.prev;
	struct kho_block *last;

	set->count -= min(nr, set->count);
	used = set->count ? DIV_ROUND_UP(set->count, cpb) : 0;

	/* cut the chain after the last block kept, then free the rest */
	for (i = used; i < set->nr_blocks; i++)
		node = node->prev;
	if (used) {
		last = list_entry(node, struct kho_block, node);
		last->ser->next = 0;
		last->ser->count = set->count - (used - 1) * cpb;
	} else {
		set->head_pa = 0;
	}
	for (; set->nr_blocks > used; set->nr_blocks--)
		kho_block_free(list_last_entry(&set->blocks, struct kho_block,
					       node), set->incoming);
	if (!set->nr_blocks)
		set->incoming = false;
}
EXPORT_SYMBOL_GPL(kho_block_set_shrink);

/**
 * kho_block_set_clear - drop every record
 * @set: the set
 *
 * An outgoing set keeps its blocks, unlinked, as room for new records; an
 * incoming set frees them, as kho_block_set_destroy() does.
 */
void kho_block_set_clear(struct kho_block_set *set)
{
	struct kho_block *block;

	if (set->incoming) {
		kho_block_set_destroy(set);
		return;
	}
	set->head_pa = 0;
	set->count = 0;
	list_for_each_entry(block, &set->blocks, node) {
		if (!block->ser->count)
			break;
		block->ser->next = 0;
		block->ser->count = 0;
	}
}
EXPORT_SYMBOL_GPL(kho_block_set_clear);

/**
 * kho_block_set_destroy - free every block of a set
 * @set: the set
 *
 * Outgoing blocks are unpreserved and freed, incoming ones freed.  The set
 * is left empty, outgoing, with its entry size, and may be used again.
 */
void kho_block_set_destroy(struct kho_block_set *set)
{
	set->head_pa = 0;
	set->count = 0;
	kho_block_free_list(&set->blocks, set->incoming);
	set->nr_blocks = 0;
	set->incoming = false;
}
EXPORT_SYMBOL_GPL(kho_block_set_destroy);

/* ---------------------------------------------------------------------- */
/* Iterators                                                             */

/**
 * kho_block_set_it_init - place an iterator before a record
 * @it:  the iterator
 * @set: the set
 * @pos: number of records before the position: 0 for the start,
 *       @set->count (or more) for the end
 *
 * Reading or writing goes on from there, forward with
 * kho_block_set_it_read_entry() and kho_block_set_it_reserve_entry(),
 * backward with kho_block_set_it_prev().
 */
void kho_block_set_it_init(struct kho_block_set_it *it,
			   struct kho_block_set *set, unsigned long pos)
{
	unsigned long nth, i;
	struct list_head *node;

	pos = min(pos, set->count);
	it->set = set;
	it->pos = pos;
	it->node = set->blocks.next;
	it->index = 0;
	if (!pos)
		return;

	/* stand just after record pos - 1, in its block */
	nth = (pos - 1) / set->count_per_block;
	it->index = pos - nth * set->count_per_block;
	if (nth < set->nr_blocks / 2) {
		for (node = set->blocks.next, i = 0; i < nth; i++)
			node = node->next;
	} else {
		for (node = set->blocks.prev, i = set->nr_blocks - 1; i > nth; i--)
			node = node->prev;
	}
	it->node = node;
}
EXPORT_SYMBOL_GPL(kho_block_set_it_init);

/* The record after the position, which the caller knows exists; step over. */
static void *kho_block_it_step(struct kho_block_set_it *it)
{
	if (!it->pos) {
		/* the set may have grown since kho_block_set_it_init() */
		it->node = it->set->blocks.next;
		it->index = 0;
	} else if (it->index == it->set->count_per_block) {
		it->node = it->node->next;
		it->index = 0;
	}
	it->pos++;
	return kho_block_entry(it->set, it->node, it->index++);
}

/**
 * kho_block_set_it_reserve_entry - write the record after the position
 * @it: an iterator on an outgoing set
 *
 * Hands out the record after the position, zeroed, for the caller to fill
 * in, and moves the position past it.  At the end of the set the record is
 * appended, in room made by kho_block_set_grow(); before the end it
 * replaces the record that was there.
 *
 * Return: the record (@entry_size bytes, aligned only as the entry size
 * allows), or NULL if the set is incoming or has no room left.
 */
void *kho_block_set_it_reserve_entry(struct kho_block_set_it *it)
{
	struct kho_block_set *set = it->set;
	struct kho_block *block;
	void *entry;

	if (set->incoming || it->pos > set->count ||
	    it->pos >= set->nr_blocks * set->count_per_block)
		return NULL;

	entry = kho_block_it_step(it);
	memset(entry, 0, set->entry_size);
	if (it->pos <= set->count)
		return entry;

	/* appended: count it, and link its block if it is the first record */
	block = list_entry(it->node, struct kho_block, node);
	block->ser->count = it->index;
	if (it->index == 1) {
		block->ser->next = 0;
		if (list_is_first(&block->node, &set->blocks))
			set->head_pa = block->pa;
		else
			list_prev_entry(block, node)->ser->next = block->pa;
	}
	set->count++;
	return entry;
}
EXPORT_SYMBOL_GPL(kho_block_set_it_reserve_entry);

/**
 * kho_block_set_it_read_entry - read the record after the position
 * @it: the iterator
 *
 * Return: the record after the position, moving the position past it, or
 * NULL at the end of the set.  The record may be changed in place.
 */
void *kho_block_set_it_read_entry(struct kho_block_set_it *it)
{
	if (it->pos >= it->set->count)
		return NULL;
	return kho_block_it_step(it);
}
EXPORT_SYMBOL_GPL(kho_block_set_it_read_entry);

/**
 * kho_block_set_it_prev - step back over the record before the position
 * @it: the iterator
 *
 * Return: the record before the position, moving the position before it,
 * or NULL at the start of the set.  After a read or a reserve it returns
 * the same record again.
 */
void *kho_block_set_it_prev(struct kho_block_set_it *it)
{
	if (!it->pos)
		return NULL;
	if (!it->index) {
		it->node = it->node->prev;
		it->index = it->set->count_per_block;
	}
	it->pos--;
	return kho_block_entry(it->set, it->node, --it->index);
}
EXPORT_SYMBOL_GPL(kho_block_set_it_prev);

/* ---------------------------------------------------------------------- */
/* Validation of an incoming chain                                       */

/* The next pointer of a block that the walk has read already. */
static phys_addr_t kho_block_next(phys_addr_t pa)
{
	const struct kho_block_header_ser *ser = phys_to_virt(pa);

	return ser->next;
}

/*
 * Floyd's second phase, for a chain known to loop through @meet after at
 * most @limit blocks, all read already.  Return the number of distinct
 * blocks (mu + lambda) and set @first to the index of the first block on
 * the loop (mu).  The bound only matters if the chain changes under us.
 */
static unsigned long kho_block_chain_loop(phys_addr_t head_pa, phys_addr_t meet,
					  unsigned long limit,
					  unsigned long *first)
{
	unsigned long lambda = 1, mu = 0, i;
	phys_addr_t a, b;

	for (a = kho_block_next(meet); a != meet && lambda < limit;
	     a = kho_block_next(a))
		lambda++;
	for (b = head_pa, i = 0; i < lambda; i++)
		b = kho_block_next(b);
	for (a = head_pa; a != b && mu < limit; mu++) {
		a = kho_block_next(a);
		b = kho_block_next(b);
	}
	*first = mu;
	return mu + lambda;
}

/**
 * kho_block_chain_check - validate a chain without taking it
 * @head_pa:    physical address of the first block; 0 is the empty chain
 * @entry_size: size of one record of the chain
 * @usable:     called for each block address before the block is read, to
 *              vet it; for a chain handed over by the previous kernel it
 *              must check that the block is a page preserved at order 0
 *              and not restored yet (kho_is_preserved(@pa, 0)).  NULL
 *              trusts every page aligned address: only for chains of
 *              this kernel's own memory, such as in tests
 * @arg:        argument for @usable
 * @nr_blocks:  on success, the number of blocks of the chain.  On failure,
 *              the number of distinct blocks from the head on that could
 *              be read (and so may be freed), at most KHO_MAX_BLOCKS: the
 *              bad block is among them when its header is the problem
 *
 * Walks the chain from @head_pa through phys_to_virt() and checks that
 * every block address is page aligned and usable, both before the block is
 * read, that every block has a count from 1 to
 * KHO_BLOCK_COUNT_PER_BLOCK(@entry_size), and that the chain ends within
 * KHO_MAX_BLOCKS blocks.  The bound alone guarantees that the walk ends.
 * The walk is also Floyd's cycle detection: a second pointer follows at
 * half speed, so a block seen twice is found, and told apart from a chain
 * that is merely too long, within twice the bound (a chain that loops
 * within its first KHO_MAX_BLOCKS blocks is always reported as a cycle).
 * The first problem found is logged with pr_err().  Nothing is written.
 *
 * Return: 0 if the chain is valid, -EINVAL if it is not.
 */
int kho_block_chain_check(phys_addr_t head_pa, size_t entry_size,
			  kho_block_usable_t usable, void *arg,
			  unsigned long *nr_blocks)
{
	unsigned long cpb = kho_block_count_per_block(entry_size);
	const struct kho_block_header_ser *ser;
	phys_addr_t hare = head_pa, tortoise = head_pa;
	unsigned long n = 0, safe, first;

	*nr_blocks = 0;
	if (!cpb) {
		pr_err("entry size %zu does not fit in a block\n", entry_size);
		return -EINVAL;
	}

	/* @n blocks read so far; @hare is block n and @tortoise block n / 2 */
	while (hare) {
		if (n == KHO_MAX_BLOCKS)
			goto too_long;
		if (!IS_ALIGNED(hare, PAGE_SIZE)) {
			pr_err("block %lu at %pa is not page aligned\n", n,
			       &hare);
			safe = n;
			goto reject;
		}
		if (usable && !usable(hare, arg)) {
			pr_err("block %lu at %pa is not usable memory\n", n,
			       &hare);
			safe = n;
			goto reject;
		}
		ser = phys_to_virt(hare);
		if (!ser->count || ser->count > cpb) {
			pr_err("block %lu at %pa has count %llu, not 1..%lu\n",
			       n, &hare, (unsigned long long)ser->count, cpb);
			safe = n + 1;
			goto reject;
		}
		hare = ser->next;
		if (!(++n & 1))
			tortoise = kho_block_next(tortoise);
		if (hare == tortoise)
			goto loop;
	}
	*nr_blocks = n;
	return 0;

too_long:
	/* Bad either way; go on, up to twice the bound, to see if it loops. */
	while (hare && n < 2 * KHO_MAX_BLOCKS && IS_ALIGNED(hare, PAGE_SIZE) &&
	       (!usable || usable(hare, arg))) {
		hare = kho_block_next(hare);
		if (!(++n & 1))
			tortoise = kho_block_next(tortoise);
		if (hare == tortoise)
			goto loop;
	}
	/*
	 * No loop of at most KHO_MAX_BLOCKS blocks: it would have been found
	 * by now, as it only leads to blocks vetted already.  So the first
	 * KHO_MAX_BLOCKS blocks are distinct.
	 */
	pr_err("chain is longer than %d blocks\n", KHO_MAX_BLOCKS);
	safe = KHO_MAX_BLOCKS;
	goto reject;

loop:
	safe = kho_block_chain_loop(head_pa, hare, n, &first);
	pr_err("cycle: block %lu links back to block %lu\n", safe - 1, first);
	safe = min_t(unsigned long, safe, KHO_MAX_BLOCKS);
reject:
	*nr_blocks = safe;
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(kho_block_chain_check);

/* ---------------------------------------------------------------------- */
/* Restore                                                               */

/*
 * A block of an incoming chain is a page that the previous kernel preserved
 * at order 0 (kho_alloc_preserve(PAGE_SIZE)) and that nobody has restored
 * since.  Anything else is not ours to read: it may be free memory, or
 * another user's, or not RAM at all.
 */
static bool kho_block_preserved(phys_addr_t pa, void *arg)
{
	return kho_is_preserved(pa, 0);
}

/* Take back block @n of an incoming chain, or NULL if it is not ours. */
static struct kho_block_header_ser *kho_block_take(phys_addr_t pa,
						   unsigned long n)
{
	struct folio *folio = kho_restore_folio(pa);

	if (!folio) {
		pr_err("block %lu at %pa was not preserved\n", n, &pa);
		return NULL;
	}
	if (folio_order(folio)) {
		pr_err("block %lu at %pa is not a single page\n", n, &pa);
		folio_put(folio);
		return NULL;
	}
	return folio_address(folio);
}

/*
 * Free @nr blocks of an incoming chain from block @n at @pa on, all read
 * before.  Stop at a block that cannot be taken back: it is not ours, and
 * neither is the pointer it holds.
 */
static void kho_block_chain_release(phys_addr_t pa, unsigned long n,
				    unsigned long nr)
{
	struct kho_block_header_ser *ser;
	unsigned long end = n + nr;

	for (; n < end && pa; n++) {
		ser = kho_block_take(pa, n);
		if (!ser)
			return;
		pa = ser->next;
		kho_block_free_page(ser, true);
	}
}

/**
 * kho_block_set_restore - take back a chain from the previous kernel
 * @set:     an empty set, initialised with the chain's entry size
 * @head_pa: the chain's head address, as kho_block_set_head_pa() gave it
 *           in the previous kernel; 0 for an empty chain
 *
 * Validates the whole chain with kho_block_chain_check() (page aligned
 * blocks, each a page the previous kernel preserved at order 0 and that
 * nothing has restored since, vetted with kho_is_preserved() before it is
 * read; counts; at most KHO_MAX_BLOCKS blocks; no cycle), then restores
 * its pages into @set, which becomes an incoming set.  A chain that is
 * corrupt is rejected as a whole: its problem is logged, every block of it
 * that was vetted is restored and freed, the others are not touched, and
 * @set stays empty.
 *
 * Return: 0; -EINVAL if @set's entry size is invalid or the chain is
 * corrupt; -EBUSY if @set has blocks; -ENOENT if this is not a KHO boot;
 * -ENOMEM.
 */
int kho_block_set_restore(struct kho_block_set *set, phys_addr_t head_pa)
{
	struct kho_block_header_ser *ser;
	struct kho_block *block;
	unsigned long nr, i;
	phys_addr_t pa = head_pa;
	int err;

	if (!set->count_per_block)
		return -EINVAL;
	if (set->nr_blocks)
		return -EBUSY;
	if (!head_pa)
		return 0;
	if (!is_kho_boot())
		return -ENOENT;

	err = kho_block_chain_check(head_pa, set->entry_size,
				    kho_block_preserved, NULL, &nr);
	if (err) {
		kho_block_chain_release(head_pa, 0, nr);
		return err;
	}

	set->incoming = true;
	for (i = 0; i < nr; i++) {
		block = kmalloc(sizeof(*block), GFP_KERNEL);
		if (!block) {
			err = -ENOMEM;
			goto release;
		}
		ser = kho_block_take(pa, i);
		if (!ser) {
			kfree(block);
			err = -EINVAL;
			goto destroy;
		}
		block->ser = ser;
		block->pa = pa;
		list_add_tail(&block->node, &set->blocks);
		set->nr_blocks++;
		set->count += ser->count;
		pa = ser->next;
	}
	set->head_pa = head_pa;
	return 0;

release:
	pr_err("out of memory at block %lu\n", i);
	kho_block_chain_release(pa, i, nr - i);
destroy:
	kho_block_set_destroy(set);
	return err;
}
EXPORT_SYMBOL_GPL(kho_block_set_restore);

/**
 * kho_block_set_preserve - hand an incoming set on to the next kernel
 * @set: a set that kho_block_set_restore() filled
 *
 * Preserves every block of @set again, all of them or none, and makes it
 * an outgoing set: the same chain, at the same head address, goes on to
 * the next kernel, and the set may grow and take new records like any set
 * of this kernel.  The chain must be dense, as kho_block_set_grow() and
 * kho_block_set_it_reserve_entry() build it: every block but the last
 * full.  On failure @set is unchanged and still incoming.
 *
 * Return: 0, also for a set that is not incoming (nothing to do); -EINVAL
 * if a block other than the last is not full; or the error of
 * kho_preserve_folio(), such as -ENOMEM.
 */
int kho_block_set_preserve(struct kho_block_set *set)
{
	struct kho_block *block, *last;
	int err;

	if (!set->incoming)
		return 0;
	last = list_last_entry(&set->blocks, struct kho_block, node);
	list_for_each_entry(block, &set->blocks, node) {
		if (block != last && block->ser->count != set->count_per_block)
			return -EINVAL;
	}
	list_for_each_entry(block, &set->blocks, node) {
		err = kho_preserve_folio(virt_to_folio(block->ser));
		if (err)
			goto unwind;
	}
	set->incoming = false;
	return 0;

unwind:
	list_for_each_entry_continue_reverse(block, &set->blocks, node)
		kho_unpreserve_folio(virt_to_folio(block->ser));
	return err;
}
EXPORT_SYMBOL_GPL(kho_block_set_preserve);
