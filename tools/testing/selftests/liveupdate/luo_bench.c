// SPDX-License-Identifier: GPL-2.0
/*
 * The guest part of "make bench": kernel A keeps a memfd in a LUO session,
 * kernel B gets it back after the kexec and checksums it.  The harness
 * times the kexec from the console; this program only prepares, verifies
 * and says what it did.
 *
 * LUO_CASE selects what kernel A keeps (MIB is even):
 *
 *   none            nothing (a plain kexec; /dev/liveupdate is not opened)
 *   dense:MIB       MIB MiB in 2 MiB folios: shmem huge pages are turned
 *                   on ("always") before the memfd is written
 *   scattered:MIB   MIB MiB of order-0 pages, each apart from the next: a
 *                   memfd of twice the size is allocated in one go (its
 *                   pages come out of the allocator mostly in physical
 *                   order), the even pages are written and the odd ones
 *                   punched out
 *
 * Stage 1 (LUO_STAGE=1, kernel A) fills the memfd, preserves it and leaves
 * a process holding the session; stage 2 (kernel B) retrieves it and
 * checks the checksum of every page written.  Both then read the physical
 * address of every page from /proc/self/pagemap and count the runs of
 * contiguous pages: stage 1 before the reboot step (which moves folios out
 * of KHO's scratch areas), stage 2 what was handed over.  Each stage
 * prints "BENCH: stage=N ..." lines; stage 2's line with status= comes as
 * soon as the data is verified.  Exit status 0 means done and verified.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "luo_test_utils.h"

#define BENCH_SESSION	"bench"
#define BENCH_TOKEN	1
#define BENCH_SEED	0x6a09e667f3bcc908ULL
#define THP_SHMEM	"/sys/kernel/mm/transparent_hugepage/shmem_enabled"
#define WORDS		(LUO_PAGE / 8)

#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE	0x01
#endif
#ifndef FALLOC_FL_PUNCH_HOLE
#define FALLOC_FL_PUNCH_HOLE	0x02
#endif

struct bench {
	const char *kind;	/* none, dense, scattered */
	unsigned long mib;	/* MiB written and kept */
	unsigned long pages;	/* pages written */
	unsigned long stride;	/* file pages per page written: 1 or 2 */
};

