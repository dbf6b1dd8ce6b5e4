/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: the part of KUnit the KHO suites use, so that the suites
 * in kernel/liveupdate/ build and run in user space unchanged.
 * tests/main.c runs every registered suite and prints KTAP; the rest is in
 * lib/kunit.c.  Failed expectations print the kernel's kind of message;
 * assertions and kunit_skip() end the test case with a longjmp().
 */
#ifndef _KHO_SHIM_KUNIT_TEST_H
#define _KHO_SHIM_KUNIT_TEST_H

#include <setjmp.h>
#include <string.h>
#include <linux/compiler.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>

#define KUNIT_PARAM_DESC_SIZE	128
#define KUNIT_LOG_SIZE		256

enum kunit_status {
	KUNIT_SUCCESS,
	KUNIT_FAILURE,
	KUNIT_SKIPPED,
};

struct kunit_shim_action;
struct kunit_shim_stub;

struct kunit {
	const char *name;
	const void *param_value;
	void *priv;
	enum kunit_status status;
	char status_comment[KUNIT_LOG_SIZE];
	struct kunit_shim_action *actions;	/* newest first */
	struct kunit_shim_stub *stubs;
	unsigned int indent;			/* of its KTAP lines */
	jmp_buf abort;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
};

struct kunit_suite {
	const char name[256];
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(test_name)	{ .run_case = test_name, .name = #test_name }
#define KUNIT_CASE_PARAM(test_name, gen)				\
	{ .run_case = test_name, .name = #test_name, .generate_params = gen }

/* Suites register themselves before main() runs. */
void kunit_shim_register(struct kunit_suite **suites);

#define kunit_test_suites(__suites...)					\
	static struct kunit_suite *__kunit_shim_suites[] = {		\
		__suites, NULL							\
	};								\
	static void __attribute__((constructor))			\
	__kunit_shim_register_suites(void)				\
	{								\
		kunit_shim_register(__kunit_shim_suites);		\
	}

#define kunit_test_suite(suite)	kunit_test_suites(&(suite))

/* Parameters from an array, described by @get_desc or by a member. */
/* The element after @prev (the first if NULL) of @n at @first, or NULL. */
static inline void *kunit_shim_array_next(const void *first, size_t n,
					  size_t size, const void *prev)
{
	const char *next = prev ? (const char *)prev + size : first;

	return next < (const char *)first + n * size ? (void *)next : NULL;
}

#define KUNIT_ARRAY_PARAM(name, array, get_desc)			\
	static const void *name##_gen_params(const void *prev, char *desc) \
	{								\
		__auto_type __array = &(array);				\
		__auto_type __next = &(*__array)[0];			\
		void (*__get_desc)(typeof(__next), char *) = get_desc;	\
									\
		__next = kunit_shim_array_next(__next,			\
					       ARRAY_SIZE(*__array),	\
					       sizeof(*__next), prev);	\
		if (__next && __get_desc)				\
			__get_desc(__next, desc);			\
		return __next;						\
	}

#define KUNIT_ARRAY_PARAM_DESC(name, array, desc_member)		\
	static const void *name##_gen_params(const void *prev, char *desc) \
	{								\
		__auto_type __array = &(array);				\
		__auto_type __next = &(*__array)[0];			\
									\
		__next = kunit_shim_array_next(__next,			\
					       ARRAY_SIZE(*__array),	\
					       sizeof(*__next), prev);	\
		if (__next)						\
			strscpy(desc, __next[0].desc_member,		\
				KUNIT_PARAM_DESC_SIZE);			\
		return __next;						\
	}

/* ---- log, failures, skips -------------------------------------------- */

__printf(2, 3) void kunit_shim_log(struct kunit *test, const char *fmt, ...);
__printf(5, 6) void kunit_shim_fail(struct kunit *test, bool fatal,
				    const char *file, int line,
				    const char *fmt, ...);
__printf(2, 3) __noreturn void kunit_shim_skip(struct kunit *test,
					       const char *fmt, ...);

#define kunit_info(test, fmt, ...)	kunit_shim_log(test, fmt, ##__VA_ARGS__)
#define kunit_warn(test, fmt, ...)	kunit_shim_log(test, fmt, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...)	kunit_shim_log(test, fmt, ##__VA_ARGS__)
#define kunit_skip(test, fmt, ...)	kunit_shim_skip(test, fmt, ##__VA_ARGS__)

/* ---- expectations and assertions --------------------------------------- */

#define KUNIT_SHIM_FAIL(test, fatal, fmt, ...)				\
	kunit_shim_fail(test, fatal, __FILE__, __LINE__, fmt, ##__VA_ARGS__)

#define KUNIT_SHIM_COND(test, fatal, cond, text, fmt, ...) do {	\
	if (!(cond))							\
		KUNIT_SHIM_FAIL(test, fatal, "Expected %s " fmt, text,	\
				##__VA_ARGS__);				\
} while (0)

#define KUNIT_SHIM_INT(test, fatal, left, op, right, fmt, ...) do {	\
	__auto_type __left = (left);					\
	__auto_type __right = (right);					\
									\
	if (!(__left op __right))					\
		KUNIT_SHIM_FAIL(test, fatal,				\
				"Expected %s %s %s, but %s == %lld (%#llx), " \
				"%s == %lld (%#llx) " fmt,		\
				#left, #op, #right,			\
				#left, (long long)__left,		\
				(unsigned long long)__left,		\
				#right, (long long)__right,		\
				(unsigned long long)__right,		\
				##__VA_ARGS__);				\
} while (0)

#define KUNIT_SHIM_PTR(test, fatal, left, op, right, fmt, ...) do {	\
	const void *__left = (left);					\
	const void *__right = (right);					\
									\
	if (!(__left op __right))					\
		KUNIT_SHIM_FAIL(test, fatal,				\
				"Expected %s %s %s, but %s == %p, "	\
				"%s == %p " fmt, #left, #op, #right,	\
				#left, __left, #right, __right,		\
				##__VA_ARGS__);				\
} while (0)

#define KUNIT_SHIM_MEM(test, fatal, left, right, size, fmt, ...) do {	\
	size_t __size = (size);						\
									\
	if (memcmp(left, right, __size))				\
		KUNIT_SHIM_FAIL(test, fatal,				\
				"Expected %s == %s over %zu bytes " fmt, \
				#left, #right, __size, ##__VA_ARGS__);	\
} while (0)

#define KUNIT_EXPECT_TRUE_MSG(test, cond, fmt, ...)			\
	KUNIT_SHIM_COND(test, false, cond, #cond " to be true", fmt,	\
			##__VA_ARGS__)
#define KUNIT_EXPECT_FALSE_MSG(test, cond, fmt, ...)			\
	KUNIT_SHIM_COND(test, false, !(cond), #cond " to be false", fmt, \
			##__VA_ARGS__)
#define KUNIT_ASSERT_TRUE_MSG(test, cond, fmt, ...)			\
	KUNIT_SHIM_COND(test, true, cond, #cond " to be true", fmt,	\
			##__VA_ARGS__)
#define KUNIT_ASSERT_FALSE_MSG(test, cond, fmt, ...)			\
	KUNIT_SHIM_COND(test, true, !(cond), #cond " to be false", fmt, \
			##__VA_ARGS__)
#define KUNIT_EXPECT_TRUE(test, cond)	KUNIT_EXPECT_TRUE_MSG(test, cond, "")
#define KUNIT_EXPECT_FALSE(test, cond)	KUNIT_EXPECT_FALSE_MSG(test, cond, "")
#define KUNIT_ASSERT_TRUE(test, cond)	KUNIT_ASSERT_TRUE_MSG(test, cond, "")
#define KUNIT_ASSERT_FALSE(test, cond)	KUNIT_ASSERT_FALSE_MSG(test, cond, "")

#define KUNIT_EXPECT_EQ_MSG(test, l, r, fmt, ...)			\
	KUNIT_SHIM_INT(test, false, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NE_MSG(test, l, r, fmt, ...)			\
	KUNIT_SHIM_INT(test, false, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LT_MSG(test, l, r, fmt, ...)			\
	KUNIT_SHIM_INT(test, false, l, <, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LE_MSG(test, l, r, fmt, ...)			\
	KUNIT_SHIM_INT(test, false, l, <=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GT_MSG(test, l, r, fmt, ...)			\
	KUNIT_SHIM_INT(test, false, l, >, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GE_MSG(test, l, r, fmt, ...)			\
	KUNIT_SHIM_INT(test, false, l, >=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_EQ_MSG(test, l, r, fmt, ...)			\
	KUNIT_SHIM_INT(test, true, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NE_MSG(test, l, r, fmt, ...)			\
	KUNIT_SHIM_INT(test, true, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_LT_MSG(test, l, r, fmt, ...)			\
	KUNIT_SHIM_INT(test, true, l, <, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_LE_MSG(test, l, r, fmt, ...)			\
	KUNIT_SHIM_INT(test, true, l, <=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_GT_MSG(test, l, r, fmt, ...)			\
	KUNIT_SHIM_INT(test, true, l, >, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_GE_MSG(test, l, r, fmt, ...)			\
	KUNIT_SHIM_INT(test, true, l, >=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_EQ(test, l, r)	KUNIT_EXPECT_EQ_MSG(test, l, r, "")
#define KUNIT_EXPECT_NE(test, l, r)	KUNIT_EXPECT_NE_MSG(test, l, r, "")
#define KUNIT_EXPECT_LT(test, l, r)	KUNIT_EXPECT_LT_MSG(test, l, r, "")
#define KUNIT_EXPECT_LE(test, l, r)	KUNIT_EXPECT_LE_MSG(test, l, r, "")
#define KUNIT_EXPECT_GT(test, l, r)	KUNIT_EXPECT_GT_MSG(test, l, r, "")
#define KUNIT_EXPECT_GE(test, l, r)	KUNIT_EXPECT_GE_MSG(test, l, r, "")
#define KUNIT_ASSERT_EQ(test, l, r)	KUNIT_ASSERT_EQ_MSG(test, l, r, "")
#define KUNIT_ASSERT_NE(test, l, r)	KUNIT_ASSERT_NE_MSG(test, l, r, "")
#define KUNIT_ASSERT_LT(test, l, r)	KUNIT_ASSERT_LT_MSG(test, l, r, "")
#define KUNIT_ASSERT_LE(test, l, r)	KUNIT_ASSERT_LE_MSG(test, l, r, "")
#define KUNIT_ASSERT_GT(test, l, r)	KUNIT_ASSERT_GT_MSG(test, l, r, "")
#define KUNIT_ASSERT_GE(test, l, r)	KUNIT_ASSERT_GE_MSG(test, l, r, "")

#define KUNIT_EXPECT_PTR_EQ_MSG(test, l, r, fmt, ...)			\
	KUNIT_SHIM_PTR(test, false, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_PTR_EQ_MSG(test, l, r, fmt, ...)			\
	KUNIT_SHIM_PTR(test, true, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_PTR_EQ(test, l, r)	KUNIT_EXPECT_PTR_EQ_MSG(test, l, r, "")
#define KUNIT_ASSERT_PTR_EQ(test, l, r)	KUNIT_ASSERT_PTR_EQ_MSG(test, l, r, "")

#define KUNIT_EXPECT_NULL_MSG(test, p, fmt, ...)			\
	KUNIT_SHIM_PTR(test, false, p, ==, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NOT_NULL_MSG(test, p, fmt, ...)			\
	KUNIT_SHIM_PTR(test, false, p, !=, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NULL_MSG(test, p, fmt, ...)			\
	KUNIT_SHIM_PTR(test, true, p, ==, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NOT_NULL_MSG(test, p, fmt, ...)			\
	KUNIT_SHIM_PTR(test, true, p, !=, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NULL(test, p)	KUNIT_EXPECT_NULL_MSG(test, p, "")
#define KUNIT_EXPECT_NOT_NULL(test, p)	KUNIT_EXPECT_NOT_NULL_MSG(test, p, "")
#define KUNIT_ASSERT_NULL(test, p)	KUNIT_ASSERT_NULL_MSG(test, p, "")
#define KUNIT_ASSERT_NOT_NULL(test, p)	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "")

#define KUNIT_EXPECT_MEMEQ_MSG(test, l, r, size, fmt, ...)		\
	KUNIT_SHIM_MEM(test, false, l, r, size, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_MEMEQ(test, l, r, size)				\
	KUNIT_EXPECT_MEMEQ_MSG(test, l, r, size, "")

#define KUNIT_FAIL(test, fmt, ...)					\
	KUNIT_SHIM_FAIL(test, false, fmt, ##__VA_ARGS__)

/* ---- managed memory and deferred actions -------------------------------- */

typedef void (kunit_action_t)(void *ctx);

#define KUNIT_DEFINE_ACTION_WRAPPER(wrapper, orig, arg_type)		\
	static void wrapper(void *in)					\
	{								\
		orig((arg_type)in);					\
	}

/* Run @action(@ctx) when the test case ends, newest first; 0 or -ENOMEM. */
int kunit_add_action(struct kunit *test, kunit_action_t *action, void *ctx);
/* The same, but on failure run @action(@ctx) at once. */
int kunit_add_action_or_reset(struct kunit *test, kunit_action_t *action,
			      void *ctx);
/* Run @action(@ctx) now if it was deferred, and forget it. */
void kunit_release_action(struct kunit *test, kunit_action_t *action,
			  void *ctx);
/* Forget a deferred @action(@ctx) without running it. */
void kunit_remove_action(struct kunit *test, kunit_action_t *action,
			 void *ctx);

/* kmalloc() memory that is freed when the test case ends. */
void *kunit_kmalloc(struct kunit *test, size_t size, gfp_t gfp);
void kunit_kfree(struct kunit *test, const void *ptr);

static inline void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc(test, size, gfp | __GFP_ZERO);
}

static inline void *kunit_kmalloc_array(struct kunit *test, size_t n,
					size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kunit_kmalloc(test, bytes, gfp);
}

static inline void *kunit_kcalloc(struct kunit *test, size_t n, size_t size,
				  gfp_t gfp)
{
	return kunit_kmalloc_array(test, n, size, gfp | __GFP_ZERO);
}

/* ---- the runner's side (tests/main.c) ----------------------------------- */

/* The registered suites, NULL-terminated, sorted by name. */
struct kunit_suite **kunit_shim_suites(void);
/* The test case running in this process, NULL outside one. */
extern struct kunit *kunit_shim_current;
/* Run the deferred actions, newest first, and drop the static stubs. */
void kunit_shim_cleanup(struct kunit *test);

#endif
