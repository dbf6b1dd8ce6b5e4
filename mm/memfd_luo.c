// SPDX-License-Identifier: GPL-2.0-only
/*
 * memfd_luo: the Live Update Orchestrator's handler for memfds.
 *
 * A memfd put into a live update session keeps its contents, size, file
 * position and seals across a kexec.  The size is frozen while the file is
 * preserved.  Nothing is copied: at the reboot step every folio of the file
 * is preserved as it is, and recorded in a kho_array indexed by page
 * offset, so holes stay holes and large folios keep their order.  The
 * handover format is in include/linux/kho/abi/luo.h.
 */

#define pr_fmt(fmt) "LUO: memfd: " fmt

#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho_array.h>
#include <linux/liveupdate.h>
#include <linux/memcontrol.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/shmem_fs.h>
#include <linux/swap.h>

#include "internal.h"

/* Rounds of moving folios out of scratch before the freeze gives up. */
#define MEMFD_LUO_MIGRATE_TRIES	3

#define MEMFD_LUO_SEALS	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW |	\
			 F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | F_SEAL_EXEC)

static_assert(sizeof(struct memfd_luo_ser) == 48);

static bool memfd_luo_can_preserve(struct liveupdate_file_handler *handler,
				   struct file *file)
{
	struct inode *inode = file_inode(file);

	/* memfd_create(2) files: shmem, and no name in any filesystem */
	return shmem_file(file) && S_ISREG(inode->i_mode) && !inode->i_nlink;
}

/*
 * Freeze or thaw the size, under i_rwsem as shmem checks it.  One memfd
 * can be preserved once, even through another open file of it.
 */
static int memfd_luo_set_frozen(struct inode *inode, bool frozen)
{
	int err = 0;

	inode_lock(inode);
	if (frozen && SHMEM_I(inode)->size_frozen)
		err = -EBUSY;
	else
		SHMEM_I(inode)->size_frozen = frozen;
	inode_unlock(inode);
	return err;
}

static int memfd_luo_preserve(struct liveupdate_file_op_args *args)
{
	struct memfd_luo_ser *ser;
	int err;

	ser = kho_alloc_preserve(sizeof(*ser));
	if (IS_ERR(ser))
		return PTR_ERR(ser);
	err = memfd_luo_set_frozen(file_inode(args->file), true);
	if (err) {
		kho_unpreserve_free(ser);
		return err;
	}
	kho_array_init(&ser->folios);
	args->serialized_data = virt_to_phys(ser);
	args->private_data = ser;
	return 0;
}

static void memfd_luo_unpreserve(struct liveupdate_file_op_args *args)
{
	memfd_luo_set_frozen(file_inode(args->file), false);
	kho_unpreserve_free(args->private_data);
}

static struct folio *memfd_luo_entry_folio(void *entry)
{
	return pfn_folio(PHYS_PFN(ka_to_value(entry) & PAGE_MASK));
}

/* Unpreserve and drop every folio recorded in @ka, then the array. */
static void memfd_luo_release(struct kho_array *ka, bool array_preserved)
{
	struct ka_iter it;
	void *entry;

	if (array_preserved)
		kho_array_unpreserve(ka);
	ka_iter_init_read(&it, ka);
	ka_iter_for_each(&it, entry) {
		struct folio *folio = memfd_luo_entry_folio(entry);

		kho_unpreserve_folio(folio);
		folio_put(folio);
	}
	kho_array_destroy(ka);
}

/*
 * KHO scratch memory is handed to the page allocator as CMA pageblocks,
 * and movable allocations such as shmem folios may land there; but
 * scratch is where the next kernel boots, so nothing in it can be
 * preserved.  Such folios (and those of any CMA area) move first.
 */
static bool memfd_luo_must_move(struct folio *folio)
{
	int mt = folio_migratetype(folio);

	return is_migrate_cma(mt) || mt == MIGRATE_ISOLATE;
}

/*
 * Move the file's folios out of CMA pageblocks, as long-term pinning
 * does.  Return: how many folios had to move (0 when none), or -errno.
 */
