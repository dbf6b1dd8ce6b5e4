/* SPDX-License-Identifier: GPL-2.0 */
/* Native harness: tools/include's sizes.h and the larger ones it lacks. */
#ifndef _KHO_SHIM_LINUX_SIZES_H
#define _KHO_SHIM_LINUX_SIZES_H

#include_next <linux/sizes.h>

#ifndef SZ_8G
#define SZ_8G		_AC(0x200000000, ULL)
#endif
#ifndef SZ_16G
#define SZ_16G		_AC(0x400000000, ULL)
#endif
#ifndef SZ_32G
#define SZ_32G		_AC(0x800000000, ULL)
#endif
#ifndef SZ_64G
#define SZ_64G		_AC(0x1000000000, ULL)
#endif

#endif
