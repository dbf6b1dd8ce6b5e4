// SPDX-License-Identifier: GPL-2.0
/*
 * Live Update across a real kexec: one test per scenario, each run once
 * per kernel of the chain.  The stage comes from the environment
 * (LUO_STAGE=N, 1 in the first kernel) and the scenario from LUO_CASE (or
 * "-t NAME").  Stage 1 creates sessions and preserves memfds, leaves a
 * process holding the session fds and exits; whoever runs it (the KHO
 * test /init) then does "kexec -s -l ... --reuse-cmdline" and "kexec -e";
 * stage 2 (and 3) retrieves, verifies and finishes.  What a later stage
 * must know travels in LUO itself, in the state session
 * "luo-test-state.N".
 *
 * Lines "# SUMMARY: ..." say what a stage kept or found, for the harness.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/kexec.h>
#include <linux/reboot.h>

#include "luo_test_utils.h"
#include "kselftest_harness.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE	0x0010
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC		0x0020
#endif
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL		0x0008U
#endif

#define TEST_DEBUGFS		"/sys/kernel/debug/liveupdate_test"
#define KERNEL_IMAGE		"/boot/bzImage"
#define KEXEC_TOOL		"/sbin/kexec"

#define SUMMARY(fmt, ...)	printf("# SUMMARY: " fmt "\n", ##__VA_ARGS__)

FIXTURE(kexec) {
	int dev;
	int open_errno;
	int stage;
	struct luo_state state;
};

/* What stage 1 (or 2) leaves open for the kexec: one test per process. */
static int held[4096];
static int nr_held;

FIXTURE_SETUP(kexec)
{
	self->dev = open(LUO_DEVICE, O_RDWR);
	self->open_errno = self->dev < 0 ? errno : 0;
	self->stage = luo_stage();
	memset(&self->state, 0, sizeof(self->state));
	printf("# stage %d\n", self->stage);
}

FIXTURE_TEARDOWN(kexec)
{
	if (self->dev >= 0)
		close(self->dev);
}

#define NEED_DEV() need_dev(_metadata, self->dev, self->open_errno)

static void need_dev(struct __test_metadata *_metadata, int dev, int err)
{
	ASSERT_LE(0, dev) {
		TH_LOG("open %s: %s", LUO_DEVICE, strerror(err));
	}
}

/* A new outgoing session, kept open until the kexec. */
static int new_session(struct __test_metadata *_metadata, int dev,
		       const char *name)
{
	int fd = -1;

	ASSERT_EQ(0, luo_create_session(dev, name, &fd)) {
		TH_LOG("create session %s", name);
	}
	held[nr_held++] = fd;
	return fd;
}

#define NEW_SESSION(name)	new_session(_metadata, self->dev, name)

/* Stages 1 and 2 end alike: save the state, hold every session. */
static void hold_and_leave(struct __test_metadata *_metadata, int dev,
			   int stage, const struct luo_state *state)
{
	int st = luo_state_save(dev, stage, state);

	ASSERT_LE(0, st) {
		TH_LOG("state session: %s", strerror(-st));
	}
	held[nr_held++] = st;
	ASSERT_LT(0, luo_hold_fds(held, nr_held));
}

#define HOLD_AND_LEAVE()	\
	hold_and_leave(_metadata, self->dev, self->stage, &self->state)

static void load_state(struct __test_metadata *_metadata, int dev,
		       int stage, struct luo_state *state)
{
	int ret = luo_state_load(dev, stage - 1, state);

	ASSERT_EQ(0, ret) {
		TH_LOG("state session of stage %d: %s", stage - 1,
		       strerror(-ret));
	}
}

#define LOAD_STATE()	\
	load_state(_metadata, self->dev, self->stage, &self->state)

/* The session @name of the previous kernel. */
static int retrieve(struct __test_metadata *_metadata, int dev,
		    const char *name)
{
	int fd = -1;

	ASSERT_EQ(0, luo_retrieve_session(dev, name, &fd)) {
		TH_LOG("RETRIEVE_SESSION %s", name);
	}
	return fd;
}

#define RETRIEVE(name)	retrieve(_metadata, self->dev, name)

/* File @token of an incoming session. */
static int retrieve_fd(struct __test_metadata *_metadata, int session,
		       uint64_t token)
{
	int fd = -1;

	ASSERT_EQ(0, luo_retrieve_fd(session, token, &fd)) {
		TH_LOG("RETRIEVE_FD %#llx", (unsigned long long)token);
	}
	return fd;
}

#define RETRIEVE_FD(session, token)	\
	retrieve_fd(_metadata, session, token)

/* A memfd of @pages pages, every page luo_fill_page() data for @seed. */
static int data_memfd(uint64_t seed, uint64_t pages, unsigned int flags)
{
	int fd = luo_memfd("luo-kexec", pages * LUO_PAGE, flags);

	if (fd >= 0 && pages && luo_write_pages(fd, seed, 0, pages)) {
		close(fd);
		return -EIO;
	}
	return fd;
}

/* A memfd of @mib MiB of one byte value, quick to write under TCG. */
static int filled_memfd(unsigned long mib, int byte)
{
	static char buf[LUO_MIB];
	unsigned long i;
	int fd;

	fd = luo_memfd("luo-filled", mib * LUO_MIB, 0);
	if (fd < 0)
		return fd;
	memset(buf, byte, sizeof(buf));
	for (i = 0; i < mib; i++) {
		if (pwrite(fd, buf, sizeof(buf), i * LUO_MIB) != sizeof(buf)) {
			close(fd);
			return -EIO;
		}
	}
	return fd;
}

static off_t fd_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? -1 : st.st_size;
}

static off_t fd_pos(int fd)
{
	return lseek(fd, 0, SEEK_CUR);
}

static uint64_t fd_sum(int fd)
{
	int err;
	uint64_t sum = luo_sum_fd(fd, &err);

	return err ? 0 : sum;
}

static int write_file(const char *path, const char *text)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	if (n < 0)
		return -errno;
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

/* ------------------------------------------------------------------ */

#define ONE_PAGES	1024
#define ONE_POS		12345
#define ONE_TOKEN	0x1111

