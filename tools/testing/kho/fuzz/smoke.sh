#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run each fuzz target briefly on its seed corpus, then replay its
# regression inputs; one line per target, then "N passed, N failed".
# Called by "make fuzz-smoke" with HERE, OUT, SECONDS_EACH and TARGETS set.

passed=0
failed=0
mkdir -p "$OUT/smoke"
for t in $TARGETS; do
	bin="$OUT/fuzz/bin/$t"
	work="$OUT/smoke/$t"
	log="$OUT/smoke/$t.log"
	rm -rf "$work" "$OUT/smoke/$t-crash"
	mkdir -p "$work" "$OUT/smoke/$t-crash"
	cp "$OUT/corpus/$t"/* "$work"/
	start=$(date +%s.%N)
	ok=1
	"$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-max_len="$(cat "$OUT/corpus/$t.max_len")" \
		-dict="$OUT/corpus/$t.dict" -print_final_stats=1 \
		-artifact_prefix="$OUT/smoke/$t-crash/" "$work" >"$log" 2>&1 ||
		ok=0
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	nreg=0
	if [ -d "$HERE/regressions/$t" ]; then
		set -- $(find "$HERE/regressions/$t" -type f ! -name README | sort)
		nreg=$#
		if [ "$nreg" -gt 0 ]; then
			"$bin" -runs=1 "$@" >>"$log" 2>&1 || ok=0
		fi
	fi
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	if [ $ok = 1 ]; then
		passed=$((passed + 1))
		printf 'PASS %-28s %6.1fs  %s runs, %s regression inputs\n' \
			"fuzz-smoke/$t" "$secs" "${runs:-?}" "$nreg"
	else
		failed=$((failed + 1))
		printf 'FAIL %-28s %6.1fs  see %s\n' "fuzz-smoke/$t" "$secs" "$log"
	fi
done
echo "$passed passed, $failed failed"
[ $failed = 0 ] && [ $passed -gt 0 ]
