// SPDX-License-Identifier: GPL-2.0
/*
 * Native unit tests of the root FDT decoders of kho_reserve.c,
 * kho_fdt_check() and kho_fdt_subtree(), on blobs built with the tree's
 * libfdt: a good registry, and each way the ABI says it can be wrong.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/errno.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/mm.h>

#include "../../../../kernel/liveupdate/kexec_handover_internal.h"
#include "../shim/kho_shim.h"
#include "harness.h"

#define FDT_SIZE	4096
#define MAP		0x123456000ULL

static void *root_fdt(u64 map, const char *compatible)
{
	void *fdt = malloc(FDT_SIZE);

	ASSERT(fdt);
	ASSERT(!fdt_create_empty_tree(fdt, FDT_SIZE));
	if (compatible)
		ASSERT(!fdt_setprop_string(fdt, 0, "compatible", compatible));
	ASSERT(!fdt_setprop(fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, &map,
			    sizeof(map)));
	return fdt;
}

static void add_subtree(void *fdt, const char *name, const void *val,
			int len)
{
	int off = fdt_add_subnode(fdt, 0, name);

	ASSERT(off >= 0);
	if (val)
		ASSERT(!fdt_setprop(fdt, off, KHO_FDT_SUB_TREE_PROP_NAME, val,
				    len));
}

static void test_good(void)
{
	void *fdt = root_fdt(MAP, KHO_FDT_COMPATIBLE);
	phys_addr_t map = 0;

	EXPECT_EQ(kho_fdt_check(fdt, FDT_SIZE, &map), 0);
	EXPECT_EQ(map, MAP);
	/* the length may be just the blob's */
	EXPECT_EQ(kho_fdt_check(fdt, fdt_totalsize(fdt), &map), 0);
	EXPECT_EQ(kho_log_errors(), 0);
	free(fdt);
}

static void test_refused(void)
{
	u64 zero = 0, odd = MAP + 8;
	u32 small = 0x1000;
	phys_addr_t map = 0xdead;
	void *fdt;

	fdt = root_fdt(MAP, KHO_FDT_COMPATIBLE);
	EXPECT_EQ(kho_fdt_check(fdt, 16, &map), -EINVAL);
	EXPECT_LOG("FDT of 16 bytes");
	EXPECT_EQ(kho_fdt_check(fdt, fdt_totalsize(fdt) - 1, &map), -EINVAL);
	EXPECT_LOG("is over");
	((u8 *)fdt)[0] ^= 0xff;
	EXPECT_EQ(kho_fdt_check(fdt, FDT_SIZE, &map), -EINVAL);
	EXPECT_LOG("bad FDT header");
	free(fdt);

	fdt = root_fdt(MAP, "kho-v1");
	EXPECT_EQ(kho_fdt_check(fdt, FDT_SIZE, &map), -EINVAL);
	EXPECT_LOG("not compatible");
	free(fdt);
	fdt = root_fdt(MAP, NULL);
	EXPECT_EQ(kho_fdt_check(fdt, FDT_SIZE, &map), -EINVAL);
	free(fdt);

	fdt = root_fdt(MAP, KHO_FDT_COMPATIBLE);
	ASSERT(!fdt_delprop(fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME));
	kho_log_reset();
	EXPECT_EQ(kho_fdt_check(fdt, FDT_SIZE, &map), -EINVAL);
	EXPECT_LOG("bad preserved-memory-map");
	ASSERT(!fdt_setprop(fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, &small,
			    sizeof(small)));
	EXPECT_EQ(kho_fdt_check(fdt, FDT_SIZE, &map), -EINVAL);
	ASSERT(!fdt_setprop(fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, &zero,
			    sizeof(zero)));
	EXPECT_EQ(kho_fdt_check(fdt, FDT_SIZE, &map), -EINVAL);
	ASSERT(!fdt_setprop(fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, &odd,
			    sizeof(odd)));
	EXPECT_EQ(kho_fdt_check(fdt, FDT_SIZE, &map), -EINVAL);
	EXPECT_EQ(map, 0xdead);	/* untouched on failure */
	free(fdt);
}

static void test_subtrees(void)
{
	u64 a = 0x200000000ULL, b = 0x300000000ULL, zero = 0, odd = a + 4;
	void *fdt = root_fdt(MAP, KHO_FDT_COMPATIBLE);
	phys_addr_t phys = 0, map;

	add_subtree(fdt, "memfd", &a, sizeof(a));
	add_subtree(fdt, "luo", &b, sizeof(b));
	add_subtree(fdt, "short", &a, 4);
	add_subtree(fdt, "zero", &zero, sizeof(zero));
	add_subtree(fdt, "odd", &odd, sizeof(odd));
	add_subtree(fdt, "bare", NULL, 0);
	add_subtree(fdt, "foo@1", &a, sizeof(a));
	ASSERT(!kho_fdt_check(fdt, FDT_SIZE, &map));

	EXPECT_EQ(kho_fdt_subtree(fdt, "memfd", &phys), 0);
	EXPECT_EQ(phys, a);
	EXPECT_EQ(kho_fdt_subtree(fdt, "luo", &phys), 0);
	EXPECT_EQ(phys, b);
	EXPECT_EQ(kho_fdt_subtree(fdt, "nothere", &phys), -ENOENT);
	EXPECT_EQ(kho_fdt_subtree(fdt, "", &phys), -ENOENT);
	EXPECT_EQ(kho_fdt_subtree(fdt, "mem", &phys), -ENOENT);
	EXPECT_EQ(kho_fdt_subtree(fdt, "short", &phys), -EINVAL);
	EXPECT_EQ(kho_fdt_subtree(fdt, "zero", &phys), -EINVAL);
	EXPECT_EQ(kho_fdt_subtree(fdt, "odd", &phys), -EINVAL);
	EXPECT_EQ(kho_fdt_subtree(fdt, "bare", &phys), -EINVAL);
	EXPECT_EQ(phys, b);
	/* names match exactly: "foo" is not "foo@1" (libfdt would say so) */
	EXPECT_EQ(kho_fdt_subtree(fdt, "foo", &phys), -ENOENT);
	EXPECT_EQ(phys, b);
	EXPECT_EQ(kho_fdt_subtree(fdt, "foo@1", &phys), 0);
	EXPECT_EQ(phys, a);
	free(fdt);
}

const struct kho_test kho_fdt_tests[] = {
	KHO_TEST(test_good),
	KHO_TEST(test_refused),
	KHO_TEST(test_subtrees),
	{ }
};
