// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover under concurrency: the kernel half of the kho-stress test.
 *
 * Kernel A: writing "THREADS ITERATIONS SEED [SECONDS [PAUSE]]" to
 * /sys/kernel/debug/kho_stress/start starts THREADS kernel threads.  Each
 * does up to ITERATIONS random operations (and stops early after SECONDS;
 * with PAUSE, it sleeps PAUSE microseconds after each one):
 * it allocates a folio of order 0..KHO_STRESS_MAX_ORDER, fills it with a
 * pattern derived from a seed and preserves it; unpreserves a preserved
 * folio and keeps holding it; preserves a held folio again; adds a subtree
 * of its own (a small FDT in kho_alloc_preserve() memory) or removes one.
 * Each thread keeps its own record of what it has preserved, what it holds
 * unpreserved and which subtrees it has added.
 *
 * The record is handed over when the kexec starts: the reboot notifier
 * runs once kexec_in_progress is set (after the live update reboot step),
 * when KHO refuses any further preservation with -EBUSY; a thread that is
 * refused changes nothing more.  The notifier stops every thread (each
 * finishes the operation it is in and records its outcome), then writes
 * all the records into the record area of the "kho-stress" subtree,
 * registered and preserved when the threads were started.  So
 * the threads run right up to the point where the handover is fixed, and
 * the record is exactly what is preserved there.
 *
 * Kernel B: at late_initcall, if the handover carries "kho-stress", every
 * recorded folio must still be preserved at its order, is restored and
 * its content checked; no preserved block may overlap a folio A held
 * unpreserved, or a restored folio once restored; the "kho-stress-t*"
 * subtrees of the incoming root FDT must be exactly the recorded ones,
 * each with its recorded generation.  The outcome is one console line,
 * "kho_stress: B: RESULT status=PASS|FAIL ...", also in debugfs status,
 * and kernel B's verdict as a KTAP document ("kho_stress: " prefix): A's
 * threads all ran up to the freeze and did every kind of operation
 * without an error (from A's counts in the record), B got exactly the
 * recorded folios, held folios and subtrees, and found nothing wrong.
 *
 * The subtree (integers native-endian u64, as in the KHO ABI):
 *
 *	/ {
 *		compatible = "kho-stress-v1";
 *		record = <u64: physical address of struct kho_stress_hdr>;
 *		record-size = <u64: bytes of the record area>;
 *	};
 *
 * Locking: kho_stress_lock serialises start, the reboot notifier and the
 * status read.  A thread's slots are its own until kthread_stop() returns;
 * its counters are read without a lock by status (a snapshot).
 */

#define pr_fmt(fmt) "kho_stress: " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/kexec.h>
#include <linux/kexec_handover.h>
#include <linux/kstrtox.h>
#include <linux/kthread.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>

#include "kexec_handover_internal.h"

#define KHO_STRESS_NAME		"kho-stress"
#define KHO_STRESS_COMPATIBLE	"kho-stress-v1"
#define KHO_STRESS_SUB_PREFIX	"kho-stress-t"
#define KHO_STRESS_SUB_COMPAT	"kho-stress-subtree-v1"
#define KHO_STRESS_MAGIC	0x4b484f5354524553ULL	/* "KHOSTRES" */

#define KHO_STRESS_MAX_THREADS	8
#define KHO_STRESS_LIVE		256	/* preserved folios per thread */
#define KHO_STRESS_HELD		256	/* unpreserved folios held per thread */
#define KHO_STRESS_SUBS		4	/* subtrees per thread */
#define KHO_STRESS_MAX_ORDER	3
#define KHO_STRESS_RECS		(KHO_STRESS_MAX_THREADS * \
				 (KHO_STRESS_LIVE + KHO_STRESS_HELD + \
				  KHO_STRESS_SUBS))

/* What each kind of operation did; the same in A's record and counters. */
enum kho_stress_count {
	KS_ITERATIONS,
	KS_FOLIO_PRESERVED,	/* new folios preserved */
	KS_FOLIO_UNPRESERVED,
	KS_FOLIO_REPRESERVED,	/* held folios preserved again */
	KS_FOLIO_FREED,		/* held folios given back */
	KS_SUBTREE_ADDED,
	KS_SUBTREE_REMOVED,
	KS_BUSY,		/* refused with -EBUSY: the kexec had started */
	KS_NOMEM,		/* an allocation failed */
	KS_ERRORS,		/* any other error */
	KS_NR_COUNTS
};

