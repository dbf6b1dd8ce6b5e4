/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KHO_SHIM_LINUX_SPRINTF_H
#define _KHO_SHIM_LINUX_SPRINTF_H
#include <stdio.h>
#endif
