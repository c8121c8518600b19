#!/usr/bin/env bash
# Memory of the service (issue 3): resident memory (RSS), the Java heap in use and the JVM's non-heap memory and
# NIO buffers of the idle service, then their peaks while a 10-epoch job trains on the full Fashion-MNIST, sampled
# every second from /proc and /actuator/prometheus, and JavaCPP's limits. ND4J's arrays are in the RSS only:
# libnd4j allocates them itself, so JavaCPP's byte counter (javacpp_memory_total_bytes) stays at 0 with ND4J
# 1.0.0-M2.1. The service starts as the README starts it.
#
#   bench/memory.sh                          # lenet-bn, 10 epochs: about 5 minutes on 2 cores
#   VARIANT=lenet-bn-scratch bench/memory.sh
#
# Environment (defaults in brackets): VARIANT [lenet-bn], EPOCHS [10], BATCH [256], JAVA_OPTS (more JVM options),
# JAR [target/training-service.jar, built when missing], DATASET_DIR [/usr/share/datasets/fashion-mnist].
# Needs: JDK 17, curl, python3 and Fashion-MNIST (apt-get install dataset-fashion-mnist).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${JAR:-"$ROOT/target/training-service.jar"}
DATASET_DIR=${DATASET_DIR:-/usr/share/datasets/fashion-mnist}
VARIANT=${VARIANT:-lenet-bn}
EPOCHS=${EPOCHS:-10}
BATCH=${BATCH:-256}

log() { echo "[memory] $*" >&2; }
die() { log "$*"; exit 1; }
# shellcheck source=bench/service-lib.sh
. "$(dirname "$0")/service-lib.sh"

[ -f "$DATASET_DIR/train-images-idx3-ubyte.gz" ] || die "no Fashion-MNIST in $DATASET_DIR (apt-get install dataset-fashion-mnist)"
ensure_jar

WORK=$(mktemp -d "${TMPDIR:-/tmp}/memory.XXXXXX")
SERVICE_PID=""
trap 'stop_service "$SERVICE_PID"; rm -rf "$WORK"' EXIT
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"

start_service "$WORK" "$PORT" "$DATASET_DIR"

# one sample: rss_kb hwm_kb heap_used jvm_other (non-heap + NIO buffers) javacpp_physical javacpp_max javacpp_max_physical
sample() {
    local status
    status=$(cat "/proc/$SERVICE_PID/status")
    curl -sf "$BASE/actuator/prometheus" | awk -v rss="$(echo "$status" | awk '/^VmRSS:/ {print $2}')" \
        -v hwm="$(echo "$status" | awk '/^VmHWM:/ {print $2}')" '
        /^jvm_memory_used_bytes\{.*area="heap"/ { heap += $NF }
        /^jvm_memory_used_bytes\{.*area="nonheap"/ { nonheap += $NF }
        /^jvm_buffer_memory_used_bytes/ { buffers += $NF }
        /^javacpp_memory_physical_bytes/ { physical = $NF }
        /^javacpp_memory_max_bytes/ { max = $NF }
        /^javacpp_memory_max_physical_bytes/ { maxphys = $NF }
        END { printf "%d %d %.0f %.0f %.0f %.0f %.0f\n", rss, hwm, heap, nonheap + buffers, physical, max, maxphys }'
}

log "idle for 10 s"
sleep 10
read -r idle_rss idle_hwm idle_heap idle_other _ max maxphys < <(sample)

job='{"variant":"'"$VARIANT"'","learningRate":0.9,"epochs":'"$EPOCHS"',"batchSize":'"$BATCH"',"seed":1}'
log "training $job"
ID=$(curl -sf -X POST "$BASE/api/v1/jobs" -H 'Content-Type: application/json' -d "$job" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
peak_rss=0; peak_heap=0; peak_other=0
started=$(date +%s)
while :; do
    read -r rss hwm heap other _ _ _ < <(sample)
    [ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
    [ "${heap%.*}" -gt "$peak_heap" ] && peak_heap=${heap%.*}
    [ "${other%.*}" -gt "$peak_other" ] && peak_other=${other%.*}
    state=$(curl -sf "$BASE/api/v1/jobs/$ID" | python3 -c 'import json, sys; print(json.load(sys.stdin)["state"])')
    case "$state" in
        SUCCEEDED) break ;;
        FAILED|CANCELLED) die "the job ended $state" ;;
    esac
    sleep 1
done
seconds=$(( $(date +%s) - started ))
sleep 5
read -r after_rss after_hwm after_heap after_other _ _ _ < <(sample)

mib() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1048576 }'; }
echo
echo "memory: $(nproc) cores, $(awk '/^MemTotal:/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $EPOCHS epochs of $VARIANT (batch $BATCH, 60,000 examples) in $seconds s; JVM max heap default (1/4 of memory)"
printf '| %-22s | %8s | %13s | %20s |\n' moment "RSS MiB" "heap used MiB" "JVM non-heap+NIO MiB"
printf '|%s|%s|%s|%s|\n' ------------------------ ---------- --------------- ----------------------
printf '| %-22s | %8s | %13s | %20s |\n' "idle, ready" "$((idle_rss / 1024))" "$(mib "$idle_heap")" "$(mib "$idle_other")"
printf '| %-22s | %8s | %13s | %20s |\n' "peak while training" "$((peak_rss / 1024))" "$(mib "$peak_heap")" "$(mib "$peak_other")"
printf '| %-22s | %8s | %13s | %20s |\n' "after the job" "$((after_rss / 1024))" "$(mib "$after_heap")" "$(mib "$after_other")"
echo "process peak RSS (VmHWM): $((after_hwm / 1024)) MiB; JavaCPP limits: maxbytes $(mib "$max") MiB, maxphysicalbytes $(mib "$maxphys") MiB"
