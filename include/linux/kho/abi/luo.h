/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Live Update Orchestrator: the handover format of sessions, files and
 * memfds.
 *
 * Everything in this file crosses a kexec.  A change to a layout or to the
 * meaning of a field needs a new compatible string; a kernel refuses state
 * whose compatible it does not know.
 */
#ifndef _LINUX_KHO_ABI_LUO_H
#define _LINUX_KHO_ABI_LUO_H

#include <linux/bits.h>
#include <linux/compiler_attributes.h>
#include <linux/kho/abi/kho_array.h>
#include <linux/types.h>
#include <uapi/linux/liveupdate.h>

/**
 * DOC: LUO handover format
 *
 * LUO registers one subtree, named LUO_FDT_NAME, in the KHO root FDT.  It
 * is an FDT in one preserved page whose root node has three properties:
 *
 * - ``compatible``: the string LUO_FDT_COMPATIBLE;
 * - ``liveupdate-number``: a u64, the live update number of the kernel
 *   that wrote it (0 after a cold boot); the next kernel's number is one
 *   more;
 * - ``sessions``: a u64, the physical address of the first block of a
 *   kho_block chain (kho-block-v1) of &struct luo_session_ser
 *   records, or 0 if no session was handed over.
 *
 * Each session record points at a kho_block chain of &struct luo_file_ser
 * records, one per preserved file, or 0 for an empty session.  Every
 * block of both chains is one preserved page outside the scratch areas.
 * Session names are unique and tokens are unique within a session.
 *
 * The ``data`` field of a file record belongs to the handler named by
 * ``compatible``: for the memfd handler (MEMFD_LUO_COMPATIBLE) it is the
 * physical address of a &struct memfd_luo_ser in one preserved page.
 * All integers are native (little-endian); strings are NUL terminated
 * within their field and the rest of the field is zero.
 */

/* Node name of the LUO subtree in the KHO root FDT. */
#define LUO_FDT_NAME			"LUO"
/* The subtree's compatible string. */
#define LUO_FDT_COMPATIBLE		"luo-v1"
/* u64: live update number of the kernel that wrote the subtree. */
#define LUO_FDT_LIVEUPDATE_NUMBER	"liveupdate-number"
/* u64: physical address of the first block of session records, or 0. */
#define LUO_FDT_SESSIONS		"sessions"

/* Size of a file handler's compatible string, with its NUL. */
#define LIVEUPDATE_HNDL_COMPAT_LENGTH	48

/**
 * struct luo_session_ser - a session handed over (80 bytes)
 * @name:     the session's name, NUL terminated, not empty
 * @files:    physical address of the first block of the session's
 *            &struct luo_file_ser chain, 0 if the session has no file
 * @nr_files: number of file records in that chain
 */
struct luo_session_ser {
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	u64 files;
	u64 nr_files;
} __packed;

/**
 * struct luo_file_ser - a file handed over (64 bytes)
 * @compatible: the compatible string of the handler that preserved the
 *              file, NUL terminated
 * @data:       the handler's handle for the file, usually the physical
 *              address of a preserved structure of its own
 * @token:      the token user space gave the file, unique in the session
 */
struct luo_file_ser {
	char compatible[LIVEUPDATE_HNDL_COMPAT_LENGTH];
	u64 data;
	u64 token;
} __packed;

/* The memfd handler's compatible string. */
#define MEMFD_LUO_COMPATIBLE		"memfd-v1"

/**
 * struct memfd_luo_ser - a memfd handed over (48 bytes, in its own page)
 * @pos:       the file position
 * @size:      the file size in bytes, at most MAX_LFS_FILESIZE
 * @seals:     the memfd seals (F_SEAL_* of fcntl(2))
 * @flags:     0; other values are reserved
 * @nr_folios: number of entries of @folios
 * @folios:    a kho_array indexed by page offset in the file: one value
 *             entry per folio, at the offset of the folio's first page,
 *             encoded as described by MEMFD_LUO_FOLIO_ORDER_MASK.  Offsets
 *             no entry covers are holes.
 *
 * Each folio is a block of 2^order pages that the handler preserved; its
 * offset is a multiple of 2^order and its first page lies below
 * DIV_ROUND_UP(@size, PAGE_SIZE) (a large folio may reach past the end
 * of the file).  Folios do not overlap.
 */
struct memfd_luo_ser {
	u64 pos;
	u64 size;
	u32 seals;
	u32 flags;
	u64 nr_folios;
	struct kho_array folios;
} __packed;

/*
 * A folio entry's value: the folio's physical address (page aligned) with
 * its order in bits 0-4 and its state in bits 5 and 6.  Bits 7-11 are 0.
 */
#define MEMFD_LUO_FOLIO_ORDER_MASK	0x1fULL
#define MEMFD_LUO_FOLIO_DIRTY		BIT_ULL(5)
#define MEMFD_LUO_FOLIO_UPTODATE	BIT_ULL(6)
#define MEMFD_LUO_FOLIO_FLAGS_MASK	0xfffULL

#endif /* _LINUX_KHO_ABI_LUO_H */
