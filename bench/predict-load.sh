#!/usr/bin/env bash
# Predict under load: starts the service on a free loopback port in a temporary directory, trains a
# small model, starts a long training job, and drives POST /api/v1/models/{id}/predict with wrk at
# fixed rates while that job trains. Prints one line per scenario:
#   scenario, target rate, achieved req/s, p50 ms, p99 ms, max ms, errors (non-2xx + socket), the training
#   job's state after the scenario and the training examples per second it processed meanwhile.
#
#   bench/predict-load.sh                    # 60 s per scenario: about 6 minutes in all
#   DURATION=10 bench/predict-load.sh        # a quick try
#
# Environment (defaults in brackets):
#   DURATION [60]      seconds per scenario
#   RATES ["50 200"]   target requests per second
#   SIZES ["1 32"]     images per request (JSON instances of Fashion-MNIST test images)
#   CONNECTIONS [32]   wrk connections; the pacing needs some idle: connections > rate x latency
#   THREADS [1]        wrk threads
#   WARMUP [15]        seconds of unreported single-image load first (JIT, network pool)
#   LONG_JOB           the job that trains during the load
#                      [{"variant":"lenet-bn","learningRate":0.9,"epochs":50,"batchSize":256,"seed":1}];
#                      none: no training job (predict alone, for comparison)
#   JAVA_OPTS          extra JVM options for the service (after the README's -Xmn16m, so they win);
#                      SERVICE_ARGS extra Spring arguments
#   OMP_WAIT_POLICY    for the service [PASSIVE, as the README starts it]
#   JAR                the jar to run [target/training-service.jar, built when missing]
#   KEEP=1             keep the temporary directory (service.log, bodies) instead of deleting it
#
# Needs: JDK 17, curl, python3 (standard library), wrk (Debian: apt-get install wrk; installed
# here when missing and running as root), and Fashion-MNIST in /usr/share/datasets/fashion-mnist
# (apt-get install dataset-fashion-mnist) or DATASET_DIR.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/bench"
JAR=${JAR:-"$ROOT/target/training-service.jar"}
DATASET_DIR=${DATASET_DIR:-/usr/share/datasets/fashion-mnist}
DURATION=${DURATION:-60}
RATES=${RATES:-"50 200"}
SIZES=${SIZES:-"1 32"}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
WARMUP=${WARMUP:-15}
LONG_JOB=${LONG_JOB:-'{"variant":"lenet-bn","learningRate":0.9,"epochs":50,"batchSize":256,"seed":1}'}
SHORT_JOB='{"variant":"lenet-bn","learningRate":0.9,"epochs":1,"batchSize":256,"seed":42,"trainExamples":2048}'

log() { echo "[predict-load] $*" >&2; }
# shellcheck source=bench/service-lib.sh
. "$(dirname "$0")/service-lib.sh"
die() { log "$*"; exit 1; }

# --- prerequisites ---------------------------------------------------------------------------
command -v curl >/dev/null || die "curl is missing (apt-get install curl)"
command -v python3 >/dev/null || die "python3 is missing (apt-get install python3)"
command -v java >/dev/null || die "java is missing (apt-get install openjdk-17-jdk-headless)"
if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing wrk (apt-get install -y wrk)"
        apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; } \
            || die "could not install wrk"
    else
        die "wrk is missing: install it with 'sudo apt-get install wrk' (Debian/Ubuntu) and run again"
    fi
fi
[ -f "$DATASET_DIR/t10k-images-idx3-ubyte.gz" ] || die "no Fashion-MNIST in $DATASET_DIR (apt-get install dataset-fashion-mnist, or set DATASET_DIR)"
ensure_jar

# --- service ---------------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/predict-load.XXXXXX")
SERVICE_PID=""
WRK_PID=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    [ -n "$WRK_PID" ] && kill "$WRK_PID" 2>/dev/null || true
    stop_service "$SERVICE_PID"
    if [ "${KEEP:-0}" = 1 ] || [ "$status" != 0 ]; then
        log "kept $WORK (service.log)"
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
python3 "$BENCH/make-bodies.py" "$DATASET_DIR" "$WORK"

log "starting the service on $BASE in $WORK"
# SERVICE_ARGS is split on spaces on purpose
# shellcheck disable=SC2086
start_service "$WORK" "$PORT" "$DATASET_DIR" ${SERVICE_ARGS:-}

