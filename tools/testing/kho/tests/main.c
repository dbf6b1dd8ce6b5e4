// SPDX-License-Identifier: GPL-2.0
/*
 * Native harness: runs the KUnit suites of kernel/liveupdate/ (built
 * against shim/kunit/), the native-only suites of tests/, the regression
 * inputs of every fuzz target and, with -e, outside commands that print
 * KTAP themselves; prints one KTAP version 1 document.
 *
 *   kho-test [-v] [-k substring] [-e name=command]... [regressions-dir]
 *
 * Each suite is a subtest, indented 4 spaces, with one result line per
 * test case (a parameterised case is a subtest of its own, one line per
 * parameter), followed by the suite's result at the top level.  Every case
 * (every parameter) runs in a forked child in a fresh simulated kernel, so
 * a crash fails that case only.  -k keeps the cases whose "suite/case"
 * name contains the substring.  The exit status is 1 if any suite failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include "../../../../kernel/liveupdate/kho_radix.h"
#include "../shim/kho_shim.h"
#include "../shim/kho_sim.h"
#include "../fuzz/targets.h"
#include "harness.h"

#define TEST_ARENA	(1280ULL << 20)	/* 1 GiB of every other page fits */
#define TEST_TIMEOUT	60
#define MAX_REGRESSIONS	4096
#define MAX_EXTERNAL	8
#define IND		4		/* KTAP subtest indent */

unsigned long kho_test_failures;
unsigned int kho_test_indent;
jmp_buf kho_test_abort;
static unsigned long long rng_state;

/* Native-only suites: what needs the simulated kexec or memblock. */
static const struct {
	const char *suite;
	const struct kho_test *tests;
} native_suites[] = {
	{ "kho_kexec", kho_kexec_tests },
	{ "kho_fdt", kho_fdt_tests },
	{ "kho_reserve", kho_reserve_tests },
};

/*
 * KUnit suites and cases ("suite/case") that need the kernel itself
 * (vmalloc areas, the real KHO core, kho_vmalloc.c): built here, linked
 * against tests/kernel_only.c, reported as skipped.
 */
static const char * const kernel_only[] = {
	"kho_vmalloc",
	"kho_vmalloc_restore/kho_vmalloc_test_restore_refuses",
};

#define KERNEL_ONLY	"needs the kernel (vmalloc areas, the KHO core)"

/* What a child reports back, in memory shared with the parent. */
struct outcome {
	int status;			/* enum kunit_status */
	char comment[KUNIT_LOG_SIZE];
};

static struct outcome *outcome;
static const char *filter;

void kho_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	kho_test_failures++;
	printf("%*s# %s:%d: ", kho_test_indent, "", file, line);
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

static bool wanted(const char *suite, const char *name)
{
	char full[512];

	if (!filter)
		return true;
	snprintf(full, sizeof(full), "%s/%s", suite, name);
	return strstr(full, filter);
}

/* A fresh simulated kernel for the test @name, in the child. */
static void fresh_kernel(const char *name)
{
	kho_test_seed(hash(name));
	kho_log_reset();
	kho_mb_reset();
	if (kho_sim_start()) {
		printf("%*s# cannot start the simulated kernel\n",
		       kho_test_indent, "");
		_exit(1);
	}
}

/*
 * Run @fn(@arg) in a child whose lines are indented @indent; it fills in
 * *outcome.  Return the status; a child that dies fails, with the reason
 * as a diagnostic.
 */
static int run_child(void (*fn)(const void *), const void *arg,
		     unsigned int indent)
{
	int status;
	pid_t pid;

	memset(outcome, 0, sizeof(*outcome));
	outcome->status = KUNIT_FAILURE;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("%*s# fork failed\n", indent, "");
		return KUNIT_FAILURE;
	}
	if (!pid) {
		kho_test_indent = indent;
		alarm(TEST_TIMEOUT);
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0) {
		printf("%*s# waitpid failed\n", indent, "");
		return KUNIT_FAILURE;
	}
	if (WIFSIGNALED(status)) {
		printf("%*s# killed by signal %d%s\n", indent, "",
		       WTERMSIG(status),
		       WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
		return KUNIT_FAILURE;
	}
	if (WEXITSTATUS(status)) {
		printf("%*s# exit status %d\n", indent, "",
		       WEXITSTATUS(status));
		return KUNIT_FAILURE;
	}
	return outcome->status;
}