static const char *const kho_stress_count_names[KS_NR_COUNTS] = {
	[KS_ITERATIONS] = "iterations",
	[KS_FOLIO_PRESERVED] = "folios-preserved",
	[KS_FOLIO_UNPRESERVED] = "folios-unpreserved",
	[KS_FOLIO_REPRESERVED] = "folios-represerved",
	[KS_FOLIO_FREED] = "folios-freed",
	[KS_SUBTREE_ADDED] = "subtrees-added",
	[KS_SUBTREE_REMOVED] = "subtrees-removed",
	[KS_BUSY] = "busy",
	[KS_NOMEM] = "nomem",
	[KS_ERRORS] = "errors",
};

enum kho_stress_kind {
	KHO_STRESS_REC_FOLIO = 1,	/* preserved: B restores and checks it */
	KHO_STRESS_REC_HELD,		/* held unpreserved: B finds it free */
	KHO_STRESS_REC_SUBTREE,		/* a subtree, @seed its generation */
};

/* One record entry. */
struct kho_stress_rec {
	u64 phys;
	u64 seed;
	u32 kind;
	u32 order;	/* subtrees: thread << 8 | slot */
};

/* The record area: written once, by the reboot notifier. */
struct kho_stress_hdr {
	u64 magic;
	u64 seed;
	u32 threads;
	u32 running;	/* threads stopped before their iterations were done */
	u64 iterations;	/* the bound per thread */
	u64 counts[KS_NR_COUNTS];
	u64 nr_recs;
	struct kho_stress_rec recs[];
};

#define KHO_STRESS_RECORD_SIZE	(sizeof(struct kho_stress_hdr) + \
				 KHO_STRESS_RECS * sizeof(struct kho_stress_rec))

struct kho_stress_folio {
	struct folio *folio;
	u64 seed;
};

struct kho_stress_thread {
	struct task_struct *task;
	unsigned int id;
	struct rnd_state rnd;
	unsigned long counts[KS_NR_COUNTS];
	bool done;		/* its iterations are done (or its time is up) */
	bool refused;		/* KHO said -EBUSY: the kexec has begun */
	struct kho_stress_folio live[KHO_STRESS_LIVE];
	struct kho_stress_folio held[KHO_STRESS_HELD];
	void *sub[KHO_STRESS_SUBS];
	u64 sub_gen[KHO_STRESS_SUBS];
};

static DEFINE_MUTEX(kho_stress_lock);
static struct kho_stress_thread *kho_stress_threads;
static unsigned int kho_stress_nr_threads;
static unsigned long kho_stress_iterations;
static unsigned long kho_stress_deadline;
static unsigned int kho_stress_pause_us;
static u64 kho_stress_seed;
static void *kho_stress_fdt;
static struct kho_stress_hdr *kho_stress_record;
static bool kho_stress_frozen;
/* kernel B's verdict, shown by status */
static char kho_stress_result[512];

/* The 8-byte word @i of page @page of a folio filled for @seed. */
static u64 kho_stress_word(u64 seed, unsigned long page, unsigned long i)
{
	u64 x = seed ^ ((u64)page << 32 | i);

	x *= 0x9e3779b97f4a7c15ULL;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	return x ^ (x >> 32);
}

static void kho_stress_fill(struct folio *folio, u64 seed)
{
	unsigned long p, i, words = PAGE_SIZE / sizeof(u64);

	for (p = 0; p < folio_nr_pages(folio); p++) {
		u64 *w = folio_address(folio) + p * PAGE_SIZE;

		for (i = 0; i < words; i++)
			w[i] = kho_stress_word(seed, p, i);
	}
}

static bool kho_stress_check(struct folio *folio, u64 seed)
{
	unsigned long p, i, words = PAGE_SIZE / sizeof(u64);

	for (p = 0; p < folio_nr_pages(folio); p++) {
		const u64 *w = folio_address(folio) + p * PAGE_SIZE;

		for (i = 0; i < words; i++)
			if (w[i] != kho_stress_word(seed, p, i))
				return false;
	}
	return true;
}

static u64 kho_stress_rand64(struct kho_stress_thread *t)
{
	return (u64)prandom_u32_state(&t->rnd) << 32 |
	       prandom_u32_state(&t->rnd);
}

static void kho_stress_error(struct kho_stress_thread *t, int err)
{
	/* the kexec has begun: change nothing more, wait to be stopped */
	if (err == -EBUSY) {
		t->counts[KS_BUSY]++;
		t->refused = true;
	} else if (err == -ENOMEM) {
		t->counts[KS_NOMEM]++;
	} else {
		t->counts[KS_ERRORS]++;
	}
}

