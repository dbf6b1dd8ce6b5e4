// SPDX-License-Identifier: GPL-2.0-only
/*
 * kho_array: a sparse array of values and pointers that crosses a kexec.
 *
 * The array is a list of pages in ascending index order, hanging off a
 * descriptor that its owner embeds in a blob of its own; see the layout in
 * include/linux/kho/abi/kho_array.h and the API in include/linux/kho_array.h.
 *
 * Apart from basic kernel headers this file only uses the page allocator
 * (get_zeroed_page(), free_page()), virt_to_page(), virt_to_phys(),
 * phys_to_virt() and kho_{preserve,unpreserve,restore}_pages(), so that
 * tools/testing/kho can build it natively with shims for those.  The check
 * of the format, kho_array_valid(), needs only phys_to_virt(), pfn_valid()
 * and page_is_ram(); kho_array_restore() also asks kho_is_preserved()
 * about each page of a handed-over list before it reads the page.
 */

#define pr_fmt(fmt) "KHO: kho_array: " fmt

#include <linux/align.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho_array.h>
#include <linux/mm.h>
#include <linux/printk.h>

static_assert(sizeof(struct kho_array) == 16);
static_assert(sizeof(struct kho_array_page) == PAGE_SIZE);
/* The last index of the highest page still fits an unsigned long. */
static_assert(ULONG_MAX - KHO_ARRAY_PAGE_ENTRIES >= KHO_ARRAY_MAX_INDEX);

static struct kho_array_page *ka_page(u64 phys)
{
	return phys ? phys_to_virt(phys) : NULL;
}

/**
 * kho_array_init - set up an empty array
 * @ka: the descriptor, typically inside a blob that will be handed over
 *
 * Any memory will do for @ka; it needs no clearing beforehand.
 */
void kho_array_init(struct kho_array *ka)
{
	ka->magic = KHO_ARRAY_MAGIC;
	ka->version = KHO_ARRAY_VERSION;
	ka->reserved = 0;
	ka->first = 0;
}
EXPORT_SYMBOL_GPL(kho_array_init);

/*
 * Check one page of a list; @prev is the startpos before it, unless @first.
 * An @incoming page must be one the previous kernel preserved, as one
 * page, and that nobody has restored since: anything else may be in use,
 * or about to be, and its content means nothing.
 */
static bool ka_page_valid(u64 phys, bool first, u64 prev, bool incoming)
{
	const struct kho_array_page *page;
	unsigned long i;
	u64 entry;

	if (!IS_ALIGNED(phys, PAGE_SIZE)) {
		pr_err("page address %#llx is not page aligned\n", phys);
		return false;
	}
	/* only RAM is mapped: never read through anything else */
	if (!pfn_valid(PHYS_PFN(phys)) || !page_is_ram(PHYS_PFN(phys))) {
		pr_err("page address %#llx is not RAM\n", phys);
		return false;
	}
	if (incoming && !kho_is_preserved(phys, 0)) {
		pr_err("page %#llx is not a preserved page (or was restored already)\n",
		       phys);
		return false;
	}
	page = phys_to_virt(phys);
	if (page->startpos % KHO_ARRAY_PAGE_ENTRIES) {
		pr_err("page %#llx: startpos %llu is not a multiple of %lu\n",
		       phys, page->startpos, KHO_ARRAY_PAGE_ENTRIES);
		return false;
	}
	if (page->startpos > KHO_ARRAY_MAX_INDEX) {
		pr_err("page %#llx: startpos %llu is above the largest index %ld\n",
		       phys, page->startpos, KHO_ARRAY_MAX_INDEX);
		return false;
	}
	if (!first && page->startpos <= prev) {
		pr_err("page %#llx: startpos %llu does not ascend from %llu (out of order, repeated or a cycle)\n",
		       phys, page->startpos, prev);
		return false;
	}
	for (i = 0; i < KHO_ARRAY_PAGE_ENTRIES; i++) {
		entry = page->entries[i];
		if (!entry)
			continue;
		if (page->startpos + i > KHO_ARRAY_MAX_INDEX) {
			pr_err("page %#llx: entry of index %llu is above the largest index %ld\n",
			       phys, page->startpos + i, KHO_ARRAY_MAX_INDEX);
			return false;
		}
		if (!(entry & 1) && !IS_ALIGNED(entry, 8)) {
			pr_err("page %#llx: entry of index %llu is %#llx, neither a value nor an 8-byte aligned address\n",
			       phys, page->startpos + i, entry);
			return false;
		}
	}
	return true;
}