/* "ok N name", "ok N name # SKIP why" or "not ok N name" at @indent. */
static void result(unsigned int indent, unsigned int n, const char *name,
		   int status, const char *why)
{
	printf("%*s%s %u %s", indent, "",
	       status == KUNIT_FAILURE ? "not ok" : "ok", n, name);
	if (status == KUNIT_SKIPPED)
		printf(" # SKIP%s%s", why && *why ? " " : "", why ? why : "");
	printf("\n");
	fflush(stdout);
}

static void header(unsigned int indent, const char *name, unsigned int plan)
{
	printf("%*sKTAP version 1\n", indent, "");
	printf("%*s# Subtest: %s\n", indent, "", name);
	printf("%*s1..%u\n", indent, "", plan);
}

/* Fold a case's status into its suite's: any failure fails. */
static int fold(int suite, int one, bool first)
{
	if (one == KUNIT_FAILURE || suite == KUNIT_FAILURE)
		return KUNIT_FAILURE;
	if (first)
		return one;
	return suite == KUNIT_SKIPPED && one == KUNIT_SKIPPED ?
	       KUNIT_SKIPPED : KUNIT_SUCCESS;
}

/* ---- KUnit suites -------------------------------------------------------- */

struct kunit_run {
	struct kunit_suite *suite;
	struct kunit_case *kcase;
	const void *param;
};

/*
 * Arena pages in use but for the outgoing tracker's tables, which stay
 * once made (a preserve adds them, an unpreserve leaves them).
 */
static unsigned long arena_pages(void)
{
	return kho_arena.used - kho_sim.out->nodes - kho_sim.out->leaves;
}

static void kunit_child(const void *arg)
{
	const struct kunit_run *r = arg;
	static struct kunit test;
	unsigned long used;

	fresh_kernel(r->kcase->name);
	used = arena_pages();
	test.name = r->kcase->name;
	test.param_value = r->param;
	test.status = KUNIT_SUCCESS;
	test.indent = kho_test_indent;
	kunit_shim_current = &test;
	if (!setjmp(test.abort)) {
		if (!r->suite->init || !r->suite->init(&test))
			r->kcase->run_case(&test);
	}
	if (!setjmp(test.abort)) {
		if (r->suite->exit)
			r->suite->exit(&test);
	}
	kunit_shim_cleanup(&test);
	kunit_shim_current = NULL;
	/* what the case allocated, it freed */
	if (arena_pages() != used && test.status != KUNIT_SKIPPED) {
		printf("%*s# %ld arena pages not freed\n", test.indent, "",
		       (long)(arena_pages() - used));
		test.status = KUNIT_FAILURE;
	}
	if (kho_log_warnings())
		printf("%*s# %lu kernel warnings\n", test.indent, "",
		       kho_log_warnings());
	outcome->status = test.status;
	snprintf(outcome->comment, sizeof(outcome->comment), "%s",
		 test.status_comment);
}

static bool needs_kernel(const char *suite, const char *name)
{
	char full[512];
	unsigned int i;

	snprintf(full, sizeof(full), "%s%s%s", suite, name ? "/" : "",
		 name ? name : "");
	for (i = 0; i < ARRAY_SIZE(kernel_only); i++)
		if (!strcmp(full, kernel_only[i]))
			return true;
	return false;
}

static unsigned int nr_params(const struct kunit_case *c)
{
	char desc[KUNIT_PARAM_DESC_SIZE];
	const void *p = NULL;
	unsigned int n = 0;

	while ((p = c->generate_params(p, desc)))
		n++;
	return n;
}