/* Hold @f unpreserved, giving back the oldest held folio in its slot. */
static void kho_stress_hold(struct kho_stress_thread *t,
			    struct kho_stress_folio *f)
{
	struct kho_stress_folio *h;

	h = &t->held[prandom_u32_state(&t->rnd) % KHO_STRESS_HELD];
	if (h->folio) {
		folio_put(h->folio);
		t->counts[KS_FOLIO_FREED]++;
	}
	*h = *f;
	f->folio = NULL;
}

/* A live slot: preserve a new folio there, or unpreserve its folio. */
static void kho_stress_folio_op(struct kho_stress_thread *t)
{
	struct kho_stress_folio *f;
	struct folio *folio;
	unsigned int order;
	int err;

	f = &t->live[prandom_u32_state(&t->rnd) % KHO_STRESS_LIVE];
	if (f->folio) {
		/* every other time: keep most slots preserved */
		if (prandom_u32_state(&t->rnd) & 1)
			return;
		kho_unpreserve_folio(f->folio);
		t->counts[KS_FOLIO_UNPRESERVED]++;
		kho_stress_hold(t, f);
		return;
	}
	order = prandom_u32_state(&t->rnd) % (KHO_STRESS_MAX_ORDER + 1);
	folio = folio_alloc(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY, order);
	if (!folio) {
		t->counts[KS_NOMEM]++;
		return;
	}
	f->seed = kho_stress_rand64(t);
	kho_stress_fill(folio, f->seed);
	err = kho_preserve_folio(folio);
	if (err) {
		kho_stress_error(t, err);
		folio_put(folio);
		return;
	}
	f->folio = folio;
	t->counts[KS_FOLIO_PRESERVED]++;
}

/* Preserve a held folio again, in a free live slot. */
static void kho_stress_represerve(struct kho_stress_thread *t)
{
	struct kho_stress_folio *h, *f;
	int err;

	h = &t->held[prandom_u32_state(&t->rnd) % KHO_STRESS_HELD];
	f = &t->live[prandom_u32_state(&t->rnd) % KHO_STRESS_LIVE];
	if (!h->folio || f->folio)
		return;
	err = kho_preserve_folio(h->folio);
	if (err) {
		kho_stress_error(t, err);
		return;
	}
	*f = *h;
	h->folio = NULL;
	t->counts[KS_FOLIO_REPRESERVED]++;
}

static void kho_stress_sub_name(char *buf, size_t len, unsigned int thread,
				unsigned int slot)
{
	snprintf(buf, len, KHO_STRESS_SUB_PREFIX "%u-s%u", thread, slot);
}

/* A subtree slot: add a subtree of a new generation, or remove it. */
static void kho_stress_subtree_op(struct kho_stress_thread *t)
{
	unsigned int slot = prandom_u32_state(&t->rnd) % KHO_STRESS_SUBS;
	char name[32];
	u64 gen;
	void *fdt;
	int err;

	if (t->sub[slot]) {
		kho_remove_subtree(t->sub[slot]);
		kho_unpreserve_free(t->sub[slot]);
		t->sub[slot] = NULL;
		t->counts[KS_SUBTREE_REMOVED]++;
		return;
	}
	fdt = kho_alloc_preserve(PAGE_SIZE);
	if (IS_ERR(fdt)) {
		kho_stress_error(t, PTR_ERR(fdt));
		return;
	}
	gen = ++t->sub_gen[slot];
	err = fdt_create_empty_tree(fdt, PAGE_SIZE);
	err = err ?: fdt_setprop_string(fdt, 0, "compatible",
					KHO_STRESS_SUB_COMPAT);
	err = err ?: fdt_setprop(fdt, 0, "generation", &gen, sizeof(gen));
	if (err) {
		t->counts[KS_ERRORS]++;
		goto fail;
	}
	kho_stress_sub_name(name, sizeof(name), t->id, slot);
	err = kho_add_subtree(name, fdt);
	if (err) {
		kho_stress_error(t, err);
		goto fail;
	}
	t->sub[slot] = fdt;
	t->counts[KS_SUBTREE_ADDED]++;
	return;

fail:
	kho_unpreserve_free(fdt);
}

