/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native harness: the fuzz targets, one per decoder of handover data.
 * Each is the libFuzzer entry point of its own binary (make fuzz; see
 * main.c), and all of them are linked into kho-test to replay regression
 * inputs.
 */
#ifndef _KHO_FUZZ_TARGETS_H
#define _KHO_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

struct kho_fuzz_target {
	const char *name;
	int (*entry)(const uint8_t *data, size_t size);
};

int kho_fuzz_tracker(const uint8_t *data, size_t size);
int kho_fuzz_array(const uint8_t *data, size_t size);
int kho_fuzz_block(const uint8_t *data, size_t size);
int kho_fuzz_vmalloc(const uint8_t *data, size_t size);
int kho_fuzz_fdt(const uint8_t *data, size_t size);
int kho_fuzz_handover(const uint8_t *data, size_t size);
int kho_fuzz_subtree(const uint8_t *data, size_t size);

extern const struct kho_fuzz_target kho_fuzz_targets[];

#endif
