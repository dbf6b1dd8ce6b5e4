# SPDX-License-Identifier: GPL-2.0
#
# KHO for Linux 6.12: prepare, build, boot and test.  See README.md.
#
#   make deps     install what is missing (apt-get)
#   make tree     out/linux: pinned base + project files + patches/
#   make kernel   out/build/arch/x86/boot/bzImage
#   make check    every test, in QEMU; ends with "N passed, N failed"
#   make check-debug  the KHO and LUO guest tests on the debug kernel
#                 (KASAN, UBSAN, KFENCE, lockdep, kmemleak, fault injection)
#   make demo     a kexec from kernel A to kernel B, explained
#   make series   out/series/: the whole product as a git format-patch series
#   make series-check  git am it onto the pristine base, build after every
#                 patch, checkpatch --strict, compare with out/linux
#   make bench    the native benchmarks (tools/testing/kho), then bench-guest
#   make bench-guest  kexec times in QEMU with 0 to 4 GiB kept (~15 min)
#   make clean    remove out/

OUT      := $(CURDIR)/out
BUILD    := $(OUT)/build
TREE     := $(OUT)/linux
JOBS     ?= 3
KMAKE    := $(MAKE) -C $(TREE) O=$(BUILD) CC="ccache gcc" -j$(JOBS)
# the test kernel's options: what the KUnit suites and the selftests need
# (their own config files), then what only the harness's guests need
FRAGMENTS := kernel/liveupdate/.kunitconfig \
	tools/testing/selftests/kho/config \
	tools/testing/selftests/liveupdate/config \
	harness/kho-test.config
# the debug kernel: the test kernel's options plus the checkers, in its
# own build folder so that neither build invalidates the other
DEBUG_BUILD := $(OUT)/build-debug
DEBUG_FRAGMENTS := $(FRAGMENTS) harness/kho-debug.config
TESTS    ?=
# FORCE=1: run every guest test, even those unchanged since their last pass
FORCE    ?=

export CCACHE_DIR ?= $(HOME)/.cache/ccache
# clones at other paths share the cache: paths under the clone become relative
export CCACHE_BASEDIR ?= $(CURDIR)

.PHONY: all deps tree config kernel kernel-debug check check-debug series \
	series-check demo bench bench-guest clean

all: kernel

deps:
	@bash harness/deps.sh

tree: deps
	@bash harness/tree.sh

# tinyconfig plus the fragments; regenerated only when a fragment or the
# base changes, so an unchanged tree rebuilds nothing.
$(BUILD)/.config: $(FRAGMENTS) BASE_VERSION $(OUT)/base/.version
	@echo "config: tinyconfig + $(FRAGMENTS) in $(BUILD)"
	@mkdir -p $(BUILD)
	@$(MAKE) -s -C $(TREE) O=$(BUILD) tinyconfig >/dev/null
	@cd $(TREE) && scripts/kconfig/merge_config.sh -m -O $(BUILD) \
		$(BUILD)/.config $(addprefix $(CURDIR)/,$(FRAGMENTS)) >/dev/null
	@$(MAKE) -s -C $(TREE) O=$(BUILD) olddefconfig
	@for o in $$(cat $(FRAGMENTS) | grep -o '^CONFIG_[A-Z0-9_]*=[ym]'); do \
		grep -qx "$$o" $@ || { echo "config: $$o did not stick"; \
		rm -f $@; exit 1; }; done

config: tree
	@$(MAKE) --no-print-directory $(BUILD)/.config

kernel: config
	@echo "kernel: building bzImage (cold ~7 min on 2 cores, warm seconds)"
	@$(KMAKE) -s bzImage
	@echo "kernel: $$(cat $(BUILD)/include/config/kernel.release)" \
		"$(BUILD)/arch/x86/boot/bzImage"

check: kernel
	@KHOTEST_FORCE=$(FORCE) python3 harness/khotest.py check $(TESTS)

kernel-debug: tree
	@$(MAKE) --no-print-directory kernel BUILD=$(DEBUG_BUILD) \
		FRAGMENTS="$(DEBUG_FRAGMENTS)"

check-debug: kernel-debug
	@KHOTEST_FORCE=$(FORCE) python3 harness/khotest.py check-debug $(TESTS)

# the series is generated from patches/series; series-check builds in
# out/build-series, so neither touches the test kernel's build
series: tree
	@python3 harness/series.py format

series-check: tree
	@python3 harness/series.py check $(FRAGMENTS)

demo: kernel
	@python3 harness/khotest.py demo

# benchmarks print figures and assert nothing about time
bench: kernel
	@$(MAKE) --no-print-directory -C tools/testing/kho bench
	@python3 harness/khotest.py bench

bench-guest: kernel
	@python3 harness/khotest.py bench

clean:
	rm -rf $(OUT)