static int kho_stress_thread_fn(void *arg)
{
	struct kho_stress_thread *t = arg;
	u32 r;

	while (!kthread_should_stop()) {
		if (t->done || t->refused) {
			schedule_timeout_interruptible(HZ / 10);
			continue;
		}
		if (t->counts[KS_ITERATIONS] >= kho_stress_iterations ||
		    time_after(jiffies, kho_stress_deadline)) {
			t->done = true;
			pr_info("thread %u: done after %lu iterations\n", t->id,
				t->counts[KS_ITERATIONS]);
			continue;
		}
		r = prandom_u32_state(&t->rnd) % 100;
		if (r < 60)
			kho_stress_folio_op(t);
		else if (r < 75)
			kho_stress_represerve(t);
		else
			kho_stress_subtree_op(t);
		t->counts[KS_ITERATIONS]++;
		if (kho_stress_pause_us)
			usleep_range(kho_stress_pause_us,
				     kho_stress_pause_us * 2);
		else
			cond_resched();
	}
	return 0;
}

static void kho_stress_sum(unsigned long *counts)
{
	unsigned int i, k;

	memset(counts, 0, sizeof(*counts) * KS_NR_COUNTS);
	for (i = 0; i < kho_stress_nr_threads; i++)
		for (k = 0; k < KS_NR_COUNTS; k++)
			counts[k] += READ_ONCE(kho_stress_threads[i].counts[k]);
}

static unsigned int kho_stress_running(void)
{
	unsigned int i, running = 0;

	for (i = 0; i < kho_stress_nr_threads; i++)
		running += !READ_ONCE(kho_stress_threads[i].done);
	return running;
}

/* Kernel A: the record area and its subtree, before any thread runs. */
static int kho_stress_prepare(void)
{
	u64 phys;
	int err;

	kho_stress_record = kho_alloc_preserve(KHO_STRESS_RECORD_SIZE);
	if (IS_ERR(kho_stress_record)) {
		err = PTR_ERR(kho_stress_record);
		goto fail;
	}
	kho_stress_fdt = kho_alloc_preserve(PAGE_SIZE);
	if (IS_ERR(kho_stress_fdt)) {
		err = PTR_ERR(kho_stress_fdt);
		goto fail_record;
	}
	phys = virt_to_phys(kho_stress_record);
	err = fdt_create_empty_tree(kho_stress_fdt, PAGE_SIZE);
	err = err ?: fdt_setprop_string(kho_stress_fdt, 0, "compatible",
					KHO_STRESS_COMPATIBLE);
	err = err ?: fdt_setprop(kho_stress_fdt, 0, "record", &phys,
				 sizeof(phys));
	phys = KHO_STRESS_RECORD_SIZE;
	err = err ?: fdt_setprop(kho_stress_fdt, 0, "record-size", &phys,
				 sizeof(phys));
	if (err) {
		err = -EINVAL;
		goto fail_fdt;
	}
	err = kho_add_subtree(KHO_STRESS_NAME, kho_stress_fdt);
	if (err)
		goto fail_fdt;
	return 0;

fail_fdt:
	kho_unpreserve_free(kho_stress_fdt);
fail_record:
	kho_unpreserve_free(kho_stress_record);
fail:
	kho_stress_fdt = NULL;
	kho_stress_record = NULL;
	return err;
}

static int kho_stress_start(unsigned int threads, unsigned long iterations,
			    u64 seed, unsigned int seconds, unsigned int pause_us)
{
	struct kho_stress_thread *t;
	unsigned int i;
	int err;

	guard(mutex)(&kho_stress_lock);
	if (kho_stress_threads || kho_stress_frozen)
		return -EBUSY;
	if (!threads || threads > KHO_STRESS_MAX_THREADS || !iterations ||
	    !seconds)
		return -EINVAL;
	kho_stress_threads = kcalloc(threads, sizeof(*t), GFP_KERNEL);
	if (!kho_stress_threads)
		return -ENOMEM;
	err = kho_stress_prepare();
	if (err)
		goto fail;
	kho_stress_iterations = iterations;
	kho_stress_seed = seed;
	kho_stress_deadline = jiffies + seconds * HZ;
	kho_stress_pause_us = min_t(unsigned int, pause_us, USEC_PER_SEC);
	for (i = 0; i < threads; i++) {
		t = &kho_stress_threads[i];
		t->id = i;
		prandom_seed_state(&t->rnd, seed + i);
		t->task = kthread_create(kho_stress_thread_fn, t,
					 "kho_stress/%u", i);
		if (IS_ERR(t->task)) {
			err = PTR_ERR(t->task);
			t->task = NULL;
			goto fail_threads;
		}
	}
	kho_stress_nr_threads = threads;
	for (i = 0; i < threads; i++)
		wake_up_process(kho_stress_threads[i].task);
	pr_info("started %u threads, %lu iterations each, seed %llu, at most %u s, pause %u us\n",
		threads, iterations, seed, seconds, kho_stress_pause_us);
	return 0;

fail_threads:
	/* never woken: kthread_stop() makes them exit without running */
	while (i--)
		kthread_stop(kho_stress_threads[i].task);
	kho_remove_subtree(kho_stress_fdt);
	kho_unpreserve_free(kho_stress_fdt);
	kho_unpreserve_free(kho_stress_record);
	kho_stress_fdt = NULL;
	kho_stress_record = NULL;
fail:
	kfree(kho_stress_threads);
	kho_stress_threads = NULL;
	return err;
}

