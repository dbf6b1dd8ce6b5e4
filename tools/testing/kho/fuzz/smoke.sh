#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run each fuzz target briefly on its seed corpus; print KTAP version 1,
# one result line per target.  (The regression inputs are replayed once,
# by kho-test: "make test" and "make check".)
# Called by "make fuzz-smoke" (and, as a subtest, by "make check") with
# HERE, OUT, SECONDS_EACH and TARGETS set; exits 1 if a target failed.

set -- $TARGETS
echo "KTAP version 1"
echo "1..$#"
n=0
failed=0
mkdir -p "$OUT/smoke"
for t in $TARGETS; do
	n=$((n + 1))
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
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	if [ $ok = 1 ]; then
		printf '# %s: %.1fs, %s runs\n' "$t" "$secs" "${runs:-?}"
		echo "ok $n $t"
	else
		failed=$((failed + 1))
		printf '# %s: %.1fs, see %s\n' "$t" "$secs" "$log"
		echo "not ok $n $t"
	fi
done
echo "# $((n - failed)) passed, $failed failed, 0 skipped"
[ $failed = 0 ] && [ $n -gt 0 ]
