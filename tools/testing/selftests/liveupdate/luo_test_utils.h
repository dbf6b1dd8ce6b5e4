/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the Live Update Orchestrator selftests: ioctl
 * wrappers, memfd contents that can be regenerated and checked in the next
 * kernel, /proc/meminfo, and the state session that carries what a later
 * stage must know across the kexec.
 */
#ifndef _LUO_TEST_UTILS_H
#define _LUO_TEST_UTILS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/liveupdate.h>

#define LUO_DEVICE		"/dev/liveupdate"
#define LUO_STATE_SESSION	"luo-test-state"
#define LUO_STATE_TOKEN		0x57a7e5ULL
#define LUO_STATE_SIZE		4096

#define LUO_PAGE		4096UL
#define LUO_MIB			(1024UL * 1024)

/* ioctl wrappers: 0 or -errno; *@fd gets the new fd where there is one. */
int luo_ioctl(int fd, unsigned long cmd, void *arg);
int luo_create_session(int dev, const char *name, int *fd);
int luo_retrieve_session(int dev, const char *name, int *fd);
int luo_preserve_fd(int session, int fd, uint64_t token);
int luo_retrieve_fd(int session, uint64_t token, int *fd);
int luo_finish(int session);
int luo_get_name(int session, char *name);

/* A memfd of @size bytes, nothing written (all holes); -errno on failure. */
int luo_memfd(const char *name, off_t size, unsigned int flags);

/*
 * Contents that need no storage: the 8-byte words of page @page for @seed,
 * so that the next kernel can check a page without a copy of it.
 */
void luo_fill_page(void *buf, uint64_t seed, uint64_t page);
int luo_write_pages(int fd, uint64_t seed, uint64_t first, uint64_t nr);
/* 0 if pages first..first+nr-1 hold luo_fill_page() data, else -1. */
int luo_check_pages(int fd, uint64_t seed, uint64_t first, uint64_t nr);
/* 0 if @len bytes at @off read as zero. */
int luo_check_zero(int fd, off_t off, size_t len);

/* A 64-bit checksum of @len bytes, chained through @sum. */
uint64_t luo_sum(uint64_t sum, const void *buf, size_t len);
/* The checksum of the whole file, read with pread; 0 with -errno in *err. */
uint64_t luo_sum_fd(int fd, int *err);

/* A /proc/meminfo figure in KiB ("MemFree", "ShmemHugePages"), or -1. */
long luo_meminfo_kib(const char *key);
/* page frame numbers of @n mapped pages (0: not present); 0 or -errno */
int luo_pfns(const void *map, size_t n, uint64_t *pfns);
/* st_blocks of @fd (512-byte units), or -1. */
long long luo_blocks(int fd);
/* Describe the data extents (SEEK_DATA/SEEK_HOLE) as "off+len,..." */
int luo_extents(int fd, char *buf, size_t len);

/*
 * The state session: stage N keeps "key=value" lines in a memfd in the
 * outgoing session "luo-test-state.N"; stage N+1 reads them back.
 */
struct luo_state {
	char text[LUO_STATE_SIZE];
};

void luo_state_set(struct luo_state *st, const char *key, const char *fmt,
		   ...);
void luo_state_set_u64(struct luo_state *st, const char *key, uint64_t val);
/* The value of @key, or NULL.  Copies it into a static buffer. */
const char *luo_state_get(const struct luo_state *st, const char *key);
uint64_t luo_state_u64(const struct luo_state *st, const char *key);
/* Preserve @st in a new outgoing state session; returns its fd or -errno. */
int luo_state_save(int dev, int stage, const struct luo_state *st);
/* Retrieve, read and finish stage @stage's state session; 0 or -errno. */
int luo_state_load(int dev, int stage, struct luo_state *st);

/*
 * Fork a process that keeps @fds open until the kexec: it leaves the
 * caller's process group and session, closes every other descriptor and
 * sleeps.  Returns its pid or -errno.
 */
pid_t luo_hold_fds(const int *fds, int nr);

/* Raise RLIMIT_NOFILE to at least @nr; 0 or -errno. */
int luo_raise_nofile(unsigned long nr);

/* The stage this program runs as (environment LUO_STAGE, default 1). */
int luo_stage(void);

#endif /* _LUO_TEST_UTILS_H */
