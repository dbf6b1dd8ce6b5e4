#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Write a patch against the pristine base from files edited in a tree.
#
#   harness/mkpatch.sh TREE PATCH MESSAGE-FILE FILE...
#
# TREE is a kernel tree holding the edited FILEs (paths relative to the
# tree); PATCH is written as a mail with the first line of MESSAGE-FILE as
# subject, the rest as body, a Signed-off-by from git config, and a diff of
# every FILE against out/base/linux-source-6.12.  Add the patch name to
# patches/series yourself.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
base=${BASE:-$top/out/base/linux-source-6.12}
tree=$1 patch=$2 msg=$3
shift 3

{
	echo "From: $(git -C "$top" config user.name) <$(git -C "$top" config user.email)>"
	echo "Subject: [PATCH] $(head -n 1 "$msg")"
	echo
	tail -n +2 "$msg" | sed '1{/^$/d}'
	echo
	echo "Signed-off-by: $(git -C "$top" config user.name) <$(git -C "$top" config user.email)>"
	echo "---"
	for f in "$@"; do
		old=$base/$f
		[ -e "$old" ] || old=/dev/null
		echo "diff --git a/$f b/$f"
		diff -up --label "a/$f" --label "b/$f" "$old" "$tree/$f" || true
	done
	echo "-- "
	echo "2.39.5"
} > "$patch"
