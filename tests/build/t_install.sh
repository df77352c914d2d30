#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# make install / make uninstall as Debian's packaging runs them: with DESTDIR
# and PREFIX=/usr the tree is exactly the binary in sbin, the man page in
# man8, the bash completion, the CNI plugin as /usr/lib/cni/xbr, the directory
# agent as sbin/xbr-agent, the Docker plugin as sbin/xbr-docker and the
# systemd units xbr-boot.service, xbr-restore.service, xbr-agent.service,
# xbr-docker.service and xbr-docker.socket (their ExecStart the installed
# binaries' paths); the installed binaries run; uninstall leaves no file.
# BINDIR, MANDIR, BASHCOMPDIR, CNIDIR and SYSTEMDDIR move each piece; the
# default PREFIX is /usr/local (the CNI plugin stays where runtimes look,
# /usr/lib/cni).
. "$(dirname "$0")/lib.sh"

B=$T_TMP/build
# $1 = DESTDIR, the rest make variables; output in $T_TMP/make.log
mk() {
	local dest=$1
	shift
	make -C "$T_REPO" --no-print-directory BUILD="$B" DESTDIR="$dest" "$@" >"$T_TMP/make.log" 2>&1
}
files() { (cd "$1" && find . -type f -printf '%m %p\n' | sort); }

root=$T_TMP/root
mk "$root" PREFIX=/usr install || t_fail "make install failed: $(tail -5 "$T_TMP/make.log")"
want="644 ./usr/lib/systemd/system/xbr-agent.service
644 ./usr/lib/systemd/system/xbr-boot.service
644 ./usr/lib/systemd/system/xbr-docker.service
644 ./usr/lib/systemd/system/xbr-docker.socket
644 ./usr/lib/systemd/system/xbr-restore.service
644 ./usr/share/bash-completion/completions/xbr
644 ./usr/share/man/man8/xbr.8
755 ./usr/lib/cni/xbr
755 ./usr/sbin/xbr
755 ./usr/sbin/xbr-agent
755 ./usr/sbin/xbr-docker"
got=$(files "$root")
[ "$got" = "$want" ] || t_fail "installed tree (mode path) is not as expected: $(echo "$got" | tr '\n' ';')"
"$root/usr/sbin/xbr" -V | gq '^xbr [0-9]' || t_fail "installed binary does not run: $("$root/usr/sbin/xbr" -V 2>&1)"
v=$(echo '{"cniVersion":"1.0.0"}' | CNI_COMMAND=VERSION "$root/usr/lib/cni/xbr" 2>&1)
[[ $v == *'"supportedVersions"'* ]] || t_fail "installed CNI plugin does not answer VERSION: $v"
"$root/usr/sbin/xbr-agent" --help | gq '^usage: xbr-agent' ||
	t_fail "installed agent does not run: $("$root/usr/sbin/xbr-agent" --help 2>&1)"
aunit=$root/usr/lib/systemd/system/xbr-agent.service
grep -qx 'ExecStart=/usr/sbin/xbr-agent' "$aunit" && grep -qx 'Restart=always' "$aunit" &&
	grep -qx 'WantedBy=multi-user.target' "$aunit" ||
	t_fail "xbr-agent.service does not run /usr/sbin/xbr-agent, restarted, wanted by multi-user.target: $(tr '\n' ';' <"$aunit")"
"$root/usr/sbin/xbr-docker" --help | gq '^Usage: xbr-docker' ||
	t_fail "installed Docker plugin does not run: $("$root/usr/sbin/xbr-docker" --help 2>&1)"
dunit=$root/usr/lib/systemd/system/xbr-docker.service
for l in "ExecStart=/usr/sbin/xbr-docker" "Requires=xbr-docker.socket" "Before=docker.service" \
	"KillMode=process"; do
	grep -qx "$l" "$dunit" || t_fail "installed xbr-docker.service lacks the line $l"
done
grep -qx 'ListenStream=/run/docker/plugins/xbr.sock' "$root/usr/lib/systemd/system/xbr-docker.socket" ||
	t_fail "xbr-docker.socket does not listen where dockerd looks for driver xbr"
cmp -s "$root/usr/share/man/man8/xbr.8" "$T_REPO/docs/xbr.8" || t_fail "installed man page differs from docs/xbr.8"
cmp -s "$root/usr/share/bash-completion/completions/xbr" "$T_REPO/completion/xbr" ||
	t_fail "installed completion differs from completion/xbr"
unit=$root/usr/lib/systemd/system/xbr-boot.service
grep -qx 'ExecStart=/usr/sbin/xbr up -f /etc/xbr' "$unit" ||
	t_fail "xbr-boot.service does not run /usr/sbin/xbr up -f /etc/xbr: $(grep ExecStart "$unit")"
grep -qx 'Type=oneshot' "$unit" && grep -qx 'RemainAfterExit=yes' "$unit" &&
	grep -qx 'After=network-pre.target' "$unit" && grep -qx 'WantedBy=multi-user.target' "$unit" ||
	t_fail "xbr-boot.service is not a oneshot after network-pre.target wanted by multi-user.target"
