/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: everything the KUnit suites may reach is plain global,
 * and exported as everything else is (see linux/export.h).
 */
#ifndef _KHO_SHIM_KUNIT_VISIBILITY_H
#define _KHO_SHIM_KUNIT_VISIBILITY_H

#include <linux/export.h>

#define VISIBLE_IF_KUNIT
/* the kernel's is in the EXPORTED_FOR_KUNIT_TESTING namespace */
#define EXPORT_SYMBOL_IF_KUNIT(symbol)	EXPORT_SYMBOL(symbol)

#endif
