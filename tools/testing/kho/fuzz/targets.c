// SPDX-License-Identifier: GPL-2.0
#include "targets.h"

const struct kho_fuzz_target kho_fuzz_targets[] = {
	{ "tracker", kho_fuzz_tracker },
	{ "array", kho_fuzz_array },
	{ "block", kho_fuzz_block },
	{ "vmalloc", kho_fuzz_vmalloc },
	{ "fdt", kho_fuzz_fdt },
	{ "handover", kho_fuzz_handover },
	{ "subtree", kho_fuzz_subtree },
	{ }
};
