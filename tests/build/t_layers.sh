#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The layers held by the build (issue 18): every C source and header is in a
# layer of tools/layers.conf, none includes a header of a layer above its
# own, and no two modules import each other (directly or in a circle). A
# finding names the file, the header and the two layers, or the circle.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || t_fail "python3 not installed (tools/deps.sh installs it)"
out=$(python3 "$T_REPO/tools/layers.py" "$T_REPO" 2>&1) || t_fail "$(printf '%s' "$out" | tr '\n' '|')"
t_pass "${out#layers: }"
