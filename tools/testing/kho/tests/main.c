// SPDX-License-Identifier: GPL-2.0
/*
 * Native harness: runs the unit tests, then replays every regression
 * input of every fuzz target, one child process each, one line each, and
 * ends with "N passed, N failed".
 *
 *   kho-test [-v] [-k substring] [regressions-dir]
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/memblock.h>
#include "../shim/kho_shim.h"
#include "../shim/kho_sim.h"
#include "../fuzz/targets.h"
#include "harness.h"

#define TEST_ARENA	(1280ULL << 20)	/* 1 GiB of every other page fits */
#define TEST_TIMEOUT	60

unsigned long kho_test_failures;
jmp_buf kho_test_abort;
static unsigned long long rng_state;

static const struct {
	const char *suite;
	const struct kho_test *tests;
} suites[] = {
	{ "radix", kho_radix_tests },
	{ "array", kho_array_tests },
	{ "block", kho_block_tests },
	{ "vmalloc", kho_vmalloc_tests },
	{ "fdt", kho_fdt_tests },
	{ "reserve", kho_reserve_tests },
};

void kho_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	kho_test_failures++;
	printf("    %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void kho_test_seed(unsigned long long seed)
{
	rng_state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

unsigned long long kho_test_rand(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned long long hash(const char *s)
{
	unsigned long long h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run @fn(@arg) in a child; return 1 if it passed. */
static int run_child(void (*fn)(const void *), const void *arg,
		     char *why, size_t why_len)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		snprintf(why, why_len, "fork failed");
		return 0;
	}
	if (!pid) {
		alarm(TEST_TIMEOUT);
		fn(arg);
		fflush(stdout);
		_exit(kho_test_failures ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) < 0) {
		snprintf(why, why_len, "waitpid failed");
		return 0;
	}
	if (WIFSIGNALED(status)) {
		snprintf(why, why_len, "killed by signal %d%s",
			 WTERMSIG(status),
			 WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
		return 0;
	}
	if (WEXITSTATUS(status)) {
		snprintf(why, why_len, "exit status %d", WEXITSTATUS(status));
		return 0;
	}
	why[0] = '\0';
	return 1;
}

static void unit_child(const void *arg)
{
	const struct kho_test *t = arg;

	kho_test_seed(hash(t->name));
	kho_log_reset();
	kho_mb_reset();
	if (kho_sim_start()) {
		printf("    cannot start the simulated kernel\n");
		_exit(1);
	}
	if (!setjmp(kho_test_abort))
		t->fn();
}

struct replay {
	const struct kho_fuzz_target *target;
	const char *path;
};

static void replay_child(const void *arg)
{
	const struct replay *r = arg;
	unsigned char *buf;
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = open(r->path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		printf("    cannot read %s\n", r->path);
		_exit(1);
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	while (buf && got < (size_t)st.st_size &&
	       (n = read(fd, buf + got, st.st_size - got)) > 0)
		got += n;
	close(fd);
	kho_log_quiet(true);
	r->target->entry(buf, got);
	free(buf);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

int main(int argc, char **argv)
{
	unsigned int passed = 0, failed = 0, i, s;
	const char *filter = NULL, *regressions = NULL;
	char why[128];
	int opt;

	while ((opt = getopt(argc, argv, "vk:")) != -1) {
		if (opt == 'v')
			setenv("KHO_VERBOSE", "1", 1);
		else if (opt == 'k')
			filter = optarg;
		else
			return 2;
	}
	if (optind < argc)
		regressions = argv[optind];

	if (kho_arena_init(TEST_ARENA)) {
		fprintf(stderr, "cannot map the arena\n");
		return 1;
	}

	for (s = 0; s < ARRAY_SIZE(suites); s++) {
		for (i = 0; suites[s].tests[i].name; i++) {
			const struct kho_test *t = &suites[s].tests[i];
			char name[128];
			double t0 = now();
			int ok;

			snprintf(name, sizeof(name), "%s/%s", suites[s].suite,
				 t->name);
			if (filter && !strstr(name, filter))
				continue;
			ok = run_child(unit_child, t, why, sizeof(why));
			printf("%s %-44s %6.2fs  %s\n", ok ? "PASS" : "FAIL",
			       name, now() - t0, why);
			ok ? passed++ : failed++;
		}
	}

	for (i = 0; regressions && kho_fuzz_targets[i].name; i++) {
		const struct kho_fuzz_target *target = &kho_fuzz_targets[i];
		char dir[4096], path[4096 + 256], *names[4096];
		unsigned int n = 0, k;
		struct dirent *de;
		DIR *d;

		snprintf(dir, sizeof(dir), "%s/%s", regressions, target->name);
		d = opendir(dir);
		if (!d)
			continue;
		while ((de = readdir(d)) && n < 4096) {
			if (de->d_name[0] == '.' || !strcmp(de->d_name, "README"))
				continue;
			names[n++] = strdup(de->d_name);
		}
		closedir(d);
		qsort(names, n, sizeof(names[0]), cmp_str);
		for (k = 0; k < n; k++) {
			struct replay r = { target, path };
			char name[512];
			double t0 = now();
			int ok;

			snprintf(path, sizeof(path), "%s/%s", dir, names[k]);
			snprintf(name, sizeof(name), "regression/%s/%s",
				 target->name, names[k]);
			free(names[k]);
			if (filter && !strstr(name, filter))
				continue;
			ok = run_child(replay_child, &r, why, sizeof(why));
			printf("%s %-44s %6.2fs  %s\n", ok ? "PASS" : "FAIL",
			       name, now() - t0, why);
			ok ? passed++ : failed++;
		}
	}

	printf("%u passed, %u failed\n", passed, failed);
	return failed || !passed;
}
