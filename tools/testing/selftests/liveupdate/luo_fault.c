// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failures on the preserve side of kexec handover and the Live
 * Update Orchestrator, on a kernel with fault injection (failslab,
 * fail_page_alloc) and CONFIG_KHO_FAULT_TEST.
 *
 * For each operation the Nth allocation it makes fails, for N = 1, 2, ...
 * until the operation completes without reaching it.  The per-task
 * fail-nth counter (/proc/thread-self/fail-nth) picks the allocation: it
 * is written just before the operation and read back just after it; 0
 * means the injected failure was consumed.  Each time the operation must
 * either fail with ENOMEM and leave everything as it was, or succeed (an
 * allocator absorbed the failure: kmemleak's metadata, for instance) and
 * leave exactly what a success leaves.
 *
 * LUO_CASE=kho: the KHO sites, run in the kernel by writing "all" to
 *	/sys/kernel/debug/kho_fault_test/run; their report is printed.
 * LUO_CASE=luo (the default), two stages:
 *	stage 1: CREATE_SESSION, PRESERVE_FD of a memfd of small folios and
 *	of one of large folios, and the reboot step (reboot(KEXEC) runs the
 *	freeze of every session).  The freeze ends at a file of the test
 *	handler whose freeze always fails, in the last session, so every
 *	attempt is cancelled and the loop ends when the injected failure is
 *	not consumed; then that session goes and /init kexecs for real.
 *	stage 2: kernel B gets exactly the frozen sessions and memfds.
 *
 * The outgoing state is compared through the digest of
 * /sys/kernel/debug/kho_fault_test/digest (the set of preserved blocks
 * and the root FDT) and the bytes of the LUO subtree.  The output is
 * "# site NAME ops=N injected=N enomem=N absorbed=N mismatches=N" per
 * site, "# mismatch ..." for each mismatch and a "# total ..." line; the
 * program exits 1 if anything did not match.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <linux/kexec.h>
#include <linux/reboot.h>

#include "kselftest.h"
#include "luo_test_utils.h"

#define FAULT_DEBUGFS	"/sys/kernel/debug/kho_fault_test"
#define LUO_TEST_FAIL	"/sys/kernel/debug/liveupdate_test/fail_freeze"
#define LUO_SUBTREE	"/sys/kernel/debug/kho/out/sub_fdts/LUO"
#define THP_SHMEM	"/sys/kernel/mm/transparent_hugepage/shmem_enabled"
#define KERNEL_IMAGE	"/boot/bzImage"
#define MAX_N		4096

/* memfds: small folios, and 2 MiB ones; a second small one, sparse */
#define SMALL_PAGES	64
#define LARGE_PAGES	2048
#define SPARSE_PAGES	512
#define SMALL_SEED	0x5a11
#define LARGE_SEED	0x1a29e
#define SPARSE_SEED	0x59a25e
#define LATE_SEED	0x1a7e

struct site {
	const char *name;
	unsigned int ops, injected, enomem, absorbed, mismatches;
};

/* The outgoing handover, from the digest file. */
struct digest {
	unsigned long blocks;
	char sum[32];
	char orders[256];
	char fdt[32];
};

static struct site total = { .name = "total" };
static unsigned int nr_sites;
static int nth_fd = -1;

static void disagree(struct site *s, unsigned int n, const char *fmt, ...)
{
	va_list ap;

	printf("# mismatch %s N=%u: ", s->name, n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	s->mismatches++;
}

static void site_done(struct site *s)
{
	printf("# site %s ops=%u injected=%u enomem=%u absorbed=%u mismatches=%u\n",
	       s->name, s->ops, s->injected, s->enomem, s->absorbed,
	       s->mismatches);
	fflush(stdout);
	nr_sites++;
	total.ops += s->ops;
	total.injected += s->injected;
	total.enomem += s->enomem;
	total.absorbed += s->absorbed;
	total.mismatches += s->mismatches;
}

static int write_text(const char *path, const char *text)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

/* The whole file into @buf (NUL terminated); its length or -errno. */
static ssize_t read_all(const char *path, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return got;
}

/* Every allocation, sleeping or not, of any order, silently. */
static int fault_setup(void)
{
	static const char * const knobs[][2] = {
		{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/failslab/verbose", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/min-order", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
	};
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		ret = write_text(knobs[i][0], knobs[i][1]);
		if (ret) {
			printf("# cannot set %s: %s\n", knobs[i][0],
			       strerror(-ret));
			return ret;
		}
	}
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0) {
		printf("# /proc/thread-self/fail-nth: %s\n", strerror(errno));
		return -errno;
	}
	return 0;
}

/* Arm the Nth allocation of this task's next calls to fail. */
static void nth_arm(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (pwrite(nth_fd, buf, len, 0) != len) {
		printf("# cannot write fail-nth: %s\n", strerror(errno));
		exit(1);
	}
}

/*
 * What is left of the count (0: the injected failure was consumed), and
 * disarm it.  Reading it allocates nothing.
 */
static unsigned int nth_left(void)
{
	char buf[16];
	ssize_t n = pread(nth_fd, buf, sizeof(buf) - 1, 0);
	unsigned int left;

	if (n <= 0) {
		printf("# cannot read fail-nth: %s\n", strerror(errno));
		exit(1);
	}
	buf[n] = '\0';
	left = strtoul(buf, NULL, 10);
	if (left)
		nth_arm(0);
	return left;
}

static int digest_read(struct digest *d)
{
	char buf[1024];
	ssize_t n = read_all(FAULT_DEBUGFS "/digest", buf, sizeof(buf));

	if (n < 0)
		return n;
	memset(d, 0, sizeof(*d));
	if (sscanf(buf, "blocks=%lu sum=%31s orders=%255s fdt=%31s", &d->blocks,
		   d->sum, d->orders, d->fdt) != 4)
		return -EINVAL;
	return 0;
}

static void digest_or_die(struct digest *d)
{
	int ret = digest_read(d);

	if (ret) {
		printf("# %s/digest: %s (CONFIG_KHO_FAULT_TEST?)\n",
		       FAULT_DEBUGFS, strerror(-ret));
		exit(1);
	}
}

/* Exactly the same set of preserved blocks and the same root FDT? */
static int digest_same(const struct digest *a, const struct digest *b)
{
	return a->blocks == b->blocks && !strcmp(a->sum, b->sum) &&
	       !strcmp(a->orders, b->orders) && !strcmp(a->fdt, b->fdt);
}

/* The per-order differences between two "0:n,1:n,..." lists. */
static int orders_delta(const char *before, const char *after, long *delta)
{
	const char *p = before, *q = after;
	int i;

	for (i = 0; i < 11 && *p && *q; i++) {
		unsigned long a, b;
		char *e;

		strtoul(p, &e, 10);	/* the order */
		a = strtoul(e + 1, &e, 10);
		p = *e ? e + 1 : e;
		strtoul(q, &e, 10);
		b = strtoul(e + 1, &e, 10);
		q = *e ? e + 1 : e;
		delta[i] = (long)b - (long)a;
	}
	return i;
}

/*
 * Did @after gain over @before what @ref_after gained over @ref_before?
 * Only the counts: new pages land anywhere.
 */
static int digest_gain_same(const struct digest *before,
			    const struct digest *after,
			    const struct digest *ref_before,
			    const struct digest *ref_after)
{
	long d1[11] = { 0 }, d2[11] = { 0 };

	orders_delta(before->orders, after->orders, d1);
	orders_delta(ref_before->orders, ref_after->orders, d2);
	return after->blocks - before->blocks ==
	       ref_after->blocks - ref_before->blocks &&
	       !memcmp(d1, d2, sizeof(d1)) && !strcmp(before->fdt, after->fdt);
}

/* Open descriptors of this process, the directory's own included. */
static int count_fds(void)
{
	struct dirent *d;
	DIR *dir;
	int n = 0;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return -errno;
	while ((d = readdir(dir)))
		n += d->d_name[0] != '.';
	closedir(dir);
	return n;
}

/* ---------------------------------------------------------------------- */
/* LUO_CASE=kho                                                           */

static int run_kho(void)
{
	static char report[4096];
	unsigned int mismatches = 1, m;
	char *line, *save;
	ssize_t n;
	int ret;

	ret = write_text(FAULT_DEBUGFS "/run", "all");
	if (ret) {
		printf("# %s/run: %s (CONFIG_KHO_FAULT_TEST?)\n", FAULT_DEBUGFS,
		       strerror(-ret));
		return 1;
	}
	n = read_all(FAULT_DEBUGFS "/run", report, sizeof(report));
	if (n <= 0) {
		printf("# no report from %s/run\n", FAULT_DEBUGFS);
		return 1;
	}
	for (line = strtok_r(report, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		printf("# %s\n", line);
		if (sscanf(line,
			   "total sites=%*u ops=%*u injected=%*u enomem=%*u absorbed=%*u mismatches=%u",
			   &m) == 1)
			mismatches = m;
	}
	return mismatches ? 1 : 0;
}

/* ---------------------------------------------------------------------- */
/* LUO_CASE=luo, stage 1                                                  */

static int create_session(int dev, const char *name)
{
	int fd, ret = luo_create_session(dev, name, &fd);

	if (ret) {
		printf("# create session %s: %s\n", name, strerror(-ret));
		exit(1);
	}
	return fd;
}

/* One CREATE_SESSION loop, with the sessions that are open now. */
static void loop_create(int dev, struct site *site)
{
	struct site s = *site;
	struct digest before, after, ref_before, ref_after;
	unsigned int n, left;
	int fd, fds, ret, t;

	/* a success with nothing injected: what one adds */
	digest_or_die(&ref_before);
	fd = create_session(dev, "fault-create");
	digest_or_die(&ref_after);
	close(fd);
	digest_or_die(&after);
	if (!digest_same(&ref_before, &after))
		disagree(&s, 0, "closing a session left the tracker changed");

	s.ops++;
	for (n = 1; n <= MAX_N; n++) {
		digest_or_die(&before);
		fds = count_fds();
		nth_arm(n);
		ret = luo_create_session(dev, "fault-create", &fd);
		left = nth_left();
		digest_or_die(&after);
		if (!left)
			s.injected++;
		if (ret) {
			if (left)
				disagree(&s, n, "failed with no injected failure: %s",
					 strerror(-ret));
			else if (ret == -ENOMEM)
				s.enomem++;
			else
				disagree(&s, n, "failed with %s, not ENOMEM",
					 strerror(-ret));
			if (!digest_same(&before, &after))
				disagree(&s, n,
					 "the handover changed: %lu blocks %s, was %lu blocks %s",
					 after.blocks, after.sum, before.blocks,
					 before.sum);
			if (count_fds() != fds)
				disagree(&s, n, "%d descriptors, was %d",
					 count_fds(), fds);
			/* the name is free */
			ret = luo_create_session(dev, "fault-create", &t);
			if (ret)
				disagree(&s, n, "the name is not free: %s",
					 strerror(-ret));
			else
				close(t);
			if (left)
				break;
			continue;
		}
		if (!left)
			s.absorbed++;
		if (!digest_gain_same(&before, &after, &ref_before, &ref_after))
			disagree(&s, n, "a success left %lu blocks (%s), expected %lu more",
				 after.blocks, after.orders,
				 ref_after.blocks - ref_before.blocks);
		if (luo_create_session(dev, "fault-create", &t) != -EEXIST)
			disagree(&s, n, "the name is not taken after a success");
		close(fd);
		digest_or_die(&after);
		if (!digest_same(&before, &after))
			disagree(&s, n, "closing the session left the handover changed");
		if (left)
			break;
	}
	if (n > MAX_N)
		disagree(&s, n, "never completed");
	*site = s;
}

/*
 * CREATE_SESSION with no session, where the record chain must grow a
 * block, and with one, where the new record fits in its block.
 */
static void site_create(int dev)
{
	struct site s = { .name = "luo_create_session" };
	int keep;

	loop_create(dev, &s);
	keep = create_session(dev, "fault-keep");
	loop_create(dev, &s);
	close(keep);
	site_done(&s);
}

/* A memfd of @pages pages written from @seed (every @stride-th page). */
static int data_memfd(uint64_t seed, uint64_t pages, uint64_t stride)
{
	int fd = luo_memfd("luo-fault", pages * LUO_PAGE, 0);
	uint64_t i;

	if (fd < 0)
		return fd;
	for (i = 0; i < pages; i += stride) {
		if (luo_write_pages(fd, seed, i, 1)) {
			close(fd);
			return -EIO;
		}
	}
	return fd;
}

static uint64_t fd_sum(int fd)
{
	int err;
	uint64_t sum = luo_sum_fd(fd, &err);

	return err ? 0 : sum;
}

/* Is the memfd's size frozen (as a preserved memfd's is)? */
static int size_frozen(int fd, off_t size)
{
	if (ftruncate(fd, size + LUO_PAGE))
		return 1;
	if (ftruncate(fd, size)) {
		printf("# cannot truncate the memfd back: %s\n", strerror(errno));
		exit(1);
	}
	return 0;
}

/* A new "fault-preserve" session, holding @other (if not -1) already. */
static int preserve_session(int dev, int other)
{
	int session = create_session(dev, "fault-preserve");
	int ret;

	if (other >= 0) {
		ret = luo_preserve_fd(session, other, 1);
		if (ret) {
			printf("# PRESERVE_FD: %s\n", strerror(-ret));
			exit(1);
		}
	}
	return session;
}

/* One PRESERVE_FD loop of @memfd into a session holding @other or not. */
static void loop_preserve(int dev, struct site *site, int memfd, off_t size,
			  int other)
{
	struct digest before, after, ref_before, ref_after;
	struct site s = *site;
	unsigned int n, left;
	int session, ret;

	session = preserve_session(dev, other);
	digest_or_die(&ref_before);
	ret = luo_preserve_fd(session, memfd, 7);
	if (ret) {
		disagree(&s, 0, "PRESERVE_FD failed with nothing injected: %s",
			 strerror(-ret));
		close(session);
		*site = s;
		return;
	}
	digest_or_die(&ref_after);
	close(session);

	s.ops++;
	for (n = 1; n <= MAX_N; n++) {
		session = preserve_session(dev, other);
		digest_or_die(&before);
		nth_arm(n);
		ret = luo_preserve_fd(session, memfd, 7);
		left = nth_left();
		digest_or_die(&after);
		if (!left)
			s.injected++;
		if (ret) {
			if (left)
				disagree(&s, n, "failed with no injected failure: %s",
					 strerror(-ret));
			else if (ret == -ENOMEM)
				s.enomem++;
			else
				disagree(&s, n, "failed with %s, not ENOMEM",
					 strerror(-ret));
			if (!digest_same(&before, &after))
				disagree(&s, n,
					 "the handover changed: %lu blocks %s, was %lu blocks %s",
					 after.blocks, after.sum, before.blocks,
					 before.sum);
			if (size_frozen(memfd, size))
				disagree(&s, n, "the memfd's size stayed frozen");
			/* the token is free and the memfd can be preserved */
			ret = luo_preserve_fd(session, memfd, 7);
			if (ret)
				disagree(&s, n, "the fd or token is not free: %s",
					 strerror(-ret));
			close(session);
			if (left)
				break;
			continue;
		}
		if (!left)
			s.absorbed++;
		if (!digest_gain_same(&before, &after, &ref_before, &ref_after))
			disagree(&s, n, "a success left %lu blocks (%s), expected %lu more",
				 after.blocks, after.orders,
				 ref_after.blocks - ref_before.blocks);
		if (!size_frozen(memfd, size))
			disagree(&s, n, "a preserved memfd's size is not frozen");
		if (luo_preserve_fd(session, memfd, 8) != -EBUSY)
			disagree(&s, n, "the memfd is not taken after a success");
		close(session);
		if (size_frozen(memfd, size))
			disagree(&s, n, "closing the session left the size frozen");
		if (left)
			break;
	}
	if (n > MAX_N)
		disagree(&s, n, "never completed");
	*site = s;
}

/*
 * PRESERVE_FD into an empty session, where the file record chain must grow
 * a block, and into one holding a file already, where the record fits.
 */
static void site_preserve(int dev, const char *name, int memfd, off_t size)
{
	struct site s = { .name = name };
	int other = data_memfd(LATE_SEED, 1, 1);

	if (other < 0) {
		printf("# memfd: %s\n", strerror(-other));
		exit(1);
	}
	loop_preserve(dev, &s, memfd, size, -1);
	loop_preserve(dev, &s, memfd, size, other);
	close(other);
	site_done(&s);
}

static int load_kexec_image(void)
{
	static const char cmdline[] =
		"console=ttyS0 panic=-1 khotest.test=escaped-kexec";
	int kfd, ret;

	kfd = open(KERNEL_IMAGE, O_RDONLY);
	if (kfd < 0)
		return -errno;
	/* it never runs: the freeze of the last session always fails */
	ret = syscall(SYS_kexec_file_load, kfd, -1, sizeof(cmdline), cmdline,
		      (unsigned long)KEXEC_FILE_NO_INITRAMFS);
	ret = ret ? -errno : 0;
	close(kfd);
	return ret;
}

struct kept {
	const char *session;
	uint64_t token;
	uint64_t seed;
	uint64_t pages;
	uint64_t stride;
	int fd;
	uint64_t sum;
};

static struct kept kept[] = {
	{ "fault-freeze-1", 1, SMALL_SEED, SMALL_PAGES, 1, -1, 0 },
	{ "fault-freeze-1", 2, LARGE_SEED, LARGE_PAGES, 1, -1, 0 },
	{ "fault-freeze-2", 1, SPARSE_SEED, SPARSE_PAGES, 7, -1, 0 },
	/* preserved after the loop, into a session that saw it */
	{ "fault-freeze-2", 2, LATE_SEED, SMALL_PAGES, 1, -1, 0 },
};

#define NR_KEPT		ARRAY_SIZE(kept)
#define NR_LOOP_KEPT	3

static void site_freeze(int dev, int *held)
{
	struct digest base, after;
	static char sub0[4096], sub1[4096];
	struct site s = { .name = "luo_freeze" };
	int s1, s2, s3, fail, ret, err, i;
	unsigned int n, left;
	ssize_t len0, len1;

	s1 = create_session(dev, "fault-freeze-1");
	s2 = create_session(dev, "fault-freeze-2");
	for (i = 0; i < (int)NR_LOOP_KEPT; i++) {
		if (kept[i].pages == LARGE_PAGES)
			write_text(THP_SHMEM, "always");
		kept[i].fd = data_memfd(kept[i].seed, kept[i].pages,
					kept[i].stride);
		write_text(THP_SHMEM, "never");
		if (kept[i].fd < 0) {
			printf("# memfd: %s\n", strerror(-kept[i].fd));
			exit(1);
		}
		kept[i].sum = fd_sum(kept[i].fd);
		ret = luo_preserve_fd(i < 2 ? s1 : s2, kept[i].fd,
				      kept[i].token);
		if (ret) {
			printf("# PRESERVE_FD: %s\n", strerror(-ret));
			exit(1);
		}
	}
	/* last: the file whose freeze always fails */
	s3 = create_session(dev, "fault-freeze-sentinel");
	fail = open(LUO_TEST_FAIL, O_RDONLY);
	if (fail < 0 || luo_preserve_fd(s3, fail, 1)) {
		printf("# %s: cannot preserve it (CONFIG_LIVEUPDATE_TEST?)\n",
		       LUO_TEST_FAIL);
		exit(1);
	}
	ret = load_kexec_image();
	if (ret) {
		printf("# kexec_file_load: %s\n", strerror(-ret));
		exit(1);
	}

	digest_or_die(&base);
	len0 = read_all(LUO_SUBTREE, sub0, sizeof(sub0));
	if (len0 <= 0) {
		printf("# %s: %s\n", LUO_SUBTREE, strerror(-len0));
		exit(1);
	}
	s.ops++;
	fflush(stdout);
	for (n = 1; n <= MAX_N; n++) {
		nth_arm(n);
		ret = reboot(LINUX_REBOOT_CMD_KEXEC);
		err = errno;
		left = nth_left();
		if (!ret) {
			printf("# reboot(KEXEC) returned 0\n");
			exit(1);
		}
		if (!left)
			s.injected++;
		if (err == ECANCELED) {
			/* the freeze got through to the failing file */
			if (!left)
				s.absorbed++;
		} else if (left) {
			disagree(&s, n, "failed with %s and no injected failure",
				 strerror(err));
		} else if (err == ENOMEM) {
			s.enomem++;
		} else {
			disagree(&s, n, "failed with %s, not ENOMEM or ECANCELED",
				 strerror(err));
		}
		digest_or_die(&after);
		if (!digest_same(&base, &after))
			disagree(&s, n,
				 "a cancelled freeze left %lu blocks %s (%s), was %lu blocks %s (%s)",
				 after.blocks, after.sum, after.orders,
				 base.blocks, base.sum, base.orders);
		len1 = read_all(LUO_SUBTREE, sub1, sizeof(sub1));
		if (len1 != len0 || memcmp(sub0, sub1, len0))
			disagree(&s, n, "the LUO subtree changed");
		for (i = 0; i < (int)NR_LOOP_KEPT; i++) {
			if (!size_frozen(kept[i].fd,
					 kept[i].pages * LUO_PAGE))
				disagree(&s, n, "memfd %d is not frozen", i);
		}
		if (left)
			break;
	}
	if (n > MAX_N)
		disagree(&s, n, "never completed");

	/* the sessions still work */
	for (i = 0; i < (int)NR_LOOP_KEPT; i++) {
		if (fd_sum(kept[i].fd) != kept[i].sum)
			disagree(&s, n, "memfd %d changed", i);
	}
	kept[3].fd = data_memfd(kept[3].seed, kept[3].pages, kept[3].stride);
	kept[3].sum = fd_sum(kept[3].fd);
	ret = luo_preserve_fd(s2, kept[3].fd, kept[3].token);
	if (ret)
		disagree(&s, n, "PRESERVE_FD after the loop: %s", strerror(-ret));
	/* without the failing file the next kexec goes; /init loads its own */
	close(s3);
	close(fail);
	if (syscall(SYS_kexec_file_load, -1, -1, 0, NULL,
		    (unsigned long)KEXEC_FILE_UNLOAD))
		disagree(&s, n, "kexec unload: %s", strerror(errno));
	held[0] = s1;
	held[1] = s2;
	site_done(&s);
}

static int stage1(int dev)
{
	struct luo_state st = { { 0 } };
	long huge_before, huge_after;
	int small, large, held[3], i;

	/* small folios: no THP for shmem */
	if (write_text(THP_SHMEM, "never")) {
		printf("# cannot set %s\n", THP_SHMEM);
		return 1;
	}
	site_create(dev);

	small = data_memfd(SMALL_SEED, SMALL_PAGES, 1);
	site_preserve(dev, "luo_preserve_fd_small", small, SMALL_PAGES * LUO_PAGE);
	close(small);

	huge_before = luo_meminfo_kib("ShmemHugePages");
	write_text(THP_SHMEM, "always");
	large = data_memfd(LARGE_SEED, LARGE_PAGES, 1);
	write_text(THP_SHMEM, "never");
	huge_after = luo_meminfo_kib("ShmemHugePages");
	printf("# the large-folio memfd: ShmemHugePages %ld -> %ld kB\n",
	       huge_before, huge_after);
	if (huge_after - huge_before < (long)(LARGE_PAGES * LUO_PAGE / 1024)) {
		struct site s = { .name = "luo_preserve_fd_large" };

		disagree(&s, 0, "the memfd got no large folios");
		site_done(&s);
	} else {
		site_preserve(dev, "luo_preserve_fd_large", large,
			      LARGE_PAGES * LUO_PAGE);
	}
	close(large);

	site_freeze(dev, held);

	for (i = 0; i < (int)NR_KEPT; i++) {
		char key[32];

		snprintf(key, sizeof(key), "sum%d", i);
		luo_state_set_u64(&st, key, kept[i].sum);
	}
	luo_state_set_u64(&st, "mismatches", total.mismatches);
	held[2] = luo_state_save(dev, 1, &st);
	if (held[2] < 0) {
		printf("# state session: %s\n", strerror(-held[2]));
		return 1;
	}
	if (luo_hold_fds(held, 3) < 0) {
		printf("# cannot hold the sessions\n");
		return 1;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* LUO_CASE=luo, stage 2                                                  */

static int stage2(int dev)
{
	static const char * const gone[] = {
		"fault-create", "fault-keep", "fault-preserve",
		"fault-freeze-sentinel",
	};
	struct site s = { .name = "luo_kernel_b" };
	struct luo_state st;
	int s1, s2, fd, ret, i, verified = 0;
	unsigned int absent = 0;

	ret = luo_state_load(dev, 1, &st);
	if (ret) {
		printf("# state session of stage 1: %s\n", strerror(-ret));
		return 1;
	}
	for (i = 0; i < (int)ARRAY_SIZE(gone); i++) {
		ret = luo_retrieve_session(dev, gone[i], &fd);
		if (ret == -ENOENT)
			absent++;
		else
			disagree(&s, 0, "session %s: %s, expected ENOENT",
				 gone[i], strerror(-ret));
	}
	if (luo_retrieve_session(dev, "fault-freeze-1", &s1) ||
	    luo_retrieve_session(dev, "fault-freeze-2", &s2)) {
		printf("# the frozen sessions did not come back\n");
		return 1;
	}
	for (i = 0; i < (int)NR_KEPT; i++) {
		char key[32];
		int sess = strcmp(kept[i].session, "fault-freeze-1") ? s2 : s1;

		snprintf(key, sizeof(key), "sum%d", i);
		ret = luo_retrieve_fd(sess, kept[i].token, &fd);
		if (ret) {
			disagree(&s, 0, "%s token %llu: %s", kept[i].session,
				 (unsigned long long)kept[i].token,
				 strerror(-ret));
			continue;
		}
		if (lseek(fd, 0, SEEK_END) != (off_t)(kept[i].pages * LUO_PAGE) ||
		    fd_sum(fd) != luo_state_u64(&st, key))
			disagree(&s, 0, "%s token %llu: size or contents differ",
				 kept[i].session,
				 (unsigned long long)kept[i].token);
		else
			verified++;
		close(fd);
	}
	/* nothing more than that */
	if (luo_retrieve_fd(s1, 3, &fd) != -ENOENT ||
	    luo_retrieve_fd(s2, 3, &fd) != -ENOENT)
		disagree(&s, 0, "a session holds more files than were kept");
	if (luo_finish(s1) || luo_finish(s2))
		disagree(&s, 0, "FINISH failed");
	close(s1);
	close(s2);
	printf("# B: 2 sessions, %d of %zu memfds verified, %u absent, A mismatches %llu\n",
	       verified, NR_KEPT, absent,
	       (unsigned long long)luo_state_u64(&st, "mismatches"));
	total.mismatches += s.mismatches;
	return s.mismatches || verified != (int)NR_KEPT ||
	       luo_state_u64(&st, "mismatches");
}

int main(void)
{
	const char *luo_case = getenv("LUO_CASE");
	int stage = luo_stage(), dev, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (luo_case && !strcmp(luo_case, "kho")) {
		ret = fault_setup() ? 1 : run_kho();
		printf("# %s\n", ret ? "FAIL" : "PASS");
		return ret;
	}
	dev = open(LUO_DEVICE, O_RDWR);
	if (dev < 0) {
		printf("# %s: %s\n", LUO_DEVICE, strerror(errno));
		return 1;
	}
	if (stage == 1) {
		if (fault_setup())
			return 1;
		ret = stage1(dev);
		printf("# total sites=%u ops=%u injected=%u enomem=%u absorbed=%u mismatches=%u\n",
		       nr_sites, total.ops, total.injected, total.enomem,
		       total.absorbed, total.mismatches);
	} else {
		ret = stage2(dev);
	}
	ret = ret || total.mismatches;
	printf("# %s\n", ret ? "FAIL" : "PASS");
	return ret;
}
