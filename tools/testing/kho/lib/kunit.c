// SPDX-License-Identifier: GPL-2.0
/*
 * Native harness: the KUnit shim behind shim/kunit/test.h and
 * shim/kunit/static_stub.h.  A test case's log lines, failures and skip
 * reason are KTAP diagnostics ("# ...") printed at the case's indent;
 * tests/main.c prints the result lines.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mm.h>

struct kunit_shim_action {
	struct kunit_shim_action *next;
	kunit_action_t *action;
	void *ctx;
};

struct kunit_shim_stub {
	struct kunit_shim_stub *next;
	const void *real_fn;
	const void *replacement;
};

#define KUNIT_SHIM_MAX_SUITES	32

static struct kunit_suite *suites[KUNIT_SHIM_MAX_SUITES + 1];
static unsigned int nr_suites;

struct kunit *kunit_shim_current;

void kunit_shim_register(struct kunit_suite **list)
{
	unsigned int i, j;

	for (; *list; list++) {
		if (nr_suites == KUNIT_SHIM_MAX_SUITES) {
			fprintf(stderr, "kunit shim: too many suites\n");
			abort();
		}
		for (i = 0; i < nr_suites; i++)
			if (strcmp((*list)->name, suites[i]->name) < 0)
				break;
		for (j = nr_suites; j > i; j--)
			suites[j] = suites[j - 1];
		suites[i] = *list;
		nr_suites++;
	}
}

struct kunit_suite **kunit_shim_suites(void)
{
	return suites;
}

/* Print @text as diagnostic lines at @test's indent, one per line. */
static void kunit_shim_diag(struct kunit *test, const char *text)
{
	const char *end;

	while (*text) {
		end = strchrnul(text, '\n');
		printf("%*s# %.*s\n", test ? test->indent : 0, "",
		       (int)(end - text), text);
		text = *end ? end + 1 : end;
	}
	fflush(stdout);
}

void kunit_shim_log(struct kunit *test, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kunit_shim_diag(test, buf);
}

void kunit_shim_fail(struct kunit *test, bool fatal, const char *file,
		     int line, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "%s:%d: %s failed: ", file, line,
		     fatal ? "ASSERTION" : "EXPECTATION");
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	n = strlen(buf);
	while (n && buf[n - 1] == ' ')
		buf[--n] = '\0';
	kunit_shim_diag(test, buf);
	test->status = KUNIT_FAILURE;
	if (fatal)
		longjmp(test->abort, 1);
}

void kunit_shim_skip(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(test->status_comment, sizeof(test->status_comment), fmt, ap);
	va_end(ap);
	if (test->status == KUNIT_SUCCESS)
		test->status = KUNIT_SKIPPED;
	longjmp(test->abort, 1);
}

int kunit_add_action(struct kunit *test, kunit_action_t *action, void *ctx)
{
	struct kunit_shim_action *a = malloc(sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->action = action;
	a->ctx = ctx;
	a->next = test->actions;
	test->actions = a;
	return 0;
}

int kunit_add_action_or_reset(struct kunit *test, kunit_action_t *action,
			      void *ctx)
{
	int err = kunit_add_action(test, action, ctx);

	if (err)
		action(ctx);
	return err;
}

static struct kunit_shim_action *kunit_shim_take(struct kunit *test,
						 kunit_action_t *action,
						 void *ctx)
{
	struct kunit_shim_action **pp, *a;

	for (pp = &test->actions; *pp; pp = &(*pp)->next) {
		a = *pp;
		if (a->action == action && a->ctx == ctx) {
			*pp = a->next;
			return a;
		}
	}
	return NULL;
}

void kunit_release_action(struct kunit *test, kunit_action_t *action,
			  void *ctx)
{
	struct kunit_shim_action *a = kunit_shim_take(test, action, ctx);

	if (a) {
		a->action(a->ctx);
		free(a);
	}
}

void kunit_remove_action(struct kunit *test, kunit_action_t *action,
			 void *ctx)
{
	free(kunit_shim_take(test, action, ctx));
}

/*
 * kunit_kmalloc() memory comes from the arena, whole pages, so that the
 * suites may take its physical address as they do in the kernel (plain
 * kmalloc() is malloc(), outside the arena).
 */
struct kunit_shim_mem {
	void *p;
	unsigned int order;
};

static void kunit_shim_kfree(void *ctx)
{
	struct kunit_shim_mem *m = ctx;

	free_pages((unsigned long)m->p, m->order);
	free(m);
}

void *kunit_kmalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	struct kunit_shim_mem *m = malloc(sizeof(*m));

	if (!m)
		return NULL;
	m->order = get_order(size ? size : 1);
	m->p = (void *)__get_free_pages(gfp, m->order);
	if (!m->p) {
		free(m);
		return NULL;
	}
	if (kunit_add_action_or_reset(test, kunit_shim_kfree, m))
		return NULL;
	return m->p;
}

void kunit_kfree(struct kunit *test, const void *ptr)
{
	struct kunit_shim_action *a;

	for (a = test->actions; a; a = a->next) {
		if (a->action == kunit_shim_kfree &&
		    ((struct kunit_shim_mem *)a->ctx)->p == ptr) {
			kunit_release_action(test, a->action, a->ctx);
			return;
		}
	}
}

void kunit_shim_cleanup(struct kunit *test)
{
	struct kunit_shim_stub *s;
	struct kunit_shim_action *a;

	while (test->stubs) {
		s = test->stubs;
		test->stubs = s->next;
		free(s);
	}
	while (test->actions) {
		a = test->actions;
		test->actions = a->next;
		a->action(a->ctx);
		free(a);
	}
}

void *kunit_shim_stub_lookup(const void *real_fn)
{
	struct kunit_shim_stub *s;

	if (!kunit_shim_current)
		return NULL;
	for (s = kunit_shim_current->stubs; s; s = s->next)
		if (s->real_fn == real_fn)
			return (void *)s->replacement;
	return NULL;
}

void __kunit_activate_static_stub(struct kunit *test, const void *real_fn,
				  const void *replacement)
{
	struct kunit_shim_stub *s;

	kunit_deactivate_static_stub(test, real_fn);
	s = malloc(sizeof(*s));
	if (!s) {
		fprintf(stderr, "kunit shim: out of memory\n");
		abort();
	}
	s->real_fn = real_fn;
	s->replacement = replacement;
	s->next = test->stubs;
	test->stubs = s;
}

void kunit_deactivate_static_stub(struct kunit *test, const void *real_fn)
{
	struct kunit_shim_stub **pp, *s;

	for (pp = &test->stubs; *pp; pp = &(*pp)->next) {
		s = *pp;
		if (s->real_fn == real_fn) {
			*pp = s->next;
			free(s);
			return;
		}
	}
}