static long memfd_luo_migrate(struct address_space *mapping, pgoff_t end)
{
	struct migration_target_control mtc = {
		.nid = NUMA_NO_NODE,
		.gfp_mask = GFP_USER | __GFP_NOWARN,
		.reason = MR_LONGTERM_PIN,
	};
	struct folio_batch fbatch;
	LIST_HEAD(movable);
	pgoff_t index = 0;
	bool drained = false;
	unsigned int flags;
	long found = 0;
	unsigned int i;
	int err;

	folio_batch_init(&fbatch);
	while (end && filemap_get_folios(mapping, &index, end - 1, &fbatch)) {
		for (i = 0; i < folio_batch_count(&fbatch); i++) {
			struct folio *folio = fbatch.folios[i];

			if (!memfd_luo_must_move(folio))
				continue;
			found++;
			if (!drained) {
				lru_add_drain_all();
				drained = true;
			}
			if (!folio_isolate_lru(folio))
				continue;
			list_add_tail(&folio->lru, &movable);
			node_stat_mod_folio(folio, NR_ISOLATED_ANON +
					    folio_is_file_lru(folio),
					    folio_nr_pages(folio));
		}
		folio_batch_release(&fbatch);
		cond_resched();
	}
	if (list_empty(&movable))
		return found;

	/*
	 * The new folios must not come from CMA again.  Folios that did not
	 * move this time (busy) are tried again by the caller.
	 */
	flags = memalloc_pin_save();
	err = migrate_pages(&movable, alloc_migration_target, NULL,
			    (unsigned long)&mtc, MIGRATE_SYNC, MR_LONGTERM_PIN,
			    NULL);
	memalloc_pin_restore(flags);
	putback_movable_pages(&movable);
	return err < 0 ? err : found;
}

/* The first swap entry of @mapping in [@index, @end), or @end. */
static pgoff_t memfd_luo_next_swap(struct address_space *mapping,
				   pgoff_t index, pgoff_t end)
{
	XA_STATE(xas, &mapping->i_pages, index);
	void *entry;

	rcu_read_lock();
	xas_for_each(&xas, entry, end - 1) {
		if (xas_retry(&xas, entry))
			continue;
		if (xa_is_value(entry))
			break;
	}
	rcu_read_unlock();
	return entry ? xas.xa_index : end;
}

/*
 * Swapped-out parts of the file come back first: only folios are kept.
 * The freeze checks afterwards that none went out again.
 */
static int memfd_luo_swap_in(struct inode *inode, pgoff_t end)
{
	struct address_space *mapping = inode->i_mapping;
	struct folio *folio;
	pgoff_t index = 0;
	int err;

	while (READ_ONCE(SHMEM_I(inode)->swapped)) {
		index = memfd_luo_next_swap(mapping, index, end);
		if (index >= end)
			break;
		err = shmem_get_folio(inode, index, 0, &folio, SGP_NOALLOC);
		if (err && err != -ENOENT)
			return err;
		if (!err) {
			index = folio_next_index(folio);
			folio_unlock(folio);
			folio_put(folio);
		} else {
			index++;
		}
		cond_resched();
	}
	return 0;
}

/*
 * The reboot step: record every folio the file has now, so that whatever
 * was written since PRESERVE_FD, holes filled included, is handed over.
 * Each recorded folio keeps the reference filemap_get_folios() took until
 * unfreeze, so it stays in memory and in place until the kexec.
 */
