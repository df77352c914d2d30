#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The build honours the flags a distribution passes (CPPFLAGS, CFLAGS,
# LDFLAGS: Debian's hardening), uses gcc when CC is not given, and links only
# the libraries xbr calls (libbpf, libmnl, libnftables; libbpf brings its own libelf and
# zlib).
. "$(dirname "$0")/lib.sh"

command -v readelf >/dev/null || t_skip "readelf (binutils) not installed"
B=$T_TMP/build
make -C "$T_REPO" --no-print-directory -j2 BUILD="$B" \
	CPPFLAGS="-D_FORTIFY_SOURCE=2" CFLAGS="-O2 -g -fstack-protector-strong" \
	LDFLAGS="-Wl,-z,relro -Wl,-z,now" "$B/xbr" "$B/xbr-cni" "$B/xbr-agent" "$B/xbr-docker" >"$T_TMP/make.log" 2>&1 ||
	t_fail "build with Debian's flags failed: $(tail -5 "$T_TMP/make.log")"
dyn=$(readelf -dW "$B/xbr")
grep -Eq 'BIND_NOW|FLAGS_1.*NOW' <<<"$dyn" || t_fail "LDFLAGS -z now not honoured (no BIND_NOW)"
readelf -lW "$B/xbr" | gq GNU_RELRO || t_fail "LDFLAGS -z relro not honoured"
syms=$(readelf --dyn-syms -W "$B/xbr")
grep -q '__[a-z]*_chk' <<<"$syms" || t_fail "CPPFLAGS -D_FORTIFY_SOURCE=2 not honoured (no __*_chk call)"
grep -q '__stack_chk_fail' <<<"$syms" || t_fail "CFLAGS -fstack-protector-strong not honoured"
# Only what xbr uses is linked (jansson: its -j output, issue 18).
needed=$(grep NEEDED <<<"$dyn" | sed -E 's/.*\[(.*)\]/\1/' | sort | tr '\n' ' ')
[ "$needed" = "libbpf.so.1 libc.so.6 libjansson.so.4 libmnl.so.0 libnftables.so.1 " ] ||
	t_fail "linked libraries: $needed (want libbpf, libjansson, libmnl, libnftables, libc)"
# The CNI plugin likewise, linking jansson besides.
dyn=$(readelf -dW "$B/xbr-cni")
grep -Eq 'BIND_NOW|FLAGS_1.*NOW' <<<"$dyn" || t_fail "xbr-cni: LDFLAGS -z now not honoured"
grep -q '__stack_chk_fail' <<<"$(readelf --dyn-syms -W "$B/xbr-cni")" ||
	t_fail "xbr-cni: CFLAGS -fstack-protector-strong not honoured"
cneeded=$(grep NEEDED <<<"$dyn" | sed -E 's/.*\[(.*)\]/\1/' | sort | tr '\n' ' ')
[ "$cneeded" = "libbpf.so.1 libc.so.6 libjansson.so.4 libmnl.so.0 libnftables.so.1 " ] ||
	t_fail "xbr-cni linked libraries: $cneeded (want libbpf, libjansson, libmnl, libnftables, libc)"
# The directory agent likewise, linking jansson and libcurl besides.
dyn=$(readelf -dW "$B/xbr-agent")
grep -Eq 'BIND_NOW|FLAGS_1.*NOW' <<<"$dyn" || t_fail "xbr-agent: LDFLAGS -z now not honoured"
grep -q '__stack_chk_fail' <<<"$(readelf --dyn-syms -W "$B/xbr-agent")" ||
	t_fail "xbr-agent: CFLAGS -fstack-protector-strong not honoured"
aneeded=$(grep NEEDED <<<"$dyn" | sed -E 's/.*\[(.*)\]/\1/' | sort | tr '\n' ' ')
[ "$aneeded" = "libbpf.so.1 libc.so.6 libcurl.so.4 libjansson.so.4 libmnl.so.0 libnftables.so.1 " ] ||
	t_fail "xbr-agent linked libraries: $aneeded (want libbpf, libcurl, libjansson, libmnl, libnftables, libc)"
# The Docker plugin likewise, linking libmicrohttpd (its HTTP server) and
# libcurl (dockerd's API) besides.
dyn=$(readelf -dW "$B/xbr-docker")
grep -Eq 'BIND_NOW|FLAGS_1.*NOW' <<<"$dyn" || t_fail "xbr-docker: LDFLAGS -z now not honoured"
grep -q '__stack_chk_fail' <<<"$(readelf --dyn-syms -W "$B/xbr-docker")" ||
	t_fail "xbr-docker: CFLAGS -fstack-protector-strong not honoured"
dneeded=$(grep NEEDED <<<"$dyn" | sed -E 's/.*\[(.*)\]/\1/' | sort | tr '\n' ' ')
[ "$dneeded" = "libbpf.so.1 libc.so.6 libcurl.so.4 libjansson.so.4 libmicrohttpd.so.12 libmnl.so.0 libnftables.so.1 " ] ||
	t_fail "xbr-docker linked libraries: $dneeded (want libbpf, libcurl, libjansson, libmicrohttpd, libmnl, libnftables, libc)"
# CC defaults to gcc (make's own default would be cc).
cmd=$(env -u CC make -C "$T_REPO" --no-print-directory -n -B BUILD="$T_TMP/n" V=1 "$T_TMP/n/user/log.o" 2>/dev/null | grep 'user/log.c' | head -1)
[ "${cmd%% *}" = gcc ] || t_fail "without CC the compiler is '${cmd%% *}', not gcc"
cmd=$(make -C "$T_REPO" --no-print-directory -n -B BUILD="$T_TMP/n" V=1 CC=clang "$T_TMP/n/user/log.o" 2>/dev/null | grep 'user/log.c' | head -1)
[ "${cmd%% *}" = clang ] || t_fail "CC=clang not followed: '${cmd%% *}'"
t_pass "CPPFLAGS/CFLAGS/LDFLAGS honoured (fortify, stack protector, relro, now; xbr, xbr-cni, xbr-agent and xbr-docker); gcc by default, CC followed; linked: $needed"