static void kho_stress_add_rec(struct kho_stress_hdr *hdr, u32 kind,
			       phys_addr_t phys, u32 order, u64 seed)
{
	struct kho_stress_rec *rec = &hdr->recs[hdr->nr_recs++];

	rec->kind = kind;
	rec->phys = phys;
	rec->order = order;
	rec->seed = seed;
}

static void kho_stress_add_folios(struct kho_stress_hdr *hdr, u32 kind,
				  const struct kho_stress_folio *f,
				  unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (f[i].folio)
			kho_stress_add_rec(hdr, kind,
					   PFN_PHYS(folio_pfn(f[i].folio)),
					   folio_order(f[i].folio), f[i].seed);
}

/* Write every thread's record into the preserved record area. */
static void kho_stress_write_record(unsigned int running)
{
	struct kho_stress_hdr *hdr = kho_stress_record;
	unsigned long counts[KS_NR_COUNTS];
	unsigned int i, j, k;

	kho_stress_sum(counts);
	hdr->seed = kho_stress_seed;
	hdr->threads = kho_stress_nr_threads;
	hdr->running = running;
	hdr->iterations = kho_stress_iterations;
	for (k = 0; k < KS_NR_COUNTS; k++)
		hdr->counts[k] = counts[k];
	hdr->nr_recs = 0;
	for (i = 0; i < kho_stress_nr_threads; i++) {
		struct kho_stress_thread *t = &kho_stress_threads[i];

		kho_stress_add_folios(hdr, KHO_STRESS_REC_FOLIO, t->live,
				      KHO_STRESS_LIVE);
		kho_stress_add_folios(hdr, KHO_STRESS_REC_HELD, t->held,
				      KHO_STRESS_HELD);
		for (j = 0; j < KHO_STRESS_SUBS; j++)
			if (t->sub[j])
				kho_stress_add_rec(hdr, KHO_STRESS_REC_SUBTREE,
						   virt_to_phys(t->sub[j]),
						   i << 8 | j, t->sub_gen[j]);
	}
	/* last: a record without its magic was never completed */
	WRITE_ONCE(hdr->magic, KHO_STRESS_MAGIC);
}

/*
 * The kexec has started (kexec_in_progress): KHO refuses to preserve
 * anything more.  Stop the threads, then record what they preserved.
 */
static int kho_stress_reboot(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	unsigned long counts[KS_NR_COUNTS];
	unsigned int i, running;

	if (action != SYS_RESTART || !kexec_in_progress)
		return NOTIFY_DONE;

	guard(mutex)(&kho_stress_lock);
	if (!kho_stress_threads || kho_stress_frozen)
		return NOTIFY_DONE;
	running = kho_stress_running();
	for (i = 0; i < kho_stress_nr_threads; i++)
		kthread_stop(kho_stress_threads[i].task);
	kho_stress_write_record(running);
	kho_stress_frozen = true;
	kho_stress_sum(counts);
	pr_info("A: freeze: %u of %u threads stopped running, records %llu: iterations=%lu folios-preserved=%lu folios-unpreserved=%lu folios-represerved=%lu subtrees-added=%lu subtrees-removed=%lu busy=%lu nomem=%lu errors=%lu\n",
		running, kho_stress_nr_threads, kho_stress_record->nr_recs,
		counts[KS_ITERATIONS], counts[KS_FOLIO_PRESERVED],
		counts[KS_FOLIO_UNPRESERVED], counts[KS_FOLIO_REPRESERVED],
		counts[KS_SUBTREE_ADDED], counts[KS_SUBTREE_REMOVED],
		counts[KS_BUSY], counts[KS_NOMEM], counts[KS_ERRORS]);
	return NOTIFY_DONE;
}

static struct notifier_block kho_stress_reboot_nb = {
	.notifier_call = kho_stress_reboot,
};

/* ---------------------------------------------------------------------- */
/* Kernel B                                                              */

