/* SPDX-License-Identifier: GPL-2.0 */
/* Native harness: no KUnit, so static stubs never redirect. */
#ifndef _KHO_SHIM_KUNIT_STATIC_STUB_H
#define _KHO_SHIM_KUNIT_STATIC_STUB_H

#define KUNIT_STATIC_STUB_REDIRECT(real_fn_name, args...) do { } while (0)
#define KUNIT_TRIGGER_STATIC_STUB(real_fn_name, args...) do { } while (0)

#endif
