/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: a minimal unit test framework for the native-only
 * suites (what needs the simulated kexec or memblock; everything else is a
 * KUnit suite, see shim/kunit/test.h).  Each test runs in a child process,
 * in a fresh simulated kernel (kho_sim_start()), so that a crash or an
 * abort in the code under test fails that test only.  A failure is a KTAP
 * diagnostic line.
 */
#ifndef _KHO_TEST_HARNESS_H
#define _KHO_TEST_HARNESS_H

#include <setjmp.h>
#include <stdio.h>
#include <linux/compiler.h>

struct kho_test {
	const char *name;
	void (*fn)(void);
};

#define KHO_TEST(fn)	{ #fn, fn }

extern const struct kho_test kho_kexec_tests[];
extern const struct kho_test kho_fdt_tests[];
extern const struct kho_test kho_reserve_tests[];

extern unsigned long kho_test_failures;
/* Indent of the running test's KTAP diagnostic lines. */
extern unsigned int kho_test_indent;
extern jmp_buf kho_test_abort;

void kho_test_fail(const char *file, int line, const char *fmt, ...)
	__printf(3, 4);

#define EXPECT(cond) do {						\
	if (!(cond))							\
		kho_test_fail(__FILE__, __LINE__, "%s", #cond);		\
} while (0)

#define EXPECT_EQ(a, b) do {						\
	unsigned long long __a = (unsigned long long)(a);		\
	unsigned long long __b = (unsigned long long)(b);		\
	if (__a != __b)							\
		kho_test_fail(__FILE__, __LINE__,			\
			      "%s == %s: %#llx != %#llx", #a, #b, __a, __b);	\
} while (0)

#define EXPECT_LOG(needle) do {						\
	const char *__needle = (needle);				\
									\
	if (!kho_log_contains(__needle))				\
		kho_test_fail(__FILE__, __LINE__,			\
			      "no log line with \"%s\" (last: \"%s\")",	\
			      __needle, kho_log_last());		\
} while (0)

/* Stop the test here if @cond is false. */
#define ASSERT(cond) do {						\
	if (!(cond)) {							\
		kho_test_fail(__FILE__, __LINE__, "%s", #cond);		\
		longjmp(kho_test_abort, 1);				\
	}								\
} while (0)

/* A small deterministic PRNG (xorshift64*), seeded per test. */
unsigned long long kho_test_rand(void);
void kho_test_seed(unsigned long long seed);

#endif