static int memfd_luo_freeze(struct liveupdate_file_op_args *args)
{
	struct memfd_luo_ser *ser = args->private_data;
	struct inode *inode = file_inode(args->file);
	struct address_space *mapping = inode->i_mapping;
	struct folio_batch fbatch;
	pgoff_t index = 0, end;
	unsigned int i = 0, tries;
	struct ka_iter it;
	u64 nr_folios = 0;
	long moved = 0;
	int err;

	ser->size = i_size_read(inode);
	end = DIV_ROUND_UP(ser->size, PAGE_SIZE);
	err = memfd_luo_swap_in(inode, end);
	if (err)
		return err;
	for (tries = 0; tries < MEMFD_LUO_MIGRATE_TRIES; tries++) {
		moved = memfd_luo_migrate(mapping, end);
		if (moved <= 0)
			break;
	}
	if (moved < 0)
		return moved;

	kho_array_init(&ser->folios);
	ka_iter_init_write(&it, &ser->folios);
	folio_batch_init(&fbatch);
	while (end && filemap_get_folios(mapping, &index, end - 1, &fbatch)) {
		for (i = 0; i < folio_batch_count(&fbatch); i++) {
			struct folio *folio = fbatch.folios[i];
			u64 val = folio_pfn(folio) << PAGE_SHIFT;

			val |= folio_order(folio);
			if (folio_test_dirty(folio))
				val |= MEMFD_LUO_FOLIO_DIRTY;
			if (folio_test_uptodate(folio))
				val |= MEMFD_LUO_FOLIO_UPTODATE;
			err = -EBUSY;
			if (memfd_luo_must_move(folio)) {
				pr_err("folio at offset %lu cannot move out of CMA or KHO scratch memory\n",
				       folio->index);
				goto fail;
			}
			err = kho_preserve_folio(folio);
			if (err)
				goto fail;
			err = ka_iter_setpos(&it, folio->index);
			if (!err)
				err = ka_iter_setentry(&it, ka_mk_value(val));
			if (err) {
				kho_unpreserve_folio(folio);
				goto fail;
			}
			fbatch.folios[i] = NULL;
			nr_folios++;
		}
		folio_batch_reinit(&fbatch);
		cond_resched();
	}
	/* a folio swapped out again before it was recorded would be lost */
	err = -EAGAIN;
	if (READ_ONCE(SHMEM_I(inode)->swapped)) {
		pr_err("pages of a preserved memfd went to swap during the reboot step\n");
		goto fail;
	}
	err = kho_array_preserve(&ser->folios);
	if (err)
		goto fail;

	ser->pos = args->file->f_pos;
	ser->seals = SHMEM_I(inode)->seals;
	ser->flags = 0;
	ser->nr_folios = nr_folios;
	return 0;

fail:
	/* references of the batch not recorded yet */
	for (; i < folio_batch_count(&fbatch); i++)
		folio_put(fbatch.folios[i]);
	memfd_luo_release(&ser->folios, false);
	kho_array_init(&ser->folios);
	return err;
}

static void memfd_luo_unfreeze(struct liveupdate_file_op_args *args)
{
	struct memfd_luo_ser *ser = args->private_data;

	memfd_luo_release(&ser->folios, true);
	kho_array_init(&ser->folios);
}

/* Decode a folio entry; false if it is not one this kernel can take. */
static bool memfd_luo_decode(void *entry, phys_addr_t *phys,
			     unsigned int *order)
{
	u64 val;

	if (!ka_is_value(entry))
		return false;
	val = ka_to_value(entry);
	*phys = val & PAGE_MASK;
	*order = val & MEMFD_LUO_FOLIO_ORDER_MASK;
	if (val & MEMFD_LUO_FOLIO_FLAGS_MASK & ~(MEMFD_LUO_FOLIO_ORDER_MASK |
		   MEMFD_LUO_FOLIO_DIRTY | MEMFD_LUO_FOLIO_UPTODATE))
		return false;
	if (*order > MAX_PAGECACHE_ORDER ||
	    (*order && !IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE)))
		return false;
	return true;
}

/*
 * Check a handed-over memfd without taking anything: the header, the
 * array pages and every folio must be preserved blocks outside scratch,
 * and the folios must start inside the file, in order, without
 * overlapping.  (A large folio may reach past the end of the file, as
 * shmem allocates them.)
 */
