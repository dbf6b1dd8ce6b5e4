/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KHO_SHIM_LINUX_LIMITS_H
#define _KHO_SHIM_LINUX_LIMITS_H

#include <limits.h>
#include <stdint.h>

#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)
#define S32_MAX		((s32)(U32_MAX >> 1))
#define S64_MAX		((s64)(U64_MAX >> 1))
#ifndef SIZE_MAX
#define SIZE_MAX	(~(size_t)0)
#endif
#define PHYS_ADDR_MAX	(~(phys_addr_t)0)

#endif
