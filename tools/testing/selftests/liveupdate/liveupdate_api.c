// SPDX-License-Identifier: GPL-2.0
/*
 * Every /dev/liveupdate and session ioctl path that needs no kexec: the
 * device's open rules, session creation, preservation and its errors, the
 * size and extensibility rules of every ioctl, and what preservation does
 * to a memfd (its size is frozen; closing the session gives it back).
 *
 * Needs root and a kernel booted with "kho=on liveupdate=on".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "luo_test_utils.h"
#include "kselftest_harness.h"

#ifndef MFD_HUGETLB
#define MFD_HUGETLB	0x0004U
#endif

#define NR_SESSIONS	2000
#define NR_FILES	1000

FIXTURE(luo) {
	int dev;
};

#define NO_LUO	"no " LUO_DEVICE ": LUO is off (needs liveupdate=on kho=on)"

FIXTURE_SETUP(luo)
{
	self->dev = open(LUO_DEVICE, O_RDWR);
	/* a kernel without LUO (or booted without it): nothing to test */
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, NO_LUO);
	ASSERT_LE(0, self->dev) {
		TH_LOG("open %s: %s", LUO_DEVICE, strerror(errno));
	}
}

FIXTURE_TEARDOWN(luo)
{
	if (self->dev >= 0)
		close(self->dev);
}

/* A memfd of @pages pages of luo_fill_page() data for @seed. */
static int data_memfd(uint64_t seed, uint64_t pages)
{
	int fd = luo_memfd("luo-api", pages * LUO_PAGE, 0);

	if (fd >= 0 && luo_write_pages(fd, seed, 0, pages)) {
		close(fd);
		return -EIO;
	}
	return fd;
}

/* ---- the uAPI itself: what luo.md fixes, byte for byte ---- */

TEST_F(luo, uapi_layout)
{
	EXPECT_EQ(0xBA, LIVEUPDATE_IOCTL_TYPE);
	EXPECT_EQ(64, LIVEUPDATE_SESSION_NAME_LENGTH);
	/* _IO(0xBA, nr): no direction or size bits */
	EXPECT_EQ(0xBA00, LIVEUPDATE_IOCTL_CREATE_SESSION);
	EXPECT_EQ(0xBA01, LIVEUPDATE_IOCTL_RETRIEVE_SESSION);
	EXPECT_EQ(0xBA40, LIVEUPDATE_SESSION_PRESERVE_FD);
	EXPECT_EQ(0xBA41, LIVEUPDATE_SESSION_RETRIEVE_FD);
	EXPECT_EQ(0xBA42, LIVEUPDATE_SESSION_FINISH);
	EXPECT_EQ(0xBA43, LIVEUPDATE_SESSION_GET_NAME);

	EXPECT_EQ(72, sizeof(struct liveupdate_ioctl_create_session));
	EXPECT_EQ(4, offsetof(struct liveupdate_ioctl_create_session, fd));
	EXPECT_EQ(8, offsetof(struct liveupdate_ioctl_create_session, name));
	EXPECT_EQ(72, sizeof(struct liveupdate_ioctl_retrieve_session));
	EXPECT_EQ(4, offsetof(struct liveupdate_ioctl_retrieve_session, fd));
	EXPECT_EQ(8, offsetof(struct liveupdate_ioctl_retrieve_session, name));
	EXPECT_EQ(16, sizeof(struct liveupdate_session_preserve_fd));
	EXPECT_EQ(4, offsetof(struct liveupdate_session_preserve_fd, fd));
	EXPECT_EQ(8, offsetof(struct liveupdate_session_preserve_fd, token));
	EXPECT_EQ(16, sizeof(struct liveupdate_session_retrieve_fd));
	EXPECT_EQ(4, offsetof(struct liveupdate_session_retrieve_fd, fd));
	EXPECT_EQ(8, offsetof(struct liveupdate_session_retrieve_fd, token));
	EXPECT_EQ(8, sizeof(struct liveupdate_session_finish));
	EXPECT_EQ(4, offsetof(struct liveupdate_session_finish, reserved));
	EXPECT_EQ(72, sizeof(struct liveupdate_session_get_name));
	EXPECT_EQ(4, offsetof(struct liveupdate_session_get_name, reserved));
	EXPECT_EQ(8, offsetof(struct liveupdate_session_get_name, name));
}