static bool ka_check(const struct kho_array *ka, bool incoming)
{
	const struct kho_array_page *page;
	bool first = true;
	u64 phys, prev = 0;

	if (ka->magic != KHO_ARRAY_MAGIC) {
		pr_err("bad magic %#x, expected %#x\n", ka->magic,
		       KHO_ARRAY_MAGIC);
		return false;
	}
	if (ka->version != KHO_ARRAY_VERSION) {
		pr_err("unknown version %u, expected %u\n", ka->version,
		       KHO_ARRAY_VERSION);
		return false;
	}
	if (ka->reserved) {
		pr_err("reserved field is %#x, expected 0\n", ka->reserved);
		return false;
	}
	for (phys = ka->first; phys; phys = page->next) {
		if (!ka_page_valid(phys, first, prev, incoming))
			return false;
		page = phys_to_virt(phys);
		prev = page->startpos;
		first = false;
	}
	return true;
}

/**
 * kho_array_valid - check an array against the format
 * @ka: the descriptor
 *
 * Checks the descriptor (magic, version, reserved field) and every page of
 * the list: each page address is page aligned, each startpos is a multiple
 * of KHO_ARRAY_PAGE_ENTRIES, at most KHO_ARRAY_MAX_INDEX and above the one
 * before it, and each entry is empty, a value, or an 8-byte aligned
 * address, and lies at most at KHO_ARRAY_MAX_INDEX.  Because startpos must
 * ascend, a list that loops back on itself is refused and the check always
 * ends, after at most KHO_ARRAY_MAX_INDEX / KHO_ARRAY_PAGE_ENTRIES + 1
 * pages.  A page address that is not RAM is refused before it is read;
 * the pages are read but nothing is changed.  The first problem found is
 * logged.
 *
 * This checks the format only: it does not ask whether the pages were
 * preserved, so it also serves for an array of this kernel.  On an array
 * handed over by the previous kernel, call it only once every page of the
 * list is known to be preserved (kho_is_preserved()), or let
 * kho_array_restore() check both.
 *
 * Return: true if the array may be restored and read.
 */
bool kho_array_valid(const struct kho_array *ka)
{
	return ka_check(ka, false);
}
EXPORT_SYMBOL_GPL(kho_array_valid);

/**
 * kho_array_destroy - free the pages of an array
 * @ka: an array set up by kho_array_init() or kho_array_restore()
 *
 * Unpreserves and frees every page of the array, whether it was preserved
 * or not, and leaves the array empty.  What the entries point to is the
 * caller's business and is left alone.
 */
void kho_array_destroy(struct kho_array *ka)
{
	struct kho_array_page *page = ka_page(ka->first);
	struct kho_array_page *next;

	while (page) {
		next = ka_page(page->next);
		kho_unpreserve_pages(virt_to_page(page), 1);
		free_page((unsigned long)page);
		page = next;
	}
	ka->first = 0;
}
EXPORT_SYMBOL_GPL(kho_array_destroy);

/**
 * kho_array_preserve - preserve the pages of an array
 * @ka: an array of this kernel, with all its entries written
 *
 * Preserves every page of the array with kho_preserve_pages(), all or
 * nothing.  The memory the entries point to is not preserved: the caller
 * preserves it, and the blob holding @ka, itself.  Entries of existing pages
 * may still be changed afterwards, but a write that needs a new page must
 * come before this call, or between kho_array_unpreserve() and a new call.
 *
 * Return: 0, or the error of kho_preserve_pages(): -EOPNOTSUPP if KHO is
 * off, -EEXIST if a page is preserved already, -ENOMEM, -EINVAL.
 */
int kho_array_preserve(struct kho_array *ka)
{
	struct kho_array_page *page, *failed;
	int err;

	for (page = ka_page(ka->first); page; page = ka_page(page->next)) {
		err = kho_preserve_pages(virt_to_page(page), 1);
		if (err)
			goto unwind;
	}
	return 0;

unwind:
	failed = page;
	for (page = ka_page(ka->first); page != failed;
	     page = ka_page(page->next))
		kho_unpreserve_pages(virt_to_page(page), 1);
	return err;
}
EXPORT_SYMBOL_GPL(kho_array_preserve);

