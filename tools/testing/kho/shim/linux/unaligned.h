/* SPDX-License-Identifier: GPL-2.0 */
/* Native harness: unaligned accesses through packed structs, little endian. */
#ifndef _KHO_SHIM_LINUX_UNALIGNED_H
#define _KHO_SHIM_LINUX_UNALIGNED_H

#include <linux/types.h>

#define get_unaligned(ptr) ({						\
	__auto_type __uptr = (ptr);					\
	const struct { __typeof__(*__uptr) x; } __packed * __p =	\
		(const void *)__uptr;					\
	__p->x;								\
})

#define put_unaligned(val, ptr) do {					\
	__auto_type __uptr = (ptr);					\
	struct { __typeof__(*__uptr) x; } __packed * __p =		\
		(void *)__uptr;						\
	__p->x = (val);							\
} while (0)

static inline u16 get_unaligned_le16(const void *p)
{
	return get_unaligned((const u16 *)p);
}

static inline u32 get_unaligned_le32(const void *p)
{
	return get_unaligned((const u32 *)p);
}

static inline u64 get_unaligned_le64(const void *p)
{
	return get_unaligned((const u64 *)p);
}

static inline u32 get_unaligned_be32(const void *p)
{
	return __builtin_bswap32(get_unaligned((const u32 *)p));
}

static inline u64 get_unaligned_be64(const void *p)
{
	return __builtin_bswap64(get_unaligned((const u64 *)p));
}

#endif