/* A Fletcher-style checksum of 64-bit words: order matters. */
struct csum {
	uint64_t a, b;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int fail(int stage, const char *what, int err)
{
	printf("BENCH: stage=%d status=FAIL what=\"%s\" error=\"%s\"\n", stage,
	       what, strerror(err < 0 ? -err : err));
	return 1;
}

static void csum_add(struct csum *c, const uint64_t *w, size_t words)
{
	uint64_t a = c->a, b = c->b;
	size_t i;

	for (i = 0; i < words; i++) {
		a += w[i];
		b += a;
	}
	c->a = a;
	c->b = b;
}

/* The contents of data page @page: every word from its position alone. */
static void fill_page(uint64_t *w, unsigned long page)
{
	uint64_t x = (uint64_t)page * WORDS;
	size_t i;

	for (i = 0; i < WORDS; i++)
		w[i] = (x + i + BENCH_SEED) * 0x9e3779b97f4a7c15ULL;
}

static int parse_case(struct bench *b)
{
	const char *s = getenv("LUO_CASE");
	char *end;

	memset(b, 0, sizeof(*b));
	if (!s || !strcmp(s, "none")) {
		b->kind = "none";
		return 0;
	}
	if (!strncmp(s, "dense:", 6)) {
		b->kind = "dense";
		b->stride = 1;
	} else if (!strncmp(s, "scattered:", 10)) {
		b->kind = "scattered";
		b->stride = 2;
	} else {
		return -EINVAL;
	}
	b->mib = strtoul(strchr(s, ':') + 1, &end, 10);
	if (*end || !b->mib || b->mib % 2)
		return -EINVAL;
	b->pages = b->mib * (LUO_MIB / LUO_PAGE);
	return 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

/* A shared mapping of the whole memfd, or NULL. */
static uint64_t *map_memfd(int fd, const struct bench *b, int prot)
{
	void *map = mmap(NULL, b->pages * b->stride * LUO_PAGE, prot,
			 MAP_SHARED, fd, 0);

	return map == MAP_FAILED ? NULL : map;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/*
 * The page frame number of every page written, from /proc/self/pagemap
 * (@map has them all mapped), sorted, in runs of physically contiguous
 * pages.  Returns the number of runs, or -errno.
 */
static long pfn_runs(const uint64_t *map, const struct bench *b)
{
	size_t n = b->pages * b->stride, i, got = 0;
	uint64_t *ent, *pfns;
	long runs = 0;

	ent = malloc(n * 8);
	pfns = malloc(b->pages * 8);
	if (!ent || !pfns) {
		runs = -ENOMEM;
		goto out;
	}
	runs = luo_pfns(map, n, ent);
	if (runs)
		goto out;
	for (i = 0; i < n; i += b->stride) {
		if (ent[i])
			pfns[got++] = ent[i];
	}
	if (got != b->pages || !pfns[0]) {
		runs = -ENODATA;	/* not mapped, or no PFNs shown */
		goto out;
	}
	qsort(pfns, got, sizeof(*pfns), cmp_u64);
	for (i = 0; i < got; i++)
		runs += !i || pfns[i] != pfns[i - 1] + 1;
out:
	free(ent);
	free(pfns);
	return runs;
}

static void print_runs(int stage, const struct bench *b, long runs)
{
	if (runs < 0)
		printf("BENCH: stage=%d pages=%lu runs=? error=\"%s\"\n", stage,
		       b->pages, strerror(-runs));
	else
		printf("BENCH: stage=%d pages=%lu runs=%ld\n", stage, b->pages,
		       runs);
}

/*
 * Write and checksum the data pages through a mapping: no copy, and with
 * shmem huge pages on one fault per 2 MiB folio.  For "scattered", the
 * whole file is allocated first (fallocate), so that file page i is
 * physically next to file page i + 1, then the odd pages are punched out.
 * *@runs gets pfn_runs() of the pages written.
 */
static int fill(int fd, const struct bench *b, struct csum *c, long *runs)
{
	size_t size = b->pages * b->stride * LUO_PAGE;
	unsigned long page;
	uint64_t *map;

	if (b->stride == 2 && fallocate(fd, 0, 0, size))
		return -errno;
	map = map_memfd(fd, b, PROT_READ | PROT_WRITE);
	if (!map)
		return -errno;
	/* one call instead of a fault per page; faults do it otherwise */
	madvise(map, size, MADV_POPULATE_WRITE);
	for (page = 0; page < b->pages; page++) {
		uint64_t *w = map + page * b->stride * WORDS;

		fill_page(w, page);
		csum_add(c, w, WORDS);
	}
	/* where the pages are now; punching the others does not move them */
	*runs = pfn_runs(map, b);
	munmap(map, size);
	if (b->stride == 1)
		return 0;
	for (page = 0; page < b->pages; page++) {
		if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      (page * 2 + 1) * LUO_PAGE, LUO_PAGE))
			return -errno;
	}
	return 0;
}

static int stage1(const struct bench *b)
{
	long huge_before = 0, huge_after = 0;
	struct csum c = { 0, 0 };
	struct luo_state st = { };
	int dev, session, state, fd, ret, fds[2];
	double t0, t1;
	long runs = -ENODATA;

	if (!strcmp(b->kind, "none")) {
		printf("BENCH: stage=1 status=OK kind=none bytes=0\n");
		return 0;
	}
	dev = open(LUO_DEVICE, O_RDWR);
	if (dev < 0)
		return fail(1, "open " LUO_DEVICE, errno);
	if (!strcmp(b->kind, "dense")) {
		ret = write_file(THP_SHMEM, "always");
		if (ret)
			return fail(1, "enable shmem huge pages", ret);
		huge_before = luo_meminfo_kib("ShmemHugePages");
	}
	fd = luo_memfd("bench-data", (off_t)b->pages * b->stride * LUO_PAGE,
		       0);
	if (fd < 0)
		return fail(1, "memfd_create", fd);

	t0 = now_ms();
	ret = fill(fd, b, &c, &runs);
	if (ret)
		return fail(1, "fill", ret);
	t1 = now_ms();
	if (!strcmp(b->kind, "dense"))
		huge_after = luo_meminfo_kib("ShmemHugePages");

	ret = luo_create_session(dev, BENCH_SESSION, &session);
	if (ret)
		return fail(1, "LIVEUPDATE_IOCTL_CREATE_SESSION", ret);
	ret = luo_preserve_fd(session, fd, BENCH_TOKEN);
	if (ret)
		return fail(1, "LIVEUPDATE_SESSION_PRESERVE_FD", ret);
	printf("BENCH: stage=1 kind=%s bytes=%lu file_bytes=%lu blocks=%lld huge_kib=%ld\n",
	       b->kind, b->pages * LUO_PAGE, b->pages * b->stride * LUO_PAGE,
	       luo_blocks(fd), huge_after - huge_before);
	print_runs(1, b, runs);
	close(fd);
	luo_state_set_u64(&st, "a", c.a);
	luo_state_set_u64(&st, "b", c.b);
	state = luo_state_save(dev, 1, &st);
	if (state < 0)
		return fail(1, "state session", state);
	printf("BENCH: stage=1 status=OK fill_ms=%.0f preserve_ms=%.1f\n",
	       t1 - t0, now_ms() - t1);
	fds[0] = session;
	fds[1] = state;
	if (luo_hold_fds(fds, 2) < 0)
		return fail(1, "fork", errno);
	return 0;
}

/*
 * The checksum of the pages written, read through @map: a read fault maps
 * the pages around it that are there (and allocates none in a hole).
 */
static void verify(const uint64_t *map, const struct bench *b,
		   struct csum *c)
{
	unsigned long page;