/* ---- the device ---- */

TEST_F(luo, device_node)
{
	struct stat st;

	ASSERT_EQ(0, stat(LUO_DEVICE, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
}

TEST_F(luo, open_once)
{
	int fd;

	/* the fixture holds it open */
	fd = open(LUO_DEVICE, O_RDWR);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EBUSY, errno);
	if (fd >= 0)
		close(fd);

	ASSERT_EQ(0, close(self->dev));
	self->dev = open(LUO_DEVICE, O_RDWR);
	ASSERT_LE(0, self->dev) {
		TH_LOG("reopen after close: %s", strerror(errno));
	}
	/* and it works */
	ASSERT_EQ(0, luo_create_session(self->dev, "reopened", &fd));
	close(fd);
}

/* Open the device in a child with CAP_SYS_ADMIN dropped (or as @uid). */
static int open_in_child(struct __test_metadata *_metadata, int drop_cap,
			 uid_t uid)
{
	int status, fd;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		struct __user_cap_header_struct hdr = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct data[2];

		if (drop_cap) {
			if (syscall(SYS_capget, &hdr, data))
				_exit(100);
			data[CAP_SYS_ADMIN / 32].effective &=
				~(1U << (CAP_SYS_ADMIN % 32));
			data[CAP_SYS_ADMIN / 32].permitted &=
				~(1U << (CAP_SYS_ADMIN % 32));
			if (syscall(SYS_capset, &hdr, data))
				_exit(101);
		}
		if (uid && setuid(uid))
			_exit(102);
		fd = open(LUO_DEVICE, O_RDWR);
		if (fd >= 0)
			_exit(0);
		TH_LOG("open %s: %s", drop_cap ? "without CAP_SYS_ADMIN" :
		       "as a non-root user", strerror(errno));
		_exit(errno);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(luo, open_needs_cap_sys_admin)
{
	int fd;

	/* the device is free, so only the capability can refuse */
	close(self->dev);
	self->dev = -1;
	EXPECT_EQ(EPERM, open_in_child(_metadata, 1, 0));
	/* mode 0600 root: another user is refused by the node's mode */
	EXPECT_EQ(EACCES, open_in_child(_metadata, 0, 65534));
	/* a refused open does not leave the device busy */
	fd = open(LUO_DEVICE, O_RDWR);
	ASSERT_LE(0, fd);
	self->dev = fd;
}

TEST_F(luo, close_device_keeps_sessions)
{
	int s, t;

	ASSERT_EQ(0, luo_create_session(self->dev, "outlives-dev", &s));
	close(self->dev);
	self->dev = open(LUO_DEVICE, O_RDWR);
	ASSERT_LE(0, self->dev);
	/* still there: the name is taken */
	EXPECT_EQ(-EEXIST, luo_create_session(self->dev, "outlives-dev", &t));
	close(s);
	/* closed: the name is free again */
	ASSERT_EQ(0, luo_create_session(self->dev, "outlives-dev", &t));
	close(t);
}

/* ---- sessions ---- */

TEST_F(luo, create_session_names)
{
	struct liveupdate_ioctl_create_session arg = { .size = sizeof(arg) };
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	int s;

	/* empty */
	EXPECT_EQ(-EINVAL, luo_ioctl(self->dev, LIVEUPDATE_IOCTL_CREATE_SESSION,
				     &arg));
	/* no NUL in 64 bytes */
	memset(arg.name, 'n', sizeof(arg.name));
	EXPECT_EQ(-EINVAL, luo_ioctl(self->dev, LIVEUPDATE_IOCTL_CREATE_SESSION,
				     &arg));
	/* 63 characters and the NUL is the longest name */
	arg.name[sizeof(arg.name) - 1] = '\0';
	ASSERT_EQ(0, luo_ioctl(self->dev, LIVEUPDATE_IOCTL_CREATE_SESSION,
			       &arg));
	ASSERT_EQ(0, luo_get_name(arg.fd, name));
	EXPECT_EQ(0, memcmp(name, arg.name, sizeof(name)));
	close(arg.fd);
	/* bytes after the NUL do not matter */
	memset(arg.name, 'x', sizeof(arg.name));
	memcpy(arg.name, "after-nul", 10);
	ASSERT_EQ(0, luo_ioctl(self->dev, LIVEUPDATE_IOCTL_CREATE_SESSION,
			       &arg));
	ASSERT_EQ(0, luo_get_name(arg.fd, name));
	EXPECT_STREQ("after-nul", name);
	EXPECT_EQ(-EEXIST, luo_create_session(self->dev, "after-nul", &s));
	close(arg.fd);
}

TEST_F(luo, create_session_duplicate)
{
	int a, b;

	ASSERT_EQ(0, luo_create_session(self->dev, "dup", &a));
	EXPECT_EQ(-EEXIST, luo_create_session(self->dev, "dup", &b));
	/* names are case sensitive, and unrelated names work */
	ASSERT_EQ(0, luo_create_session(self->dev, "Dup", &b));
	close(b);
	close(a);
	ASSERT_EQ(0, luo_create_session(self->dev, "dup", &a));
	close(a);
}

TEST_F(luo, create_session_cloexec)
{
	int s, flags;

	ASSERT_EQ(0, luo_create_session(self->dev, "cloexec", &s));
	flags = fcntl(s, F_GETFD);
	ASSERT_LE(0, flags);
	EXPECT_TRUE(flags & FD_CLOEXEC);
	close(s);
}

TEST_F(luo, session_get_name)
{
	struct liveupdate_session_get_name arg = { .size = sizeof(arg) };
	int s;

	ASSERT_EQ(0, luo_create_session(self->dev, "my-name", &s));
	memset(arg.name, 0xff, sizeof(arg.name));
	ASSERT_EQ(0, luo_ioctl(s, LIVEUPDATE_SESSION_GET_NAME, &arg));
	EXPECT_STREQ("my-name", (char *)arg.name);
	arg.reserved = 1;
	EXPECT_EQ(-EINVAL, luo_ioctl(s, LIVEUPDATE_SESSION_GET_NAME, &arg));
	arg.reserved = 0x80000000;
	EXPECT_EQ(-EINVAL, luo_ioctl(s, LIVEUPDATE_SESSION_GET_NAME, &arg));
	close(s);
}

TEST_F(luo, retrieve_session_unknown)
{
	int s, t;

	EXPECT_EQ(-ENOENT, luo_retrieve_session(self->dev, "never-was", &t));
	/* outgoing sessions are never found by retrieve */
	ASSERT_EQ(0, luo_create_session(self->dev, "outgoing", &s));
	EXPECT_EQ(-ENOENT, luo_retrieve_session(self->dev, "outgoing", &t));
	close(s);
}

TEST_F(luo, outgoing_session_kind)
{
	struct liveupdate_session_finish fin = { .size = sizeof(fin) };
	int s, m, fd = -1;

	ASSERT_EQ(0, luo_create_session(self->dev, "kind", &s));
	m = data_memfd(1, 1);
	ASSERT_LE(0, m);
	ASSERT_EQ(0, luo_preserve_fd(s, m, 1));
	/* retrieve and finish belong to incoming sessions */
	EXPECT_EQ(-EINVAL, luo_retrieve_fd(s, 1, &fd));
	EXPECT_EQ(-EINVAL, luo_retrieve_fd(s, 2, &fd));
	EXPECT_EQ(-EINVAL, luo_ioctl(s, LIVEUPDATE_SESSION_FINISH, &fin));
	/* the session still works */
	close(m);
	m = data_memfd(2, 1);
	ASSERT_LE(0, m);
	EXPECT_EQ(0, luo_preserve_fd(s, m, 2));
	close(m);
	close(s);
}

/* ---- PRESERVE_FD ---- */

TEST_F(luo, preserve_bad_fd)
{
	int s;

	ASSERT_EQ(0, luo_create_session(self->dev, "bad-fd", &s));
	EXPECT_EQ(-EBADF, luo_preserve_fd(s, -1, 1));
	EXPECT_EQ(-EBADF, luo_preserve_fd(s, 1000000, 1));
	EXPECT_EQ(-EBADF, luo_preserve_fd(s, getdtablesize() - 1, 1));
	close(s);
}

TEST_F(luo, preserve_unsupported_files)
{
	int s, fd, p[2];

	ASSERT_EQ(0, luo_create_session(self->dev, "unsupported", &s));
	fd = open("/dev/null", O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOENT, luo_preserve_fd(s, fd, 1));
	close(fd);
	/* a named file, even on a shmem-backed rootfs, is not a memfd */
	fd = open("/tmp/luo-api-file", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		EXPECT_EQ(4, write(fd, "data", 4));
		EXPECT_EQ(-ENOENT, luo_preserve_fd(s, fd, 2));
		close(fd);
		unlink("/tmp/luo-api-file");
	}
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-ENOENT, luo_preserve_fd(s, p[0], 3));
	close(p[0]);
	close(p[1]);
	/* neither the session itself nor the device */
	EXPECT_EQ(-ENOENT, luo_preserve_fd(s, s, 4));
	EXPECT_EQ(-ENOENT, luo_preserve_fd(s, self->dev, 5));
	/* the failures left nothing behind: these tokens are free */
	fd = data_memfd(3, 1);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, luo_preserve_fd(s, fd, 1));
	close(fd);
	close(s);
}

