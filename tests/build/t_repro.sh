#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# A reproducible build: the same tree built in two directories (different
# paths, different lengths) gives the same datapath version (`xbr -V`, so a
# bridge is not reloaded for a rebuild elsewhere) and the same binary, byte
# for byte. The embedded BPF objects carry BTF but no DWARF, and no build
# path.
. "$(dirname "$0")/lib.sh"

a=$T_TMP/a
b=$T_TMP/some/longer/path/b
for d in "$a" "$b"; do
	t_copy_tree "$d" || t_fail "cannot copy the tree to $d"
	make -C "$d" --no-print-directory -j2 build/xbr >"$T_TMP/make.log" 2>&1 ||
		t_fail "build in $d failed: $(tail -5 "$T_TMP/make.log")"
done
va=$("$a/build/xbr" -j -V | jq -r .datapath) vb=$("$b/build/xbr" -j -V | jq -r .datapath)
[ -n "$va" ] && [ "$va" != null ] || t_fail "xbr -j -V gives no datapath version"
[ "$va" = "$vb" ] || t_fail "datapath version $va in $a, $vb in $b"
cmp -s "$a/build/xbr" "$b/build/xbr" || t_fail "the two binaries differ: $(cmp "$a/build/xbr" "$b/build/xbr" 2>&1)"
for o in "$a"/build/*.bpf.o; do
	sec=$(readelf -SW "$o") || t_fail "readelf $o failed"
	grep -q ' \.BTF ' <<<"$sec" || t_fail "$(basename "$o"): no .BTF section"
	grep -q ' \.BTF\.ext ' <<<"$sec" || t_fail "$(basename "$o"): no .BTF.ext section"
	! grep -q ' \.debug_' <<<"$sec" || t_fail "$(basename "$o"): DWARF left: $(grep -o '\.debug_[a-z_]*' <<<"$sec" | tr '\n' ' ')"
	! grep -aq "$T_TMP" "$o" || t_fail "$(basename "$o") holds the build path"
done
! grep -aq "$T_TMP" "$a/build/xbr" || t_fail "the binary holds the build path"
t_pass "two directories: datapath $va both times, identical binaries; BPF objects with BTF, without DWARF or build path"