/**
 * kho_array_unpreserve - undo kho_array_preserve()
 * @ka: the array
 *
 * The array and its entries stay as they are.
 */
void kho_array_unpreserve(struct kho_array *ka)
{
	struct kho_array_page *page;

	for (page = ka_page(ka->first); page; page = ka_page(page->next))
		kho_unpreserve_pages(virt_to_page(page), 1);
}
EXPORT_SYMBOL_GPL(kho_array_unpreserve);

/**
 * kho_array_restore - take back an array handed over by the previous kernel
 * @ka: the descriptor, found in its owner's restored blob
 *
 * Checks the whole array first, as kho_array_valid() does, except that
 * each page of the list must also be a page the previous kernel preserved
 * as one page (order 0) and that nothing has restored since, which
 * kho_is_preserved() tells before the page is read.  Then restores each
 * page with kho_restore_pages().  On failure the pages restored so far are
 * freed, pages not restored stay reserved, and @ka is left as an empty
 * array (as kho_array_init() leaves it), so that it can still be read or
 * destroyed.  The memory the entries point to is not restored: the caller
 * restores it, as it preserved it.
 *
 * Return: 0, or -EINVAL (with a log line saying why) if the array is
 * malformed or one of its pages is not a preserved page.
 */
int kho_array_restore(struct kho_array *ka)
{
	struct kho_array_page *page;
	u64 phys, next, failed;

	if (!ka_check(ka, true))
		goto empty;
	for (phys = ka->first; phys; phys = page->next) {
		if (!kho_restore_pages(phys, 1))
			goto release;
		page = phys_to_virt(phys);
	}
	return 0;

release:
	pr_err("page %#llx of the list could not be restored\n", phys);
	failed = phys;
	for (phys = ka->first; phys != failed; phys = next) {
		page = phys_to_virt(phys);
		next = page->next;
		free_page((unsigned long)page);
	}
empty:
	kho_array_init(ka);
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(kho_array_restore);

/* Move on to the first page that ends after the position. */
static void ka_iter_settle(struct ka_iter *iter)
{
	while (iter->page &&
	       iter->page->startpos + KHO_ARRAY_PAGE_ENTRIES <= iter->pos) {
		iter->prev = iter->page;
		iter->page = ka_page(iter->page->next);
	}
}

static void *ka_decode(u64 entry)
{
	if (!entry)
		return NULL;
	if (entry & 1)
		return (void *)(unsigned long)entry;
	return phys_to_virt(entry);
}

/**
 * ka_iter_init_write - set up an iterator at index 0, to write an array
 * @iter: the iterator
 * @ka:   the array, set up by kho_array_init() or restored
 *
 * Then ka_iter_setpos() and ka_iter_setentry(), in ascending index order.
 */
void ka_iter_init_write(struct ka_iter *iter, struct kho_array *ka)
{
	iter->ka = ka;
	iter->page = ka_page(ka->first);
	iter->prev = NULL;
	iter->pos = 0;
}
EXPORT_SYMBOL_GPL(ka_iter_init_write);

/**
 * ka_iter_init_read - set up an iterator at the first entry of an array
 * @iter: the iterator
 * @ka:   the array, of this kernel or restored by kho_array_restore()
 *
 * The iterator is placed on the entry of the lowest index that is not
 * empty, or, for an array with no entry, at its end (ka_iter_end()).  Read
 * on with ka_iter_getentry() and ka_iter_nextentry(), or ka_iter_for_each().
 */
void ka_iter_init_read(struct ka_iter *iter, struct kho_array *ka)
{
	ka_iter_init_write(iter, ka);
	__ka_iter_first(iter);
}
EXPORT_SYMBOL_GPL(ka_iter_init_read);

/**
 * ka_iter_init_restore - restore an array and set up an iterator to read it
 * @iter: the iterator
 * @ka:   the descriptor, as for kho_array_restore()
 *
 * kho_array_restore() followed by ka_iter_init_read().
 *
 * Return: 0, or the error of kho_array_restore(); the iterator is then at
 * the end of the (now empty) array.
 */
int ka_iter_init_restore(struct ka_iter *iter, struct kho_array *ka)
{
	int err = kho_array_restore(ka);

	ka_iter_init_read(iter, ka);
	return err;
}
EXPORT_SYMBOL_GPL(ka_iter_init_restore);

/**
 * ka_iter_setentry - store an entry at the iterator's position
 * @iter:  the iterator
 * @entry: a value from ka_mk_value(); or a pointer into the direct map
 *         (memory from the page allocator or kmalloc(), not vmalloc()),
 *         8-byte aligned, which is stored as its physical address; or NULL
 *         to empty the entry
 *
 * The position does not change; move on with ka_iter_setpos().  A page is
 * allocated (GFP_KERNEL) if none covers the position yet, so this may sleep,
 * except when @entry is NULL, which never allocates.
 *
 * Return: 0; -EINVAL for a misaligned pointer or a position above
 * KHO_ARRAY_MAX_INDEX; -ENOMEM.
 */
int ka_iter_setentry(struct ka_iter *iter, void *entry)
{
	struct kho_array_page *page = iter->page;
	u64 raw = 0;

	if (iter->pos > KHO_ARRAY_MAX_INDEX)
		return -EINVAL;
	if (ka_is_value(entry)) {
		raw = (unsigned long)entry;
	} else if (entry) {
		if (!IS_ALIGNED((unsigned long)entry, 8))
			return -EINVAL;
		raw = virt_to_phys(entry);
		if (!raw)
			return -EINVAL;
	}

	if (!page || iter->pos < page->startpos) {
		if (!raw)
			return 0;
		page = (struct kho_array_page *)get_zeroed_page(GFP_KERNEL);
		if (!page)
			return -ENOMEM;
		page->startpos = iter->pos - iter->pos % KHO_ARRAY_PAGE_ENTRIES;
		page->next = iter->page ? virt_to_phys(iter->page) : 0;
		if (iter->prev)
			iter->prev->next = virt_to_phys(page);
		else
			iter->ka->first = virt_to_phys(page);
		iter->page = page;
	}
	page->entries[iter->pos - page->startpos] = raw;
	return 0;
}
EXPORT_SYMBOL_GPL(ka_iter_setentry);

/**
 * ka_iter_getentry - the entry at the iterator's position
 * @iter: the iterator
 *
 * Return: the entry: a value (see ka_is_value()), a kernel virtual address,
 * or NULL if the entry is empty or in a hole.
 */
void *ka_iter_getentry(struct ka_iter *iter)
{
	struct kho_array_page *page = iter->page;

	if (!page || iter->pos < page->startpos)
		return NULL;
	return ka_decode(page->entries[iter->pos - page->startpos]);
}
EXPORT_SYMBOL_GPL(ka_iter_getentry);

/**
 * ka_iter_nextentry - move on to the next entry that is not empty
 * @iter: the iterator
 *
 * Moves to the lowest index above the current position whose entry is not
 * empty, skipping holes.
 *
 * Return: that entry, as ka_iter_getentry() returns it; or NULL if there is
 * none, leaving the iterator at its end (see ka_iter_end()).
 */
void *ka_iter_nextentry(struct ka_iter *iter)
{
	struct kho_array_page *page;
	unsigned long i;

	if (!iter->page)
		return NULL;
	iter->pos++;
	for (;;) {
		ka_iter_settle(iter);
		page = iter->page;
		if (!page)
			return NULL;
		if (iter->pos < page->startpos)
			iter->pos = page->startpos;
		for (i = iter->pos - page->startpos;
		     i < KHO_ARRAY_PAGE_ENTRIES; i++) {
			if (page->entries[i]) {
				iter->pos = page->startpos + i;
				return ka_decode(page->entries[i]);
			}
		}
		iter->pos = page->startpos + KHO_ARRAY_PAGE_ENTRIES;
	}
}
EXPORT_SYMBOL_GPL(ka_iter_nextentry);

/**
 * ka_iter_setpos - move the iterator forward
 * @iter: the iterator
 * @pos:  the new position: the current one or above, and at most
 *        KHO_ARRAY_MAX_INDEX
 *
 * Moving to the current position is a no-op; an iterator never goes back.
 * The entry at @pos may be empty or in a hole.
 *
 * Return: 0, or -EINVAL (and the iterator does not move) if @pos is below
 * the current position or above KHO_ARRAY_MAX_INDEX.
 */
int ka_iter_setpos(struct ka_iter *iter, unsigned long pos)
{
	if (pos < iter->pos || pos > KHO_ARRAY_MAX_INDEX)
		return -EINVAL;
	iter->pos = pos;
	ka_iter_settle(iter);
	return 0;
}
EXPORT_SYMBOL_GPL(ka_iter_setpos);
