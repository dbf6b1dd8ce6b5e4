#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the harness needs from Debian's packages, only if missing.
# linux-source-6.12 is pinned to the version in BASE_VERSION.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
base=$(cat "$top/BASE_VERSION")
pkgs="linux-source-6.12=$base build-essential flex bison bc libelf-dev
libssl-dev cpio ccache qemu-system-x86 kexec-tools python3 sparse
device-tree-compiler clang libclang-rt-14-dev git"

missing=
for p in $pkgs; do
	name=${p%%=*}
	want=${p#*=}
	have=$(dpkg-query -W -f='${db:Status-Abbrev}${Version}' "$name" 2>/dev/null || true)
	case "$have" in
	ii*)
		[ "$want" = "$p" ] || [ "${have#ii }" = "$want" ] || missing="$missing $p"
		;;
	*)
		missing="$missing $p"
		;;
	esac
done
if [ -z "$missing" ]; then
	echo "deps: all installed (linux-source-6.12 $base)"
	exit 0
fi
echo "deps: installing$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: need root for apt-get" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends --allow-downgrades $missing
