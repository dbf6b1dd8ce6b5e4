/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: tools/include's string.h, with the kernel's strscpy()
 * (bounded, always terminated, -E2BIG on truncation) instead of its
 * strcpy() alias, and memchr_inv().
 */
#ifndef _KHO_SHIM_LINUX_STRING_H
#define _KHO_SHIM_LINUX_STRING_H

#include_next <linux/string.h>
#include <errno.h>
#include <sys/types.h>

#undef strscpy
static inline ssize_t kho_shim_strscpy(char *dst, const char *src,
				       size_t size)
{
	size_t len;

	if (!size)
		return -E2BIG;
	len = strnlen(src, size);
	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}

#define strscpy(dst, src, size)	kho_shim_strscpy(dst, src, size)

/* The first byte in [start, start + bytes) that is not @c, or NULL. */
static inline void *kho_shim_memchr_inv(const void *start, int c,
					size_t bytes)
{
	const unsigned char *p = start;

	for (; bytes; p++, bytes--)
		if (*p != (unsigned char)c)
			return (void *)p;
	return NULL;
}

#define memchr_inv(start, c, bytes)	kho_shim_memchr_inv(start, c, bytes)

#endif
