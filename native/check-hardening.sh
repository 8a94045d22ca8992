#!/bin/sh
# check-hardening.sh BINARY: fails unless BINARY is a position-independent executable with full
# RELRO (a read-only GOT, bound at start: BIND_NOW), a non-executable stack, the stack protector and
# FORTIFY_SOURCE's checked functions, as readelf (binutils) sees them.
set -eu
bin=$1
fail() { echo "check-hardening: $bin: $*" >&2; exit 1; }
headers=$(readelf -lW "$bin")
dynamic=$(readelf -dW "$bin")
symbols=$(readelf --dyn-syms -W "$bin")
readelf -hW "$bin" | grep -q 'Type:[[:space:]]*DYN' || fail "not position-independent (ELF type is not DYN)"
echo "$dynamic" | grep -q 'FLAGS_1.*PIE' || fail "not a PIE (no PIE in FLAGS_1)"
echo "$headers" | grep -q 'GNU_RELRO' || fail "no RELRO segment"
echo "$dynamic" | grep -Eq 'BIND_NOW|FLAGS_1.*NOW' || fail "partial RELRO only (no BIND_NOW)"
echo "$headers" | grep 'GNU_STACK' | grep -q 'RW ' || fail "executable stack"
echo "$symbols" | grep -q '__stack_chk_fail' || fail "no stack protector (__stack_chk_fail not referenced)"
fortified=$(echo "$symbols" | grep -Eo '__[a-z_]+_chk\b' | grep -v '^__stack_chk$' | sort -u | tr '\n' ' ')
[ -n "$fortified" ] || fail "no FORTIFY_SOURCE checked function referenced"
echo "check-hardening: $bin: PIE, full RELRO, NX stack, stack protector, FORTIFY ($fortified)"
