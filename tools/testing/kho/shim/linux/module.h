/* SPDX-License-Identifier: GPL-2.0 */
/* Native harness: a test suite is linked in, not a module. */
#ifndef _KHO_SHIM_LINUX_MODULE_H
#define _KHO_SHIM_LINUX_MODULE_H

#include <assert.h>

/* Each one checks that its argument is a string, and is gone. */
#define MODULE_DESCRIPTION(desc)	static_assert(sizeof(desc) > 1)
#define MODULE_LICENSE(license)		static_assert(sizeof(license) > 1)
#define MODULE_AUTHOR(author)		static_assert(sizeof(author) > 1)
#define MODULE_IMPORT_NS(ns)		static_assert(sizeof(#ns) > 1)

#endif