unit=$root/usr/lib/systemd/system/xbr-restore.service
for l in "ExecStart=/usr/sbin/xbr restore --all" "Type=oneshot" "PartOf=nftables.service" \
	"After=nftables.service" "WantedBy=nftables.service"; do
	grep -qx "$l" "$unit" || t_fail "installed xbr-restore.service lacks the line $l"
done
! grep -q '@' "$unit" || t_fail "installed xbr-restore.service keeps a placeholder: $(grep '@' "$unit")"
if command -v systemd-analyze >/dev/null 2>&1; then
	# Checked against the installed binary's path (ExecStart must exist).
	sed "s|/usr/sbin/xbr|$root/usr/sbin/xbr|" "$unit" >"$T_TMP/xbr-restore.service"
	systemd-analyze verify "$T_TMP/xbr-restore.service" >"$T_TMP/verify" 2>&1 ||
		t_log "systemd-analyze verify: $(tr '\n' ' ' <"$T_TMP/verify")"
fi
mk "$root" PREFIX=/usr uninstall || t_fail "make uninstall failed: $(tail -5 "$T_TMP/make.log")"
[ -z "$(files "$root")" ] || t_fail "make uninstall left: $(files "$root" | tr '\n' ';')"

# Each directory on its own.
root2=$T_TMP/root2
vars=(PREFIX=/opt/xbr BINDIR=/opt/xbr/bin MANDIR=/opt/man BASHCOMPDIR=/etc/bash_completion.d
	CNIDIR=/opt/cni/bin SYSTEMDDIR=/opt/systemd)
mk "$root2" "${vars[@]}" install || t_fail "make install with BINDIR/MANDIR/BASHCOMPDIR/CNIDIR failed: $(tail -5 "$T_TMP/make.log")"
want="644 ./etc/bash_completion.d/xbr
644 ./opt/man/man8/xbr.8
644 ./opt/systemd/xbr-agent.service
644 ./opt/systemd/xbr-boot.service
644 ./opt/systemd/xbr-docker.service
644 ./opt/systemd/xbr-docker.socket
644 ./opt/systemd/xbr-restore.service
755 ./opt/cni/bin/xbr
755 ./opt/xbr/bin/xbr
755 ./opt/xbr/bin/xbr-agent
755 ./opt/xbr/bin/xbr-docker"
got=$(files "$root2")
[ "$got" = "$want" ] || t_fail "BINDIR/MANDIR/BASHCOMPDIR/CNIDIR/SYSTEMDDIR not followed: $(echo "$got" | tr '\n' ';')"
grep -qx 'ExecStart=/opt/xbr/bin/xbr up -f /etc/xbr' "$root2/opt/systemd/xbr-boot.service" ||
	t_fail "xbr-boot.service does not follow BINDIR: $(grep ExecStart "$root2/opt/systemd/xbr-boot.service")"
grep -qx "ExecStart=/opt/xbr/bin/xbr restore --all" "$root2/opt/systemd/xbr-restore.service" ||
	t_fail "xbr-restore.service does not follow BINDIR"
grep -qx 'ExecStart=/opt/xbr/bin/xbr-agent' "$root2/opt/systemd/xbr-agent.service" ||
	t_fail "xbr-agent.service does not follow BINDIR: $(grep ExecStart "$root2/opt/systemd/xbr-agent.service")"
grep -qx 'ExecStart=/opt/xbr/bin/xbr-docker' "$root2/opt/systemd/xbr-docker.service" ||
	t_fail "xbr-docker.service does not follow BINDIR"
mk "$root2" "${vars[@]}" uninstall || t_fail "make uninstall with BINDIR/MANDIR failed"
[ -z "$(files "$root2")" ] || t_fail "make uninstall (BINDIR/MANDIR) left: $(files "$root2" | tr '\n' ';')"

# The default prefix.
root3=$T_TMP/root3
mk "$root3" install || t_fail "make install (default PREFIX) failed: $(tail -5 "$T_TMP/make.log")"
[ -x "$root3/usr/local/sbin/xbr" ] && [ -f "$root3/usr/local/share/man/man8/xbr.8" ] &&
	[ -x "$root3/usr/lib/cni/xbr" ] && [ -f "$root3/usr/local/lib/systemd/system/xbr-boot.service" ] &&
	[ -f "$root3/usr/local/lib/systemd/system/xbr-restore.service" ] ||
	t_fail "default PREFIX is not /usr/local: $(files "$root3" | tr '\n' ';')"
mk "$root3" uninstall && [ -z "$(files "$root3")" ] || t_fail "make uninstall (default PREFIX) left files"

t_pass "DESTDIR+PREFIX=/usr: sbin/xbr, sbin/xbr-agent, sbin/xbr-docker, man8/xbr.8, completions/xbr, lib/cni/xbr, lib/systemd/system/xbr-boot.service, xbr-restore.service, xbr-agent.service, xbr-docker.service and .socket, nothing else; BINDIR/MANDIR/BASHCOMPDIR/CNIDIR/SYSTEMDDIR followed; uninstall removes every file"
