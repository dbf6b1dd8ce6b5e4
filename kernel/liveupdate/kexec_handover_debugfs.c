// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover debugfs interface, under /sys/kernel/debug/kho/ (root
 * only):
 *
 *   out/fdt               the root FDT the next kernel will get
 *   out/scratch_phys      scratch area addresses, u64 each
 *   out/scratch_len       scratch area lengths, u64 each
 *   out/sub_fdts/<name>   each registered subtree
 *   out/stats             tracker pages and preserved blocks per order
 *   in/fdt                the root FDT this kernel got (KHO boot only)
 *   in/sub_fdts/<name>    each subtree it lists
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include "kexec_handover_internal.h"

struct kho_debugfs_fdt {
	struct list_head list;
	struct debugfs_blob_wrapper blob;
	struct dentry *file;
};

static DEFINE_MUTEX(kho_debugfs_lock);
static LIST_HEAD(kho_debugfs_subtrees);
static struct dentry *kho_debugfs_out_subtrees;

static struct kho_debugfs_fdt *kho_debugfs_fdt(struct dentry *dir,
					       const char *name,
					       const void *fdt)
{
	struct kho_debugfs_fdt *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return NULL;
	f->blob.data = (void *)fdt;
	f->blob.size = fdt_totalsize(fdt);
	f->file = debugfs_create_blob(name, 0400, dir, &f->blob);
	return f;
}

/* Called with the FDT registry locked. */
void kho_debugfs_subtree_add(const char *name, void *fdt)
{
	struct kho_debugfs_fdt *f;

	guard(mutex)(&kho_debugfs_lock);
	if (!kho_debugfs_out_subtrees)
		return;		/* kho_debugfs_init() will list it */
	f = kho_debugfs_fdt(kho_debugfs_out_subtrees, name, fdt);
	if (f)
		list_add(&f->list, &kho_debugfs_subtrees);
}

void kho_debugfs_subtree_remove(void *fdt)
{
	struct kho_debugfs_fdt *f;

	guard(mutex)(&kho_debugfs_lock);
	list_for_each_entry(f, &kho_debugfs_subtrees, list) {
		if (f->blob.data == fdt) {
			debugfs_remove(f->file);
			list_del(&f->list);
			kfree(f);
			return;
		}
	}
}

static int kho_debugfs_stats_show(struct seq_file *m, void *v)
{
	struct kho_stats *st;
	unsigned int i;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	kho_stats(st);
	seq_printf(m, "tracker_nodes %lu\ntracker_leaves %lu\ntracker_bytes %lu\n",
		   st->nodes, st->leaves, (st->nodes + st->leaves) * PAGE_SIZE);
	seq_puts(m, "order preserved incoming\n");
	for (i = 0; i < ARRAY_SIZE(st->out_blocks); i++) {
		if (st->out_blocks[i] || st->in_blocks[i])
			seq_printf(m, "%u %lu %lu\n", i, st->out_blocks[i],
				   st->in_blocks[i]);
	}
	for (i = 0; i < kho_scratch_cnt; i++)
		seq_printf(m, "scratch %u %#llx %#llx\n", i, kho_scratch[i].addr,
			   kho_scratch[i].size);
	kfree(st);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kho_debugfs_stats);

static void __init kho_debugfs_scratch(struct dentry *dir)
{
	static struct debugfs_blob_wrapper phys, len;
	u64 *addrs, *sizes;
	unsigned int i;

	addrs = kcalloc(kho_scratch_cnt, sizeof(u64), GFP_KERNEL);
	sizes = kcalloc(kho_scratch_cnt, sizeof(u64), GFP_KERNEL);
	if (!addrs || !sizes) {
		kfree(addrs);
		kfree(sizes);
		return;
	}
	for (i = 0; i < kho_scratch_cnt; i++) {
		addrs[i] = kho_scratch[i].addr;
		sizes[i] = kho_scratch[i].size;
	}
	phys.data = addrs;
	phys.size = kho_scratch_cnt * sizeof(u64);
	len.data = sizes;
	len.size = kho_scratch_cnt * sizeof(u64);
	debugfs_create_blob("scratch_phys", 0400, dir, &phys);
	debugfs_create_blob("scratch_len", 0400, dir, &len);
}

static void __init kho_debugfs_in(struct dentry *top, const void *fdt)
{
	struct dentry *dir, *subtrees;
	int off;

	dir = debugfs_create_dir("in", top);
	kho_debugfs_fdt(dir, "fdt", fdt);
	subtrees = debugfs_create_dir("sub_fdts", dir);
	/*
	 * Every subtree was checked when the handover was accepted: it lies in
	 * a preserved block and its FDT header says it fits there, so its
	 * totalsize bounds what reading the file shows.  The file shows the
	 * memory as it is: once the subtree's owner has restored and reused
	 * it, it shows what the owner keeps there.
	 */
	fdt_for_each_subnode(off, fdt, 0) {
		const char *name = fdt_get_name(fdt, off, NULL);
		phys_addr_t phys;

		if (!name || kho_retrieve_subtree(name, &phys))
			continue;
		kho_debugfs_fdt(subtrees, name, phys_to_virt(phys));
	}
}

static int __init kho_debugfs_init(void)
{
	const void *out = kho_out_fdt(), *in = kho_in_fdt();
	struct dentry *top, *dir;
	int off;

	if (!out && !in)
		return 0;
	top = debugfs_create_dir("kho", NULL);
	if (in)
		kho_debugfs_in(top, in);
	if (!out)
		return 0;

	dir = debugfs_create_dir("out", top);
	kho_debugfs_fdt(dir, "fdt", out);
	kho_debugfs_scratch(dir);
	debugfs_create_file("stats", 0400, dir, NULL, &kho_debugfs_stats_fops);

	guard(mutex)(&kho_debugfs_lock);
	kho_debugfs_out_subtrees = debugfs_create_dir("sub_fdts", dir);
	/* subtrees registered before debugfs was up */
	fdt_for_each_subnode(off, out, 0) {
		const char *name = fdt_get_name(out, off, NULL);
		const u64 *phys = fdt_getprop(out, off,
					      KHO_FDT_SUB_TREE_PROP_NAME, NULL);
		struct kho_debugfs_fdt *f;

		if (!name || !phys)
			continue;
		/* FDT properties are only 4-byte aligned */
		f = kho_debugfs_fdt(kho_debugfs_out_subtrees, name,
				    phys_to_virt(get_unaligned(phys)));
		if (f)
			list_add(&f->list, &kho_debugfs_subtrees);
	}
	return 0;
}
fs_initcall(kho_debugfs_init);
