/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: the kernel's basic types, with u64 as unsigned long long
 * as in the kernel (tools/include makes it uint64_t), so that the sources
 * under test print it without warnings.
 */
#ifndef _KHO_SHIM_LINUX_TYPES_H
#define _KHO_SHIM_LINUX_TYPES_H

#define _TOOLS_LINUX_TYPES_H_	/* keep tools/include's version out */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <asm/types.h>

typedef __u8 u8;
typedef __s8 s8;
typedef __u16 u16;
typedef __s16 s16;
typedef __u32 u32;
typedef __s32 s32;
typedef __u64 u64;
typedef __s64 s64;

#define __bitwise
#define __force
#ifndef __user
#define __user
#endif
#define __must_check
#define __cold

typedef __u16 __le16;
typedef __u16 __be16;
typedef __u32 __le32;
typedef __u32 __be32;
typedef __u64 __le64;
typedef __u64 __be64;

typedef u64 phys_addr_t;
typedef u64 dma_addr_t;
typedef u64 resource_size_t;
typedef unsigned int __bitwise gfp_t;

#include <linux/compiler.h>	/* __aligned(), after the __u64 typedefs */

#ifndef __aligned_u64
#define __aligned_u64 __u64 __aligned(8)
#endif

struct list_head {
	struct list_head *next, *prev;
};

struct hlist_head {
	struct hlist_node *first;
};

struct hlist_node {
	struct hlist_node *next, **pprev;
};

#endif
