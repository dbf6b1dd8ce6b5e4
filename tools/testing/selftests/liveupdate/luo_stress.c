// SPDX-License-Identifier: GPL-2.0
/*
 * Live Update under concurrency: the user-space half of the kho-stress
 * test, two stages across one kexec (LUO_STAGE=1, then 2).
 *
 * Stage 1 starts the kernel's stress threads (kho_stress_test.c, through
 * /sys/kernel/debug/kho_stress/start), then runs, all at once:
 *
 *  - session threads, each doing a fixed number of random operations on
 *    its own slots: create a session ("stress-T-S-G") and preserve one or
 *    two memfds of known content in it, preserve one more memfd in an
 *    open session, or close a session (which drops it and its files);
 *  - a kexec thread that loads the kernel image with kexec_file_load(2)
 *    and unloads it again, a fixed number of times.
 *
 * It records which sessions are open, with what, and the highest
 * generation of every slot; checks that the kernel threads are still
 * running; keeps the record in the state session "luo-stress-state" and
 * leaves a child holding every session.  That child goes on creating
 * sessions "race-N", each with one memfd, until LUO refuses (the reboot
 * step has run) or RACE_MAX, logging every step in a memfd of the state
 * session: half of them slowly, the rest once the next kernel is loaded,
 * so that these ioctls race with the reboot step.  The KHO test /init
 * then loads the next kernel and kexecs.
 *
 * Stage 2 retrieves every recorded session and memfd and checks sizes
 * and contents, checks that a session holds no file beyond the recorded
 * ones, that every other name stage 1 ever created is gone, and that
 * each race session is there whole if its ioctls completed before the
 * freeze, absent if LUO refused it, and either (never half) for the one
 * in flight.  It also reports the kernel half's verdict (debugfs status).
 *
 * LUO_CASE=debug: fewer iterations, for the debug kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/kexec.h>

#include "luo_test_utils.h"
#include "kselftest.h"

#define KERNEL_IMAGE	"/boot/bzImage"
#define KSTRESS_START	"/sys/kernel/debug/kho_stress/start"
#define KSTRESS_STATUS	"/sys/kernel/debug/kho_stress/status"
#define STATE_SESSION	"luo-stress-state"
#define STATE_TOKEN	1
#define RACE_TOKEN	2

#define THREADS		3	/* session threads */
#define SLOTS		6	/* sessions per thread */
#define MAX_FILES	3	/* memfds per session */
#define MAX_PAGES	4	/* pages per memfd */
#define RACE_MAX	3000
#define KTHREADS	3	/* the kernel's stress threads */

/* What a race session got to, in the race log. */
enum race_step {
	RACE_NONE,
	RACE_CREATING,		/* CREATE_SESSION issued */
	RACE_CREATED,		/* ... succeeded; PRESERVE_FD issued */
	RACE_COMPLETE,		/* ... succeeded */
	RACE_REFUSED,		/* CREATE_SESSION failed with EBUSY */
	RACE_FILE_REFUSED,	/* PRESERVE_FD failed with EBUSY */
	RACE_ERROR,		/* any other failure */
};

struct slot {
	uint32_t gen;		/* the open session's, or the last one's */
	uint32_t open;
	uint32_t nr_files;
	uint32_t pages[MAX_FILES];
};

/* The record stage 1 hands to stage 2, in the state memfd. */
struct stress_state {
	uint32_t threads, slots;
	uint64_t created, closed, memfds, loads, unloads;
	struct slot slot[THREADS][SLOTS];
};

struct worker {
	pthread_t tid;
	unsigned int id;
	uint64_t rnd;
	unsigned int iterations;
	uint64_t created, closed, memfds, errors, iterations_done;
	int fd[SLOTS];
	struct slot *slot;
};

static int dev = -1;
static struct stress_state state;
static pthread_barrier_t barrier;

static unsigned int nr_iterations = 400, nr_loads = 16;
static unsigned int race_pause_us = 2000, race_fast_us = 1000, kpause_us;
static unsigned int race_max = RACE_MAX;
static unsigned long kiterations = 2000000, kseconds = 240;

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t file_seed(unsigned int t, unsigned int s, uint32_t gen,
			  unsigned int token)
{
	return (uint64_t)t << 56 | (uint64_t)s << 48 | (uint64_t)gen << 8 |
	       token;
}

