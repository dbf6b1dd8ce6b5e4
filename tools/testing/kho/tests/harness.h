/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: a minimal unit test framework.  Each test runs in a
 * child process, in a fresh simulated kernel (kho_sim_start()), so that a
 * crash or an abort in the code under test fails that test only.
 */
#ifndef _KHO_TEST_HARNESS_H
#define _KHO_TEST_HARNESS_H

#include <setjmp.h>
#include <stdio.h>

struct kho_test {
	const char *name;
	void (*fn)(void);
};

#define KHO_TEST(fn)	{ #fn, fn }

extern const struct kho_test kho_radix_tests[];
extern const struct kho_test kho_array_tests[];
extern const struct kho_test kho_block_tests[];
extern const struct kho_test kho_vmalloc_tests[];
extern const struct kho_test kho_fdt_tests[];
extern const struct kho_test kho_reserve_tests[];

extern unsigned long kho_test_failures;
extern jmp_buf kho_test_abort;

void kho_test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

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
	if (!kho_log_contains(needle))					\
		kho_test_fail(__FILE__, __LINE__,			\
			      "no log line with \"%s\" (last: \"%s\")",	\
			      needle, kho_log_last());			\
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
