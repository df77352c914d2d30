#!/usr/bin/env bash
# Publish a finished run into the docs: docs/benchmarks.md (the method from
# tools/bench/method.md + the run's summary), docs/bench/*.png,
# docs/bench/results.json and the perf top lists under docs/bench/profile/.
#   tools/bench/publish.sh OUTDIR [--notes FILE] [--profile-from DIR]
# FILE (Markdown) is inserted as "Observations" (hand-written analysis of
# that run). Commit the result yourself.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/../.." && pwd)
OUT=${1:?usage: publish.sh OUTDIR [--notes FILE]}
NOTES="" PROF="$OUT"
shift
while [[ $# -gt 0 ]]; do
	case $1 in
	--notes) NOTES=${2:?--notes needs a file}; shift 2 ;;
	--profile-from) PROF=${2:?--profile-from needs a run directory}; shift 2 ;;
	*) echo "publish: unknown option $1" >&2; exit 2 ;;
	esac
done
R="$OUT/results.json"
[[ -s $R && -s $OUT/summary.md ]] || { echo "publish: $OUT has no results.json/summary.md" >&2; exit 1; }
D="$REPO/docs/bench"
mkdir -p "$D"
rm -f "$D"/*.png
cp "$OUT"/plots/*.png "$D/" 2>/dev/null || true
jq . "$R" >"$D/results.json"
rm -rf "$D/profile"
if [[ -d $PROF/profile ]]; then
	mkdir -p "$D/profile"
	for f in "$PROF"/profile/*.txt; do cp "$f" "$D/profile/"; done
fi

{
	# the method (and the XDP-stall finding): written once, in tools/bench/method.md
	cat "$BENCH_DIR/method.md"
	echo
	echo "## Latest committed run"
	echo
	# the summary, with image paths pointing at docs/bench and the title dropped
	sed -e '1{/^# /d}' -e 's#](plots/#](bench/#g' -e 's/^## /### /' "$OUT/summary.md"
	if [[ $PROF != "$OUT" && -d $PROF/profile ]]; then
		echo "### perf profiles"
		echo
		echo "From a separate run: \`$(jq -r .command "$PROF/results.json")\` ($(jq -r .started "$PROF/results.json")); top entries"
		echo "(\`perf report --no-children\`, all CPUs, cpu-clock). Full lists and call graphs: [bench/profile/](bench/profile/)."
		echo
		for f in "$PROF"/profile/*-{tcp,pps}.txt; do
			[[ -s $f ]] || continue
			echo "**$(basename "$f" .txt)**"
			echo
			echo '```'
			head -n 18 "$f"
			echo '```'
			echo
		done
	fi
	if [[ -n $NOTES ]]; then
		echo "## Observations"
		echo
		cat "$NOTES"
		echo
	fi
	echo "All samples of this run: [bench/results.json](bench/results.json)."
} >"$REPO/docs/benchmarks.md"
echo "published $OUT -> docs/benchmarks.md, docs/bench/" >&2
