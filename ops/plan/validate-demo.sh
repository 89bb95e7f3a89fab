#!/usr/bin/env bash
# The capacity planner against measured demo runs (docs/planner.md, "Validation against the demo"): for each case, RUNS
# runs of ./canopy demo with a GC log, then the planner's prediction for the same run (./canopy plan --embedded).
# Per run it prints the wall time of every round, the steady round (the median of rounds 3 to ROUNDS: round 2 still runs
# partly uncompiled code), the largest heap G1 logged before a collection (bounded by -Xmx) and after one (the live
# heap: what the run needed), and the cluster-block line the demo prints; then the medians. The planner predicts the
# steady round.
#   ops/plan/validate-demo.sh                      all three cases, RUNS=3, ROUNDS per case (below)
#   CASES="d6" RUNS=1 ops/plan/validate-demo.sh    one case, one run
#   LOCK=/tmp/cpu.lock ops/plan/validate-demo.sh  each demo run under flock(1) on that file
#   PRETOUCH=0 ops/plan/validate-demo.sh           let the heap grow as G1 asks (default: -Xms = -Xmx and
#                                                  -XX:+AlwaysPreTouch: each case's heap is sized to its need, as a
#                                                  node's is, and no round pays the kernel's zeroing of fresh pages;
#                                                  that halves rounds 1-2 at d5, not the steady round the planner
#                                                  predicts)
# Cases (d = 10^3, 10^5, 10^6 at q = 0.1, sized for a 2-core, 24 GiB machine); ROUNDS=R overrides every case's rounds:
#   d3  --leaves 100000  --dim 1000    -Xmx2g     8 rounds (its rounds of 0.2-0.4 s still shrink after round 4, as the
#                                                 scale curve's small cells do)
#   d5  --leaves 100000  --dim 100000  -Xmx6g     4 rounds
#   d6  --leaves 10000   --dim 1000000 -Xmx2400m  4 rounds
# Run it alone, or with LOCK=FILE to take flock(1) on FILE for each demo run: anything else running skews the round times.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
RUNS="${RUNS:-3}"
ROUNDS="${ROUNDS:-}"
LOCK="${LOCK:-}"
PRETOUCH="${PRETOUCH:-1}"
if [ -n "$ROUNDS" ] && [ "$ROUNDS" -lt 3 ]; then
  echo "validate-demo.sh: ROUNDS must be at least 3 (rounds 3 to ROUNDS are the steady ones), was $ROUNDS" >&2
  exit 2
fi
CASES="${CASES:-d3 d5 d6}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/canopy-plan-validate.XXXXXX")"
# No forced './canopy build': it cleans every target/ and would pull the classes from under a demo running
# beside it; the launcher rebuilds by itself when sources changed.

args() {  # $1 = case: prints "XMX|LEAVES|DIM|ROUNDS"
  case "$1" in
    d3) echo "2g|100000|1000|${ROUNDS:-8}" ;;
    d5) echo "6g|100000|100000|${ROUNDS:-4}" ;;
    d6) echo "2400m|10000|1000000|${ROUNDS:-4}" ;;
    *) echo "unknown case $1 (d3, d5, d6)" >&2; exit 2 ;;
  esac
}

heap() { if [ "$PRETOUCH" = 1 ]; then echo "-Xms$1 -Xmx$1 -XX:+AlwaysPreTouch"; else echo "-Xmx$1"; fi; }
locked() { if [ -n "$LOCK" ]; then flock "$LOCK" "$@"; else "$@"; fi; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

for c in $CASES; do
  IFS='|' read -r xmx leaves dim rounds <<<"$(args "$c")"
  echo "== $c: ./canopy demo --leaves $leaves --dim $dim --sampling-rate 0.1 --rounds $rounds --metrics-port 0 ($(heap "$xmx"))"
  for r in $(seq 1 "$RUNS"); do
    log="$WORK/$c-$r"
    CANOPY_JAVA_OPTS="$(heap "$xmx") -Xlog:gc:file=$log.gc" locked ./canopy demo --leaves "$leaves" --dim "$dim" \
      --sampling-rate 0.1 --rounds "$rounds" --metrics-port 0 >"$log.out" 2>&1 || { echo "run $r failed:"; tail -20 "$log.out"; exit 1; }
    walls=$(sed -n 's/^  wall \([0-9.]*\) s;.*/\1/p' "$log.out" | paste -sd' ')
    steady=$(sed -n 's/^  wall \([0-9.]*\) s;.*/\1/p' "$log.out" | tail -n +3 | median)
    # "[..][gc] GC(n) Pause ... 1200M->800M(2400M) 12.3ms": before -> after (committed)
    before=$(grep -o '[0-9]*M->[0-9]*M' "$log.gc" | sed 's/M->.*//' | sort -n | tail -1)
    after=$(grep -o '[0-9]*M->[0-9]*M' "$log.gc" | sed 's/.*->//; s/M//' | sort -n | tail -1)
    echo "run $r: rounds $walls s (steady $steady s); G1 peak before GC ${before} MiB, after GC ${after} MiB; $(grep '^cluster blocks' "$log.out")"
    echo "$c $(echo "$walls" | cut -d' ' -f1-2) $steady $before $after" >>"$WORK/figures"
  done
  for field in 2 3 4 5 6; do
    awk -v c="$c" -v f="$field" '$1 == c {print $f}' "$WORK/figures" | median >"$WORK/m$field"
  done
  echo "median: round 1 $(cat "$WORK/m2") s, round 2 $(cat "$WORK/m3") s, steady $(cat "$WORK/m4") s," \
    "G1 peak before GC $(cat "$WORK/m5") MiB, after GC $(cat "$WORK/m6") MiB"
  ./canopy plan --embedded --leaves "$leaves" --dimension "$dim" --q 0.1 --cluster-size 1000 \
    --clusters-per-continent 10 --cores-per-node 2 --signature-bytes 0 --memory-per-node-gib 24 --rounds "$rounds" | sed -n '/^A cluster/p; /^1 cluster/p; /predicted round/p'
done
echo "logs: $WORK"