static int memfd_luo_validate(struct liveupdate_file_op_args *args)
{
	phys_addr_t phys = args->serialized_data, folio_phys, page_phys;
	const struct kho_array_page *page;
	const struct memfd_luo_ser *ser;
	pgoff_t next = 0, end, index;
	struct kho_array ka;
	unsigned int order;
	struct ka_iter it;
	u64 count = 0;
	void *entry;

	if (!kho_is_preserved(phys, 0)) {
		pr_err("refusing the handover: header at %pa is not preserved memory\n",
		       &phys);
		return -EINVAL;
	}
	ser = phys_to_virt(phys);
	if (ser->flags || ser->seals & ~MEMFD_LUO_SEALS ||
	    ser->size > MAX_LFS_FILESIZE || ser->pos > MAX_LFS_FILESIZE) {
		pr_err("refusing the handover: header at %pa: bad size %llu, position %llu, seals %#x or flags %#x\n",
		       &phys, ser->size, ser->pos, ser->seals, ser->flags);
		return -EINVAL;
	}
	/*
	 * Every array page is preserved and starts inside the file, in
	 * ascending order (so the walk ends) ...
	 */
	end = DIV_ROUND_UP(ser->size, PAGE_SIZE);
	ka = ser->folios;
	for (page_phys = ka.first; page_phys; page_phys = page->next) {
		if (!kho_is_preserved(page_phys, 0)) {
			pr_err("refusing the handover: header at %pa: array page %pa is not preserved memory\n",
			       &phys, &page_phys);
			return -EINVAL;
		}
		page = phys_to_virt(page_phys);
		if (page->startpos >= end || (count && page->startpos <= next)) {
			pr_err("refusing the handover: header at %pa: array page %pa out of order or beyond the file\n",
			       &phys, &page_phys);
			return -EINVAL;
		}
		next = page->startpos;
		count++;
	}
	/* ... so the array may be read */
	if (!kho_array_valid(&ka)) {
		pr_err("refusing the handover: header at %pa: bad folio array\n",
		       &phys);
		return -EINVAL;
	}

	next = 0;
	count = 0;
	ka_iter_init_read(&it, &ka);
	ka_iter_for_each(&it, entry) {
		index = ka_iter_getpos(&it);
		if (!memfd_luo_decode(entry, &folio_phys, &order) ||
		    index < next || !IS_ALIGNED(index, 1UL << order) ||
		    index >= end || folio_phys == phys ||
		    !kho_is_preserved(folio_phys, order)) {
			pr_err("refusing the handover: header at %pa: folio at offset %lu (entry %#llx) is not a preserved block inside the file\n",
			       &phys, index, (u64)ka_to_value(entry));
			return -EINVAL;
		}
		next = index + (1UL << order);
		count++;
	}
	if (count != ser->nr_folios) {
		pr_err("refusing the handover: header at %pa: %llu folios recorded, %llu in the array\n",
		       &phys, ser->nr_folios, count);
		return -EINVAL;
	}
	return 0;
}

/* Put a restored folio into @inode's page cache at @index. */
static int memfd_luo_add_folio(struct inode *inode, struct folio *folio,
			       pgoff_t index, u64 val)
{
	struct address_space *mapping = inode->i_mapping;
	gfp_t gfp = mapping_gfp_mask(mapping);
	long nr = folio_nr_pages(folio);
	int err;

	if (folio_test_large(folio))
		folio_set_large_rmappable(folio);
	__folio_set_locked(folio);
	__folio_set_swapbacked(folio);
	if (val & MEMFD_LUO_FOLIO_UPTODATE)
		folio_mark_uptodate(folio);

	err = mem_cgroup_charge(folio, NULL, gfp);
	if (err)
		goto unlock;
	err = shmem_inode_acct_blocks(inode, nr);
	if (err)
		goto unlock;
	err = shmem_add_to_page_cache(folio, mapping, index, NULL, gfp);
	if (err) {
		shmem_inode_unacct_blocks(inode, nr);
		goto unlock;
	}
	shmem_recalc_inode(inode, nr, 0);
	/* shmem has no backing store: a clean folio could be dropped */
	if (val & (MEMFD_LUO_FOLIO_DIRTY | MEMFD_LUO_FOLIO_UPTODATE))
		folio_mark_dirty(folio);
	folio_add_lru(folio);
unlock:
	folio_unlock(folio);
	return err;
}

/* Restore and free every folio @ka records, then @ka's own pages. */
static void memfd_luo_free_folios(struct kho_array *ka)
{
	phys_addr_t phys;
	unsigned int order;
	struct ka_iter it;
	void *entry;

	if (ka_iter_init_restore(&it, ka))
		return;
	ka_iter_for_each(&it, entry) {
		struct folio *folio;

		if (!memfd_luo_decode(entry, &phys, &order) ||
		    !kho_is_preserved(phys, order))
			continue;
		folio = kho_restore_folio(phys);
		if (folio)
			folio_put(folio);
	}
	kho_array_destroy(ka);
}