static int run_kunit_case(struct kunit_suite *suite, struct kunit_case *c,
			  unsigned int n)
{
	struct kunit_run r = { suite, c, NULL };
	char desc[KUNIT_PARAM_DESC_SIZE];
	int status = KUNIT_SUCCESS, one;
	unsigned int i = 0;

	if (needs_kernel(suite->name, c->name)) {
		result(IND, n, c->name, KUNIT_SKIPPED, KERNEL_ONLY);
		return KUNIT_SKIPPED;
	}
	if (!c->generate_params) {
		status = run_child(kunit_child, &r, IND);
		result(IND, n, c->name, status, outcome->comment);
		return status;
	}
	header(2 * IND, c->name, nr_params(c));
	while (desc[0] = '\0', (r.param = c->generate_params(r.param, desc))) {
		if (!desc[0])
			snprintf(desc, sizeof(desc), "param-%u", i);
		one = run_child(kunit_child, &r, 2 * IND);
		result(2 * IND, ++i, desc, one, outcome->comment);
		status = fold(status, one, i == 1);
	}
	result(IND, n, c->name, status, NULL);
	return status;
}

static unsigned int kunit_cases(struct kunit_suite *s)
{
	struct kunit_case *c;
	unsigned int n = 0;

	for (c = s->test_cases; c->run_case; c++)
		n += wanted(s->name, c->name);
	return n;
}

static int run_kunit_suite(struct kunit_suite *s, unsigned int n)
{
	unsigned int plan = kunit_cases(s), i = 0;
	int status = KUNIT_SUCCESS;
	struct kunit_case *c;

	if (needs_kernel(s->name, NULL)) {
		result(0, n, s->name, KUNIT_SKIPPED, KERNEL_ONLY);
		return KUNIT_SKIPPED;
	}
	header(IND, s->name, plan);
	for (c = s->test_cases; c->run_case; c++) {
		if (!wanted(s->name, c->name))
			continue;
		i++;
		status = fold(status, run_kunit_case(s, c, i), i == 1);
	}
	result(0, n, s->name, status, NULL);
	return status;
}

/* ---- native-only suites -------------------------------------------------- */

static void native_child(const void *arg)
{
	const struct kho_test *t = arg;

	fresh_kernel(t->name);
	if (!setjmp(kho_test_abort))
		t->fn();
	outcome->status = kho_test_failures ? KUNIT_FAILURE : KUNIT_SUCCESS;
}

static unsigned int native_cases(unsigned int s)
{
	const struct kho_test *t;
	unsigned int n = 0;

	for (t = native_suites[s].tests; t->name; t++)
		n += wanted(native_suites[s].suite, t->name);
	return n;
}

static int run_native_suite(unsigned int s, unsigned int n)
{
	int status = KUNIT_SUCCESS, one;
	const struct kho_test *t;
	unsigned int i = 0;

	header(IND, native_suites[s].suite, native_cases(s));
	for (t = native_suites[s].tests; t->name; t++) {
		if (!wanted(native_suites[s].suite, t->name))
			continue;
		one = run_child(native_child, t, IND);
		result(IND, ++i, t->name, one, NULL);
		status = fold(status, one, i == 1);
	}
	result(0, n, native_suites[s].suite, status, NULL);
	return status;
}

/* ---- regression inputs of the fuzz targets --------------------------------- */

struct replay {
	const struct kho_fuzz_target *target;
	char name[512];			/* target/file */
	char path[4096 + 512];
};

static struct replay *replays;
static unsigned int nr_replays;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

static void find_replays(const char *dir)
{
	unsigned int i, n, k;
	char sub[4096], *names[MAX_REGRESSIONS];
	struct dirent *de;
	DIR *d;

	replays = calloc(MAX_REGRESSIONS, sizeof(*replays));
	if (!replays)
		return;
	for (i = 0; kho_fuzz_targets[i].name; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", dir,
			 kho_fuzz_targets[i].name);
		d = opendir(sub);
		if (!d)
			continue;
		n = 0;
		while ((de = readdir(d)) && n < MAX_REGRESSIONS) {
			if (de->d_name[0] == '.' ||
			    !strcmp(de->d_name, "README"))
				continue;
			names[n++] = strdup(de->d_name);
		}
		closedir(d);
		qsort(names, n, sizeof(names[0]), cmp_str);
		for (k = 0; k < n; k++) {
			struct replay *r = &replays[nr_replays];

			if (names[k] && nr_replays < MAX_REGRESSIONS) {
				r->target = &kho_fuzz_targets[i];
				snprintf(r->name, sizeof(r->name), "%s/%s",
					 r->target->name, names[k]);
				snprintf(r->path, sizeof(r->path), "%s/%s",
					 sub, names[k]);
				if (wanted("regression", r->name))
					nr_replays++;
			}
			free(names[k]);
		}
	}
}

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
		printf("%*s# cannot read %s\n", kho_test_indent, "", r->path);
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
	outcome->status = KUNIT_SUCCESS;
}

