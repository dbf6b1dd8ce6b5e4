/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: log lines go to an in-memory log that tests can search
 * (kho_log_*() in kho_shim.h), and to stderr with KHO_VERBOSE=1.  The
 * kernel's %pa extension is understood.
 */
#ifndef _KHO_SHIM_LINUX_PRINTK_H
#define _KHO_SHIM_LINUX_PRINTK_H

#include <linux/compiler.h>
#include "../kho_shim.h"

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define KERN_EMERG	"0"
#define KERN_ALERT	"1"
#define KERN_CRIT	"2"
#define KERN_ERR	"3"
#define KERN_WARNING	"4"
#define KERN_NOTICE	"5"
#define KERN_INFO	"6"
#define KERN_DEBUG	"7"

#define pr_emerg(fmt, ...)	kho_shim_printk(0, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...)	kho_shim_printk(1, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...)	kho_shim_printk(2, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)	kho_shim_printk(3, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	kho_shim_printk(4, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...)	kho_shim_printk(5, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	kho_shim_printk(6, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	kho_shim_printk(7, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err_once		pr_err
#define pr_warn_once		pr_warn
#define pr_info_once		pr_info

#endif