static void session_name(char *buf, unsigned int t, unsigned int s,
			 uint32_t gen)
{
	snprintf(buf, LIVEUPDATE_SESSION_NAME_LENGTH, "stress-%u-%u-%u", t, s,
		 gen);
}

/*
 * Preserve a new memfd as file @token of session @fd; 0 or -errno.  Its
 * pages are luo_fill_page() data, written from a buffer of this thread's
 * own (luo_write_pages() has one for all threads).
 */
static int add_memfd(int fd, uint64_t seed, unsigned int pages,
		     unsigned int token)
{
	int mfd = luo_memfd("luo-stress", pages * LUO_PAGE, 0);
	char buf[MAX_PAGES * LUO_PAGE];
	unsigned int i;
	int ret = 0;

	if (mfd < 0)
		return mfd;
	for (i = 0; i < pages; i++)
		luo_fill_page(buf + i * LUO_PAGE, seed, i);
	if (pwrite(mfd, buf, pages * LUO_PAGE, 0) != (ssize_t)(pages * LUO_PAGE))
		ret = -EIO;
	if (!ret)
		ret = luo_preserve_fd(fd, mfd, token);
	close(mfd);
	return ret;
}

static void worker_add_file(struct worker *w, unsigned int s)
{
	struct slot *sl = &w->slot[s];
	unsigned int pages = 1 + next_rand(&w->rnd) % MAX_PAGES;
	unsigned int token = sl->nr_files + 1;

	if (add_memfd(w->fd[s], file_seed(w->id, s, sl->gen, token), pages,
		      token)) {
		w->errors++;
		return;
	}
	sl->pages[sl->nr_files++] = pages;
	w->memfds++;
}

static void worker_step(struct worker *w)
{
	unsigned int s = next_rand(&w->rnd) % SLOTS;
	struct slot *sl = &w->slot[s];
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	unsigned int i, nr;

	if (!sl->open) {
		session_name(name, w->id, s, sl->gen + 1);
		if (luo_create_session(dev, name, &w->fd[s])) {
			w->errors++;
			return;
		}
		sl->gen++;
		sl->open = 1;
		sl->nr_files = 0;
		w->created++;
		nr = 1 + next_rand(&w->rnd) % 2;
		for (i = 0; i < nr; i++)
			worker_add_file(w, s);
		return;
	}
	if (next_rand(&w->rnd) % 3 == 2 && sl->nr_files < MAX_FILES) {
		worker_add_file(w, s);
		return;
	}
	close(w->fd[s]);
	w->fd[s] = -1;
	sl->open = 0;
	w->closed++;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	unsigned int i;

	pthread_barrier_wait(&barrier);
	for (i = 0; i < w->iterations; i++) {
		worker_step(w);
		w->iterations_done++;
	}
	return NULL;
}

struct loader {
	pthread_t tid;
	int kernel, initrd;
	uint64_t loads, unloads, errors;
	int first_errno;
};

static long kexec_file(int kernel, int initrd, const char *cmdline,
		       unsigned long flags)
{
	return syscall(SYS_kexec_file_load, kernel, initrd,
		       cmdline ? strlen(cmdline) + 1 : 0, cmdline, flags);
}

static void *loader_fn(void *arg)
{
	static const char cmdline[] = "console=ttyS0 khotest.test=boot";
	struct loader *l = arg;
	unsigned int i;

	pthread_barrier_wait(&barrier);
	for (i = 0; i < nr_loads; i++) {
		if (kexec_file(l->kernel, l->initrd, cmdline, 0)) {
			if (!l->first_errno)
				l->first_errno = errno;
			l->errors++;
			continue;
		}
		l->loads++;
		if (kexec_file(-1, -1, NULL, KEXEC_FILE_UNLOAD)) {
			if (!l->first_errno)
				l->first_errno = errno;
			l->errors++;
			continue;
		}
		l->unloads++;
	}
	return NULL;
}

/* A small initrd for the load loop: one page of zeroes in /tmp. */
static int small_initrd(void)
{
	static char page[LUO_PAGE];
	int fd = open("/tmp/luo-stress-initrd", O_RDWR | O_CREAT | O_TRUNC,
		      0600);

	if (fd < 0)
		return -errno;
	if (write(fd, page, sizeof(page)) != sizeof(page)) {
		close(fd);
		return -EIO;
	}
	/* kexec_file_load() refuses a file open for writing */
	close(fd);
	fd = open("/tmp/luo-stress-initrd", O_RDONLY);
	return fd < 0 ? -errno : fd;
}

