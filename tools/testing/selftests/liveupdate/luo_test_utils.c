// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the Live Update Orchestrator selftests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "luo_test_utils.h"

int luo_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

static int session_ioctl(int dev, unsigned long cmd, const char *name,
			 int *fd)
{
	struct liveupdate_ioctl_create_session arg = { .size = sizeof(arg) };
	int ret;

	/* create and retrieve share the layout */
	snprintf((char *)arg.name, sizeof(arg.name), "%s", name);
	ret = luo_ioctl(dev, cmd, &arg);
	if (!ret)
		*fd = arg.fd;
	return ret;
}

int luo_create_session(int dev, const char *name, int *fd)
{
	return session_ioctl(dev, LIVEUPDATE_IOCTL_CREATE_SESSION, name, fd);
}

int luo_retrieve_session(int dev, const char *name, int *fd)
{
	return session_ioctl(dev, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, name, fd);
}

int luo_preserve_fd(int session, int fd, uint64_t token)
{
	struct liveupdate_session_preserve_fd arg = {
		.size = sizeof(arg),
		.fd = fd,
		.token = token,
	};

	return luo_ioctl(session, LIVEUPDATE_SESSION_PRESERVE_FD, &arg);
}

int luo_retrieve_fd(int session, uint64_t token, int *fd)
{
	struct liveupdate_session_retrieve_fd arg = {
		.size = sizeof(arg),
		.fd = -1,
		.token = token,
	};
	int ret;

	ret = luo_ioctl(session, LIVEUPDATE_SESSION_RETRIEVE_FD, &arg);
	if (!ret)
		*fd = arg.fd;
	return ret;
}

int luo_finish(int session)
{
	struct liveupdate_session_finish arg = { .size = sizeof(arg) };

	return luo_ioctl(session, LIVEUPDATE_SESSION_FINISH, &arg);
}

int luo_get_name(int session, char *name)
{
	struct liveupdate_session_get_name arg = { .size = sizeof(arg) };
	int ret;

	ret = luo_ioctl(session, LIVEUPDATE_SESSION_GET_NAME, &arg);
	if (!ret)
		memcpy(name, arg.name, sizeof(arg.name));
	return ret;
}

int luo_memfd(const char *name, off_t size, unsigned int flags)
{
	int fd = memfd_create(name, flags);

	if (fd < 0)
		return -errno;
	if (size && ftruncate(fd, size)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

/* splitmix64: every word of every page from its position alone */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void luo_fill_page(void *buf, uint64_t seed, uint64_t page)
{
	uint64_t *w = buf, base = mix64(seed ^ (page << 20));
	size_t i;

	for (i = 0; i < LUO_PAGE / sizeof(*w); i++)
		w[i] = base + i * 0x2545f4914f6cdd1dULL;
	/* vary every word a little more than an arithmetic series */
	for (i = 0; i < LUO_PAGE / sizeof(*w); i += 7)
		w[i] = mix64(w[i]);
}

#define CHUNK_PAGES	256

int luo_write_pages(int fd, uint64_t seed, uint64_t first, uint64_t nr)
{
	static char buf[CHUNK_PAGES * LUO_PAGE];

	while (nr) {
		uint64_t n = nr < CHUNK_PAGES ? nr : CHUNK_PAGES, i;
		ssize_t done;

		for (i = 0; i < n; i++)
			luo_fill_page(buf + i * LUO_PAGE, seed, first + i);
		done = pwrite(fd, buf, n * LUO_PAGE, first * LUO_PAGE);
		if (done < 0)
			return -errno;
		if ((uint64_t)done != n * LUO_PAGE)
			return -EIO;
		first += n;
		nr -= n;
	}
	return 0;
}

int luo_check_pages(int fd, uint64_t seed, uint64_t first, uint64_t nr)
{
	static char buf[CHUNK_PAGES * LUO_PAGE];
	static char want[LUO_PAGE];

	while (nr) {
		uint64_t n = nr < CHUNK_PAGES ? nr : CHUNK_PAGES, i;
		ssize_t done;

		done = pread(fd, buf, n * LUO_PAGE, first * LUO_PAGE);
		if (done < 0 || (uint64_t)done != n * LUO_PAGE)
			return -1;
		for (i = 0; i < n; i++) {
			luo_fill_page(want, seed, first + i);
			if (memcmp(want, buf + i * LUO_PAGE, LUO_PAGE))
				return -1;
		}
		first += n;
		nr -= n;
	}
	return 0;
}

int luo_check_zero(int fd, off_t off, size_t len)
{
	static char buf[CHUNK_PAGES * LUO_PAGE];

	while (len) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf), i;
		ssize_t done = pread(fd, buf, n, off);

		if (done < 0 || (size_t)done != n)
			return -1;
		for (i = 0; i < n; i++)
			if (buf[i])
				return -1;
		off += n;
		len -= n;
	}
	return 0;
}

uint64_t luo_sum(uint64_t sum, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint64_t w;

	while (len >= 8) {
		memcpy(&w, p, 8);
		sum = ((sum ^ w) * 0x100000001b3ULL) + (sum >> 29);
		p += 8;
		len -= 8;
	}
	while (len--)
		sum = ((sum ^ *p++) * 0x100000001b3ULL) + (sum >> 29);
	return sum;
}

