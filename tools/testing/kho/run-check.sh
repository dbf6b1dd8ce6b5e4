#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run each argument as a command that prints one line per test and ends
# with "N passed, N failed"; print all their lines but those summaries,
# then one summary for everything.  Used by "make check".

passed=0
failed=0
for cmd in "$@"; do
	out=$(mktemp)
	sh -c "$cmd" >"$out" 2>&1
	rc=$?
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -1)
	grep -vE '^[0-9]+ passed, [0-9]+ failed$' "$out"
	if [ -z "$summary" ]; then
		echo "FAIL $cmd: no summary (exit status $rc)"
		failed=$((failed + 1))
	else
		passed=$((passed + ${summary%% *}))
		f=${summary#*, }
		failed=$((failed + ${f%% *}))
		[ $rc = 0 ] || [ "${f%% *}" != 0 ] || failed=$((failed + 1))
	fi
	rm -f "$out"
done
echo "$passed passed, $failed failed"
[ $failed = 0 ] && [ $passed -gt 0 ]
