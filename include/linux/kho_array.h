/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kho_array: a sparse array of values and pointers that crosses a kexec.
 * The layout is ABI, see include/linux/kho/abi/kho_array.h.
 */
#ifndef _LINUX_KHO_ARRAY_H
#define _LINUX_KHO_ARRAY_H

#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/kho/abi/kho_array.h>
#include <linux/types.h>

/**
 * DOC: kho_array API
 *
 * A kho_array maps indices (0 to KHO_ARRAY_MAX_INDEX) to entries that are
 * either values, made with ka_mk_value(), or pointers to memory in the
 * direct map that the array's owner preserves itself.  Pointers are stored
 * as physical addresses and handed back, in the next kernel, as kernel
 * virtual addresses.  The array's descriptor, &struct kho_array, is
 * embedded in a blob its owner hands over (a preserved structure or an FDT
 * property); its pages come from the page allocator.
 *
 * In the outgoing kernel the owner calls kho_array_init(), writes entries
 * with an iterator from ka_iter_init_write() in ascending index order, and
 * calls kho_array_preserve() once the array is complete.  In the next
 * kernel, kho_array_restore() (or ka_iter_init_restore()) checks the whole
 * array and takes its pages back; the entries are then read in ascending
 * index order with an iterator from ka_iter_init_read(), which skips holes
 * and empty entries.  Either kernel frees the pages with
 * kho_array_destroy().
 *
 * An iterator only moves forward.  Reads never allocate; a write allocates
 * a page when it stores an entry where the array has none.
 *
 * The array is not internally locked: the caller serialises every call that
 * uses the same array, iterators included.
 */

/**
 * struct ka_iter - a position in a kho_array
 * @ka:   the array
 * @page: the first page of the list that ends after @pos (that covers @pos,
 *        or the first page after it); NULL if there is none
 * @prev: the page before @page in the list; NULL if @page is the first one
 *        or the list is empty
 * @pos:  the current index
 *
 * Set up with ka_iter_init_read(), ka_iter_init_write() or
 * ka_iter_init_restore(); only used through the ka_iter_*() calls.  Any
 * iterator can read and write, but only forward: ka_iter_setpos() refuses
 * to go back.  An iterator stays valid while its array is changed only
 * through it; after a change through anything else, set it up again.
 */
struct ka_iter {
	struct kho_array *ka;
	struct kho_array_page *page;
	struct kho_array_page *prev;
	unsigned long pos;
};

/**
 * ka_mk_value - make an entry that holds a value
 * @v: the value, from 0 to LONG_MAX
 *
 * Return: an entry for ka_iter_setentry().  A value above LONG_MAX does not
 * fit: it warns and loses its top bit.
 */
static inline void *ka_mk_value(unsigned long v)
{
	WARN_ON((long)v < 0);
	return (void *)((v << 1) | 1);
}

/**
 * ka_is_value - does an entry hold a value?
 * @entry: an entry, as ka_iter_getentry() returns it
 *
 * Return: true for a value, false for a pointer (or NULL).
 */
static inline bool ka_is_value(const void *entry)
{
	return (unsigned long)entry & 1;
}

/**
 * ka_to_value - the value an entry holds
 * @entry: an entry for which ka_is_value() is true
 *
 * Return: the value given to ka_mk_value().
 */
static inline unsigned long ka_to_value(const void *entry)
{
	return (unsigned long)entry >> 1;
}

/**
 * ka_iter_getpos - the iterator's position
 * @iter: the iterator
 *
 * Return: the current index.  After ka_iter_nextentry() has returned NULL
 * it is the index that follows the last page of the array.
 */
static inline unsigned long ka_iter_getpos(const struct ka_iter *iter)
{
	return iter->pos;
}

/**
 * ka_iter_end - has the iterator gone past the last page of the array?
 * @iter: the iterator
 *
 * Return: true if no page of the array covers the current position or any
 * later one, so nothing is left to read.  This is the case once
 * ka_iter_nextentry() has returned NULL, and for an empty array.  A write
 * at such a position appends a page.
 */
