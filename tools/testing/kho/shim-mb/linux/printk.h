/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness, memblock side: memblock's messages go to the log ring
 * of the KHO shims (KHO_VERBOSE=1 prints them on stderr), not to stdout,
 * which carries KTAP.  Its errors are logged as warnings: they are not the
 * handover's refusals, which kho_log_errors() counts.
 */
#ifndef _KHO_SHIM_MB_LINUX_PRINTK_H
#define _KHO_SHIM_MB_LINUX_PRINTK_H

#include <linux/bug.h>
#include "../../shim/kho_shim.h"

#define pr_info(fmt, ...)	kho_shim_printk(6, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	kho_shim_printk(7, fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	kho_shim_printk(4, fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)	kho_shim_printk(4, fmt, ##__VA_ARGS__)

#endif
