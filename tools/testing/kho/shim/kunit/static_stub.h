/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: static stubs as KUnit has them.  A function that starts
 * with KUNIT_STATIC_STUB_REDIRECT() calls the replacement the running test
 * case activated for it, if any; lib/kunit.c keeps the table.
 */
#ifndef _KHO_SHIM_KUNIT_STATIC_STUB_H
#define _KHO_SHIM_KUNIT_STATIC_STUB_H

struct kunit;

/* The replacement of @real_fn in the running test case, or NULL. */
void *kunit_shim_stub_lookup(const void *real_fn);
void __kunit_activate_static_stub(struct kunit *test, const void *real_fn,
				  const void *replacement);
void kunit_deactivate_static_stub(struct kunit *test, const void *real_fn);

#define KUNIT_STATIC_STUB_REDIRECT(real_fn_name, args...) do {		\
	__auto_type __stub_real = &(real_fn_name);			\
	typeof(__stub_real) __replacement =				\
		kunit_shim_stub_lookup(__stub_real);			\
									\
	if (__replacement)						\
		return __replacement(args);				\
} while (0)

#define KUNIT_TRIGGER_STATIC_STUB(real_fn_name, args...) do {		\
	__auto_type __stub_real = &(real_fn_name);			\
	typeof(__stub_real) __replacement =				\
		kunit_shim_stub_lookup(__stub_real);			\
									\
	if (__replacement)						\
		__replacement(args);					\
} while (0)

/* The replacement must have the type of the real function. */
#define kunit_activate_static_stub(test, real_fn_addr, replacement_addr) \
do {									\
	__auto_type __stub_real = &(real_fn_addr);			\
	typeof(__stub_real) __replacement = &(replacement_addr);	\
									\
	__kunit_activate_static_stub(test, __stub_real, __replacement);	\
} while (0)

#endif