submit() {  # prints the id of the submitted job
    curl -sf -X POST "$BASE/api/v1/jobs" -H 'Content-Type: application/json' -d "$1" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'
}
state() {
    [ -n "$1" ] || { echo none; return; }
    curl -sf "$BASE/api/v1/jobs/$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["state"])'
}

log "training the model to predict with: $SHORT_JOB"
MODEL=$(submit "$SHORT_JOB")
for i in $(seq 1 600); do
    s=$(state "$MODEL")
    case "$s" in
        SUCCEEDED) break ;;
        FAILED|CANCELLED) die "the model's job $MODEL ended $s" ;;
    esac
    [ "$i" = 600 ] && die "the model's job $MODEL did not finish in 300 s"
    sleep 0.5
done
if [ "$LONG_JOB" = none ]; then
    log "model $MODEL ready; no training job during the load (LONG_JOB=none)"
    LONG=""
else
    log "model $MODEL ready; starting the training job that runs during the load: $LONG_JOB"
    LONG=$(submit "$LONG_JOB")
    for i in $(seq 1 60); do
        [ "$(state "$LONG")" = RUNNING ] && break
        [ "$i" = 60 ] && die "the long job $LONG is not RUNNING"
        sleep 0.5
    done
fi
URL="$BASE/api/v1/models/$MODEL/predict"
for n in $SIZES; do
    code=$(curl -s -o "$WORK/check.json" -w '%{http_code}' -X POST "$URL" -H 'Content-Type: application/json' \
        --data-binary @"$WORK/instances-$n.json")
    [ "$code" = 200 ] || die "predict with $n images answered $code: $(cat "$WORK/check.json")"
done

trained() {  # training examples processed so far, all variants
    curl -sf "$BASE/actuator/prometheus" | awk '/^training_examples_total/ {sum += $2} END {printf "%d\n", sum}'
}

run_wrk() {  # size rate duration -> the RESULT line
    local out="$WORK/wrk-$1-$2.txt"
    BODY="$WORK/instances-$1.json" RATE="$2" CONNECTIONS="$CONNECTIONS" THREADS="$THREADS" \
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3"s -s "$BENCH/pace.lua" "$URL" >"$out" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || die "wrk failed: $(cat "$out")"
    WRK_PID=""
    grep '^RESULT' "$out" || die "no result from wrk: $(cat "$out")"
}

if [ "$WARMUP" -gt 0 ]; then
    log "warming up: single images at 50 req/s for ${WARMUP} s (not reported)"
    run_wrk 1 50 "$WARMUP" >/dev/null
fi

log "measuring: ${DURATION} s per scenario while job $LONG trains; $(nproc) cores"
TABLE="$WORK/table.txt"
printf '| %-10s | %9s | %11s | %7s | %7s | %7s | %6s | %-8s | %12s |\n' \
    scenario "target/s" "achieved/s" "p50 ms" "p99 ms" "max ms" errors training "train ex/s" >"$TABLE"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' ------------ ----------- ------------- --------- --------- --------- -------- ---------- -------------- >>"$TABLE"
for n in $SIZES; do
    for rate in $RATES; do
        sleep 3  # let the previous scenario's backlog drain
        before=$(trained)
        read -r _ requests seconds achieved p50 p99 max non2xx socket < <(run_wrk "$n" "$rate" "$DURATION")
        train_rate=$(( ($(trained) - before) / DURATION ))
        training="$(state "$LONG")"
        if [ "$n" = 1 ]; then scenario="1 image"; else scenario="$n images"; fi
        printf '| %-10s | %9s | %11s | %7s | %7s | %7s | %6s | %-8s | %12s |\n' \
            "$scenario" "$rate" "$achieved" "$p50" "$p99" "$max" "$((non2xx + socket))" "$training" "$train_rate" >>"$TABLE"
        log "$scenario at $rate/s: $achieved/s achieved, p50 $p50 ms, p99 $p99 ms, $non2xx non-2xx, $socket socket errors"
    done
done
[ -n "$LONG" ] && [ "$(state "$LONG")" = RUNNING ] && curl -s -o /dev/null -X POST "$BASE/api/v1/jobs/$LONG/cancel" || true
echo
echo "predict under load: $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), ${DURATION} s per scenario, $CONNECTIONS connections, training job: ${LONG_JOB}"
cat "$TABLE"