uint64_t luo_sum_fd(int fd, int *err)
{
	static char buf[CHUNK_PAGES * LUO_PAGE];
	uint64_t sum = 0xcbf29ce484222325ULL;
	off_t off = 0;
	ssize_t n;

	*err = 0;
	while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
		sum = luo_sum(sum, buf, n);
		off += n;
	}
	if (n < 0) {
		*err = -errno;
		return 0;
	}
	return sum;
}

long luo_meminfo_kib(const char *key)
{
	size_t klen = strlen(key);
	char line[256];
	long val = -1;
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			val = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

/*
 * The page frame numbers of the @n pages mapped from @map on, from
 * /proc/self/pagemap (root sees them): 0 for a page that is not present.
 */
int luo_pfns(const void *map, size_t n, uint64_t *pfns)
{
	ssize_t len = n * sizeof(*pfns);
	int pm, err = 0;
	size_t i;

	pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0)
		return -errno;
	if (pread(pm, pfns, len, (uintptr_t)map / LUO_PAGE * 8) != len)
		err = -EIO;
	close(pm);
	/* bit 63: present; bits 0-54: the page frame number */
	for (i = 0; !err && i < n; i++)
		pfns[i] = pfns[i] >> 63 ? pfns[i] & ((1ULL << 55) - 1) : 0;
	return err;
}

long long luo_blocks(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? -1 : (long long)st.st_blocks;
}

int luo_extents(int fd, char *buf, size_t len)
{
	off_t data = 0, hole;
	size_t used = 0;

	buf[0] = '\0';
	for (;;) {
		data = lseek(fd, data, SEEK_DATA);
		if (data < 0)
			return errno == ENXIO ? 0 : -errno;
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0)
			return -errno;
		used += snprintf(buf + used, len - used, "%s%llx+%llx",
				 used ? "," : "", (unsigned long long)data,
				 (unsigned long long)(hole - data));
		if (used >= len)
			return -ENOSPC;
		data = hole;
	}
}

void luo_state_set(struct luo_state *st, const char *key, const char *fmt,
		   ...)
{
	size_t used = strlen(st->text);
	va_list ap;

	used += snprintf(st->text + used, sizeof(st->text) - used, "%s=", key);
	if (used >= sizeof(st->text))
		return;
	va_start(ap, fmt);
	used += vsnprintf(st->text + used, sizeof(st->text) - used, fmt, ap);
	va_end(ap);
	if (used + 1 < sizeof(st->text))
		strcat(st->text, "\n");
}

void luo_state_set_u64(struct luo_state *st, const char *key, uint64_t val)
{
	luo_state_set(st, key, "%llu", (unsigned long long)val);
}

const char *luo_state_get(const struct luo_state *st, const char *key)
{
	static char val[LUO_STATE_SIZE];
	size_t klen = strlen(key);
	const char *p = st->text;

	while (*p) {
		size_t n = strcspn(p, "\n");

		if (n > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			snprintf(val, sizeof(val), "%.*s", (int)(n - klen - 1),
				 p + klen + 1);
			return val;
		}
		p += n + (p[n] == '\n');
	}
	return NULL;
}

uint64_t luo_state_u64(const struct luo_state *st, const char *key)
{
	const char *v = luo_state_get(st, key);

	return v ? strtoull(v, NULL, 0) : 0;
}

static void state_name(char *name, size_t len, int stage)
{
	snprintf(name, len, "%s.%d", LUO_STATE_SESSION, stage);
}

int luo_state_save(int dev, int stage, const struct luo_state *st)
{
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	int session, fd, ret;

	state_name(name, sizeof(name), stage);
	fd = luo_memfd("luo-test-state", 0, 0);
	if (fd < 0)
		return fd;
	if (pwrite(fd, st->text, sizeof(st->text), 0) != sizeof(st->text)) {
		close(fd);
		return -EIO;
	}
	ret = luo_create_session(dev, name, &session);
	if (!ret) {
		ret = luo_preserve_fd(session, fd, LUO_STATE_TOKEN);
		if (ret)
			close(session);
	}
	close(fd);
	return ret ? ret : session;
}

int luo_state_load(int dev, int stage, struct luo_state *st)
{
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	int session, fd, ret;

	state_name(name, sizeof(name), stage);
	memset(st, 0, sizeof(*st));
	ret = luo_retrieve_session(dev, name, &session);
	if (ret)
		return ret;
	ret = luo_retrieve_fd(session, LUO_STATE_TOKEN, &fd);
	if (!ret) {
		if (pread(fd, st->text, sizeof(st->text) - 1, 0) < 0)
			ret = -errno;
		close(fd);
	}
	if (!ret)
		ret = luo_finish(session);
	close(session);
	return ret;
}

pid_t luo_hold_fds(const int *fds, int nr)
{
	pid_t pid;
	int fd, i, max;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid)
		return pid < 0 ? -errno : pid;

	setsid();
	max = getdtablesize();
	for (fd = 0; fd < max; fd++) {
		for (i = 0; i < nr; i++)
			if (fds[i] == fd)
				break;
		if (i == nr)
			close(fd);
	}
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	for (;;)
		pause();
}

int luo_raise_nofile(unsigned long nr)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	if (rl.rlim_cur >= nr)
		return 0;
	rl.rlim_cur = nr;
	if (rl.rlim_max < nr)
		rl.rlim_max = nr;
	return setrlimit(RLIMIT_NOFILE, &rl) ? -errno : 0;
}

int luo_stage(void)
{
	const char *s = getenv("LUO_STAGE");

	return s ? atoi(s) : 1;
}
