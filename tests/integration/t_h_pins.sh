#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Pinned state is root-only (docs/security.md "Who may do what"): bpffs is
# not mounted here, so `xbr up` mounts it itself - with mode 0700 (1700:
# bpffs adds the sticky bit);
# /sys/fs/bpf/xbr and each bridge's directory are 0700 and owned by root,
# every pin is 0600 (not readable or writable by group or others), even
# when xbr runs under umask 000. An unprivileged user (uid/gid 65534 via
# setpriv) running xbr fdb/show/stats/port add/down gets exactly one line
# on stderr that says root is needed, a non-zero exit and no change; with
# CAP_BPF kept, that user still cannot open a pin (bpftool) or list the
# directory.
T_BR=xhpins
T_NO_BPFFS=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_attack.sh"
# Every tool this test needs, before any check runs (never a half-run).
command -v setpriv >/dev/null 2>&1 || t_skip "setpriv not installed (util-linux)"
command -v bpftool >/dev/null 2>&1 || t_skip "tool 'bpftool' not installed (tools/deps.sh build)"
[ -x /usr/bin/python3 ] || t_skip "/usr/bin/python3 not installed (tools/deps.sh test)"
/usr/bin/python3 -c 'import ctypes, os, sys; sys.exit(os.uname().machine not in ("x86_64", "aarch64", "riscv64", "s390x", "ppc64le"))' ||
	t_skip "no bpf(2) syscall number known for $(uname -m)"

B2=xhpins2
T_BRIDGES+=("$B2")
must timeout 30 "$XBR" -b "$T_BR" up
[ "$(stat -f -c %T /sys/fs/bpf)" = bpf_fs ] || t_fail "xbr up did not mount bpffs"
(umask 000 && timeout 30 "$XBR" -b "$B2" up --subnet 10.77.0.0/16 --gateway 10.77.1.254 --subnet6 none b1 >/dev/null) ||
	t_fail "up under umask 000 failed"

# ---- modes ----
# (bpffs always sets the sticky bit on its root: 1700.)
m=$(stat -c %a /sys/fs/bpf)
[ "${m: -3}" = 700 ] || t_fail "/sys/fs/bpf mounted by xbr has mode $m, expected 700 ($(findmnt -no OPTIONS /sys/fs/bpf | tail -1))"
for d in /sys/fs/bpf/xbr "/sys/fs/bpf/xbr/$T_BR" "/sys/fs/bpf/xbr/$B2"; do
	[ "$(stat -c '%a %u' "$d")" = "700 0" ] || t_fail "$d: mode/owner $(stat -c '%a %u' "$d"), expected 700 root"