TEST_F(luo, preserve_duplicate_token)
{
	int s, a, b;

	ASSERT_EQ(0, luo_create_session(self->dev, "dup-token", &s));
	a = data_memfd(4, 1);
	b = data_memfd(5, 1);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, luo_preserve_fd(s, a, 7));
	EXPECT_EQ(-EEXIST, luo_preserve_fd(s, b, 7));
	/* b is not preserved, so it goes in under another token */
	EXPECT_EQ(0, luo_preserve_fd(s, b, 8));
	close(a);
	close(b);
	close(s);
}

TEST_F(luo, preserve_any_token)
{
	uint64_t tokens[] = { 0, 1, UINT32_MAX, (uint64_t)UINT32_MAX + 1,
			      INT64_MAX, UINT64_MAX };
	unsigned int i;
	int s, fd;

	ASSERT_EQ(0, luo_create_session(self->dev, "tokens", &s));
	for (i = 0; i < ARRAY_SIZE(tokens); i++) {
		fd = data_memfd(i, 1);
		ASSERT_LE(0, fd);
		EXPECT_EQ(0, luo_preserve_fd(s, fd, tokens[i])) {
			TH_LOG("token %#llx", (unsigned long long)tokens[i]);
		}
		close(fd);
	}
	close(s);
}