	for (page = 0; page < b->pages; page++)
		csum_add(c, map + page * b->stride * WORDS, WORDS);
}

static int stage2(const struct bench *b)
{
	struct csum c = { 0, 0 };
	int dev, session, fd, ret;
	struct luo_state st;
	double t0, t1, t2;
	uint64_t *map;
	long runs;

	if (!strcmp(b->kind, "none")) {
		printf("BENCH: stage=2 status=OK kind=none bytes=0\n");
		return 0;
	}
	t0 = now_ms();
	dev = open(LUO_DEVICE, O_RDWR);
	if (dev < 0)
		return fail(2, "open " LUO_DEVICE, errno);
	ret = luo_state_load(dev, 1, &st);
	if (ret)
		return fail(2, "state session", ret);
	ret = luo_retrieve_session(dev, BENCH_SESSION, &session);
	if (ret)
		return fail(2, "LIVEUPDATE_IOCTL_RETRIEVE_SESSION", ret);
	ret = luo_retrieve_fd(session, BENCH_TOKEN, &fd);
	if (ret)
		return fail(2, "LIVEUPDATE_SESSION_RETRIEVE_FD", ret);
	t1 = now_ms();
	map = map_memfd(fd, b, PROT_READ);
	if (!map)
		return fail(2, "mmap", errno);
	verify(map, b, &c);
	t2 = now_ms();
	ret = c.a == luo_state_u64(&st, "a") && c.b == luo_state_u64(&st, "b");
	printf("BENCH: stage=2 status=%s kind=%s bytes=%lu retrieve_ms=%.1f checksum_ms=%.0f\n",
	       ret ? "OK" : "MISMATCH", b->kind, b->pages * LUO_PAGE, t1 - t0,
	       t2 - t1);
	if (!ret)
		return 1;
	runs = pfn_runs(map, b);
	munmap(map, b->pages * b->stride * LUO_PAGE);
	print_runs(2, b, runs);
	ret = luo_finish(session);
	if (ret)
		return fail(2, "LIVEUPDATE_SESSION_FINISH", ret);
	close(fd);
	close(session);
	return 0;
}

int main(void)
{
	struct bench b;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_case(&b))
		return fail(luo_stage(), "LUO_CASE: none, dense:MIB or scattered:MIB",
			    EINVAL);
	return luo_stage() == 1 ? stage1(&b) : stage2(&b);
}
