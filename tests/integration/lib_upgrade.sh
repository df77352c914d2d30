# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# An older build of xbr for the upgrade tests (t_upgrade*), sourced after
# lib.sh: built from git history once per tree (make test and make check,
# whose binaries live in build/ and build/san/, share it) under a lock.

# old_build COMMIT WHAT: build COMMIT (a commit or tag of this clone's
# history) into build/old-<12 hex>; sets OLD to its build/xbr. Skips the test
# when the commit is not in the history (a shallow clone), fails when it
# does not build. WHAT names it in messages ("release v0.1.0", ...).
old_build() {
	local want=$1 what=$2 commit dir
	command -v git >/dev/null 2>&1 || t_skip "git not installed ($what is built from history)"
	commit=$(git -C "$T_REPO" rev-parse -q --verify "$want^{commit}" 2>/dev/null) ||
		t_skip "$what ($want) is not in this clone's history (shallow clone?)"
	dir=$T_REPO/build/old-${commit:0:12}
	OLD=$dir/build/xbr
	(
		flock 9
		if [ ! -x "$OLD" ] || [ "$(cat "$dir/.commit" 2>/dev/null)" != "$commit" ]; then
			rm -rf "$dir" && mkdir -p "$dir" &&
				git -C "$T_REPO" archive "$commit" | tar -x -C "$dir" &&
				env -u CI make -C "$dir" -j2 build/xbr >"$dir.log" 2>&1 &&
				echo "$commit" >"$dir/.commit"
		fi
	) 9>"$T_REPO/build/.release.lock" || t_fail "cannot build $what: $(tail -3 "$dir.log" 2>/dev/null)"
	[ -x "$OLD" ] || t_fail "$what did not build ($OLD missing)"
	t_log "$what ($commit) at $OLD"
}