TEST_F(luo, preserve_same_file_twice)
{
	char path[64];
	int a, b, m, d;

	ASSERT_EQ(0, luo_create_session(self->dev, "busy-a", &a));
	ASSERT_EQ(0, luo_create_session(self->dev, "busy-b", &b));
	m = data_memfd(6, 2);
	ASSERT_LE(0, m);
	ASSERT_EQ(0, luo_preserve_fd(a, m, 1));
	/* under another token, in the same session or in another one */
	EXPECT_EQ(-EBUSY, luo_preserve_fd(a, m, 2));
	EXPECT_EQ(-EBUSY, luo_preserve_fd(b, m, 1));
	/* a dup() is the same open file */
	d = dup(m);
	ASSERT_LE(0, d);
	EXPECT_EQ(-EBUSY, luo_preserve_fd(b, d, 3));
	close(d);
	/* another open file of the same memfd is the same memfd */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", m);
	d = open(path, O_RDWR);
	ASSERT_LE(0, d);
	EXPECT_EQ(-EBUSY, luo_preserve_fd(b, d, 4));
	EXPECT_EQ(-EBUSY, luo_preserve_fd(a, d, 5));
	/* once the first session is gone, it can go in */
	close(a);
	EXPECT_EQ(0, luo_preserve_fd(b, d, 6));
	EXPECT_EQ(-EBUSY, luo_preserve_fd(b, m, 7));
	close(d);
	close(b);
	close(m);
}

