/* SPDX-License-Identifier: GPL-2.0 */
/* Native harness: everything the KUnit suites may reach is plain global. */
#ifndef _KHO_SHIM_KUNIT_VISIBILITY_H
#define _KHO_SHIM_KUNIT_VISIBILITY_H

#define VISIBLE_IF_KUNIT
#define EXPORT_SYMBOL_IF_KUNIT(symbol)

#endif