done
npins=0
for d in "/sys/fs/bpf/xbr/$T_BR" "/sys/fs/bpf/xbr/$B2"; do
	for f in "$d"/*; do
		[ "$(stat -c '%a %u' "$f")" = "600 0" ] || t_fail "pin $f: mode/owner $(stat -c '%a %u' "$f"), expected 600 root"
		npins=$((npins + 1))
	done
done
[ "$npins" -ge 20 ] || t_fail "only $npins pins found"
loose=$(find /sys/fs/bpf -perm /077 ! -path /sys/fs/bpf 2>/dev/null)
[ -z "$loose" ] || t_fail "readable/writable by group or others: $loose"

# ---- an unprivileged user ----
# A copy of the binary that uid 65534 may execute wherever the tree lives.
bindir=$(mktemp -d /tmp/xbr-pins-bin.XXXXXX) || t_fail "mktemp failed"
chmod 755 "$bindir" && cp "$XBR_REAL" "$bindir/xbr" && chmod 755 "$bindir/xbr" || t_fail "cannot copy the binary"
# (Through lib.sh's hook: t_cleanup keeps the test's exit status; a trap of
# its own running first would turn every later t_fail into exit 0.)
pins_cleanup() {
	[ -n "${ctl:-}" ] && umount "$ctl" 2>/dev/null
	rm -rf "$bindir" ${ctl:+"$ctl"}
}
# shellcheck disable=SC2034 # read by lib.sh's t_cleanup
T_CLEANUP_HOOK=pins_cleanup
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
"${NOBODY[@]}" true || t_fail "setpriv cannot switch to uid 65534"
for cmd in "fdb" "show" "stats" "fdb add 02:00:00:00:00:01 port ns1" "port add ns9" "port set ns1 learning off" "set ageing 5" "monitor count 1 timeout 1" "down"; do
	# shellcheck disable=SC2086
	expect_error "uid 65534: xbr $cmd" "$T_BR" "${NOBODY[@]}" "$bindir/xbr" -b "$T_BR" $cmd
	case $T_ERR in *root*) ;; *) t_fail "uid 65534: xbr $cmd: the error does not say root is needed: $T_ERR" ;; esac
done
# With CAP_BPF (and CAP_PERFMON) but not root: the modes alone keep it out.
# shellcheck disable=SC2054 # setpriv takes comma lists
CAPS=(--inh-caps=+bpf,+perfmon --ambient-caps=+bpf,+perfmon)
"${NOBODY[@]}" "${CAPS[@]}" true 2>/dev/null || t_fail "setpriv cannot keep CAP_BPF for uid 65534"
# open_pin PATH: uid 65534 with CAP_BPF opens a pin (BPF_OBJ_GET, as
# bpf_obj_get() does), the one method of both the control and the check;
# prints "opened" or the errno's name. (bpftool is no such method here:
# `map dump` also needs the map's BTF, which only CAP_SYS_ADMIN may fetch,
# so it fails on any map pin; and where the directory cannot be entered it
# reports "not in bpf file system" for a refused open.)
OBJ_GET='
import ctypes, errno, os, struct, sys
nr = {"x86_64": 321, "aarch64": 280, "riscv64": 280, "s390x": 351, "ppc64le": 361}[os.uname().machine]
libc = ctypes.CDLL(None, use_errno=True)
path = ctypes.create_string_buffer(sys.argv[1].encode())
attr = ctypes.create_string_buffer(struct.pack("=QII", ctypes.addressof(path), 0, 0), 16)
fd = libc.syscall(nr, 7, attr, 16)  # BPF_OBJ_GET
if fd < 0:
    print(errno.errorcode.get(ctypes.get_errno(), ctypes.get_errno()))
    sys.exit(1)
print("opened")
'
open_pin() { "${NOBODY[@]}" "${CAPS[@]}" /usr/bin/python3 -c "$OBJ_GET" "$1"; }
PINS=("map xbr_fdb" "map xbr_ports" "map xbr_config" "prog tc_ingress")
# Control: the same objects, pinned again by root in a bpffs of the control's
# own that uid 65534 may enter, each pin 0600 as xbr makes them but owned by
# uid 65534 (the permission granted): the same method opens every one. So
# the refusals below are the modes at work, not a command that cannot work.
ctl=$(mktemp -d /tmp/xbr-pins-ctl.XXXXXX) || t_fail "mktemp failed"
mount -t bpf -o mode=0755 bpf "$ctl" && chmod 755 "$ctl" || t_fail "cannot mount a control bpffs on $ctl"
for spec in "${PINS[@]}"; do
	read -r kind pin <<<"$spec"
	id=$(bpftool -j "$kind" show pinned "/sys/fs/bpf/xbr/$T_BR/$pin" | jq -r .id) || t_fail "root cannot read the id of $pin"
	bpftool "$kind" pin id "$id" "$ctl/$pin" && chown 65534:65534 "$ctl/$pin" && chmod 600 "$ctl/$pin" ||
		t_fail "cannot pin $kind $pin (id $id) again in $ctl"
	out=$(open_pin "$ctl/$pin" 2>&1)
	[ "$out" = opened ] ||
		t_fail "control: uid 65534 with CAP_BPF cannot open $kind $pin pinned with the permission granted: $out"
done
umount "$ctl"
# The check: xbr's own pins, same objects, same method: refused.
for spec in "${PINS[@]}"; do
	read -r kind pin <<<"$spec"
	out=$(open_pin "/sys/fs/bpf/xbr/$T_BR/$pin" 2>&1)
	[ "$out" != opened ] || t_fail "uid 65534 with CAP_BPF opened the pin $pin"
	[ "$out" = EACCES ] || t_fail "uid 65534 with CAP_BPF: opening the pin $pin failed, but not as refused (EACCES): $out"
done
"${NOBODY[@]}" ls /sys/fs/bpf/xbr >/dev/null 2>&1 && t_fail "uid 65534 can list /sys/fs/bpf/xbr"
"${NOBODY[@]}" ls /sys/fs/bpf >/dev/null 2>&1 && t_fail "uid 65534 can list /sys/fs/bpf (xbr mounted it without mode=0700)"

# Root still runs the bridge.
xjson fdb
assert_ping ns1 172.16.1.2 2
must timeout 30 "$XBR" -b "$B2" down
[ -e "/sys/fs/bpf/xbr/$B2" ] && t_fail "down left /sys/fs/bpf/xbr/$B2"
t_pass "bpffs 0700, xbr dirs 0700, $npins pins 0600 root (also under umask 000); uid 65534 refused with one line 9 ways and cannot open pins even with CAP_BPF"
