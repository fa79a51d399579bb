#!/bin/sh
# Runs the host test binaries and the freestanding object checks, then
# prints "N passed, M failed" (the last line) and exits non-zero on failure.
#   run_check.sh GCC_TESTS CLANG_TESTS FREE_GCC_OBJ FREE_CLANG_OBJ
# ALLOWED_UNDEF: space-separated undefined symbols the kernel provides.
set -u
gcc_tests=$1 clang_tests=$2 free_gcc=$3 free_clang=$4
passed=0 failed=0

run_gtest() { # name binary
	log=$(mktemp)
	"$2" --gtest_color=no >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	p=${p:-0} f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or sanitizer abort
	fi
	if [ "$f" -ne 0 ]; then
		grep -E '^\[  FAILED  \]|Failure|ERROR: (Address|Undefined)Sanitizer|runtime error' "$log" | head -60
		tail -5 "$log"
	fi
	echo "$1: $p passed, $f failed"
	passed=$((passed + p)) failed=$((failed + f))
	rm -f "$log"
}

check() { # description command...
	desc=$1
	shift
	if out=$("$@" 2>&1); then
		passed=$((passed + 1))
		echo "ok   $desc"
	else
		failed=$((failed + 1))
		echo "FAIL $desc"
		[ -n "$out" ] && echo "$out" | sed 's/^/     /'
	fi
}

no_forbidden_sections() { # obj
	bad=$(readelf -SW "$1" | grep -Eo '\.(init_array|ctors|fini_array|dtors|eh_frame|gcc_except_table)[^ ]*' | sort -u)
	[ -z "$bad" ] || { echo "forbidden sections: $bad"; return 1; }
}

only_allowed_undefined() { # obj
	bad=""
	for s in $(nm -u "$1" | awk '{print $2}'); do
		ok=0
		for a in $ALLOWED_UNDEF; do [ "$s" = "$a" ] && ok=1; done
		[ $ok -eq 1 ] || bad="$bad $s"
	done
	[ -z "$bad" ] || { echo "undefined symbols not provided by the kernel:$bad"; return 1; }
}

no_writable_data() { # obj: pure functions, no global state
	bad=$(readelf -SW "$1" | awk '$2 ~ /^\.(data|bss)/ && $6 != "000000" {print $2}')
	[ -z "$bad" ] || { echo "writable data sections:" $bad; return 1; }
}

all_abi_functions_defined() { # obj (the header's static inline helpers aside)
	missing=""
	h=$TOP/include/virtio_dma_policy.h
	inline=$(grep -A1 '^static inline' "$h" | grep -Eo '\bvdp_[a-z0-9_]+\(' | tr -d '(' | sort -u)
	for f in $(grep -Eo '\bvdp_[a-z0-9_]+\(' "$h" | tr -d '(' | sort -u); do
		printf '%s\n' $inline | grep -qx "$f" && continue
		nm "$1" | grep -qE " T $f\$" || missing="$missing $f"
	done
	[ -z "$missing" ] || { echo "not defined:$missing"; return 1; }
}

run_gtest "g++ asan+ubsan" "$gcc_tests"
run_gtest "clang++ asan+ubsan" "$clang_tests"

# the generated case table is what its generator makes of the README rows
check "tests/cases/safety_cases.h is up to date with gen_safety_cases.py" \
	sh -c 'python3 "$1/tests/cases/gen_safety_cases.py" | cmp -s - "$1/tests/cases/safety_cases.h"' sh "$TOP"

for o in "$free_gcc" "$free_clang"; do
	cc=$(basename "$(dirname "$o")")
	check "$cc: no .init_array/.ctors/.eh_frame/.gcc_except_table" no_forbidden_sections "$o"
	check "$cc: undefined symbols only from: $ALLOWED_UNDEF" only_allowed_undefined "$o"
	check "$cc: no .data/.bss contents" no_writable_data "$o"
	check "$cc: every function of the ABI header is defined" all_abi_functions_defined "$o"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
