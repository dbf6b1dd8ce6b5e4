/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness, memblock side: tools/include's WARN family, but counted
 * with the warnings of the KHO sources (kho_log_warnings()), so that tests
 * and fuzz targets see a WARN that handover data provokes in memblock.
 */
#ifndef _KHO_SHIM_MB_LINUX_BUG_H
#define _KHO_SHIM_MB_LINUX_BUG_H

#include <linux/compiler.h>
#include "../../shim/kho_shim.h"

#define WARN(condition, format...) ({					\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		kho_shim_warn(__FILE__, __LINE__, format);		\
	unlikely(__ret_warn_on);					\
})

#define WARN_ON(condition) ({						\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		kho_shim_warn(__FILE__, __LINE__, "WARN_ON(%s)", #condition); \
	unlikely(__ret_warn_on);					\
})

#define WARN_ON_ONCE(condition)		WARN_ON(condition)
#define WARN_ONCE(condition, format...)	WARN(condition, format)

#endif
