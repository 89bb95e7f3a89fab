#!/usr/bin/env bash
# What TLS costs a small fleet's rounds: the same six-member fleet (1 global, 2 continental, 3 cluster members; the
# shape of FleetMatchesOneJvmTest: 600 leaves, 6 clusters of 100, d = 16, noise off) and a swarm run ROUNDS rounds
# without and with tls (Artery tls-tcp between members, HTTPS with client certificates at the gateway), PAIRS pairs
# in turn, the order swapped every other pair so a drifting machine favours neither. Prints each run's round wall
# times (the journal's closedAt - openedAt of each round) and, per mode, their medians over the runs, and the ratio.
#   ops/fleet/tls-cost.sh                 (PAIRS=3 ROUNDS=4 BASE_PORT=27551 by default)
# Run it alone: six JVMs and a swarm share the machine, and anything else running skews both modes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
PAIRS="${PAIRS:-3}"
ROUNDS="${ROUNDS:-4}"
BASE="${BASE_PORT:-27551}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/canopy-tls-cost.XXXXXX")"
MEMBERS=(global-1:global continental-1:continental continental-2:continental cluster-1:cluster cluster-2:cluster cluster-3:cluster)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

./canopy build >/dev/null
./canopy fleet-ca --out "$WORK/certs" --members "$(printf '%s\n' "${MEMBERS[@]}" | cut -d: -f1 | paste -sd,)" >/dev/null
./canopy fleet-ca --out "$WORK/certs" --client swarm-1 >/dev/null

run() {  # $1 = plain | tls, $2 = pair number
  local mode="$1" dir="$WORK/$1-$2" i=0 name role port tls=()
  mkdir -p "$dir"
  cat > "$dir/fleet.yaml" <<YAML
seed-nodes: "127.0.0.1:$BASE"
min-members: 6
leaves: 600
cluster-size: 100
clusters-per-continent: 3
dim: 16
rounds: $ROUNDS
seed: 7
cluster-deadline: 8s
upper-deadline: 30s
over-selection: 1
noise: "off"
down-after: 10s
heartbeat-pause: 8s
journal: $dir/journal
YAML
  PIDS=()
  for m in "${MEMBERS[@]}"; do
    name="${m%%:*}"; role="${m##*:}"; port=$((BASE + i)); i=$((i + 1))
    [ "$mode" = tls ] && tls=(--tls "$WORK/certs/$name")
    ./canopy node --config "$dir/fleet.yaml" --roles "$role" --port "$port" "${tls[@]}" \
      > "$dir/member-$port.log" 2>&1 &
    PIDS+=($!)
  done
  [ "$mode" = tls ] && tls=(--tls "$WORK/certs/swarm-1")
  local start end
  start=$(date +%s%N)
  timeout 600 ./canopy swarm --connect "127.0.0.1:$((BASE + 1000))" "${tls[@]}" --rounds "$ROUNDS" --seed 7 \
    --leaves 600 --aeron-endpoint "127.0.0.1:$((BASE + 20000))" > "$dir/swarm.log" 2>&1 \
    || { echo "the $mode swarm failed; its log: $dir/swarm.log" >&2; tail -5 "$dir/swarm.log" >&2; exit 1; }
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 ))" > "$dir/swarm-wall-ms"
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
  ./canopy rounds --ledger "$dir/journal" --json > "$dir/rounds.json"
  echo "$mode pair $2 done: $(grep -c '^swarm round' "$dir/swarm.log") rounds, swarm $(cat "$dir/swarm-wall-ms") ms" >&2
}

for pair in $(seq 1 "$PAIRS"); do
  if [ $((pair % 2)) -eq 1 ]; then run plain "$pair"; run tls "$pair"; else run tls "$pair"; run plain "$pair"; fi
done

python3 - "$WORK" "$PAIRS" <<'PY'
import json, statistics, sys
work, pairs = sys.argv[1], int(sys.argv[2])
def load(mode, pair):
    d = f"{work}/{mode}-{pair}"
    rounds = json.load(open(f"{d}/rounds.json"))["rounds"]
    return [r["closedAtEpochMs"] - r["openedAtEpochMs"] for r in rounds], int(open(f"{d}/swarm-wall-ms").read())
runs = {m: [load(m, p) for p in range(1, pairs + 1)] for m in ("plain", "tls")}
for m in ("plain", "tls"):
    for p, (walls, swarm) in enumerate(runs[m], 1):
        print(f"{m:5} pair {p}: round walls ms {walls}; later rounds' mean {statistics.mean(walls[1:]):.0f}; swarm process {swarm} ms")
n = len(runs["plain"][0][0])
for r in range(n):
    a = statistics.median(w[r] for w, _ in runs["plain"]); b = statistics.median(w[r] for w, _ in runs["tls"])
    print(f"round {r + 1}: median plain {a:.0f} ms, tls {b:.0f} ms, ratio {b / a:.3f}")
later = [statistics.mean(t[0][1:]) / statistics.mean(p[0][1:]) for p, t in zip(runs["plain"], runs["tls"])]
whole = [t[1] / p[1] for p, t in zip(runs["plain"], runs["tls"])]
print(f"rounds 2..{n}, mean per run, tls/plain by pair: {[round(x, 3) for x in later]}, median {statistics.median(later):.3f}")
print(f"swarm process, tls/plain by pair: {[round(x, 3) for x in whole]}, median {statistics.median(whole):.3f}; "
      f"medians plain {statistics.median(s for _, s in runs['plain'])} ms, tls {statistics.median(s for _, s in runs['tls'])} ms")
PY
echo "runs kept in $WORK" >&2