TEST_F(luo, preserve_hugetlb_refused)
{
	int s, fd;

	fd = memfd_create("luo-hugetlb", MFD_HUGETLB);
	if (fd < 0)
		SKIP(return,
		     "not applicable: this kernel has no hugetlbfs (memfd_create(MFD_HUGETLB): %s)",
		     strerror(errno));
	ASSERT_EQ(0, luo_create_session(self->dev, "hugetlb", &s));
	EXPECT_EQ(-ENOENT, luo_preserve_fd(s, fd, 1));
	close(fd);
	close(s);
}

/* ---- what preservation does to a memfd ---- */

TEST_F(luo, close_session_unpreserves)
{
	uint64_t before, after;
	int a, b, m, err;

	m = data_memfd(7, 16);
	ASSERT_LE(0, m);
	before = luo_sum_fd(m, &err);
	ASSERT_EQ(0, err);
	ASSERT_EQ(0, luo_create_session(self->dev, "first", &a));
	ASSERT_EQ(0, luo_preserve_fd(a, m, 1));
	close(a);
	/* unpreserved with its session: it can go into a new one */
	ASSERT_EQ(0, luo_create_session(self->dev, "second", &b));
	EXPECT_EQ(0, luo_preserve_fd(b, m, 1));
	close(b);
	/* and it is the same file, same size, same bytes */
	EXPECT_EQ(16 * LUO_PAGE, lseek(m, 0, SEEK_END));
	after = luo_sum_fd(m, &err);
	ASSERT_EQ(0, err);
	EXPECT_EQ(before, after);
	EXPECT_EQ(0, luo_check_pages(m, 7, 0, 16));
	/* its size is no longer frozen */
	EXPECT_EQ(0, ftruncate(m, 32 * LUO_PAGE));
	close(m);
}

