/* SPDX-License-Identifier: GPL-2.0 */
/* Native harness: deferred actions are in the shim's kunit/test.h. */
#ifndef _KHO_SHIM_KUNIT_RESOURCE_H
#define _KHO_SHIM_KUNIT_RESOURCE_H

#include <kunit/test.h>

#endif
