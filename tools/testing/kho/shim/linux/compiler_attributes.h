/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KHO_SHIM_LINUX_COMPILER_ATTRIBUTES_H
#define _KHO_SHIM_LINUX_COMPILER_ATTRIBUTES_H
#include <linux/compiler.h>
#endif
