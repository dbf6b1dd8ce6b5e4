/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: there are no modules.  The kernel's export starts with
 * "extern typeof(sym) sym;", which fails to build unless @sym is declared;
 * an export here checks the same, and adds nothing to the program.
 */
#ifndef _KHO_SHIM_LINUX_EXPORT_H
#define _KHO_SHIM_LINUX_EXPORT_H

#include <linux/build_bug.h>

/* @sym is declared: a pointer to its type has a size */
#define EXPORT_SYMBOL(sym)	static_assert(sizeof(typeof(sym) *), #sym)
/* and the license makes no difference */
#define EXPORT_SYMBOL_GPL(sym)	EXPORT_SYMBOL(sym)

#endif