static int read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

static int start_kernel_stress(uint64_t seed)
{
	char cmd[96];
	int fd, len, ret = 0;

	fd = open(KSTRESS_START, O_WRONLY);
	if (fd < 0)
		return -errno;
	len = snprintf(cmd, sizeof(cmd), "%u %lu %llu %lu %u", KTHREADS,
		       kiterations, (unsigned long long)seed, kseconds,
		       kpause_us);
	if (write(fd, cmd, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

/* "key=N" in @text, or -1. */
static long long text_value(const char *text, const char *key)
{
	char want[64];
	const char *p;

	snprintf(want, sizeof(want), " %s=", key);
	p = strstr(text, want);
	return p ? strtoll(p + strlen(want), NULL, 10) : -1;
}

/* Is an image loaded for kexec -e? */
static int next_kernel_loaded(void)
{
	char buf[8];

	return !read_text("/sys/kernel/kexec_loaded", buf, sizeof(buf)) &&
	       buf[0] == '1';
}

/* A step of race session @n, stored at once: the kexec may come any time. */
static void log_step(uint32_t *log, int n, uint32_t step)
{
	__atomic_store_n(&log[n], step, __ATOMIC_SEQ_CST);
}

/*
 * The child left holding the sessions: race the reboot step with new
 * sessions, logging each step in @log, until LUO refuses or RACE_MAX.
 */
static void race_reboot_step(const int *fds, int nr, uint32_t *log)
{
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	int max = getdtablesize(), fd, i, n;

	fflush(stdout);
	fflush(stderr);
	if (fork())
		return;
	setsid();
	for (fd = 0; fd < max; fd++) {
		for (i = 0; i < nr; i++)
			if (fds[i] == fd)
				break;
		if (i == nr && fd != dev)
			close(fd);
	}
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	luo_raise_nofile(RACE_MAX + THREADS * SLOTS + 64);
	for (n = 0; n < race_max; n++) {
		int sfd, err;

		/*
		 * Half of them slowly; then wait for the next kernel to be
		 * loaded (the kexec comes right after) and race on.
		 */
		if (n >= race_max / 2)
			while (!next_kernel_loaded())
				usleep(10000);

		snprintf(name, sizeof(name), "race-%d", n);
		log_step(log, n, RACE_CREATING);
		err = luo_create_session(dev, name, &sfd);
		if (err) {
			log_step(log, n, err == -EBUSY ? RACE_REFUSED :
				 RACE_ERROR | -err << 8);
			break;
		}
		log_step(log, n, RACE_CREATED);
		err = add_memfd(sfd, file_seed(7, 7, n, 1), 1, 1);
		if (err) {
			log_step(log, n, err == -EBUSY ? RACE_FILE_REFUSED :
				 RACE_ERROR | -err << 8);
			break;
		}
		log_step(log, n, RACE_COMPLETE);
		/* a little time for the rest of the system between sessions */
		usleep(n < race_max / 2 ? race_pause_us : race_fast_us);
	}
	for (;;)
		pause();
}

static int stage1(void)
{
	struct worker workers[THREADS];
	static int held[THREADS * SLOTS + 1];
	char status[1024];
	struct loader l = { 0 };
	int st, st_fd, race_fd, i, s, nr_held = 0, ret;
	unsigned int open_files = 0;
	uint64_t errors = 0, iters = 0;
	uint32_t *log;
	long long running;

	ksft_set_plan(5);
	ret = start_kernel_stress(0x5eed);
	ksft_test_result(!ret, "kernel stress threads started (%s)\n",
			 ret ? strerror(-ret) : "ok");
	if (ret)
		return -1;

	l.kernel = open(KERNEL_IMAGE, O_RDONLY);
	l.initrd = small_initrd();
	if (l.kernel < 0 || l.initrd < 0) {
		ksft_test_result_fail("open %s and a small initrd\n",
				      KERNEL_IMAGE);
		return -1;
	}
	pthread_barrier_init(&barrier, NULL, THREADS + 2);
	state.threads = THREADS;
	state.slots = SLOTS;
	for (i = 0; i < THREADS; i++) {
		struct worker *w = &workers[i];

		memset(w, 0, sizeof(*w));
		w->id = i;
		w->rnd = 0x9e3779b97f4a7c15ULL * (i + 1);
		w->iterations = nr_iterations;
		w->slot = state.slot[i];
		for (s = 0; s < SLOTS; s++)
			w->fd[s] = -1;
		pthread_create(&w->tid, NULL, worker_fn, w);
	}
	pthread_create(&l.tid, NULL, loader_fn, &l);
	pthread_barrier_wait(&barrier);
	for (i = 0; i < THREADS; i++) {
		pthread_join(workers[i].tid, NULL);
		state.created += workers[i].created;
		state.closed += workers[i].closed;
		state.memfds += workers[i].memfds;
		errors += workers[i].errors;
		iters += workers[i].iterations_done;
	}
	pthread_join(l.tid, NULL);
	state.loads = l.loads;
	state.unloads = l.unloads;
	ksft_test_result(!errors && state.created && state.closed &&
			 state.memfds,
			 "session threads: %llu iterations, %llu sessions created, %llu closed, %llu memfds preserved, %llu errors\n",
			 (unsigned long long)iters,
			 (unsigned long long)state.created,
			 (unsigned long long)state.closed,
			 (unsigned long long)state.memfds,
			 (unsigned long long)errors);
	ksft_test_result(!l.errors && l.loads == nr_loads &&
			 l.unloads == nr_loads,
			 "kexec thread: %llu loads, %llu unloads, %llu errors (first: %s)\n",
			 (unsigned long long)l.loads,
			 (unsigned long long)l.unloads,
			 (unsigned long long)l.errors,
			 l.first_errno ? strerror(l.first_errno) : "none");

	/* the kernel threads must still be at it when the kexec comes */
	ret = read_text(KSTRESS_STATUS, status, sizeof(status));
	running = ret ? -1 : text_value(status, "running");
	printf("# kernel: %s\n", ret ? strerror(-ret) : status);
	ksft_test_result(running == KTHREADS, "kernel threads still running: %lld of %d\n",
			 running, KTHREADS);

	/* the record, and an empty race log, in the state session */
	st_fd = luo_memfd("luo-stress-state", sizeof(state), 0);
	race_fd = luo_memfd("luo-stress-race", RACE_MAX * sizeof(uint32_t),
			    0);
	ret = st_fd < 0 ? st_fd : race_fd < 0 ? race_fd : 0;
	if (!ret && pwrite(st_fd, &state, sizeof(state), 0) != sizeof(state))
		ret = -EIO;
	log = MAP_FAILED;
	if (!ret) {
		static uint32_t zero[RACE_MAX];

		/* every page there before the freeze: only stores after it */
		if (pwrite(race_fd, zero, sizeof(zero), 0) != sizeof(zero))
			ret = -EIO;
		else
			log = mmap(NULL, sizeof(zero), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_POPULATE, race_fd, 0);
		if (!ret && log == MAP_FAILED)
			ret = -errno;
	}
	if (!ret)
		ret = luo_create_session(dev, STATE_SESSION, &st);
	if (!ret) {
		held[nr_held++] = st;
		ret = luo_preserve_fd(st, st_fd, STATE_TOKEN);
		ret = ret ?: luo_preserve_fd(st, race_fd, RACE_TOKEN);
	}
	ksft_test_result(!ret, "state session %s: %s\n", STATE_SESSION,
			 ret ? strerror(-ret) : "ok");
	if (ret)
		return -1;
	for (i = 0; i < THREADS; i++)
		for (s = 0; s < SLOTS; s++)
			if (workers[i].fd[s] >= 0) {
				held[nr_held++] = workers[i].fd[s];
				open_files += state.slot[i][s].nr_files;
			}
	printf("# SUMMARY: A: %u session threads x %u iterations: ", THREADS,
	       nr_iterations);
	printf("%llu sessions created, %llu closed, %d open (%u memfds), ",
	       (unsigned long long)state.created,
	       (unsigned long long)state.closed, nr_held - 1, open_files);
	printf("%llu memfds preserved; %llu kexec loads, %llu unloads\n",
	       (unsigned long long)state.memfds,
	       (unsigned long long)state.loads,
	       (unsigned long long)state.unloads);
	if (!read_text("/proc/uptime", status, sizeof(status)))
		printf("# uptime %s\n", status);
	race_reboot_step(held, nr_held, log);
	return 0;
}

/* Session @name must come back with exactly the files of @sl. */
static int check_session(unsigned int t, unsigned int s,
			 const struct slot *sl, uint64_t *files)
{
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	int fd, mfd, ret, bad = 0;
	unsigned int i;
	struct stat stb;

	session_name(name, t, s, sl->gen);
	ret = luo_retrieve_session(dev, name, &fd);
	if (ret) {
		printf("# %s: RETRIEVE_SESSION: %s\n", name, strerror(-ret));
		return -1;
	}
	for (i = 0; i < sl->nr_files && i < MAX_FILES; i++) {
		ret = luo_retrieve_fd(fd, i + 1, &mfd);
		if (ret) {
			printf("# %s: file %u: %s\n", name, i + 1,
			       strerror(-ret));
			bad++;
			continue;
		}
		if (fstat(mfd, &stb) || stb.st_size != sl->pages[i] * LUO_PAGE ||
		    luo_check_pages(mfd, file_seed(t, s, sl->gen, i + 1), 0,
				    sl->pages[i])) {
			printf("# %s: file %u: wrong size or content\n", name,
			       i + 1);
			bad++;
		}
		close(mfd);
		(*files)++;
	}
	/* nothing more */
	if (luo_retrieve_fd(fd, sl->nr_files + 1, &mfd) != -ENOENT) {
		printf("# %s: a file %u that was never preserved\n", name,
		       sl->nr_files + 1);
		bad++;
	}
	if (luo_finish(fd))
		bad++;
	close(fd);
	return bad ? -1 : 0;
}

/* A race session: as logged, or for the one in flight, whole or absent. */
static int check_race(int n, uint32_t step, uint64_t *whole)
{
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	int fd, mfd, ret, got, bad = 0;

	snprintf(name, sizeof(name), "race-%d", n);
	ret = luo_retrieve_session(dev, name, &fd);
	if (ret) {
		/* absent: right unless its CREATE_SESSION succeeded */
		if (step == RACE_CREATED || step == RACE_COMPLETE ||
		    step == RACE_FILE_REFUSED) {
			printf("# %s: step %u, but RETRIEVE_SESSION: %s\n",
			       name, step, strerror(-ret));
			return -1;
		}
		return ret == -ENOENT ? 0 : -1;
	}
	if (step != RACE_CREATING && step != RACE_CREATED &&
	    step != RACE_COMPLETE && step != RACE_FILE_REFUSED) {
		printf("# %s: step %u, but it was handed over\n", name, step);
		close(fd);
		return -1;
	}
	ret = luo_retrieve_fd(fd, 1, &mfd);
	got = !ret;
	if (got) {
		if (luo_check_pages(mfd, file_seed(7, 7, n, 1), 0, 1))
			bad++;
		close(mfd);
	}
	/* complete: its file; refused: none; in flight: either, whole */
	if ((step == RACE_COMPLETE && !got) ||
	    (step == RACE_FILE_REFUSED && got) ||
	    (!got && ret != -ENOENT))
		bad++;
	if (luo_retrieve_fd(fd, 2, &mfd) != -ENOENT)
		bad++;
	*whole += got;
	if (luo_finish(fd))
		bad++;
	close(fd);
	if (bad)
		printf("# %s: step %u, file %s: handed over wrong\n", name,
		       step, got ? "there" : "absent");
	return bad ? -1 : 0;
}

static int stage2(void)
{
	uint64_t open = 0, files = 0, gone = 0, whole = 0;
	uint64_t complete = 0, refused = 0, in_flight = 0;
	int st, st_fd, race_fd, ret, bad = 0, n, last = -1;
	static uint32_t log[RACE_MAX];
	unsigned int t, s;
	uint32_t g;
	char status[1024];

	ksft_set_plan(4);
	ret = luo_retrieve_session(dev, STATE_SESSION, &st);
	ret = ret ?: luo_retrieve_fd(st, STATE_TOKEN, &st_fd);
	ret = ret ?: luo_retrieve_fd(st, RACE_TOKEN, &race_fd);
	if (!ret && (pread(st_fd, &state, sizeof(state), 0) != sizeof(state) ||
		     pread(race_fd, log, sizeof(log), 0) != sizeof(log)))
		ret = -EIO;
	if (!ret && (state.threads != THREADS || state.slots != SLOTS))
		ret = -EINVAL;
	ksft_test_result(!ret, "state session %s: %s\n", STATE_SESSION,
			 ret ? strerror(-ret) : "ok");
	if (ret)
		return -1;
	close(st_fd);
	close(race_fd);
	luo_finish(st);
	close(st);

	/* every session stage 1 ever created: there if open, else gone */
	for (t = 0; t < THREADS; t++) {
		for (s = 0; s < SLOTS; s++) {
			const struct slot *sl = &state.slot[t][s];
			char name[LIVEUPDATE_SESSION_NAME_LENGTH];
			int fd;

			for (g = 1; g <= sl->gen + 1; g++) {
				if (sl->open && g == sl->gen) {
					open++;
					if (check_session(t, s, sl, &files))
						bad++;
					continue;
				}
				session_name(name, t, s, g);
				ret = luo_retrieve_session(dev, name, &fd);
				if (ret != -ENOENT) {
					printf("# %s is gone, RETRIEVE_SESSION: %s\n",
					       name, ret ? strerror(-ret) : "ok");
					if (!ret)
						close(fd);
					bad++;
				}
				gone++;
			}
		}
	}
	ksft_test_result(!bad && open,
			 "stage 1 sessions: %llu open ones whole (%llu memfds, content checked), %llu closed or unused names gone, %d wrong\n",
			 (unsigned long long)open, (unsigned long long)files,
			 (unsigned long long)gone, bad);

	/* the race with the reboot step */
	bad = 0;
	for (n = 0; n < RACE_MAX && log[n] != RACE_NONE; n++) {
		last = n;
		if ((log[n] & 0xff) == RACE_ERROR) {
			printf("# race-%d: %s\n", n, strerror(log[n] >> 8));
			log[n] = RACE_ERROR;
		}
		complete += log[n] == RACE_COMPLETE;
		refused += log[n] == RACE_REFUSED ||
			   log[n] == RACE_FILE_REFUSED;
		in_flight += log[n] == RACE_CREATING || log[n] == RACE_CREATED;
		if (log[n] == RACE_ERROR)
			bad++;
		if (check_race(n, log[n], &whole))
			bad++;
	}
	/* and nothing after the last one it began */
	for (n = last + 1; n < last + 4 && n < RACE_MAX; n++)
		if (check_race(n, RACE_NONE, &whole))
			bad++;
	ksft_test_result(!bad && complete,
			 "race with the reboot step: %d race sessions begun, %llu complete before the freeze, %llu refused by it, %llu in flight; %llu handed over with their memfd, %d wrong\n",
			 last + 1, (unsigned long long)complete,
			 (unsigned long long)refused,
			 (unsigned long long)in_flight,
			 (unsigned long long)whole, bad);
	printf("# SUMMARY: B: %llu sessions and %llu memfds back whole, ",
	       (unsigned long long)open, (unsigned long long)files);
	printf("%llu closed names gone; race: %d begun, %llu complete, ",
	       (unsigned long long)gone, last + 1,
	       (unsigned long long)complete);
	printf("%llu refused, %llu in flight\n", (unsigned long long)refused,
	       (unsigned long long)in_flight);

	ret = read_text(KSTRESS_STATUS, status, sizeof(status));
	printf("# kernel: %s\n", ret ? strerror(-ret) : status);
	ksft_test_result(!ret && strstr(status, "B: RESULT status=PASS "),
			 "kernel half verified in kernel B\n");
	return 0;
}

int main(void)
{
	const char *c = getenv("LUO_CASE");
	int stage = luo_stage(), ret;

	ksft_print_header();
	if (c && !strcmp(c, "debug")) {
		nr_iterations = 100;
		nr_loads = 3;
		race_max = 400;
		race_pause_us = 20000;
		race_fast_us = 2000;
		kpause_us = 5000;
		kiterations = 500000;
		kseconds = 2400;
	}
	printf("# stage %d%s\n", stage, c && *c ? c : "");
	dev = open(LUO_DEVICE, O_RDWR);
	if (dev < 0) {
		ksft_exit_fail_msg("open %s: %s\n", LUO_DEVICE,
				   strerror(errno));
	}
	ret = stage == 1 ? stage1() : stage2();
	if (ret)
		ksft_exit_fail();
	ksft_finished();
	return 0;
}
