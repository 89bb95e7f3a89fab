#!/usr/bin/env bash
# The scale curve (README "Leaves x d", docs/benchmarks.md "Leaves x d"): the embedded demo's rounds over a grid of
# fleet sizes x model dimensions at q = 0.1, with the planner's prediction for the same run beside each cell.
# Per cell it runs RUNS times `./canopy demo --leaves N --dim D --sampling-rate 0.1 --rounds ROUNDS --metrics-port 0`
# (default release, -Xmx$XMX) and prints, per run, round 2's wall, the steady round (the median wall of rounds 3 to
# ROUNDS: round 2 still runs partly uncompiled code, Multi-Krum above all, whose few calls a round leave it to the
# interpreter for a while), the clusters' thread CPU after their deadlines in the last round and the demo's peak heap;
# then the medians over the runs, and one Markdown table of them. The planner predicts a steady round, so its error is
# against that column.
# The planner gets the same --rounds: the release `auto` picks depends on the rounds the privacy budget is spread over.
#   ops/plan/scale-curve.sh                                every cell, RUNS=3, ROUNDS=4
#   CELLS="1e4x1e6 1e7x1e2" RUNS=1 ops/plan/scale-curve.sh
#   LOCK=/tmp/cpu.lock ops/plan/scale-curve.sh             each demo run under flock(1) on that file
#   PRETOUCH=1 ops/plan/scale-curve.sh                     -Xms = -Xmx and -XX:+AlwaysPreTouch (default 0: the heap
#                                                          grows as G1 asks, as the README's grid was measured); a
#                                                          pre-touched heap halves rounds 1-2 at large d (no round
#                                                          then pays the kernel's zeroing of fresh pages), not the
#                                                          steady round
# The grid stops where leaves x d passes 10^10 floats a round before sampling (10^7 x 10^3): the cells beyond it
# take minutes a round on 2 cores. Run it alone (or with LOCK): anything else skews the times.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
RUNS="${RUNS:-3}"
ROUNDS="${ROUNDS:-4}"
XMX="${XMX:-8g}"
LOCK="${LOCK:-}"
PRETOUCH="${PRETOUCH:-0}"
CELLS="${CELLS:-1e4x1e2 1e4x1e3 1e4x1e4 1e4x1e5 1e4x1e6 1e5x1e2 1e5x1e3 1e5x1e4 1e5x1e5 1e6x1e2 1e6x1e3 1e6x1e4 1e7x1e2 1e7x1e3}"
if [ "$ROUNDS" -lt 3 ]; then
  echo "scale-curve.sh: ROUNDS must be at least 3 (round 2 is not steady; rounds 3 to ROUNDS are), was $ROUNDS" >&2
  exit 2
fi
WORK="$(mktemp -d "${TMPDIR:-/tmp}/canopy-scale-curve.XXXXXX")"
# No forced './canopy build': it cleans every target/ and would pull the classes from under a demo running
# beside it; the launcher rebuilds by itself when sources changed.

number() { awk -v x="$1" 'BEGIN { printf "%d", x + 0 }'; }  # 1e6 -> 1000000
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
heap() { if [ "$PRETOUCH" = 1 ]; then echo "-Xms$1 -Xmx$1 -XX:+AlwaysPreTouch"; else echo "-Xmx$1"; fi; }
locked() { if [ -n "$LOCK" ]; then flock "$LOCK" "$@"; else "$@"; fi; }

for cell in $CELLS; do
  leaves=$(number "${cell%x*}")
  dim=$(number "${cell#*x}")
  echo "== $cell: ./canopy demo --leaves $leaves --dim $dim --sampling-rate 0.1 --rounds $ROUNDS --metrics-port 0 ($(heap "$XMX"))"
  for r in $(seq 1 "$RUNS"); do
    log="$WORK/$cell-$r.out"
    CANOPY_JAVA_OPTS="$(heap "$XMX")" locked ./canopy demo --leaves "$leaves" --dim "$dim" --sampling-rate 0.1 \
      --rounds "$ROUNDS" --metrics-port 0 >"$log" 2>&1 || { echo "run $r failed:"; tail -20 "$log"; exit 1; }
    sed -n 's/^  wall \([0-9.]*\) s;.*/\1/p' "$log" >"$WORK/walls"
    second=$(sed -n 2p "$WORK/walls")
    walls=$(tr '\n' ' ' <"$WORK/walls")
    steady=$(tail -n +3 "$WORK/walls" | median)
    after=$(sed -n 's/^  clusters after their deadlines: \([0-9.]*\) s thread CPU.*/\1/p' "$log" | tail -1)
    heap=$(sed -n 's/^peak heap \([0-9,]*\) MiB.*/\1/p' "$log" | tr -d ,)
    echo "run $r: rounds $walls s; round 2 $second s, steady $steady s, clusters after their deadlines $after s CPU," \
      "peak heap $heap MiB"
    echo "$cell $second $steady $after $heap" >>"$WORK/figures"
  done
  for field in 2 3 4 5; do
    awk -v c="$cell" -v f="$field" '$1 == c {print $f}' "$WORK/figures" | median >"$WORK/m$field"
  done
  predicted=$(./canopy plan --embedded --leaves "$leaves" --dimension "$dim" --q 0.1 --cluster-size 1000 \
    --clusters-per-continent 10 --cores-per-node 2 --signature-bytes 0 --memory-per-node-gib 24 --rounds "$ROUNDS" \
    | sed -n 's/.*predicted round time \([0-9.]*\) s.*/\1/p' | head -1)
  echo "median: round 2 $(cat "$WORK/m2") s, steady $(cat "$WORK/m3") s, after deadlines $(cat "$WORK/m4") s CPU," \
    "peak heap $(cat "$WORK/m5") MiB; planner $predicted s"
  echo "$cell $(cat "$WORK/m2") $(cat "$WORK/m3") $(cat "$WORK/m4") $(cat "$WORK/m5") $predicted" >>"$WORK/medians"
done
echo
echo "| leaves | d | round 2, wall | steady round (rounds 3–$ROUNDS), wall | clusters after their deadlines, CPU |" \
  "peak heap | planner | planner error |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
while read -r cell second steady after heap predicted; do
  err=$(awk -v p="$predicted" -v m="$steady" 'BEGIN { if (p == "" || m == 0) print "n/a"; else printf "%+.0f%%", 100 * (p - m) / m }')
  printf '| %s | %s | %s s | %s s | %s s | %s MiB | %s s | %s |\n' "${cell%x*}" "${cell#*x}" "$second" "$steady" \
    "$after" "$heap" "${predicted:-n/a}" "$err"
done <"$WORK/medians"
echo "medians of $RUNS runs each; logs: $WORK"
