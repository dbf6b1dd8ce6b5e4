// SPDX-License-Identifier: GPL-2.0
/*
 * Native harness: libFuzzer's entry point of one fuzz target's binary.
 * The Makefile builds this file once per target, with KHO_FUZZ_TARGET
 * naming the target's function (kho_fuzz_tracker, ...; see targets.h).
 */
#include "targets.h"

#ifndef KHO_FUZZ_TARGET
#error "KHO_FUZZ_TARGET names the target, e.g. -DKHO_FUZZ_TARGET=kho_fuzz_fdt"
#endif

/* libFuzzer calls this, by this name, once per input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return KHO_FUZZ_TARGET(data, size);
}
