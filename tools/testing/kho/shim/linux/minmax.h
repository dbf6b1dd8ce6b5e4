/* SPDX-License-Identifier: GPL-2.0 */
/* min(), max(), min_t() and friends come with tools/include's kernel.h. */
#ifndef _KHO_SHIM_LINUX_MINMAX_H
#define _KHO_SHIM_LINUX_MINMAX_H
#include <linux/kernel.h>
#endif
