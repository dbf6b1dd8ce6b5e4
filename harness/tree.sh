#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the kernel tree: Debian's linux-source-6.12 (version pinned in
# BASE_VERSION), with the series of patches/series on it: the files its
# patches add whole copied over it, their diffs applied in series order.
#
# out/base/linux-source-6.12  pristine unpack, never modified
# out/linux                   the tree we build from (with O=out/build)
# out/tree-files              files the last run overlaid or patched
#
# Only files whose content changes are rewritten, so an unchanged tree keeps
# every timestamp and the next build recompiles nothing.  A file that was
# overlaid or patched before and no longer is goes back to its pristine
# content (or is removed if the base does not have it).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$top/out}
want=$(cat "$top/BASE_VERSION")
tarball=/usr/src/linux-source-6.12.tar.xz
base=$out/base/linux-source-6.12
tree=$out/linux
stage=$out/tree-stage
list=$out/tree-files

have=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
if [ "$have" != "$want" ]; then
	echo "tree: linux-source-6.12 $want is pinned but '$have' is installed (run make deps)" >&2
	exit 1
fi
echo "tree: base linux-source-6.12 $want"

if [ "$(cat "$out/base/.version" 2>/dev/null)" != "$want" ]; then
	echo "tree: unpacking $tarball (once, ~15 s)"
	rm -rf "$out/base" "$tree" "$list"
	mkdir -p "$out/base"
	tar -C "$out/base" -xf "$tarball"
	echo "$want" > "$out/base/.version"
fi
if [ ! -d "$tree" ]; then
	echo "tree: copying the pristine base to $tree"
	cp -a "$base" "$tree.tmp"
	mv "$tree.tmp" "$tree"
	rm -f "$list"
fi

# Build the wanted content of every touched file in a scratch directory:
# the files patches/series says its patches add whole, then the patches'
# diffs in series order, each file a diff touches starting from its
# pristine content.
python3 "$top/harness/series.py" lint
rm -rf "$stage"
mkdir -p "$stage"
cd "$top"
python3 harness/series.py files > "$stage.overlay"
cpio -pdm --quiet "$stage" < "$stage.overlay"

: > "$stage.patched"
for p in $(python3 harness/series.py patches); do
	sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$top/patches/$p" |
	while read -r f; do
		echo "$f" >> "$stage.patched"
		if [ ! -e "$stage/$f" ] && [ -e "$base/$f" ]; then
			mkdir -p "$stage/$(dirname "$f")"
			cp -p "$base/$f" "$stage/$f"
		fi
	done
	if ! patch -d "$stage" -p1 -F0 -s -N --no-backup-if-mismatch \
		-r - < "$top/patches/$p"; then
		echo "tree: patches/$p does not apply cleanly (no fuzz allowed)" >&2
		exit 1
	fi
done

# Sync the staged files into the tree, touching only what changed.
sort -u "$stage.overlay" "$stage.patched" > "$list.new"
changed=0
while read -r f; do
	if ! cmp -s "$stage/$f" "$tree/$f"; then
		mkdir -p "$tree/$(dirname "$f")"
		cp "$stage/$f" "$tree/$f.tmp"
		chmod --reference="$stage/$f" "$tree/$f.tmp"
		mv "$tree/$f.tmp" "$tree/$f"
		changed=$((changed + 1))
	fi
done < "$list.new"

# Files from the previous run that are no longer overlaid or patched.
if [ -f "$list" ]; then
	comm -23 <(sort -u "$list") "$list.new" | while read -r f; do
		if [ -e "$base/$f" ]; then
			cmp -s "$base/$f" "$tree/$f" || cp "$base/$f" "$tree/$f"
		else
			rm -f "$tree/$f"
		fi
		echo "tree: reverted $f"
	done
fi
mv "$list.new" "$list"
rm -rf "$stage" "$stage.overlay" "$stage.patched"
echo "tree: $(wc -l < "$list") project files, $changed updated"
