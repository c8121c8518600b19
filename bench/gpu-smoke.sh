#!/usr/bin/env bash
# GPU smoke test: builds the jar with the CUDA profile, starts it on a free loopback port in a temporary directory,
# prints what the service found (ND4J backend, each device with its compute capability and memory, the devices that
# passed the self-test, worker slots), trains one short job and prints the device it ran on and examples per second.
# Exit status: 0 the job SUCCEEDED; 2 the service reports it cannot train (health nd4j DOWN: the reason is printed);
# 1 anything else.
#
#   bench/gpu-smoke.sh                                   # -Pcuda: ND4J's CUDA 11.6 backend with cuDNN
#   PROFILES=cuda,cpu bench/gpu-smoke.sh                 # both backends in the jar (for cpu-fallback)
#   MVN_ARGS="-Dnd4j.cuda.classifier=linux-x86_64" bench/gpu-smoke.sh      # without cuDNN
#   PROFILES=cpu bench/gpu-smoke.sh                      # the CPU build, for comparison
#
# Environment (defaults in brackets):
#   PROFILES [cuda]    Maven profiles of the build
#   MVN_ARGS           more Maven arguments (another ND4J CUDA artifact: see docs/gpu.md)
#   JOB                the job [{"variant":"lenet-bn","learningRate":0.9,"epochs":1,"batchSize":256,"seed":42,
#                      "trainExamples":20000}]
#   JAVA_OPTS          extra JVM options; SERVICE_ARGS extra Spring arguments (--training-service.devices.cpu-fallback=true)
#   JAR                a jar to run instead of building one
#   KEEP=1             keep the temporary directory (service.log) instead of deleting it
#
# Needs: JDK 17, curl, python3 (standard library), Fashion-MNIST in /usr/share/datasets/fashion-mnist
# (apt-get install dataset-fashion-mnist) or DATASET_DIR; for the GPU, an NVIDIA driver and, unless the jar carries
# them (-Pcuda,cuda-redist), CUDA 11.x's cuBLAS and cuSOLVER and cuDNN 8 on the library path (docs/gpu.md).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATASET_DIR=${DATASET_DIR:-/usr/share/datasets/fashion-mnist}
PROFILES=${PROFILES:-cuda}
JOB=${JOB:-'{"variant":"lenet-bn","learningRate":0.9,"epochs":1,"batchSize":256,"seed":42,"trainExamples":20000}'}

log() { echo "[gpu-smoke] $*" >&2; }
# shellcheck source=bench/service-lib.sh
. "$(dirname "$0")/service-lib.sh"
die() { log "$*"; exit 1; }

command -v curl >/dev/null || die "curl is missing (apt-get install curl)"
command -v python3 >/dev/null || die "python3 is missing (apt-get install python3)"
command -v java >/dev/null || die "java is missing (apt-get install openjdk-17-jdk-headless)"
[ -f "$DATASET_DIR/t10k-images-idx3-ubyte.gz" ] || die "no Fashion-MNIST in $DATASET_DIR (apt-get install dataset-fashion-mnist, or set DATASET_DIR)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=index,name,compute_cap,driver_version,memory.total --format=csv >&2 \
    || log "no nvidia-smi: no NVIDIA driver on this machine?"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gpu-smoke.XXXXXX")
if [ -z "${JAR:-}" ]; then
    # a build of its own, so the checkout's target/ (the CPU build) stays as it is
    log "building with -P$PROFILES ${MVN_ARGS:-} in $WORK/build (the CUDA natives are about 600 MB)"
    mkdir "$WORK/build"
    if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$WORK/build"
    else
        (cd "$ROOT" && tar -cf - --exclude=./target --exclude=./data .) | tar -xf - -C "$WORK/build"
    fi
    start=$(date +%s)
    # shellcheck disable=SC2086
    (cd "$WORK/build" && ./mvnw -B -q -P"$PROFILES" -DskipTests ${MVN_ARGS:-} package) || die "the build failed"
    JAR="$WORK/build/target/training-service.jar"
    log "built $(du -h "$JAR" | cut -f1) in $(( $(date +%s) - start )) s"
fi