static int run_replays(unsigned int n)
{
	int status = KUNIT_SUCCESS, one;
	unsigned int i;

	header(IND, "regression", nr_replays);
	for (i = 0; i < nr_replays; i++) {
		one = run_child(replay_child, &replays[i], IND);
		result(IND, i + 1, replays[i].name, one, NULL);
		status = fold(status, one, !i);
	}
	result(0, n, "regression", status, NULL);
	return status;
}

/* ---- outside commands that print KTAP ---------------------------------- */

static struct {
	char name[64];
	const char *cmd;
} external[MAX_EXTERNAL];
static unsigned int nr_external;

/* Run @cmd, its output (a KTAP document) indented as a subtest. */
static int run_external(unsigned int e, unsigned int n)
{
	char line[4096];
	FILE *f;
	int rc;

	fflush(stdout);
	f = popen(external[e].cmd, "r");
	if (!f) {
		printf("%*s# cannot run %s\n", IND, "", external[e].cmd);
		result(0, n, external[e].name, KUNIT_FAILURE, NULL);
		return KUNIT_FAILURE;
	}
	while (fgets(line, sizeof(line), f)) {
		printf("%*s%s", IND, "", line);
		fflush(stdout);
	}
	rc = pclose(f);
	if (rc) {
		printf("%*s# exit status %d\n", IND, "",
		       WIFEXITED(rc) ? WEXITSTATUS(rc) : rc);
	}
	result(0, n, external[e].name, rc ? KUNIT_FAILURE : KUNIT_SUCCESS,
	       NULL);
	return rc ? KUNIT_FAILURE : KUNIT_SUCCESS;
}

static int add_external(const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg || nr_external == MAX_EXTERNAL ||
	    (size_t)(eq - arg) >= sizeof(external[0].name))
		return -1;
	snprintf(external[nr_external].name, sizeof(external[0].name),
		 "%.*s", (int)(eq - arg), arg);
	external[nr_external++].cmd = eq + 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct kunit_suite **ks = kunit_shim_suites();
	unsigned int plan = 0, n = 0, i, count[3] = { 0 };
	int opt;

	while ((opt = getopt(argc, argv, "vk:e:")) != -1) {
		if (opt == 'v')
			setenv("KHO_VERBOSE", "1", 1);
		else if (opt == 'k')
			filter = optarg;
		else if (opt != 'e' || add_external(optarg))
			return 2;
	}
	if (optind < argc)
		find_replays(argv[optind]);

	outcome = mmap(NULL, sizeof(*outcome), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (outcome == MAP_FAILED || kho_arena_init(TEST_ARENA)) {
		fprintf(stderr, "cannot map the arena\n");
		return 1;
	}

	for (i = 0; ks[i]; i++)
		plan += kunit_cases(ks[i]) > 0;
	for (i = 0; i < ARRAY_SIZE(native_suites); i++)
		plan += native_cases(i) > 0;
	plan += nr_replays > 0;
	plan += filter ? 0 : nr_external;

	printf("KTAP version 1\n1..%u\n", plan);
	for (i = 0; ks[i]; i++)
		if (kunit_cases(ks[i]))
			count[run_kunit_suite(ks[i], ++n)]++;
	for (i = 0; i < ARRAY_SIZE(native_suites); i++)
		if (native_cases(i))
			count[run_native_suite(i, ++n)]++;
	if (nr_replays)
		count[run_replays(++n)]++;
	for (i = 0; !filter && i < nr_external; i++)
		count[run_external(i, ++n)]++;
	printf("# %u passed, %u failed, %u skipped\n", count[KUNIT_SUCCESS],
	       count[KUNIT_FAILURE], count[KUNIT_SKIPPED]);
	return count[KUNIT_FAILURE] || !count[KUNIT_SUCCESS];
}