static inline bool ka_iter_end(const struct ka_iter *iter)
{
	return !iter->page;
}

#ifdef CONFIG_KEXEC_HANDOVER

void kho_array_init(struct kho_array *ka);
bool kho_array_valid(const struct kho_array *ka);
void kho_array_destroy(struct kho_array *ka);
int kho_array_preserve(struct kho_array *ka);
void kho_array_unpreserve(struct kho_array *ka);
int kho_array_restore(struct kho_array *ka);

void ka_iter_init_read(struct ka_iter *iter, struct kho_array *ka);
void ka_iter_init_write(struct ka_iter *iter, struct kho_array *ka);
int ka_iter_init_restore(struct ka_iter *iter, struct kho_array *ka);
int ka_iter_setentry(struct ka_iter *iter, void *entry);
void *ka_iter_getentry(struct ka_iter *iter);
void *ka_iter_nextentry(struct ka_iter *iter);
int ka_iter_setpos(struct ka_iter *iter, unsigned long pos);

#else /* !CONFIG_KEXEC_HANDOVER */

static inline void kho_array_init(struct kho_array *ka)
{
	ka->magic = KHO_ARRAY_MAGIC;
	ka->version = KHO_ARRAY_VERSION;
	ka->reserved = 0;
	ka->first = 0;
}

static inline bool kho_array_valid(const struct kho_array *ka)
{
	return false;
}

static inline void kho_array_destroy(struct kho_array *ka) { }

static inline int kho_array_preserve(struct kho_array *ka)
{
	return -EOPNOTSUPP;
}

static inline void kho_array_unpreserve(struct kho_array *ka) { }

static inline int kho_array_restore(struct kho_array *ka)
{
	return -EOPNOTSUPP;
}

static inline void ka_iter_init_read(struct ka_iter *iter,
				     struct kho_array *ka)
{
	*iter = (struct ka_iter){ .ka = ka };
}

static inline void ka_iter_init_write(struct ka_iter *iter,
				      struct kho_array *ka)
{
	*iter = (struct ka_iter){ .ka = ka };
}

static inline int ka_iter_init_restore(struct ka_iter *iter,
				       struct kho_array *ka)
{
	*iter = (struct ka_iter){ .ka = ka };
	return -EOPNOTSUPP;
}

static inline int ka_iter_setentry(struct ka_iter *iter, void *entry)
{
	return -EOPNOTSUPP;
}

static inline void *ka_iter_getentry(struct ka_iter *iter)
{
	return NULL;
}

static inline void *ka_iter_nextentry(struct ka_iter *iter)
{
	return NULL;
}

static inline int ka_iter_setpos(struct ka_iter *iter, unsigned long pos)
{
	return -EOPNOTSUPP;
}

#endif /* CONFIG_KEXEC_HANDOVER */

/* Move to the first entry at or after the position; for ka_iter_for_each. */
static inline struct ka_iter *__ka_iter_first(struct ka_iter *iter)
{
	if (!ka_iter_getentry(iter))
		ka_iter_nextentry(iter);
	return iter;
}

/**
 * ka_iter_for_each - read the entries from the iterator's position on
 * @iter:  an iterator, typically fresh from ka_iter_init_read() or
 *         ka_iter_init_restore()
 * @entry: a void * cursor: each non-empty entry in ascending index order,
 *         starting with the entry at the current position if there is one
 *
 * ka_iter_getpos() gives the index of @entry inside the loop.  Holes and
 * empty entries are skipped.  A loop that runs to its end leaves @iter at
 * the end of the array.
 */
#define ka_iter_for_each(iter, entry)					\
	for (struct ka_iter *__ka_it = __ka_iter_first(iter);		\
	     ((entry) = ka_iter_getentry(__ka_it));			\
	     ka_iter_nextentry(__ka_it))

#endif /* _LINUX_KHO_ARRAY_H */
