# SPDX-License-Identifier: GPL-2.0
# TAP helpers of the test scripts (sourced; POSIX sh): numbered "ok N -" /
# "not ok N -" lines and the closing "N passed, M failed" with the status.
# shellcheck shell=sh
pass=0
fail=0
n=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }
# check DESCRIPTION COMMAND...: one TAP line for the command's status
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; return 0; fi
	notok "$what"
	return 1
}
# summary_counts FILE: "P F" from the last "N passed, M failed" line of a
# test command's output; "0 1" when there is none (a run that died before
# its summary counts as one failure)
summary_counts() {
	sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p' "$1" |
		tail -n 1 | grep . || echo "0 1"
}
# the summary line; exits 0 only without failures
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}
