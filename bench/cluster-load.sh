#!/usr/bin/env bash
# Load test of a local cluster: starts NODES `serve` processes on this machine (each on its own port), runs
# `bench load` across all of them, switches the served version at SWITCH_AT seconds and stops the last node
# (SIGTERM, as a deploy would) at STOP_AT seconds, then stops every node it started. Exits with bench load's code:
# 0 only if no request failed.
#
# Needs: a served model with the version to switch to registered, a token, and a dataset folder the nodes can read.
#   CAPTIONBOUNDARIES_TOKEN=cbt_… MODEL=captions DATASET=data/datasets/mine SWITCH_TO=2 bench/cluster-load.sh
# Nodes share one database; pass its options and the clustering settings through CB_ARGS / the environment, e.g.
#   CB_ARGS="--db-provider postgres --db-connection Host=127.0.0.1;…" CAPTIONBOUNDARIES_Cluster__Clustering=adonet …
# All nodes run on this machine, so their Orleans ports listen on loopback unless told otherwise.
set -euo pipefail
export CAPTIONBOUNDARIES_Cluster__ListenAddress=${CAPTIONBOUNDARIES_Cluster__ListenAddress:-127.0.0.1}

: "${MODEL:?set MODEL to the served model name}"
: "${DATASET:?set DATASET to a dataset folder}"
: "${CAPTIONBOUNDARIES_TOKEN:?set CAPTIONBOUNDARIES_TOKEN to an API token (caption-boundaries tokens create)}"
read -r -a CB <<< "${CB:-caption-boundaries}"          # the CLI, e.g. "dotnet host/…/caption-boundaries.dll"
read -r -a CB_ARGS <<< "${CB_ARGS:-}"                   # global options for every node (data dir, database)
NODES=${NODES:-2}
BASE_PORT=${BASE_PORT:-5180}                            # node i listens on BASE_PORT+i
SILO_BASE=${SILO_BASE:-21110}                           # Orleans ports, distinct per node
DURATION=${DURATION:-30}                                # seconds
CONCURRENCY=${CONCURRENCY:-8}
SWITCH_TO=${SWITCH_TO:-}                                # version to switch to mid-run; empty: no switch
SWITCH_AT=${SWITCH_AT:-10}
STOP_AT=${STOP_AT:-20}                                  # empty: no node is stopped
STOP_SIGNAL=${STOP_SIGNAL:-TERM}                        # TERM: a deploy stopping it; KILL: the machine dying
OUT=${OUT:-cluster-load}                                # folder for node logs and the JSON report

mkdir -p "$OUT"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

urls=()
for ((i = 1; i <= NODES; i++)); do
  url="http://127.0.0.1:$((BASE_PORT + i))"
  urls+=(--url "$url")
  "${CB[@]}" "${CB_ARGS[@]}" serve --urls "$url" --node-name "node$i" --silo-port $((SILO_BASE + i)) \
    > "$OUT/node$i.log" 2>&1 &
  pids+=($!)
  echo "node $i: $url (pid $!, log $OUT/node$i.log)"
done

for ((i = 1; i <= NODES; i++)); do
  url="http://127.0.0.1:$((BASE_PORT + i))"
  for ((t = 0; t < 120; t++)); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/api/health" || true)" == 200 ]] && break
    kill -0 "${pids[i - 1]}" 2>/dev/null || { echo "node $i exited during start-up; see $OUT/node$i.log" >&2; exit 2; }
    sleep 1
  done
  [[ $t -lt 120 ]] || { echo "node $i did not answer $url/api/health within 120 s" >&2; exit 2; }
done
echo "all $NODES nodes up"

# Warm-up, not measured: the first prediction on each node loads the model (a second or more), which would
# otherwise land in the measured p99.
"${CB[@]}" "${CB_ARGS[@]}" bench load "${urls[@]}" --model "$MODEL" --dataset "$DATASET" --requests $((NODES * 20)) \
  --concurrency 2 > "$OUT/warmup.txt" 2>&1 || { echo "warm-up requests failed; see $OUT/warmup.txt" >&2; exit 1; }

first="http://127.0.0.1:$((BASE_PORT + 1))"
"${CB[@]}" "${CB_ARGS[@]}" bench load "${urls[@]}" --model "$MODEL" --dataset "$DATASET" --duration "${DURATION}s" \
  --concurrency "$CONCURRENCY" --json "$OUT/report.json" > "$OUT/load.txt" 2>&1 &
load=$!
start=$SECONDS

if [[ -n "$SWITCH_TO" ]]; then
  sleep $((SWITCH_AT - (SECONDS - start))) || true
  echo "t=$((SECONDS - start))s: switching $MODEL to version $SWITCH_TO via $first"
  curl -s -X POST "$first/api/models/$MODEL/switch" -H "Authorization: Bearer $CAPTIONBOUNDARIES_TOKEN" \
    -H 'content-type: application/json' -d "{\"version\":$SWITCH_TO,\"reason\":\"cluster-load.sh\"}"
  echo
fi
if [[ -n "$STOP_AT" && $NODES -gt 1 ]]; then
  sleep $((STOP_AT - (SECONDS - start))) || true
  echo "t=$((SECONDS - start))s: stopping node $NODES (pid ${pids[NODES - 1]}) with SIG$STOP_SIGNAL"
  kill -"$STOP_SIGNAL" "${pids[NODES - 1]}"
fi

code=0
wait "$load" || code=$?
cat "$OUT/load.txt"
echo "bench load exit code $code; report $OUT/report.json"
exit $code