TEST_F_TIMEOUT(kexec, one_memfd, 300)
{
	struct stat a, b;
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	int s, m, m2, t;

	NEED_DEV();
	if (self->stage == 1) {
		s = NEW_SESSION("one");
		m = data_memfd(0x1, ONE_PAGES, 0);
		ASSERT_LE(0, m);
		ASSERT_EQ(ONE_POS, lseek(m, ONE_POS, SEEK_SET));
		ASSERT_EQ(0, luo_preserve_fd(s, m, ONE_TOKEN));
		luo_state_set_u64(&self->state, "sum", fd_sum(m));
		luo_state_set_u64(&self->state, "blocks", luo_blocks(m));
		/* the session holds the file: our fd is not needed */
		close(m);
		SUMMARY("A kept 1 session, 1 memfd of %lu KiB",
			ONE_PAGES * LUO_PAGE / 1024);
		HOLD_AND_LEAVE();
		return;
	}

	LOAD_STATE();
	s = RETRIEVE("one");
	/* like a created one, a retrieved session fd is close-on-exec */
	EXPECT_EQ(FD_CLOEXEC, fcntl(s, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(-EINVAL, luo_retrieve_session(self->dev, "one", &t));
	ASSERT_EQ(0, luo_get_name(s, name));
	EXPECT_STREQ("one", name);
	EXPECT_EQ(-ENOENT, luo_retrieve_fd(s, ONE_TOKEN + 1, &t));
	/* an incoming session takes no new files */
	m = data_memfd(0x2, 1, 0);
	ASSERT_LE(0, m);
	EXPECT_EQ(-EINVAL, luo_preserve_fd(s, m, 1));
	close(m);

	m = RETRIEVE_FD(s, ONE_TOKEN);
	EXPECT_EQ(ONE_PAGES * LUO_PAGE, fd_size(m));
	EXPECT_EQ(ONE_POS, fd_pos(m));
	EXPECT_EQ(luo_state_u64(&self->state, "sum"), fd_sum(m));
	EXPECT_EQ(luo_state_u64(&self->state, "blocks"), luo_blocks(m));
	EXPECT_EQ(0, luo_check_pages(m, 0x1, 0, ONE_PAGES));
	/* again: another fd for the same file */
	m2 = RETRIEVE_FD(s, ONE_TOKEN);
	EXPECT_NE(m, m2);
	ASSERT_EQ(0, fstat(m, &a));
	ASSERT_EQ(0, fstat(m2, &b));
	EXPECT_EQ(a.st_ino, b.st_ino);
	EXPECT_EQ(a.st_dev, b.st_dev);

	EXPECT_EQ(0, luo_finish(s));
	EXPECT_EQ(0, luo_finish(s));
	/* finished: an ordinary memfd that is ours */
	EXPECT_EQ(0, luo_check_pages(m, 0x1, 0, ONE_PAGES));
	EXPECT_EQ(0, ftruncate(m, 2 * ONE_PAGES * LUO_PAGE));
	EXPECT_EQ(0, luo_check_zero(m, ONE_PAGES * LUO_PAGE,
				    ONE_PAGES * LUO_PAGE));
	close(m2);
	close(m);
	close(s);
	SUMMARY("B: %lu KiB memfd: size, position, blocks and checksum match",
		ONE_PAGES * LUO_PAGE / 1024);
}

/* ------------------------------------------------------------------ */

struct sess_file {
	uint64_t token;
	uint64_t pages;
	uint64_t size;		/* bytes, if not a whole number of pages */
	int holes;		/* size only, nothing written */
};

struct sess_layout {
	const char *name;
	struct sess_file files[4];
	int nr;
};

static const struct sess_layout sessions[] = {
	{ "sess-empty-a", { }, 0 },
	{ "sess-a", { { 1, 1 }, { 2, 2 }, { 3, 3 } }, 3 },
	{ "sess-empty-b", { }, 0 },
	{ "sess-b", { { 0, 5 }, { UINT64_MAX, 1, 1 } }, 2 },
	{ "sess-c", { { 42, 0 }, { 43, 256, 0, 1 } }, 2 },
	{ "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL",
	  { { 7, 4 } }, 1 },
};

#define NR_LAYOUT	(ARRAY_SIZE(sessions))

static uint64_t sess_seed(unsigned int i, unsigned int j)
{
	return 0x5e55000 + i * 16 + j;
}

TEST_F_TIMEOUT(kexec, sessions, 300)
{
	unsigned int i, j, files = 0;
	int s, m;

	NEED_DEV();
	if (self->stage == 1) {
		for (i = 0; i < NR_LAYOUT; i++) {
			s = NEW_SESSION(sessions[i].name);
			for (j = 0; j < (unsigned int)sessions[i].nr; j++) {
				const struct sess_file *f = &sessions[i].files[j];

				if (f->holes)
					m = luo_memfd("holes",
						      f->pages * LUO_PAGE,
						      0);
				else
					m = data_memfd(sess_seed(i, j), f->pages,
						       0);
				ASSERT_LE(0, m);
				if (f->size)
					ASSERT_EQ(0, ftruncate(m, f->size));
				ASSERT_EQ(0, luo_preserve_fd(s, m, f->token));
				close(m);
				files++;
			}
		}
		/* closed before the kexec: must not arrive */
		ASSERT_EQ(0, luo_create_session(self->dev, "sess-closed", &s));
		m = data_memfd(0xc105ed, 2, 0);
		ASSERT_LE(0, m);
		ASSERT_EQ(0, luo_preserve_fd(s, m, 1));
		close(m);
		close(s);
		SUMMARY("A kept %zu sessions (2 empty) with %u memfds, closed 1 more",
			NR_LAYOUT, files);
		HOLD_AND_LEAVE();
		return;
	}

	LOAD_STATE();
	EXPECT_EQ(-ENOENT, luo_retrieve_session(self->dev, "sess-closed", &s));
	/* incoming names do not block outgoing ones */
	ASSERT_EQ(0, luo_create_session(self->dev, "sess-empty-b", &m));
	close(m);
	/* retrieve in the reverse order of creation */
	for (i = NR_LAYOUT; i-- > 0;) {
		char name[LIVEUPDATE_SESSION_NAME_LENGTH];

		s = RETRIEVE(sessions[i].name);
		ASSERT_EQ(0, luo_get_name(s, name));
		EXPECT_STREQ(sessions[i].name, name);
		if (!sessions[i].nr) {
			EXPECT_EQ(-ENOENT, luo_retrieve_fd(s, 0, &m));
			EXPECT_EQ(-ENOENT, luo_retrieve_fd(s, 1, &m));
		}
		for (j = 0; j < (unsigned int)sessions[i].nr; j++) {
			const struct sess_file *f = &sessions[i].files[j];

			m = RETRIEVE_FD(s, f->token);
			EXPECT_EQ(f->size ? f->size : f->pages * LUO_PAGE,
				  fd_size(m));
			if (f->holes) {
				EXPECT_EQ(0, luo_blocks(m));
				EXPECT_EQ(0, luo_check_zero(m, 0,
							    f->pages * LUO_PAGE));
			} else if (!f->size) {
				EXPECT_EQ(0, luo_check_pages(m, sess_seed(i, j),
							     0, f->pages));
			} else {
				char want[LUO_PAGE], got[LUO_PAGE];

				luo_fill_page(want, sess_seed(i, j), 0);
				ASSERT_EQ(f->size, pread(m, got, f->size, 0));
				EXPECT_EQ(0, memcmp(want, got, f->size));
			}
			close(m);
			files++;
		}
		/* sess-b is finished by closing it */
		if (strcmp(sessions[i].name, "sess-b"))
			EXPECT_EQ(0, luo_finish(s));
		close(s);
		/* a retrieved name is free for a new outgoing session */
		ASSERT_EQ(0, luo_create_session(self->dev, sessions[i].name,
						&m));
		close(m);
	}
	SUMMARY("B retrieved %zu sessions, %u memfds; the closed session is gone",
		NR_LAYOUT, files);
}

/* ------------------------------------------------------------------ */

#define MANY_SESSIONS	2000

TEST_F_TIMEOUT(kexec, many_sessions, 600)
{
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	int i, s, m, files = 0;

	NEED_DEV();
	ASSERT_EQ(0, luo_raise_nofile(MANY_SESSIONS + 256));
	if (self->stage == 1) {
		for (i = 0; i < MANY_SESSIONS; i++) {
			snprintf(name, sizeof(name), "many-%04d", i);
			s = NEW_SESSION(name);
			if (i % 10 == 9)
				continue;	/* every tenth is empty */
			m = data_memfd(0x3a000 + i, 1, 0);
			ASSERT_LE(0, m);
			ASSERT_EQ(0, luo_preserve_fd(s, m, i)) {
				TH_LOG("session %d", i);
			}
			close(m);
			files++;
		}
		SUMMARY("A kept %d sessions, %d of them with a memfd",
			MANY_SESSIONS, files);
		HOLD_AND_LEAVE();
		return;
	}

	LOAD_STATE();
	for (i = 0; i < MANY_SESSIONS; i++) {
		snprintf(name, sizeof(name), "many-%04d", i);
		s = RETRIEVE(name);
		if (i % 10 == 9) {
			EXPECT_EQ(-ENOENT, luo_retrieve_fd(s, i, &m));
		} else {
			m = RETRIEVE_FD(s, i);
			EXPECT_EQ(0, luo_check_pages(m, 0x3a000 + i, 0, 1)) {
				TH_LOG("session %d", i);
			}
			close(m);
			files++;
		}
		EXPECT_EQ(0, luo_finish(s));
		close(s);
	}
	SUMMARY("B retrieved and finished %d sessions, %d memfds verified",
		MANY_SESSIONS, files);
}

/* ------------------------------------------------------------------ */

#define MANY_FILES	1000

static uint64_t file_token(int i)
{
	return 0x1000000ULL + i * 3ULL;
}

static uint64_t file_pages(int i)
{
	return i % 5;
}

/* every third file ends 100 bytes into one more page */
static off_t file_size(int i)
{
	return file_pages(i) * LUO_PAGE + (i % 3 ? 0 : 100);
}

TEST_F_TIMEOUT(kexec, many_files, 600)
{
	char want[LUO_PAGE], got[LUO_PAGE];
	unsigned long bytes = 0;
	int i, s, m;

	NEED_DEV();
	ASSERT_EQ(0, luo_raise_nofile(MANY_FILES + 256));
	if (self->stage == 1) {
		s = NEW_SESSION("files-1000");
		for (i = 0; i < MANY_FILES; i++) {
			m = data_memfd(0x2f000 + i, file_pages(i) + 1, 0);
			ASSERT_LE(0, m);
			ASSERT_EQ(0, ftruncate(m, file_size(i)));
			ASSERT_EQ(0, luo_preserve_fd(s, m, file_token(i))) {
				TH_LOG("file %d", i);
			}
			close(m);
			bytes += file_size(i);
		}
		SUMMARY("A kept %d memfds (%lu KiB, sizes 0 to %lu bytes) in 1 session",
			MANY_FILES, bytes / 1024,
			4 * LUO_PAGE + 100);
		HOLD_AND_LEAVE();
		return;
	}

	LOAD_STATE();
	s = RETRIEVE("files-1000");
	/* in another order than they were preserved */
	for (i = MANY_FILES; i-- > 0;) {
		off_t tail = file_size(i) - file_pages(i) * LUO_PAGE;

		m = RETRIEVE_FD(s, file_token(i));
		EXPECT_EQ(file_size(i), fd_size(m)) {
			TH_LOG("file %d", i);
		}
		EXPECT_EQ(0, luo_check_pages(m, 0x2f000 + i, 0,
					     file_pages(i))) {
			TH_LOG("file %d", i);
		}
		if (tail) {
			luo_fill_page(want, 0x2f000 + i, file_pages(i));
			EXPECT_EQ(tail, pread(m, got, LUO_PAGE,
					      file_pages(i) * LUO_PAGE));
			EXPECT_EQ(0, memcmp(want, got, tail));
		}
		close(m);
		bytes += file_size(i);
	}
	EXPECT_EQ(0, luo_finish(s));
	close(s);
	SUMMARY("B retrieved %d memfds, %lu KiB, every size and byte checked",
		MANY_FILES, bytes / 1024);
}

/* ------------------------------------------------------------------ */

#define SPARSE_SIZE	(256 * LUO_MIB)
#define SPARSE_SEED	0x5a4e5e

/* page runs written in stage 1: first page, count */
static const uint64_t sparse_runs[][2] = {
	{ 0, 1 },
	{ 2560, 2 },			/* 10 MiB */
	{ 51200, 512 },			/* 200 MiB, 2 MiB */
	{ SPARSE_SIZE / LUO_PAGE - 1, 1 },	/* the last page */
};

#define SPARSE_BYTES_AT	(100 * LUO_MIB + 7)

TEST_F_TIMEOUT(kexec, sparse, 300)
{
	char extents[1024];
	uint64_t pages = 0;
	unsigned int i;
	int s, m;

	NEED_DEV();
	if (self->stage == 1) {
		s = NEW_SESSION("sparse");
		m = luo_memfd("sparse", SPARSE_SIZE, 0);
		ASSERT_LE(0, m);
		for (i = 0; i < ARRAY_SIZE(sparse_runs);
		     i++) {
			ASSERT_EQ(0, luo_write_pages(m, SPARSE_SEED,
						     sparse_runs[i][0],
						     sparse_runs[i][1]));
			pages += sparse_runs[i][1];
		}
		/* a few bytes in the middle of an otherwise empty page */
		ASSERT_EQ(10, pwrite(m, "ten bytes!", 10, SPARSE_BYTES_AT));
		pages++;
		ASSERT_EQ(0, luo_extents(m, extents, sizeof(extents)));
		ASSERT_EQ(0, luo_preserve_fd(s, m, 1));
		luo_state_set_u64(&self->state, "blocks", luo_blocks(m));
		luo_state_set_u64(&self->state, "sum", fd_sum(m));
		luo_state_set(&self->state, "extents", "%s", extents);
		EXPECT_EQ(pages * 8, luo_blocks(m));
		close(m);
		SUMMARY("A kept a %lu MiB memfd, %llu pages written, data at %s",
			SPARSE_SIZE / LUO_MIB, (unsigned long long)pages,
			extents);
		HOLD_AND_LEAVE();
		return;
	}

	LOAD_STATE();
	s = RETRIEVE("sparse");
	m = RETRIEVE_FD(s, 1);
	EXPECT_EQ(SPARSE_SIZE, fd_size(m));
	/* holes stay holes: the same allocation, the same data extents */
	EXPECT_EQ(luo_state_u64(&self->state, "blocks"), luo_blocks(m));
	ASSERT_EQ(0, luo_extents(m, extents, sizeof(extents)));
	EXPECT_STREQ(luo_state_get(&self->state, "extents"), extents);
	for (i = 0; i < ARRAY_SIZE(sparse_runs); i++)
		EXPECT_EQ(0, luo_check_pages(m, SPARSE_SEED, sparse_runs[i][0],
					     sparse_runs[i][1]));
	/* and read as zero, every byte of them (the checksum covers it) */
	EXPECT_EQ(0, luo_check_zero(m, LUO_PAGE, 2559 * LUO_PAGE));
	EXPECT_EQ(0, luo_check_zero(m, SPARSE_BYTES_AT - 7, 7));
	EXPECT_EQ(0, luo_check_zero(m, SPARSE_BYTES_AT + 10,
				    LUO_PAGE - 17));
	EXPECT_EQ(luo_state_u64(&self->state, "sum"), fd_sum(m));
	/* reading holes allocated nothing */
	EXPECT_EQ(luo_state_u64(&self->state, "blocks"), luo_blocks(m));
	SUMMARY("B: st_blocks %lld and extents as in A, holes read as zero",
		luo_blocks(m));
	EXPECT_EQ(0, luo_finish(s));
	close(m);
	close(s);
}

/* ------------------------------------------------------------------ */

#define GIB_SIZE	(1024 * LUO_MIB + 3 * LUO_PAGE)
#define GIB_PAGES	(GIB_SIZE / LUO_PAGE)
#define GIB_SEED	0x61b
#define GIB_RUN_AT	(512 * LUO_MIB / LUO_PAGE)
#define GIB_RUN		1024	/* 4 MiB in one piece */

/* about every eleventh page, scattered, and one 4 MiB run */
static int gib_written(uint64_t page)
{
	uint64_t x = page * 0x9e3779b97f4a7c15ULL;

	if (page >= GIB_RUN_AT && page < GIB_RUN_AT + GIB_RUN)
		return 1;
	return (x >> 40) % 11 == 0 || page == GIB_PAGES - 1;
}

static uint64_t gib_pass(int fd, int write, uint64_t *nr)
{
	static char buf[LUO_PAGE];
	uint64_t page, sum = 0;

	*nr = 0;
	for (page = 0; page < GIB_PAGES; page++) {
		if (!gib_written(page))
			continue;
		if (write) {
			luo_fill_page(buf, GIB_SEED, page);
			if (pwrite(fd, buf, LUO_PAGE, page * LUO_PAGE) !=
			    LUO_PAGE)
				return 0;
		} else if (pread(fd, buf, LUO_PAGE, page * LUO_PAGE) !=
			   LUO_PAGE) {
			return 0;
		}
		sum = luo_sum(sum ^ page, buf, LUO_PAGE);
		(*nr)++;
	}
	return sum;
}

TEST_F_TIMEOUT(kexec, one_gib, 600)
{
	uint64_t nr, sum, page, holes = 0;
	int s, m;

	NEED_DEV();
	if (self->stage == 1) {
		s = NEW_SESSION("one-gib");
		m = luo_memfd("one-gib", GIB_SIZE, 0);
		ASSERT_LE(0, m);
		sum = gib_pass(m, 1, &nr);
		ASSERT_NE(0, sum);
		ASSERT_EQ(0, luo_preserve_fd(s, m, 0x61b));
		luo_state_set_u64(&self->state, "sum", sum);
		luo_state_set_u64(&self->state, "pages", nr);
		luo_state_set_u64(&self->state, "blocks", luo_blocks(m));
		EXPECT_EQ(nr * 8, luo_blocks(m));
		close(m);
		SUMMARY("A kept a %lu MiB memfd, %llu scattered pages (%llu MiB) written",
			GIB_SIZE / LUO_MIB, (unsigned long long)nr,
			(unsigned long long)(nr * LUO_PAGE / LUO_MIB));
		HOLD_AND_LEAVE();
		return;
	}

	LOAD_STATE();
	s = RETRIEVE("one-gib");
	m = RETRIEVE_FD(s, 0x61b);
	EXPECT_EQ(GIB_SIZE, fd_size(m));
	EXPECT_EQ(luo_state_u64(&self->state, "blocks"), luo_blocks(m));
	sum = gib_pass(m, 0, &nr);
	EXPECT_EQ(luo_state_u64(&self->state, "pages"), nr);
	EXPECT_EQ(luo_state_u64(&self->state, "sum"), sum);
	/* every 97th hole reads as zero */
	for (page = 0; page < GIB_PAGES; page += 97) {
		if (gib_written(page))
			continue;
		EXPECT_EQ(0, luo_check_zero(m, page * LUO_PAGE, LUO_PAGE)) {
			TH_LOG("page %llu", (unsigned long long)page);
		}
		holes++;
	}
	EXPECT_EQ(luo_state_u64(&self->state, "blocks"), luo_blocks(m));
	EXPECT_EQ(0, luo_finish(s));
	close(m);
	close(s);
	SUMMARY("B: %llu pages checksummed, st_blocks as in A, %llu holes zero",
		(unsigned long long)nr, (unsigned long long)holes);
}

/* ------------------------------------------------------------------ */

struct sealed {
	uint64_t token;
	unsigned int flags;	/* memfd_create */
	int seals;		/* F_ADD_SEALS before preserving */
	uint64_t pages;
	off_t pos;		/* lseek before preserving */
	off_t late_pos;		/* lseek after preserving, if not 0 */
};

static const struct sealed sealed[] = {
	{ 1, MFD_ALLOW_SEALING, F_SEAL_SHRINK | F_SEAL_GROW, 3, 5000 },
	/* F_SEAL_EXEC on an executable memfd implies the write seals */
	{ 2, MFD_ALLOW_SEALING, F_SEAL_WRITE | F_SEAL_SEAL | F_SEAL_EXEC, 1,
	  123 },
	{ 3, 0, 0, 2, 2 * LUO_PAGE },
	{ 4, MFD_ALLOW_SEALING, F_SEAL_FUTURE_WRITE, 1, 3 * LUO_PAGE + 77 },
	{ 5, MFD_ALLOW_SEALING, 0, 2, 0, 4444 },
	/* sealed against chmod by memfd_create itself */
	{ 6, MFD_NOEXEC_SEAL, 0, 1, 10 },
};

#define NR_SEALED	(ARRAY_SIZE(sealed))

TEST_F_TIMEOUT(kexec, seals_pos, 300)
{
	char key[32], page[LUO_PAGE];
	int s, m, seals, fds[NR_SEALED];
	unsigned int i;

	NEED_DEV();
	memset(page, 0x77, sizeof(page));
	if (self->stage == 1) {
		s = NEW_SESSION("seals");
		for (i = 0; i < NR_SEALED; i++) {
			m = data_memfd(0x5ea1 + i, sealed[i].pages,
				       sealed[i].flags);
			ASSERT_LE(0, m);
			if (sealed[i].seals)
				ASSERT_EQ(0, fcntl(m, F_ADD_SEALS,
						   sealed[i].seals));
			ASSERT_EQ(sealed[i].pos, lseek(m, sealed[i].pos,
						       SEEK_SET));
			ASSERT_EQ(0, luo_preserve_fd(s, m, sealed[i].token));
			if (sealed[i].late_pos)
				ASSERT_EQ(sealed[i].late_pos,
					  lseek(m, sealed[i].late_pos,
						SEEK_SET));
			seals = fcntl(m, F_GET_SEALS);
			ASSERT_LE(0, seals);
			snprintf(key, sizeof(key), "seals.%u", i);
			luo_state_set_u64(&self->state, key, seals);
			close(m);
		}
		SUMMARY("A kept %zu memfds, seals %x/%x/%x/%x/%x/%x, positions set",
			NR_SEALED,
			(int)luo_state_u64(&self->state, "seals.0"),
			(int)luo_state_u64(&self->state, "seals.1"),
			(int)luo_state_u64(&self->state, "seals.2"),
			(int)luo_state_u64(&self->state, "seals.3"),
			(int)luo_state_u64(&self->state, "seals.4"),
			(int)luo_state_u64(&self->state, "seals.5"));
		HOLD_AND_LEAVE();
		return;
	}

	LOAD_STATE();
	s = RETRIEVE("seals");
	for (i = 0; i < NR_SEALED; i++) {
		off_t pos = sealed[i].late_pos ?: sealed[i].pos;

		fds[i] = RETRIEVE_FD(s, sealed[i].token);
		m = fds[i];
		snprintf(key, sizeof(key), "seals.%u", i);
		EXPECT_EQ(luo_state_u64(&self->state, key),
			  fcntl(m, F_GET_SEALS)) {
			TH_LOG("memfd %u: seals", i);
		}
		EXPECT_EQ(pos, fd_pos(m)) {
			TH_LOG("memfd %u: file position%s", i,
			       sealed[i].late_pos ? " set after PRESERVE_FD" :
			       "");
		}
		EXPECT_EQ(sealed[i].pages * LUO_PAGE, fd_size(m));
		EXPECT_EQ(0, luo_check_pages(m, 0x5ea1 + i, 0,
					     sealed[i].pages));
		/* sealed against chmod: it must not come back executable */
		if (luo_state_u64(&self->state, key) & F_SEAL_EXEC) {
			struct stat st;

			ASSERT_EQ(0, fstat(m, &st));
			EXPECT_EQ(0, st.st_mode & 0111) {
				TH_LOG("memfd %u: mode %o", i, st.st_mode);
			}
		}
	}
	EXPECT_EQ(0, luo_finish(s));
	close(s);

	/* and the seals still do what they say */
	EXPECT_EQ(-1, ftruncate(fds[0], LUO_PAGE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ftruncate(fds[0], 8 * LUO_PAGE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(LUO_PAGE, pwrite(fds[0], page, LUO_PAGE, 0)) {
		TH_LOG("write inside a memfd sealed 0x%x: %s",
		       fcntl(fds[0], F_GET_SEALS), strerror(errno));
	}
	EXPECT_EQ(-1, pwrite(fds[1], page, LUO_PAGE, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, fcntl(fds[1], F_ADD_SEALS, F_SEAL_GROW));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, fcntl(fds[2], F_ADD_SEALS, F_SEAL_GROW));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, pwrite(fds[3], page, LUO_PAGE, 0));
	EXPECT_EQ(EPERM, errno);
	/* no seals: it grows */
	EXPECT_EQ(0, ftruncate(fds[4], 8 * LUO_PAGE));
	for (i = 0; i < NR_SEALED; i++)
		close(fds[i]);
	SUMMARY("B: seals, positions and bytes of %zu memfds match, seals work",
		NR_SEALED);
}

/* ------------------------------------------------------------------ */

#define LATE_PAGES	4096	/* 16 MiB */
#define LATE_SEED_A	0x1a7ea
#define LATE_SEED_B	0x1a7eb
#define LATE_MAP_PAGE	3000
#define LATE_BYTES_PAGE	4000

TEST_F_TIMEOUT(kexec, late_writes, 300)
{
	char bytes[16];
	char *map;
	int s, m;

	NEED_DEV();
	if (self->stage == 1) {
		s = NEW_SESSION("late");
		m = data_memfd(LATE_SEED_A, 0, 0);
		ASSERT_LE(0, m);
		ASSERT_EQ(0, ftruncate(m, LATE_PAGES * LUO_PAGE));
		ASSERT_EQ(0, luo_write_pages(m, LATE_SEED_A, 0, 256));
		ASSERT_EQ(0, luo_preserve_fd(s, m, 1));
		luo_state_set_u64(&self->state, "blocks_at_preserve",
				  luo_blocks(m));

		/* after PRESERVE_FD: overwrite, fill holes, map and write */
		ASSERT_EQ(0, luo_write_pages(m, LATE_SEED_B, 0, 64));
		ASSERT_EQ(0, luo_write_pages(m, LATE_SEED_B, 1024, 256));
		ASSERT_EQ(0, luo_write_pages(m, LATE_SEED_B, LATE_PAGES - 1,
					     1));
		map = mmap(NULL, LATE_PAGES * LUO_PAGE, PROT_READ | PROT_WRITE,
			   MAP_SHARED, m, 0);
		ASSERT_NE(MAP_FAILED, map);
		memset(map + LATE_MAP_PAGE * LUO_PAGE, 0xc3, LUO_PAGE);
		map[100 * LUO_PAGE + 5] = 0x42;	/* into an old page */
		munmap(map, LATE_PAGES * LUO_PAGE);
		ASSERT_EQ(10, pwrite(m, "late-bytes", 10,
				     LATE_BYTES_PAGE * LUO_PAGE + 100));

		luo_state_set_u64(&self->state, "blocks", luo_blocks(m));
		luo_state_set_u64(&self->state, "sum", fd_sum(m));
		EXPECT_EQ((256 + 256 + 1 + 1 + 1) * 8, luo_blocks(m));
		close(m);
		SUMMARY("A preserved 1 MiB in 16, then wrote 1 MiB + 66 pages");
		HOLD_AND_LEAVE();
		return;
	}

	LOAD_STATE();
	s = RETRIEVE("late");
	m = RETRIEVE_FD(s, 1);
	EXPECT_EQ(LATE_PAGES * LUO_PAGE, fd_size(m));
	EXPECT_EQ(luo_state_u64(&self->state, "blocks"), luo_blocks(m));
	EXPECT_EQ(luo_state_u64(&self->state, "sum"), fd_sum(m));
	EXPECT_EQ(0, luo_check_pages(m, LATE_SEED_B, 0, 64));
	EXPECT_EQ(0, luo_check_pages(m, LATE_SEED_A, 64, 36));
	EXPECT_EQ(0, luo_check_pages(m, LATE_SEED_A, 101, 155));
	EXPECT_EQ(0, luo_check_zero(m, 256 * LUO_PAGE, 768 * LUO_PAGE));
	EXPECT_EQ(0, luo_check_pages(m, LATE_SEED_B, 1024, 256));
	EXPECT_EQ(0, luo_check_pages(m, LATE_SEED_B, LATE_PAGES - 1, 1));
	ASSERT_EQ(1, pread(m, bytes, 1, 100 * LUO_PAGE + 5));
	EXPECT_EQ(0x42, bytes[0]);
	ASSERT_EQ(10, pread(m, bytes, 10, LATE_BYTES_PAGE * LUO_PAGE + 100));
	EXPECT_EQ(0, memcmp(bytes, "late-bytes", 10));
	map = mmap(NULL, LUO_PAGE, PROT_READ, MAP_SHARED, m,
		   LATE_MAP_PAGE * LUO_PAGE);
	ASSERT_NE(MAP_FAILED, map);
	EXPECT_EQ((char)0xc3, map[0]);
	EXPECT_EQ((char)0xc3, map[LUO_PAGE - 1]);
	munmap(map, LUO_PAGE);
	SUMMARY("B: every late write is there (st_blocks %llu, %llu at preserve)",
		(unsigned long long)luo_blocks(m),
		(unsigned long long)luo_state_u64(&self->state,
						  "blocks_at_preserve"));
	EXPECT_EQ(0, luo_finish(s));
	close(m);
	close(s);
}

/* ------------------------------------------------------------------ */

#define THP_SHMEM	"/sys/kernel/mm/transparent_hugepage/shmem_enabled"
#define THP_MIB		16
#define THP_SEED	0x7a9e

TEST_F_TIMEOUT(kexec, large_folios, 300)
{
	long before, after;
	char buf[256];
	int s, m, fd, ret;
	ssize_t n;

	NEED_DEV();
	if (self->stage == 1) {
		ret = write_file(THP_SHMEM, "always");
		ASSERT_EQ(0, ret) {
			TH_LOG("cannot enable THP for shmem: %s: %s",
			       THP_SHMEM, strerror(-ret));
		}
		fd = open(THP_SHMEM, O_RDONLY);
		ASSERT_LE(0, fd);
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		ASSERT_LT(0, n);
		buf[n] = '\0';
		ASSERT_NE(NULL, strstr(buf, "[always]"));
		before = luo_meminfo_kib("ShmemHugePages");
		ASSERT_LE(0, before) {
			TH_LOG("no ShmemHugePages in /proc/meminfo");
		}
		s = NEW_SESSION("large-folios");
		m = data_memfd(THP_SEED, THP_MIB * LUO_MIB / LUO_PAGE, 0);
		ASSERT_LE(0, m);
		after = luo_meminfo_kib("ShmemHugePages");
		/* otherwise there is nothing to keep */
		ASSERT_LE(THP_MIB * 1024, after - before) {
			TH_LOG("the memfd got %ld KiB of huge pages", after -
			       before);
		}
		ASSERT_EQ(0, luo_preserve_fd(s, m, 1));
		luo_state_set_u64(&self->state, "sum", fd_sum(m));
		close(m);
		SUMMARY("A kept %d MiB in 2 MiB folios, ShmemHugePages %ld -> %ld kB",
			THP_MIB, before, after);
		HOLD_AND_LEAVE();
		return;
	}

	LOAD_STATE();
	/* shmem_enabled is "never" here: huge pages come from A */
	before = luo_meminfo_kib("ShmemHugePages");
	ASSERT_LE(0, before);
	s = RETRIEVE("large-folios");
	m = RETRIEVE_FD(s, 1);
	after = luo_meminfo_kib("ShmemHugePages");
	EXPECT_LE(THP_MIB * 1024, after - before) {
		TH_LOG("ShmemHugePages %ld -> %ld kB on retrieve: the folios lost their order",
		       before, after);
	}
	EXPECT_EQ(luo_state_u64(&self->state, "sum"), fd_sum(m));
	EXPECT_EQ(0, luo_check_pages(m, THP_SEED, 0,
				     THP_MIB * LUO_MIB / LUO_PAGE));
	EXPECT_EQ(0, luo_finish(s));
	close(m);
	close(s);
	SUMMARY("B: ShmemHugePages %ld -> %ld kB on retrieve, checksum matches",
		before, after);
}

/* ------------------------------------------------------------------ */

#define DEFERRED_NODES	2
#define DEFERRED_MIB	64
#define DEFERRED_PAGES	(DEFERRED_MIB * LUO_MIB / LUO_PAGE)
#define DEFERRED_SEED	0xdef0
/* node counters lag behind by what each CPU has not folded in yet */
#define DEFERRED_KIB_MIN	(DEFERRED_MIB * 1024 * 7 / 8)
#define DEFERRED_DRIFT_KIB	1024
#ifndef MPOL_DEFAULT
#define MPOL_DEFAULT	0
#define MPOL_BIND	2
#endif

/* A figure of /sys/devices/system/node/node@node/meminfo in KiB, or -1. */
static long node_meminfo_kib(int node, const char *key)
{
	char path[64], line[256], *p;
	long val = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo",
		 node);
	f = fopen(path, "r");
	if (!f)
		return -1;
	/* "Node 1 Shmem:           65536 kB" */
	while (fgets(line, sizeof(line), f)) {
		p = strchr(line + 5, ' ');
		if (p && !strncmp(p + 1, key, strlen(key)) &&
		    p[1 + strlen(key)] == ':') {
			val = strtol(p + 2 + strlen(key), NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

/*
 * Every zone of /proc/zoneinfo manages no more pages than it has: restored
 * folios are added to the managed pages of the zone their struct pages
 * name.  Returns the number of zones, or -1 for the first that does not.
 */
static int zones_sane(char *bad, size_t len)
{
	long present = -1, val;
	char line[256], zone[64] = "";
	int zones = 0;
	FILE *f;

	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Node ", 5)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(zone, sizeof(zone), "%.40s", line);
			present = -1;
		} else if (sscanf(line, " present %ld", &val) == 1) {
			present = val;
		} else if (sscanf(line, " managed %ld", &val) == 1) {
			if (present < 0 || val > present) {
				snprintf(bad, len, "%s: managed %ld, present %ld",
					 zone, val, present);
				zones = -1;
				break;
			}
			zones++;
		}
	}
	fclose(f);
	return zones;
}

/*
 * The page frames each node's zones span, from /proc/zoneinfo: a zone's
 * "Node N, zone NAME" line, then its "spanned" and "start_pfn:" lines.
 * Returns how many nodes have memory, or -1.
 */
static int node_spans(unsigned long *start, unsigned long *end, int max)
{
	unsigned long spanned = 0, val;
	int node = -1, nodes = 0, n;
	char line[256];
	FILE *f;

	for (n = 0; n < max; n++) {
		start[n] = ~0UL;
		end[n] = 0;
	}
	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d,", &n) == 1) {
			node = n < max ? n : -1;
			spanned = 0;
		} else if (sscanf(line, " spanned %lu", &val) == 1) {
			spanned = val;
		} else if (node >= 0 && spanned &&
			   sscanf(line, " start_pfn: %lu", &val) == 1) {
			if (val < start[node])
				start[node] = val;
			if (val + spanned > end[node])
				end[node] = val + spanned;
			if (node >= nodes)
				nodes = node + 1;
		}
	}
	fclose(f);
	return nodes;
}

/*
 * Count the pages of memfd @fd, @pages long, by the node their page
 * frames lie on (@on[node]).  Returns 0, or -1 when a page is not present
 * or lies on no node.
 */
static int pages_by_node(int fd, long pages, long *on, int nodes,
			 const unsigned long *start, const unsigned long *end)
{
	uint64_t *pfns;
	int n, ret = -1;
	char *map;
	long i;

	pfns = malloc(pages * sizeof(*pfns));
	map = mmap(NULL, pages * LUO_PAGE, PROT_READ, MAP_SHARED | MAP_POPULATE,
		   fd, 0);
	if (!pfns || map == MAP_FAILED)
		goto out;
	if (luo_pfns(map, pages, pfns))
		goto out;
	for (n = 0; n < nodes; n++)
		on[n] = 0;
	for (i = 0; i < pages; i++) {
		for (n = 0; n < nodes; n++)
			if (pfns[i] >= start[n] && pfns[i] < end[n])
				break;
		if (!pfns[i] || n == nodes)
			goto out;
		on[n]++;
	}
	ret = 0;
out:
	if (map != MAP_FAILED)
		munmap(map, pages * LUO_PAGE);
	free(pfns);
	return ret;
}

/*
 * With deferred struct page init, the struct pages of preserved memory
 * above each node's boundary are initialised by KHO alone.  The guest
 * boots with hugepages= on each node, which takes the lowest free memory
 * of the node, below the boundary: each memfd, bound to one node, lies
 * above it.  B must find every byte, and each node must account for the
 * pages that lie on it (a struct page that nothing initialised names node
 * 0, zone DMA, or worse).  That is where the page frames are, not always
 * the memfd's node: at the reboot step A moves folios out of scratch (CMA
 * pageblocks), and when a node has no room left outside scratch they move
 * to another.
 */
TEST_F_TIMEOUT(kexec, deferred, 300)
{
	long shmem[DEFERRED_NODES], gain[DEFERRED_NODES], lies[DEFERRED_NODES];
	unsigned long start[DEFERRED_NODES], end[DEFERRED_NODES], mask;
	long before, after;
	long moved = 0, delta;
	char bad[128] = "";
	int s, m, n, k, zones;

	NEED_DEV();
	if (self->stage == 1) {
		s = NEW_SESSION("deferred");
		for (n = 0; n < DEFERRED_NODES; n++) {
			mask = 1UL << n;
			ASSERT_EQ(0, syscall(SYS_set_mempolicy, MPOL_BIND,
					     &mask, 8 * sizeof(mask))) {
				TH_LOG("set_mempolicy(MPOL_BIND, node %d): %s",
				       n, strerror(errno));
			}
			before = node_meminfo_kib(n, "Shmem");
			m = data_memfd(DEFERRED_SEED + n, DEFERRED_PAGES, 0);
			ASSERT_LE(0, m);
			after = node_meminfo_kib(n, "Shmem");
			ASSERT_LE(DEFERRED_KIB_MIN, after - before) {
				TH_LOG("node %d: Shmem %ld -> %ld kB", n,
				       before, after);
			}
			ASSERT_EQ(0, luo_preserve_fd(s, m, n + 1));
			close(m);
		}
		ASSERT_EQ(0, syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL,
				     0));
		SUMMARY("A kept a %d MiB memfd on each of nodes 0..%d",
			DEFERRED_MIB, DEFERRED_NODES - 1);
		HOLD_AND_LEAVE();
		return;
	}

	LOAD_STATE();
	ASSERT_EQ(DEFERRED_NODES, node_spans(start, end, DEFERRED_NODES));
	s = RETRIEVE("deferred");
	for (n = 0; n < DEFERRED_NODES; n++) {
		for (k = 0; k < DEFERRED_NODES; k++)
			shmem[k] = node_meminfo_kib(k, "Shmem");
		m = RETRIEVE_FD(s, n + 1);
		for (k = 0; k < DEFERRED_NODES; k++)
			gain[k] = node_meminfo_kib(k, "Shmem") - shmem[k];
		ASSERT_EQ(0, pages_by_node(m, DEFERRED_PAGES, lies,
					   DEFERRED_NODES, start, end)) {
			TH_LOG("memfd %d: page frames not found", n);
		}
		for (k = 0; k < DEFERRED_NODES; k++) {
			delta = gain[k] - lies[k] * (long)(LUO_PAGE / 1024);
			EXPECT_GE(DEFERRED_DRIFT_KIB, labs(delta)) {
				TH_LOG("memfd %d: node %d: Shmem +%ld kB, %ld kB lie there",
				       n, k, gain[k], lies[k] * LUO_PAGE / 1024);
			}
		}
		moved += DEFERRED_PAGES - lies[n];
		EXPECT_EQ(DEFERRED_PAGES * LUO_PAGE, fd_size(m));
		EXPECT_EQ(0, luo_check_pages(m, DEFERRED_SEED + n, 0,
					     DEFERRED_PAGES));
		close(m);
	}
	zones = zones_sane(bad, sizeof(bad));
	EXPECT_LT(0, zones) {
		TH_LOG("/proc/zoneinfo: %s", *bad ? bad : "unreadable");
	}
	EXPECT_EQ(0, luo_finish(s));
	close(s);
	SUMMARY("B: both memfds verified, counted where they lie (%ld KiB moved); %d zones sane",
		moved * LUO_PAGE / 1024, zones);
}

/* ------------------------------------------------------------------ */

#define UNRETRIEVED_MIB	256

TEST_F_TIMEOUT(kexec, unretrieved, 300)
{
	long memfree, before;
	int s, m;

	NEED_DEV();
	if (self->stage == 1) {
		s = NEW_SESSION("unretrieved");
		m = filled_memfd(UNRETRIEVED_MIB, 0x55);
		ASSERT_LE(0, m);
		ASSERT_EQ(0, luo_preserve_fd(s, m, 1));
		close(m);
		SUMMARY("A kept a %d MiB memfd that B will not retrieve",
			UNRETRIEVED_MIB);
		HOLD_AND_LEAVE();
		return;
	}

	LOAD_STATE();
	if (self->stage == 2) {
		/* leave "unretrieved" alone, remember how much is free */
		memfree = luo_meminfo_kib("MemFree");
		ASSERT_LT(0, memfree);
		luo_state_set_u64(&self->state, "memfree", memfree);
		SUMMARY("B left the session alone; MemFree %ld MiB",
			memfree / 1024);
		HOLD_AND_LEAVE();
		return;
	}

	/* not carried on by B, nor B's finished copy of stage 1's state */
	EXPECT_EQ(-ENOENT, luo_retrieve_session(self->dev, "unretrieved", &s));
	EXPECT_EQ(-ENOENT, luo_retrieve_session(self->dev, LUO_STATE_SESSION ".1",
						&s));
	before = luo_state_u64(&self->state, "memfree");
	memfree = luo_meminfo_kib("MemFree");
	EXPECT_LE(UNRETRIEVED_MIB * 1024 * 3 / 4, memfree - before) {
		TH_LOG("MemFree %ld kB in B, %ld kB in C: expected about %d MiB more",
		       before, memfree, UNRETRIEVED_MIB);
	}
	SUMMARY("C: the session is gone; MemFree %ld MiB, %+ld MiB against B",
		memfree / 1024, (memfree - before) / 1024);
}

/* ------------------------------------------------------------------ */

#define FINISH_MIB	128
#define CLOSE_MIB	64

TEST_F_TIMEOUT(kexec, finish_frees, 300)
{
	long before, after;
	int s, m;

	NEED_DEV();
	if (self->stage == 1) {
		s = NEW_SESSION("finish-frees");
		m = filled_memfd(FINISH_MIB, 0xf1);
		ASSERT_LE(0, m);
		ASSERT_EQ(0, luo_preserve_fd(s, m, 1));
		close(m);
		m = data_memfd(0xf1f1, 1, 0);
		ASSERT_LE(0, m);
		ASSERT_EQ(0, luo_preserve_fd(s, m, 2));
		close(m);
		s = NEW_SESSION("close-frees");
		m = filled_memfd(CLOSE_MIB, 0xc1);
		ASSERT_LE(0, m);
		ASSERT_EQ(0, luo_preserve_fd(s, m, 1));
		close(m);
		SUMMARY("A kept a %d MiB memfd and a 1-page one, and %d MiB in another session",
			FINISH_MIB, CLOSE_MIB);
		HOLD_AND_LEAVE();
		return;
	}

	LOAD_STATE();
	s = RETRIEVE("finish-frees");
	m = RETRIEVE_FD(s, 2);
	EXPECT_EQ(0, luo_check_pages(m, 0xf1f1, 0, 1));
	before = luo_meminfo_kib("MemFree");
	/* token 1 was never retrieved: finishing frees its memory */
	EXPECT_EQ(0, luo_finish(s));
	after = luo_meminfo_kib("MemFree");
	EXPECT_LE(FINISH_MIB * 1024 * 3 / 4, after - before) {
		TH_LOG("MemFree %ld -> %ld kB on FINISH", before, after);
	}
	/* the retrieved one is ours and intact */
	EXPECT_EQ(0, luo_check_pages(m, 0xf1f1, 0, 1));
	close(m);
	close(s);
	SUMMARY("B: FINISH without retrieving the %d MiB file: MemFree %+ld MiB",
		FINISH_MIB, (after - before) / 1024);

	/* closing a retrieved session finishes it: the same again */
	s = RETRIEVE("close-frees");
	before = luo_meminfo_kib("MemFree");
	close(s);
	after = luo_meminfo_kib("MemFree");
	EXPECT_LE(CLOSE_MIB * 1024 * 3 / 4, after - before) {
		TH_LOG("MemFree %ld -> %ld kB on closing the session", before,
		       after);
	}
	SUMMARY("B: closing a retrieved session with a %d MiB file: MemFree %+ld MiB",
		CLOSE_MIB, (after - before) / 1024);
}

/* ------------------------------------------------------------------ */

#define REPRESERVE_PAGES	64
#define REPRESERVE_SEED		0x2e9

/*
 * Three kernels, one file: B retrieves and finishes A's memfd, changes a
 * page and preserves the same memfd again for C.
 */
TEST_F_TIMEOUT(kexec, represerve, 300)
{
	char page[LUO_PAGE];
	int s, m;

	NEED_DEV();
	memset(page, 0xb2, sizeof(page));
	if (self->stage == 1) {
		s = NEW_SESSION("represerve-a");
		m = data_memfd(REPRESERVE_SEED, REPRESERVE_PAGES, 0);
		ASSERT_LE(0, m);
		ASSERT_EQ(0, luo_preserve_fd(s, m, 1));
		close(m);
		SUMMARY("A kept a %lu KiB memfd",
			REPRESERVE_PAGES * LUO_PAGE / 1024);
		HOLD_AND_LEAVE();
		return;
	}

	LOAD_STATE();
	if (self->stage == 2) {
		s = RETRIEVE("represerve-a");
		m = RETRIEVE_FD(s, 1);
		EXPECT_EQ(0, luo_check_pages(m, REPRESERVE_SEED, 0,
					     REPRESERVE_PAGES));
		EXPECT_EQ(0, luo_finish(s));
		close(s);
		/* ours now: change it and hand it on */
		ASSERT_EQ(LUO_PAGE, pwrite(m, page, LUO_PAGE, 7 * LUO_PAGE));
		s = NEW_SESSION("represerve-b");
		ASSERT_EQ(0, luo_preserve_fd(s, m, 2));
		close(m);
		SUMMARY("B verified it, changed page 7 and kept it again");
		HOLD_AND_LEAVE();
		return;
	}

	EXPECT_EQ(-ENOENT, luo_retrieve_session(self->dev, "represerve-a", &s));
	s = RETRIEVE("represerve-b");
	m = RETRIEVE_FD(s, 2);
	EXPECT_EQ(REPRESERVE_PAGES * LUO_PAGE, fd_size(m));
	EXPECT_EQ(0, luo_check_pages(m, REPRESERVE_SEED, 0, 7));
	EXPECT_EQ(0, luo_check_pages(m, REPRESERVE_SEED, 8,
				     REPRESERVE_PAGES - 8));
	EXPECT_NE(0, luo_check_pages(m, REPRESERVE_SEED, 7, 1));
	ASSERT_EQ(LUO_PAGE, pread(m, page, LUO_PAGE, 7 * LUO_PAGE));
	EXPECT_EQ((char)0xb2, page[0]);
	EXPECT_EQ((char)0xb2, page[LUO_PAGE - 1]);
	EXPECT_EQ(0, luo_finish(s));
	close(m);
	close(s);
	SUMMARY("C got B's version of A's memfd");
}

/* ------------------------------------------------------------------ */

/*
 * A chain of kexecs, as long as khotest.hops= on the command line says:
 * stage N retrieves the memfd of every generation before it (generation
 * G is the memfd stage G made, token G) from session "hops-<N-1>", checks
 * its size and every byte, finishes the session and preserves all of them
 * again in a new session "hops-<N>", with one more of its own: HOPS_THP_MIB
 * MiB written in 2 MiB folios, then a few pages more in small ones.  The
 * last stage checks every generation and finishes.
 */
#define HOPS_THP_MIB		4
#define HOPS_THP_PAGES		(HOPS_THP_MIB * LUO_MIB / LUO_PAGE)
#define HOPS_MAX		64

static uint64_t hops_seed(int gen)
{
	return 0x409500000ULL + gen;
}

static uint64_t hops_pages(int gen)
{
	return HOPS_THP_PAGES + 16 + gen;
}

/* The last khotest.hops= of the command line, or 0 if it has none. */
static int cmdline_hops(void)
{
	char buf[4096], *p, *last = NULL;
	ssize_t n;
	int fd;

	fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (p = buf; (p = strstr(p, "khotest.hops=")); p++)
		last = p + strlen("khotest.hops=");
	return last ? atoi(last) : 0;
}

/* Generation @gen's memfd: its first MiBs in huge folios, the rest small. */
static int hops_memfd(struct __test_metadata *_metadata, int gen,
		      long *huge_kib)
{
	long before, after;
	int m;

	ASSERT_EQ(0, write_file(THP_SHMEM, "always"));
	before = luo_meminfo_kib("ShmemHugePages");
	ASSERT_LE(0, before);
	m = luo_memfd("luo-hops", hops_pages(gen) * LUO_PAGE, 0);
	ASSERT_LE(0, m);
	ASSERT_EQ(0, luo_write_pages(m, hops_seed(gen), 0, HOPS_THP_PAGES));
	after = luo_meminfo_kib("ShmemHugePages");
	ASSERT_EQ(0, write_file(THP_SHMEM, "never"));
	ASSERT_EQ(0, luo_write_pages(m, hops_seed(gen), HOPS_THP_PAGES,
				     hops_pages(gen) - HOPS_THP_PAGES));
	/* otherwise there are no large folios to carry */
	ASSERT_LE(HOPS_THP_MIB * 1024, after - before) {
		TH_LOG("generation %d got %ld KiB of huge pages", gen,
		       after - before);
	}
	*huge_kib = after - before;
	return m;
}

TEST_F_TIMEOUT(kexec, hops, 600)
{
	int hops = cmdline_hops(), stage = self->stage, gen, s, m;
	int fds[HOPS_MAX];
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	long before, after, huge;
	uint64_t bytes = 0;

	NEED_DEV();
	ASSERT_GT(HOPS_MAX, stage);
	if (stage > 1) {
		LOAD_STATE();
		ASSERT_EQ(stage - 1, luo_state_u64(&self->state, "gens"));
		snprintf(name, sizeof(name), "hops-%d", stage - 1);
		before = luo_meminfo_kib("ShmemHugePages");
		ASSERT_LE(0, before);
		s = RETRIEVE(name);
		for (gen = 1; gen < stage; gen++) {
			m = RETRIEVE_FD(s, gen);
			fds[gen] = m;
			EXPECT_EQ(hops_pages(gen) * LUO_PAGE, fd_size(m));
			EXPECT_EQ(0, luo_check_pages(m, hops_seed(gen), 0,
						     hops_pages(gen))) {
				TH_LOG("generation %d differs", gen);
			}
			bytes += fd_size(m);
		}
		after = luo_meminfo_kib("ShmemHugePages");
		/* every generation's huge folios came back as huge folios */
		EXPECT_LE((stage - 1) * HOPS_THP_MIB * 1024, after - before) {
			TH_LOG("ShmemHugePages %ld -> %ld kB on retrieve",
			       before, after);
		}
		EXPECT_EQ(0, luo_finish(s));
		close(s);
		SUMMARY("stage %d verified %d memfds (generations 1-%d), %llu KiB, huge +%ld kB",
			stage, stage - 1, stage - 1,
			(unsigned long long)bytes / 1024, after - before);
		if (stage == hops + 1) {
			for (gen = 1; gen < stage; gen++)
				close(fds[gen]);
			return;
		}
	}

	snprintf(name, sizeof(name), "hops-%d", stage);
	s = NEW_SESSION(name);
	for (gen = 1; gen < stage; gen++) {
		ASSERT_EQ(0, luo_preserve_fd(s, fds[gen], gen)) {
			TH_LOG("preserve generation %d again", gen);
		}
		close(fds[gen]);
	}
	m = hops_memfd(_metadata, stage, &huge);
	ASSERT_EQ(0, luo_preserve_fd(s, m, stage));
	close(m);
	/* a new state for the next stage, not lines added to the last one */
	memset(&self->state, 0, sizeof(self->state));
	luo_state_set_u64(&self->state, "gens", stage);
	SUMMARY("stage %d kept %d memfds in %s, new one %llu KiB (%ld kB huge)",
		stage, stage, name,
		(unsigned long long)hops_pages(stage) * LUO_PAGE / 1024, huge);
	HOLD_AND_LEAVE();
}

/* ------------------------------------------------------------------ */

static int load_kexec_image(void)
{
	static const char cmdline[] =
		"console=ttyS0 panic=-1 khotest.test=escaped-kexec";
	int kfd, ret;

	kfd = open(KERNEL_IMAGE, O_RDONLY);
	if (kfd < 0)
		return -errno;
	/* the image must never run: no initramfs, it would just panic */
	ret = syscall(SYS_kexec_file_load, kfd, -1, sizeof(cmdline), cmdline,
		      (unsigned long)KEXEC_FILE_NO_INITRAMFS);
	ret = ret ? -errno : 0;
	close(kfd);
	return ret;
}

TEST_F_TIMEOUT(kexec, freeze_fail, 300)
{
	int fail, s, ok, after, m, ret;

	NEED_DEV();
	if (self->stage == 1) {
		fail = open(TEST_DEBUGFS "/fail_freeze", O_RDONLY);
		ASSERT_LE(0, fail) {
			TH_LOG("%s/fail_freeze: %s (CONFIG_LIVEUPDATE_TEST?)",
			       TEST_DEBUGFS, strerror(errno));
		}
		/*
		 * The memfd's session comes first: it is frozen (its folios
		 * preserved) before the failing file, so the cancelled kexec
		 * must unfreeze it for the next kexec to preserve it again.
		 */
		ok = NEW_SESSION("freeze-ok");
		m = data_memfd(0xf0, 8, 0);
		ASSERT_LE(0, m);
		ASSERT_EQ(0, luo_preserve_fd(ok, m, 1));
		close(m);
		ASSERT_EQ(0, luo_create_session(self->dev, "freeze-fail", &s));
		ASSERT_EQ(0, luo_preserve_fd(s, fail, 1));

		ret = load_kexec_image();
		ASSERT_EQ(0, ret) {
			TH_LOG("kexec_file_load: %s", strerror(-ret));
		}
		fflush(stdout);
		ret = reboot(LINUX_REBOOT_CMD_KEXEC);
		ASSERT_EQ(-1, ret);
		ASSERT_EQ(ECANCELED, errno) {
			TH_LOG("reboot(LINUX_REBOOT_CMD_KEXEC): %s",
			       strerror(errno));
		}
		/* still running, and sessions can change again */
		m = data_memfd(0xf1, 4, 0);
		ASSERT_LE(0, m);
		EXPECT_EQ(0, luo_preserve_fd(ok, m, 2));
		close(m);
		after = NEW_SESSION("after-fail");
		m = data_memfd(0xf2, 2, 0);
		ASSERT_LE(0, m);
		EXPECT_EQ(0, luo_preserve_fd(after, m, 1));
		close(m);
		/* unload the image; /init loads its own */
		EXPECT_EQ(0, syscall(SYS_kexec_file_load, -1, -1, 0, NULL,
				     (unsigned long)KEXEC_FILE_UNLOAD));
		/* without the failing file the next kexec can go */
		close(s);
		close(fail);
		SUMMARY("A: reboot(KEXEC) failed with ECANCELED and A ran on");
		HOLD_AND_LEAVE();
		return;
	}

	LOAD_STATE();
	EXPECT_EQ(-ENOENT, luo_retrieve_session(self->dev, "freeze-fail", &s));
	ok = RETRIEVE("freeze-ok");
	m = RETRIEVE_FD(ok, 1);
	EXPECT_EQ(0, luo_check_pages(m, 0xf0, 0, 8));
	close(m);
	m = RETRIEVE_FD(ok, 2);
	EXPECT_EQ(0, luo_check_pages(m, 0xf1, 0, 4));
	close(m);
	EXPECT_EQ(0, luo_finish(ok));
	close(ok);
	after = RETRIEVE("after-fail");
	m = RETRIEVE_FD(after, 1);
	EXPECT_EQ(0, luo_check_pages(m, 0xf2, 0, 2));
	close(m);
	EXPECT_EQ(0, luo_finish(after));
	close(after);
	SUMMARY("B: the sessions and the state arrived, the failed session did not");
}

/* ------------------------------------------------------------------ */

/* kexec-tools "kexec -l" loads with kexec_load(2): no handover possible */
static int kexec_load_tool(void)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		char *argv[5];

		argv[0] = KEXEC_TOOL;
		argv[1] = "-l";
		argv[2] = KERNEL_IMAGE;
		/* it must never run: no initramfs, it would just panic */
		argv[3] = "--command-line=console=ttyS0 panic=-1";
		argv[4] = NULL;
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -ECHILD;
}

TEST_F_TIMEOUT(kexec, kexec_load_refused, 300)
{
	int s, m, ret;

	NEED_DEV();
	if (self->stage == 1) {
		s = NEW_SESSION("kexec-load");
		m = data_memfd(0x10ad, 8, 0);
		ASSERT_LE(0, m);
		ASSERT_EQ(0, luo_preserve_fd(s, m, 1));
		close(m);
		ret = kexec_load_tool();
		ASSERT_EQ(0, ret) {
			TH_LOG("%s -l %s failed", KEXEC_TOOL, KERNEL_IMAGE);
		}
		/* an image that cannot carry the sessions is refused */
		ret = reboot(LINUX_REBOOT_CMD_KEXEC);
		ASSERT_EQ(-1, ret);
		ASSERT_EQ(EINVAL, errno) {
			TH_LOG("reboot(LINUX_REBOOT_CMD_KEXEC): %s",
			       strerror(errno));
		}
		/* unload it; /init loads its own with kexec_file_load */
		EXPECT_EQ(0, syscall(SYS_kexec_load, 0, 0, NULL, 0));
		SUMMARY("A: reboot(KEXEC) of a kexec_load image failed with EINVAL and A ran on");
		HOLD_AND_LEAVE();
		return;
	}

	LOAD_STATE();
	s = RETRIEVE("kexec-load");
	m = RETRIEVE_FD(s, 1);
	EXPECT_EQ(0, luo_check_pages(m, 0x10ad, 0, 8));
	EXPECT_EQ(0, luo_finish(s));
	close(m);
	close(s);
	SUMMARY("B: the session arrived intact by the kexec_file_load image");
}

/* ------------------------------------------------------------------ */

/* LUO off (liveupdate=off, or kho=off): there is no device at all. */
TEST_F(kexec, disabled)
{
	EXPECT_EQ(-1, self->dev);
	EXPECT_EQ(ENOENT, self->open_errno) {
		TH_LOG("open %s: %s, expected ENOENT", LUO_DEVICE,
		       self->dev < 0 ? strerror(self->open_errno) : "opened");
	}
	EXPECT_EQ(-1, access(TEST_DEBUGFS "/corrupt", F_OK));
	SUMMARY("open(%s) fails with %s", LUO_DEVICE,
		strerror(self->open_errno));
}

/* ------------------------------------------------------------------ */

static void damage(struct __test_metadata *_metadata, int dev, int err,
		   int stage, const char *how)
{
	int s, m, ret, fd;

	if (stage == 1) {
		need_dev(_metadata, dev, err);
		s = new_session(_metadata, dev, "damaged");
		m = data_memfd(0xdead, 16, 0);
		ASSERT_LE(0, m);
		ASSERT_EQ(0, luo_preserve_fd(s, m, 1));
		close(m);
		ret = write_file(TEST_DEBUGFS "/corrupt", how);
		ASSERT_EQ(0, ret) {
			TH_LOG("%s/corrupt <- %s: %s", TEST_DEBUGFS, how,
			       strerror(-ret));
		}
		SUMMARY("A kept 1 session with 1 memfd and asked for a damaged %s",
			how);
		ASSERT_LT(0, luo_hold_fds(held, nr_held));
		return;
	}

	/* the refused handover leaves the device unusable, not absent */
	EXPECT_EQ(-1, dev);
	EXPECT_EQ(EIO, err) {
		TH_LOG("open %s: %s, expected EIO", LUO_DEVICE,
		       dev < 0 ? strerror(err) : "opened");
	}
	fd = open(LUO_DEVICE, O_RDWR);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EIO, errno);
	if (fd >= 0)
		close(fd);
	SUMMARY("B: open(%s) fails with %s", LUO_DEVICE, strerror(err));
}

TEST_F_TIMEOUT(kexec, damage_compatible, 300)
{
	damage(_metadata, self->dev, self->open_errno, self->stage,
	       "compatible");
}

TEST_F_TIMEOUT(kexec, damage_session_chain, 300)
{
	damage(_metadata, self->dev, self->open_errno, self->stage,
	       "session-chain");
}

TEST_F_TIMEOUT(kexec, damage_memfd_header, 300)
{
	damage(_metadata, self->dev, self->open_errno, self->stage,
	       "memfd-header");
}

int main(int argc, char **argv)
{
	const char *name = getenv("LUO_CASE");
	char *args[4];

	/* a pipe to /init: no full buffering, or forks repeat output */
	setvbuf(stdout, NULL, _IOLBF, 0);
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (name && *name && argc == 1) {
		args[0] = argv[0];
		args[1] = "-t";
		args[2] = (char *)name;
		args[3] = NULL;
		return test_harness_run(3, args);
	}
	return test_harness_run(argc, argv);
}
