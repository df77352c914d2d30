#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `make man`: replace the SYNOPSIS section of the man page with the one the
# binary derives from its command table (`xbr __man-synopsis`).
#   tools/man-synopsis.sh XBR MANPAGE
set -euo pipefail
xbr=$1 page=$2
new=$(mktemp)
trap 'rm -f "$new"' EXIT
"$xbr" __man-synopsis >"$new.syn"
awk -v syn="$new.syn" '
	/^\.SH SYNOPSIS/ { while ((getline l < syn) > 0) print l; skip = 1; next }
	/^\.SH / { skip = 0 }
	!skip
' "$page" >"$new"
rm -f "$new.syn"
if cmp -s "$new" "$page"; then
	echo "man: $page is up to date"
else
	cat "$new" >"$page"
	echo "man: $page: SYNOPSIS regenerated from the command table"
fi
