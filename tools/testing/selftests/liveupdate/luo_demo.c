// SPDX-License-Identifier: GPL-2.0
/*
 * The Live Update demo: kernel A keeps a memfd of random bytes in a LUO
 * session, kernel B gets it back after the kexec and checks every byte.
 *
 * Run as stage 1 (LUO_STAGE=1, the default) in kernel A: it fills the
 * memfd, preserves it in the session "demo", records its size and checksum
 * in the state session, leaves a process holding both sessions and exits;
 * the caller kexecs.  Run as stage 2 in kernel B: it retrieves the session
 * and the memfd, checksums it and finishes the session.  Each stage prints
 * one "DEMO: key=value ..." line; exit status 0 means verified.
 *
 * LUO_DEMO_MIB sets the size (default 256 MiB).
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
#include <sys/random.h>

#include "luo_test_utils.h"

#define DEMO_SESSION	"demo"
#define DEMO_TOKEN	1

static char chunk[LUO_MIB];

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int fail(const char *what, int err)
{
	printf("DEMO: status=FAIL what=\"%s\" error=\"%s\"\n", what,
	       strerror(err < 0 ? -err : err));
	return 1;
}

static int stage1(int dev, unsigned long mib)
{
	uint64_t x, sum = 0xcbf29ce484222325ULL, *w = (uint64_t *)chunk;
	struct luo_state st = { };
	int session, state, fd, ret, fds[2];
	unsigned long i, j;
	double t0, t1;

	if (getrandom(&x, sizeof(x), 0) != sizeof(x))
		x = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL;
	x |= 1;
	fd = luo_memfd("demo-data", mib * LUO_MIB, 0);
	if (fd < 0)
		return fail("memfd_create", fd);

	/* xorshift64*: random enough, and quick under TCG */
	t0 = now_ms();
	for (i = 0; i < mib; i++) {
		for (j = 0; j < LUO_MIB / 8; j++) {
			x ^= x >> 12;
			x ^= x << 25;
			x ^= x >> 27;
			w[j] = x * 0x2545f4914f6cdd1dULL;
		}
		sum = luo_sum(sum, chunk, sizeof(chunk));
		if (pwrite(fd, chunk, sizeof(chunk), i * LUO_MIB) !=
		    sizeof(chunk))
			return fail("write", errno);
	}
	t1 = now_ms();

	ret = luo_create_session(dev, DEMO_SESSION, &session);
	if (ret)
		return fail("LIVEUPDATE_IOCTL_CREATE_SESSION", ret);
	ret = luo_preserve_fd(session, fd, DEMO_TOKEN);
	if (ret)
		return fail("LIVEUPDATE_SESSION_PRESERVE_FD", ret);
	close(fd);
	luo_state_set_u64(&st, "sum", sum);
	luo_state_set_u64(&st, "bytes", mib * LUO_MIB);
	state = luo_state_save(dev, 1, &st);
	if (state < 0)
		return fail("state session", state);
	printf("DEMO: stage=1 status=OK session=%s token=%d bytes=%lu\n",
	       DEMO_SESSION, DEMO_TOKEN, mib * LUO_MIB);
	printf("DEMO: stage=1 sum=%016llx fill_ms=%.0f preserve_ms=%.1f\n",
	       (unsigned long long)sum, t1 - t0, now_ms() - t1);
	fds[0] = session;
	fds[1] = state;
	if (luo_hold_fds(fds, 2) < 0)
		return fail("fork", errno);
	return 0;
}

static int stage2(int dev)
{
	struct luo_state st;
	double t0, t1, t2;
	int session, fd, ret, err;
	uint64_t sum, want;
	off_t size;

	t0 = now_ms();
	ret = luo_state_load(dev, 1, &st);
	if (ret)
		return fail("state session", ret);
	ret = luo_retrieve_session(dev, DEMO_SESSION, &session);
	if (ret)
		return fail("LIVEUPDATE_IOCTL_RETRIEVE_SESSION", ret);
	ret = luo_retrieve_fd(session, DEMO_TOKEN, &fd);
	if (ret)
		return fail("LIVEUPDATE_SESSION_RETRIEVE_FD", ret);
	t1 = now_ms();
	sum = luo_sum_fd(fd, &err);
	if (err)
		return fail("read", err);
	t2 = now_ms();
	ret = luo_finish(session);
	if (ret)
		return fail("LIVEUPDATE_SESSION_FINISH", ret);
	close(session);
	size = lseek(fd, 0, SEEK_END);
	want = luo_state_u64(&st, "sum");
	printf("DEMO: stage=2 sum=%016llx expected=%016llx bytes=%lld\n",
	       (unsigned long long)sum, (unsigned long long)want,
	       (long long)size);
	printf("DEMO: stage=2 status=%s retrieve_ms=%.1f checksum_ms=%.0f\n",
	       sum == want && size == (off_t)luo_state_u64(&st, "bytes") ?
	       "OK" : "MISMATCH", t1 - t0, t2 - t1);
	close(fd);
	return sum == want ? 0 : 1;
}

int main(void)
{
	const char *s = getenv("LUO_DEMO_MIB");
	unsigned long mib = s ? strtoul(s, NULL, 0) : 256;
	int dev;

	setvbuf(stdout, NULL, _IOLBF, 0);
	dev = open(LUO_DEVICE, O_RDWR);
	if (dev < 0)
		return fail("open " LUO_DEVICE, errno);
	return luo_stage() == 1 ? stage1(dev, mib) : stage2(dev);
}