SERVICE_PID=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
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
log "starting $JAR on $BASE"
# shellcheck disable=SC2086
(cd "$WORK" && exec java ${JAVA_OPTS:-} -jar "$JAR" --server.address=127.0.0.1 --server.port="$PORT" \
    --training-service.dataset.directory="$DATASET_DIR" --training-service.dataset.download.enabled=false \
    --management.endpoint.health.show-details=always ${SERVICE_ARGS:-} >"$WORK/service.log" 2>&1) &
SERVICE_PID=$!
started=$(date +%s)
for i in $(seq 1 600); do
    kill -0 "$SERVICE_PID" 2>/dev/null || { tail -30 "$WORK/service.log" >&2; die "the service exited"; }
    code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/actuator/health" || true)
    [ "$code" = 200 ] || [ "$code" = 503 ] && break
    [ "$i" = 600 ] && die "the service did not answer within 300 s"
    sleep 0.5
done
log "the service answers after $(( $(date +%s) - started )) s"

# what the service found: backend, devices, self-test, slots
curl -s "$BASE/actuator/health" >"$WORK/health.json"
curl -s "$BASE/actuator/info" >"$WORK/info.json"
python3 - "$WORK/health.json" "$WORK/info.json" <<'PY'
import json, sys
health = json.load(open(sys.argv[1]))
training = json.load(open(sys.argv[2])).get("training", {})
nd4j = health.get("components", {}).get("nd4j", {})
details = nd4j.get("details", {})
print(f"nd4j health:      {nd4j.get('status')}")
print(f"backend:          {training.get('backend', '-')} ({training.get('blasVendor', '-')})")
for device in training.get("computeDevices", []):
    extra = ""
    if "computeCapability" in device:
        extra += f", compute capability {device['computeCapability']}"
    if "memoryBytes" in device:
        extra += f", {device['memoryBytes'] / 2**30:.1f} GiB"
    print(f"device:           {device['id']}: {device['name']}{extra}")
print(f"training devices: {', '.join(training.get('trainingDevices', [])) or 'none'}")
for device, reason in details.get("unusableDevices", {}).items():
    print(f"not used:         {device}: {reason}")
print(f"worker slots:     {training.get('workerSlots')}")
for key in ("fallback", "backendError", "trainingError"):
    if key in training:
        print(f"{key + ':':17} {training[key]}")
PY
if [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("components",{}).get("nd4j",{}).get("status"))' "$WORK/health.json")" != UP ]; then
    log "the service cannot train here (health nd4j is not UP): see the reason above and docs/gpu.md"
    exit 2
fi

for i in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/actuator/health/readiness" || true)" = 200 ] && break
    [ "$i" = 600 ] && die "the data set was not loaded within 300 s"
    sleep 0.5
done
log "training: $JOB"
ID=$(curl -sf -X POST "$BASE/api/v1/jobs" -H 'Content-Type: application/json' -d "$JOB" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])') || die "the job was not accepted"
for i in $(seq 1 3600); do
    curl -sf "$BASE/api/v1/jobs/$ID" >"$WORK/job.json" || die "the job $ID cannot be read"
    state=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["state"])' "$WORK/job.json")
    case "$state" in SUCCEEDED|FAILED|CANCELLED) break ;; esac
    [ "$i" = 3600 ] && die "the job $ID did not finish within 30 minutes"
    sleep 0.5
done
curl -sf "$BASE/api/v1/jobs/$ID/metrics" >"$WORK/metrics.json"
python3 - "$WORK/job.json" "$WORK/metrics.json" <<'PY'
import json, sys
job = json.load(open(sys.argv[1]))
epochs = json.load(open(sys.argv[2]))["epochs"]
print(f"job:              {job['id']} {job['state']} on {job.get('device')}")
for epoch in epochs:
    print(f"epoch {epoch['epoch']}:          {epoch['examplesPerSecond']:.0f} examples/s, {epoch['seconds']:.1f} s, "
          f"loss {epoch['loss']:.4f}, test accuracy {epoch['testAccuracy']:.4f}")
result = job.get("result")
if result:
    print(f"result:           {result['examplesPerSecond']:.0f} examples/s on {result['device']}, "
          f"test accuracy {result['testAccuracy']:.4f}")
else:
    print(f"error:            {job.get('error')}")
sys.exit(0 if job["state"] == "SUCCEEDED" else 1)
PY