struct kho_stress_verdict {
	unsigned long folios, pages, held, subtrees;
	unsigned long live_a, held_a, subtrees_a;
	unsigned long missing, bad_order, bad_content, overlap, bad_subtree;
	unsigned long extra_subtrees, bad_record;
};

/* Is any block of any order that overlaps [@phys, +@order) preserved? */
static bool __init kho_stress_overlaps_preserved(phys_addr_t phys,
						 unsigned int order)
{
	unsigned int o;
	phys_addr_t p;

	for (o = 0; o <= MAX_PAGE_ORDER; o++) {
		phys_addr_t size = PAGE_SIZE << o;

		if (o <= order) {
			for (p = phys; p < phys + (PAGE_SIZE << order); p += size)
				if (kho_is_preserved(p, o))
					return true;
		} else if (kho_is_preserved(ALIGN_DOWN(phys, size), o)) {
			return true;
		}
	}
	return false;
}

static void __init kho_stress_verify_folio(struct kho_stress_verdict *v,
					   const struct kho_stress_rec *rec)
{
	struct folio *folio;

	if (rec->order > KHO_STRESS_MAX_ORDER ||
	    !kho_is_preserved(rec->phys, rec->order)) {
		v->missing++;
		return;
	}
	folio = kho_restore_folio(rec->phys);
	if (!folio) {
		v->missing++;
		return;
	}
	if (folio_order(folio) != rec->order)
		v->bad_order++;
	else if (!kho_stress_check(folio, rec->seed))
		v->bad_content++;
	/* restored: nothing of it may be preserved any more */
	if (kho_stress_overlaps_preserved(rec->phys, rec->order))
		v->overlap++;
	v->folios++;
	v->pages += folio_nr_pages(folio);
	folio_put(folio);
}

static void __init kho_stress_verify_subtree(struct kho_stress_verdict *v,
					     const struct kho_stress_rec *rec)
{
	unsigned int thread = rec->order >> 8, slot = rec->order & 0xff;
	const u64 *gen;
	phys_addr_t phys;
	char name[32];
	void *fdt;
	int len;

	kho_stress_sub_name(name, sizeof(name), thread, slot);
	if (kho_retrieve_subtree(name, &phys) || phys != rec->phys ||
	    !kho_is_preserved(phys, 0)) {
		v->bad_subtree++;
		return;
	}
	fdt = phys_to_virt(phys);
	gen = fdt_getprop(fdt, 0, "generation", &len);
	if (fdt_check_header(fdt) || fdt_totalsize(fdt) > PAGE_SIZE ||
	    !gen || len != sizeof(*gen) || get_unaligned(gen) != rec->seed)
		v->bad_subtree++;
	else
		v->subtrees++;
	kho_restore_free(fdt);
}

static void __init kho_stress_verify(struct kho_stress_verdict *v,
				     const struct kho_stress_hdr *hdr)
{
	const void *root = kho_in_fdt();
	unsigned long found = 0, i;
	int off;

	for (i = 0; i < hdr->nr_recs; i++) {
		const struct kho_stress_rec *rec = &hdr->recs[i];

		switch (rec->kind) {
		case KHO_STRESS_REC_FOLIO:
			v->live_a++;
			kho_stress_verify_folio(v, rec);
			break;
		case KHO_STRESS_REC_HELD:
			v->held_a++;
			if (rec->order > KHO_STRESS_MAX_ORDER ||
			    kho_stress_overlaps_preserved(rec->phys, rec->order))
				v->overlap++;
			else
				v->held++;
			break;
		case KHO_STRESS_REC_SUBTREE:
			v->subtrees_a++;
			kho_stress_verify_subtree(v, rec);
			break;
		default:
			v->bad_record++;
		}
	}
	/* every kho-stress-t* subtree handed over must be a recorded one */
	fdt_for_each_subnode(off, root, 0) {
		const char *name = fdt_get_name(root, off, NULL);

		if (name && !strncmp(name, KHO_STRESS_SUB_PREFIX,
				     strlen(KHO_STRESS_SUB_PREFIX)))
			found++;
	}
	if (found != v->subtrees_a)
		v->extra_subtrees = found > v->subtrees_a ?
				    found - v->subtrees_a : 0;
	if (found < v->subtrees_a)
		v->bad_subtree += v->subtrees_a - found;
}