/*
 * Once a retrieve has started to take the file's memory, any failure frees
 * the rest of it too: the handover of this file is then over, and a later
 * RETRIEVE_FD or finish finds nothing (the header is gone).
 */
static int memfd_luo_retrieve(struct liveupdate_file_op_args *args)
{
	phys_addr_t phys = args->serialized_data;
	struct folio *header, *folio;
	struct memfd_luo_ser ser;
	struct inode *inode;
	struct file *file;
	unsigned int order;
	struct ka_iter it;
	void *entry;
	int err;

	/* validate() checked it at boot; another file may have taken it */
	if (!kho_is_preserved(phys, 0))
		return -EINVAL;
	/* taken first, so that no folio entry can be the header itself */
	header = kho_restore_folio(phys);
	if (!header)
		return -EINVAL;
	ser = *(struct memfd_luo_ser *)folio_address(header);
	folio_put(header);

	file = shmem_file_setup("memfd:", ser.size, VM_NORESERVE);
	if (IS_ERR(file)) {
		memfd_luo_free_folios(&ser.folios);
		return PTR_ERR(file);
	}
	file->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	file->f_flags |= O_LARGEFILE;
	inode = file_inode(file);

	/* on failure the array pages not restored stay reserved */
	err = ka_iter_init_restore(&it, &ser.folios);
	if (err) {
		err = -EINVAL;
		goto fail_file;
	}
	ka_iter_for_each(&it, entry) {
		if (!memfd_luo_decode(entry, &phys, &order) ||
		    !kho_is_preserved(phys, order)) {
			err = -EINVAL;
			continue;
		}
		folio = kho_restore_folio(phys);
		if (!folio) {
			err = -EINVAL;
			continue;
		}
		if (!err)
			err = memfd_luo_add_folio(inode, folio,
						  ka_iter_getpos(&it),
						  ka_to_value(entry));
		folio_put(folio);
		cond_resched();
	}
	kho_array_destroy(&ser.folios);
	if (err) {
		pr_err("cannot retrieve a memfd of %llu bytes (%d): its memory is freed\n",
		       ser.size, err);
		goto fail_file;
	}

	SHMEM_I(inode)->seals = ser.seals;
	/*
	 * The mode is not handed over.  A memfd sealed against chmod most
	 * likely came from MFD_NOEXEC_SEAL: it must not come back executable.
	 */
	if (ser.seals & F_SEAL_EXEC)
		inode->i_mode &= ~0111;
	file->f_pos = ser.pos;
	args->file = file;
	return 0;

fail_file:
	fput(file);
	return err;
}

static void memfd_luo_finish(struct liveupdate_file_op_args *args)
{
	phys_addr_t phys = args->serialized_data;
	struct memfd_luo_ser ser;
	struct folio *header;

	/* a retrieved file is an ordinary memfd now: nothing is left here */
	if (args->retrieved || !kho_is_preserved(phys, 0))
		return;
	/* as in retrieve: the header first, then what it describes */
	header = kho_restore_folio(phys);
	if (!header)
		return;
	ser = *(struct memfd_luo_ser *)folio_address(header);
	folio_put(header);
	memfd_luo_free_folios(&ser.folios);
}

static const struct liveupdate_file_ops memfd_luo_ops = {
	.can_preserve	= memfd_luo_can_preserve,
	.preserve	= memfd_luo_preserve,
	.unpreserve	= memfd_luo_unpreserve,
	.freeze		= memfd_luo_freeze,
	.unfreeze	= memfd_luo_unfreeze,
	.validate	= memfd_luo_validate,
	.retrieve	= memfd_luo_retrieve,
	.finish		= memfd_luo_finish,
	.owner		= THIS_MODULE,
};

static struct liveupdate_file_handler memfd_luo_handler = {
	.ops		= &memfd_luo_ops,
	.compatible	= MEMFD_LUO_COMPATIBLE,
};

static int __init memfd_luo_init(void)
{
	int err;

	if (!liveupdate_enabled())
		return 0;
	err = liveupdate_register_file_handler(&memfd_luo_handler);
	if (err)
		pr_err("cannot register the memfd handler (%d)\n", err);
	return err;
}
late_initcall(memfd_luo_init);