TEST_F(luo, preserved_memfd_size_frozen)
{
	char page[LUO_PAGE];
	struct stat st;
	void *map;
	int s, m;

	memset(page, 0x5a, sizeof(page));
	/* pages 0-2 written, page 3 a hole */
	m = luo_memfd("luo-frozen", 4 * LUO_PAGE, 0);
	ASSERT_LE(0, m);
	ASSERT_EQ(0, luo_write_pages(m, 9, 0, 3));
	ASSERT_EQ(0, luo_create_session(self->dev, "frozen", &s));
	ASSERT_EQ(0, luo_preserve_fd(s, m, 1));

	EXPECT_EQ(-1, ftruncate(m, 8 * LUO_PAGE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ftruncate(m, LUO_PAGE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ftruncate(m, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, pwrite(m, page, sizeof(page), 4 * LUO_PAGE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, pwrite(m, page, 1, 100 * LUO_PAGE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, fallocate(m, 0, 0, 8 * LUO_PAGE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, fallocate(m, 0, 6 * LUO_PAGE, LUO_PAGE));
	EXPECT_EQ(EPERM, errno);
	/* a write that starts inside and ends outside stops at the end */
	EXPECT_GE(100, pwrite(m, page, 200, 4 * LUO_PAGE - 100));
	ASSERT_EQ(0, fstat(m, &st));
	EXPECT_EQ(4 * LUO_PAGE, st.st_size);

	/* inside the size everything works, holes included */
	EXPECT_EQ(LUO_PAGE, pwrite(m, page, sizeof(page), LUO_PAGE));
	EXPECT_EQ(LUO_PAGE, pwrite(m, page, sizeof(page), 3 * LUO_PAGE));
	EXPECT_EQ(0, fallocate(m, 0, 0, 4 * LUO_PAGE));
	map = mmap(NULL, 4 * LUO_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, m,
		   0);
	ASSERT_NE(MAP_FAILED, map);
	memset((char *)map + 2 * LUO_PAGE, 0xa5, LUO_PAGE);
	munmap(map, 4 * LUO_PAGE);
	ASSERT_EQ(0, fstat(m, &st));
	EXPECT_EQ(4 * LUO_PAGE, st.st_size);

	/* given back when the session closes */
	close(s);
	EXPECT_EQ(0, ftruncate(m, 8 * LUO_PAGE));
	EXPECT_EQ(LUO_PAGE, pwrite(m, page, sizeof(page), 9 * LUO_PAGE));
	EXPECT_EQ(0, fallocate(m, 0, 0, 16 * LUO_PAGE));
	EXPECT_EQ(0, ftruncate(m, LUO_PAGE));
	close(m);
}

/* ---- many ---- */

TEST_F_TIMEOUT(luo, many_sessions, 300)
{
	static int fds[NR_SESSIONS];
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	char got[LIVEUPDATE_SESSION_NAME_LENGTH];
	int i;

	ASSERT_EQ(0, luo_raise_nofile(NR_SESSIONS + 64));
	for (i = 0; i < NR_SESSIONS; i++) {
		snprintf(name, sizeof(name), "many-%04d", i);
		ASSERT_EQ(0, luo_create_session(self->dev, name, &fds[i])) {
			TH_LOG("session %d", i);
		}
	}
	for (i = 0; i < NR_SESSIONS; i += 97) {
		snprintf(name, sizeof(name), "many-%04d", i);
		ASSERT_EQ(0, luo_get_name(fds[i], got));
		EXPECT_STREQ(name, got);
	}
	EXPECT_EQ(-EEXIST, luo_create_session(self->dev, "many-1999", &i));
	for (i = 0; i < NR_SESSIONS; i++)
		close(fds[i]);
	ASSERT_EQ(0, luo_create_session(self->dev, "many-1999", &i));
	close(i);
}

TEST_F_TIMEOUT(luo, many_files, 300)
{
	static int fds[NR_FILES];
	int s, i;

	ASSERT_EQ(0, luo_raise_nofile(NR_FILES + 64));
	ASSERT_EQ(0, luo_create_session(self->dev, "many-files", &s));
	for (i = 0; i < NR_FILES; i++) {
		fds[i] = data_memfd(i, 1);
		ASSERT_LE(0, fds[i]);
		ASSERT_EQ(0, luo_preserve_fd(s, fds[i], 1000 + i)) {
			TH_LOG("file %d", i);
		}
	}
	EXPECT_EQ(-EEXIST, luo_preserve_fd(s, fds[0], 1000 + NR_FILES - 1));
	close(s);
	/* all of them unpreserved with the session */
	ASSERT_EQ(0, luo_create_session(self->dev, "many-files-2", &s));
	for (i = 0; i < NR_FILES; i++) {
		ASSERT_EQ(0, luo_preserve_fd(s, fds[i], i)) {
			TH_LOG("file %d again", i);
		}
	}
	for (i = 0; i < NR_FILES; i++)
		close(fds[i]);
	close(s);
}

/* ---- the size and extensibility rules, for every ioctl ---- */

#define SIZES_BUF	8192

FIXTURE(sizes) {
	int dev;
	int session;
	int serial;
	uint64_t buf[SIZES_BUF / 8];
};

FIXTURE_VARIANT(sizes) {
	unsigned long cmd;
	int on_session;
	unsigned int size;	/* the kernel's struct */
	int result;		/* of a well-formed call */
};

FIXTURE_VARIANT_ADD(sizes, create_session) {
	.cmd = LIVEUPDATE_IOCTL_CREATE_SESSION,
	.size = sizeof(struct liveupdate_ioctl_create_session),
	.result = 0,
};

FIXTURE_VARIANT_ADD(sizes, retrieve_session) {
	.cmd = LIVEUPDATE_IOCTL_RETRIEVE_SESSION,
	.size = sizeof(struct liveupdate_ioctl_retrieve_session),
	.result = -ENOENT,	/* no incoming session of that name */
};

FIXTURE_VARIANT_ADD(sizes, preserve_fd) {
	.cmd = LIVEUPDATE_SESSION_PRESERVE_FD,
	.on_session = 1,
	.size = sizeof(struct liveupdate_session_preserve_fd),
	.result = 0,
};

FIXTURE_VARIANT_ADD(sizes, retrieve_fd) {
	.cmd = LIVEUPDATE_SESSION_RETRIEVE_FD,
	.on_session = 1,
	.size = sizeof(struct liveupdate_session_retrieve_fd),
	.result = -EINVAL,	/* the session is outgoing */
};

FIXTURE_VARIANT_ADD(sizes, finish) {
	.cmd = LIVEUPDATE_SESSION_FINISH,
	.on_session = 1,
	.size = sizeof(struct liveupdate_session_finish),
	.result = -EINVAL,	/* the session is outgoing */
};

FIXTURE_VARIANT_ADD(sizes, get_name) {
	.cmd = LIVEUPDATE_SESSION_GET_NAME,
	.on_session = 1,
	.size = sizeof(struct liveupdate_session_get_name),
	.result = 0,
};

FIXTURE_SETUP(sizes)
{
	self->dev = open(LUO_DEVICE, O_RDWR);
	/* a kernel without LUO (or booted without it): nothing to test */
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, NO_LUO);
	ASSERT_LE(0, self->dev);
	ASSERT_EQ(0, luo_create_session(self->dev, "sizes", &self->session));
}

FIXTURE_TEARDOWN(sizes)
{
	close(self->session);
	close(self->dev);
}

/* Fill in a well-formed argument for @cmd with @size in its size field. */
static void *sizes_arg(uint64_t *buf, int *serial, unsigned long cmd,
		       uint32_t size)
{
	char *p = (char *)buf;
	int32_t fd;

	memset(buf, 0, SIZES_BUF);
	memcpy(p, &size, sizeof(size));
	switch (cmd) {
	case LIVEUPDATE_IOCTL_CREATE_SESSION:
	case LIVEUPDATE_IOCTL_RETRIEVE_SESSION:
		snprintf(p + 8, LIVEUPDATE_SESSION_NAME_LENGTH, "size-%d",
			 (*serial)++);
		break;
	case LIVEUPDATE_SESSION_PRESERVE_FD:
		fd = data_memfd(*serial, 1);
		memcpy(p + 4, &fd, sizeof(fd));
		p[8] = (*serial)++;
		break;
	case LIVEUPDATE_SESSION_RETRIEVE_FD:
		p[8] = 1;
		break;
	}
	return p;
}

/* Issue @cmd on @fd; close what it created.  0 or -errno. */
static int sizes_call(int fd, unsigned long cmd, void *arg)
{
	int ret = luo_ioctl(fd, cmd, arg);
	int32_t out;

	memcpy(&out, (char *)arg + 4, sizeof(out));
	if (cmd == LIVEUPDATE_IOCTL_CREATE_SESSION && !ret)
		close(out);
	if (cmd == LIVEUPDATE_SESSION_PRESERVE_FD)
		close(out);
	return ret;
}

#define ARG(size)	sizes_arg(self->buf, &self->serial, variant->cmd, size)
#define CALL(arg)	sizes_call(variant->on_session ? self->session :	\
				   self->dev, variant->cmd, arg)

TEST_F(sizes, exact)
{
	EXPECT_EQ(variant->result, CALL(ARG(variant->size)));
}

TEST_F(sizes, too_small)
{
	uint32_t sizes[] = { 0, 1, 4, 7, variant->size - 1 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint32_t size = sizes[i];

		EXPECT_EQ(-EINVAL, CALL(ARG(size))) {
			TH_LOG("size %u", size);
		}
	}
}

TEST_F(sizes, larger_zero_tail)
{
	uint32_t sizes[] = { variant->size + 1, variant->size + 8, 4096,
			     SIZES_BUF };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint32_t size = sizes[i];

		EXPECT_EQ(variant->result, CALL(ARG(size))) {
			TH_LOG("size %u", size);
		}
	}
}

TEST_F(sizes, larger_nonzero_tail)
{
	uint32_t sizes[] = { variant->size + 1, variant->size + 8, 4096,
			     SIZES_BUF };
	unsigned int i;
	char *p;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint32_t size = sizes[i], at = variant->size;

		/* the first and the last byte past the kernel's struct */
		p = ARG(size);
		p[at] = 1;
		EXPECT_EQ(-E2BIG, CALL(p)) {
			TH_LOG("size %u, byte %u set", size, at);
		}
		at = size - 1;
		p = ARG(size);
		p[at] = 0x80;
		EXPECT_EQ(-E2BIG, CALL(p)) {
			TH_LOG("size %u, byte %u set", size, at);
		}
		/* a byte beyond @size is not looked at */
		if (size - 1 < variant->size)
			continue;
		p = ARG(size - 1);
		p[at] = 0x80;
		EXPECT_EQ(variant->result, CALL(p)) {
			TH_LOG("size %u, byte %u set", size - 1, at);
		}
	}
}

TEST_F(sizes, unreadable)
{
	int fd = variant->on_session ? self->session : self->dev;

	EXPECT_EQ(-EFAULT, luo_ioctl(fd, variant->cmd, NULL));
	EXPECT_EQ(-EFAULT, luo_ioctl(fd, variant->cmd, (void *)8));
}

TEST_F(sizes, wrong_encoding)
{
	int fd = variant->on_session ? self->session : self->dev;
	unsigned int nr = _IOC_NR(variant->cmd);
	unsigned long bad[] = {
		_IOWR(LIVEUPDATE_IOCTL_TYPE, nr, struct liveupdate_session_get_name),
		_IOW(LIVEUPDATE_IOCTL_TYPE, nr, struct liveupdate_session_preserve_fd),
		_IOR(LIVEUPDATE_IOCTL_TYPE, nr, struct liveupdate_session_finish),
		_IO(LIVEUPDATE_IOCTL_TYPE + 1, nr),
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		unsigned long cmd = bad[i];

		EXPECT_EQ(-ENOTTY, luo_ioctl(fd, cmd, ARG(variant->size))) {
			TH_LOG("cmd %#lx", cmd);
		}
	}
}

TEST_F(luo, unknown_ioctls)
{
	unsigned long dev_bad[] = {
		_IO(LIVEUPDATE_IOCTL_TYPE, 0x02),
		_IO(LIVEUPDATE_IOCTL_TYPE, 0x05),
		_IO(LIVEUPDATE_IOCTL_TYPE, 0x3f),
		_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_PRESERVE_FD),
		_IO(LIVEUPDATE_IOCTL_TYPE, 0xff),
	};
	unsigned long session_bad[] = {
		_IO(LIVEUPDATE_IOCTL_TYPE, 0x44),
		_IO(LIVEUPDATE_IOCTL_TYPE, 0x3f),
		_IO(LIVEUPDATE_IOCTL_TYPE, 0x80),
		_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_CREATE_SESSION),
		_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_RETRIEVE_SESSION),
	};
	struct liveupdate_ioctl_create_session arg;
	unsigned int i;
	int s;

	ASSERT_EQ(0, luo_create_session(self->dev, "unknown", &s));
	for (i = 0; i < ARRAY_SIZE(dev_bad); i++) {
		memset(&arg, 0, sizeof(arg));
		arg.size = sizeof(arg);
		snprintf((char *)arg.name, sizeof(arg.name), "unknown-nr");
		EXPECT_EQ(-EINVAL, luo_ioctl(self->dev, dev_bad[i], &arg)) {
			TH_LOG("device cmd %#lx", dev_bad[i]);
		}
	}
	for (i = 0; i < ARRAY_SIZE(session_bad); i++) {
		memset(&arg, 0, sizeof(arg));
		arg.size = sizeof(arg);
		snprintf((char *)arg.name, sizeof(arg.name), "unknown-nr");
		EXPECT_EQ(-EINVAL, luo_ioctl(s, session_bad[i], &arg)) {
			TH_LOG("session cmd %#lx", session_bad[i]);
		}
	}
	/* what isatty() asks: a known nr (1) with another encoding */
	EXPECT_FALSE(isatty(self->dev));
	EXPECT_EQ(ENOTTY, errno);
	close(s);
}

int main(int argc, char **argv)
{
	/* a pipe to /init: no full buffering, or forks repeat output */
	setvbuf(stdout, NULL, _IOLBF, 0);
	setvbuf(stderr, NULL, _IOLBF, 0);
	return test_harness_run(argc, argv);
}