/* A's counts must add up to what it recorded. */
static bool __init kho_stress_accounts(const struct kho_stress_hdr *hdr,
				       const struct kho_stress_verdict *v)
{
	const u64 *c = hdr->counts;

	return c[KS_FOLIO_PRESERVED] + c[KS_FOLIO_REPRESERVED] -
	       c[KS_FOLIO_UNPRESERVED] == v->live_a &&
	       c[KS_FOLIO_UNPRESERVED] - c[KS_FOLIO_REPRESERVED] -
	       c[KS_FOLIO_FREED] == v->held_a &&
	       c[KS_SUBTREE_ADDED] - c[KS_SUBTREE_REMOVED] == v->subtrees_a;
}

/* One KTAP result, its diagnostic first. */
static void __init kho_stress_point(bool ok, unsigned int n, const char *name,
				    const char *diag)
{
	pr_info("# %s: %s\n", name, diag);
	pr_info("%s %u %s\n", ok ? "ok" : "not ok", n, name);
}

/* Kernel B's verdict on the record and on what came over, in KTAP. */
static void __init kho_stress_ktap(const struct kho_stress_hdr *hdr,
				   const struct kho_stress_verdict *v,
				   bool accounts)
{
	const u64 *c = hdr->counts;
	char diag[160];
	bool ok;

	pr_info("KTAP version 1\n");
	pr_info("1..4\n");
	snprintf(diag, sizeof(diag),
		 "%u of %u threads still running when the freeze stopped them",
		 hdr->running, hdr->threads);
	kho_stress_point(hdr->threads && hdr->running == hdr->threads, 1,
			 "a-freeze", diag);
	ok = c[KS_ITERATIONS] && c[KS_FOLIO_PRESERVED] &&
	     c[KS_FOLIO_UNPRESERVED] && c[KS_FOLIO_REPRESERVED] &&
	     c[KS_SUBTREE_ADDED] && c[KS_SUBTREE_REMOVED] && !c[KS_ERRORS];
	snprintf(diag, sizeof(diag),
		 "iterations=%llu folios %llu preserved, %llu unpreserved, %llu re-preserved; subtrees %llu added, %llu removed; errors=%llu",
		 c[KS_ITERATIONS], c[KS_FOLIO_PRESERVED],
		 c[KS_FOLIO_UNPRESERVED], c[KS_FOLIO_REPRESERVED],
		 c[KS_SUBTREE_ADDED], c[KS_SUBTREE_REMOVED], c[KS_ERRORS]);
	kho_stress_point(ok, 2, "a-counts", diag);
	ok = accounts && v->folios && v->held && v->subtrees &&
	     v->folios == v->live_a && v->held == v->held_a &&
	     v->subtrees == v->subtrees_a &&
	     v->live_a + v->held_a + v->subtrees_a == hdr->nr_recs;
	snprintf(diag, sizeof(diag),
		 "%lu/%lu folios back (%lu pages), %lu/%lu held folios not preserved, %lu/%lu subtrees, of %llu records; A's accounts %s",
		 v->folios, v->live_a, v->pages, v->held, v->held_a,
		 v->subtrees, v->subtrees_a, hdr->nr_recs,
		 accounts ? "add up" : "do not add up");
	kho_stress_point(ok, 3, "b-records", diag);
	ok = !v->missing && !v->bad_order && !v->bad_content && !v->overlap &&
	     !v->bad_subtree && !v->extra_subtrees && !v->bad_record;
	snprintf(diag, sizeof(diag),
		 "missing=%lu bad-order=%lu bad-content=%lu overlap=%lu bad-subtree=%lu extra-subtrees=%lu bad-record=%lu",
		 v->missing, v->bad_order, v->bad_content, v->overlap,
		 v->bad_subtree, v->extra_subtrees, v->bad_record);
	kho_stress_point(ok, 4, "b-checks", diag);
}

static int __init kho_stress_incoming(void)
{
	struct kho_stress_verdict v = {};
	const struct kho_stress_hdr *hdr;
	const u64 *rec_phys, *rec_size;
	struct folio *folio = NULL;
	phys_addr_t phys;
	bool accounts, pass;
	int len1, len2;
	void *fdt;

	if (kho_retrieve_subtree(KHO_STRESS_NAME, &phys))
		return 0;
	if (!kho_is_preserved(phys, 0))
		goto bad;
	fdt = phys_to_virt(phys);
	rec_phys = fdt_getprop(fdt, 0, "record", &len1);
	rec_size = fdt_getprop(fdt, 0, "record-size", &len2);
	if (fdt_check_header(fdt) || !rec_phys || len1 != sizeof(u64) ||
	    !rec_size || len2 != sizeof(u64) ||
	    get_unaligned(rec_size) != KHO_STRESS_RECORD_SIZE)
		goto bad_fdt;
	phys = get_unaligned(rec_phys);
	if (!kho_is_preserved(phys, get_order(KHO_STRESS_RECORD_SIZE)))
		goto bad_fdt;
	folio = kho_restore_folio(phys);
	if (!folio)
		goto bad_fdt;
	hdr = folio_address(folio);
	if (hdr->magic != KHO_STRESS_MAGIC || hdr->nr_recs > KHO_STRESS_RECS ||
	    hdr->threads > KHO_STRESS_MAX_THREADS) {
		pr_err("B: the record was never completed (no freeze ran)\n");
		goto bad_record;
	}
	kho_stress_verify(&v, hdr);
	accounts = kho_stress_accounts(hdr, &v);
	pass = accounts && !v.missing && !v.bad_order && !v.bad_content &&
	       !v.overlap && !v.bad_subtree && !v.extra_subtrees &&
	       !v.bad_record && v.folios && v.held && v.subtrees;
	snprintf(kho_stress_result, sizeof(kho_stress_result),
		 "RESULT status=%s folios=%lu/%lu pages=%lu held-free=%lu/%lu subtrees=%lu/%lu missing=%lu bad-order=%lu bad-content=%lu overlap=%lu bad-subtree=%lu extra-subtrees=%lu bad-record=%lu accounts=%s a-running=%u/%u a-iterations=%llu",
		 pass ? "PASS" : "FAIL", v.folios, v.live_a, v.pages, v.held,
		 v.held_a, v.subtrees, v.subtrees_a, v.missing, v.bad_order,
		 v.bad_content, v.overlap, v.bad_subtree, v.extra_subtrees,
		 v.bad_record, accounts ? "ok" : "bad", hdr->running,
		 hdr->threads, hdr->counts[KS_ITERATIONS]);
	pr_info("B: %s\n", kho_stress_result);
	kho_stress_ktap(hdr, &v, accounts);
	folio_put(folio);
	kho_restore_free(fdt);
	return 0;

bad_record:
	folio_put(folio);
bad_fdt:
	kho_restore_free(fdt);
bad:
	strscpy(kho_stress_result, "RESULT status=FAIL bad-record=1");
	pr_err("B: %s\n", kho_stress_result);
	pr_info("KTAP version 1\n");
	pr_info("1..1\n");
	kho_stress_point(false, 1, "record", "the kho-stress subtree or record is bad");
	return 0;
}

/* ---------------------------------------------------------------------- */
/* debugfs                                                               */

static ssize_t kho_stress_start_write(struct file *file,
				      const char __user *ubuf, size_t len,
				      loff_t *ppos)
{
	unsigned int threads, seconds = 300, pause_us = 0;
	unsigned long iterations;
	char buf[80];
	u64 seed;
	int err;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%u %lu %llu %u %u", &threads, &iterations, &seed,
		   &seconds, &pause_us) < 3)
		return -EINVAL;
	err = kho_stress_start(threads, iterations, seed, seconds, pause_us);
	return err ? err : len;
}

static const struct file_operations kho_stress_start_fops = {
	.owner = THIS_MODULE,
	.write = kho_stress_start_write,
	.llseek = noop_llseek,
};

static int kho_stress_status_show(struct seq_file *m, void *v)
{
	unsigned long counts[KS_NR_COUNTS];
	unsigned int k;

	guard(mutex)(&kho_stress_lock);
	if (kho_stress_result[0])
		seq_printf(m, "B: %s\n", kho_stress_result);
	if (!kho_stress_threads)
		return 0;
	kho_stress_sum(counts);
	seq_printf(m, "A: threads=%u running=%u frozen=%d",
		   kho_stress_nr_threads,
		   kho_stress_frozen ? 0 : kho_stress_running(),
		   kho_stress_frozen);
	for (k = 0; k < KS_NR_COUNTS; k++)
		seq_printf(m, " %s=%lu", kho_stress_count_names[k], counts[k]);
	seq_putc(m, '\n');
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kho_stress_status);

static int __init kho_stress_init(void)
{
	struct dentry *dir;
	int err;

	if (!kho_is_enabled())
		return 0;
	kho_stress_incoming();
	err = register_reboot_notifier(&kho_stress_reboot_nb);
	if (err)
		return err;
	dir = debugfs_create_dir("kho_stress", NULL);
	debugfs_create_file("start", 0200, dir, NULL, &kho_stress_start_fops);
	debugfs_create_file("status", 0400, dir, NULL, &kho_stress_status_fops);
	return 0;
}
late_initcall(kho_stress_init);
