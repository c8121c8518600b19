#!/usr/bin/env bash
# Training speed of the service's own training code (Trainer, LeNetFactory, our batch-norm layer) next to
# the PyTorch anchor on the same machine, then predict throughput (issue 3). One command:
#
#   bench/training-speed.sh                      # 15,360 examples, batch 256, 2 epochs, 3 runs: about 8 minutes
#   RUNS=5 EPOCHS=1 bench/training-speed.sh
#
# Each run is a fresh JVM (TrainingSpeedBenchmark, test sources: a short warm-up, then one Trainer.train of
# EPOCHS epochs on EXAMPLES examples, as a job with trainExamples) and a fresh PyTorch process
# (pytorch_lenet_bn.py --limit EXAMPLES --epochs EPOCHS), alternating variant by variant, so both see the
# same load. Both sides are measured on their last epoch: DL4J's first epoch in a fresh JVM is 20-25% slower
# than the later ones (JIT, workspaces), as a job's first epoch is not in a service that has been running.
# Prints each run, then per variant the median and best examples/s and the DL4J/PyTorch ratios; examples/s
# are training steps only (evaluation excluded) on both sides. On a busy machine PyTorch's figures swing by
# 10x (its OpenMP threads spin), so the best of several runs is the fairer comparison there. Each DL4J run also
# logs its examples per CPU-second of the process, for comparing two versions of our code run side by side.
# Then PredictSpeedBenchmark: single images and batches of 256 through LoadedModel.predict, one thread.
#
# Environment (defaults in brackets):
#   EXAMPLES [15360] BATCH [256] EPOCHS [2] RUNS [3]
#   VARIANTS ["lenet-bn-scratch lenet-bn lenet"]  (PyTorch: scratch and concise; lenet has no anchor)
#   ANCHOR [../shared/anchors/pytorch_lenet_bn.py]  PYTHON [/usr/bin/python3]  TORCH_THREADS [2]
#   PREDICT_SECONDS [5] per predict mode (0: skip predict)   PREDICT_VARIANTS ["lenet-bn"]
#   JAVA_OPTS  extra JVM options, e.g. -Dorg.eclipse.deeplearning4j.helpers.disable=true (DL4J's plain layers)
#   OMP_WAIT_POLICY [PASSIVE] for the JVM (the service's default); PyTorch runs with its own defaults
#
# Needs: JDK 17, the Maven wrapper's dependencies (offline after the first build), python3 with torch and numpy
# (Debian: python3-torch), and Fashion-MNIST in /usr/share/datasets/fashion-mnist (dataset-fashion-mnist).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
EXAMPLES=${EXAMPLES:-15360}
BATCH=${BATCH:-256}
EPOCHS=${EPOCHS:-2}
RUNS=${RUNS:-3}
VARIANTS=${VARIANTS:-"lenet-bn-scratch lenet-bn lenet"}
ANCHOR=${ANCHOR:-"$ROOT/../shared/anchors/pytorch_lenet_bn.py"}
PYTHON=${PYTHON:-/usr/bin/python3}
TORCH_THREADS=${TORCH_THREADS:-2}
PREDICT_SECONDS=${PREDICT_SECONDS:-5}
PREDICT_VARIANTS=${PREDICT_VARIANTS:-"lenet-bn"}
JVM_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
unset OMP_WAIT_POLICY   # PyTorch keeps its own default
read -r -a JAVA_EXTRA <<< "${JAVA_OPTS:-}"

log() { echo "[training-speed] $*" >&2; }
die() { log "$*"; exit 1; }

command -v java >/dev/null || die "java is missing (apt-get install openjdk-17-jdk-headless)"
HAVE_ANCHOR=1
if [ ! -f "$ANCHOR" ] || ! "$PYTHON" -c 'import torch, numpy' 2>/dev/null; then
    log "no PyTorch anchor ($ANCHOR with $PYTHON, torch and numpy): DL4J figures only"
    HAVE_ANCHOR=0
fi

# --- build: main and test classes, and the test classpath --------------------------------------
cd "$ROOT"
CLASSPATH_FILE="$ROOT/target/bench-classpath.txt"
log "compiling (./mvnw -q -B test-compile)"
./mvnw -q -B -o test-compile >/dev/null 2>&1 || ./mvnw -q -B test-compile || die "the build failed"
if [ ! -s "$CLASSPATH_FILE" ] || [ pom.xml -nt "$CLASSPATH_FILE" ]; then
    ./mvnw -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CLASSPATH_FILE" >/dev/null \
        || die "could not resolve the classpath"
fi
CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$CLASSPATH_FILE")"

RESULTS=$(mktemp "${TMPDIR:-/tmp}/training-speed.XXXXXX")
trap 'rm -f "$RESULTS"' EXIT

field() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p"; }

run_dl4j() {   # variant run
    local out
    out=$(OMP_WAIT_POLICY=$JVM_WAIT_POLICY java "${JAVA_EXTRA[@]}" -cp "$CP" \
        com.trainingservice.training.TrainingSpeedBenchmark "$1" "$EXAMPLES" "$BATCH" "$EPOCHS" 2>&1) \
        || { echo "$out" | tail -20 >&2; die "DL4J run failed ($1)"; }
    local line
    line=$(echo "$out" | grep '^RESULT' | tail -1)
    [ -n "$line" ] || { echo "$out" | tail -20 >&2; die "no RESULT from the DL4J run ($1)"; }
    local helpers
    helpers=$(echo "$out" | sed -n 's/^HELPERS [^:]*: //p')
    printf 'dl4j %s %s %s %s %s\n' "$1" "$2" "$(echo "$line" | field examplesPerSecond)" \
        "$(echo "$line" | field cpuExamplesPerSecond)" "$(echo "$line" | field loss)" >> "$RESULTS"
    log "run $2 DL4J    $1: $(echo "$line" | field examplesPerSecond) ex/s ($(echo "$line" | field cpuExamplesPerSecond) per CPU-s), loss $(echo "$line" | field loss), build $(echo "$line" | field build), helpers ${helpers:-none}"
}

run_torch() {   # variant run
    local mode
    case "$1" in
        lenet-bn-scratch) mode=scratch ;;
        lenet-bn) mode=concise ;;
        *) return 0 ;;
    esac
    local out
    out=$("$PYTHON" "$ANCHOR" --variant "$mode" --limit "$EXAMPLES" --batch-size "$BATCH" --epochs "$EPOCHS" \
        --threads "$TORCH_THREADS" 2>&1) || { echo "$out" | tail -20 >&2; die "PyTorch run failed ($1)"; }
    local line
    line=$(echo "$out" | grep "^epoch $EPOCHS " | tail -1)
    local speed loss
    speed=$(echo "$line" | sed -n 's/.*train_ex_per_s \([0-9.]*\).*/\1/p')
    loss=$(echo "$line" | sed -n 's/.*loss \([0-9.]*\) .*/\1/p')
    printf 'torch %s %s %s - %s\n' "$1" "$2" "$speed" "$loss" >> "$RESULTS"
    log "run $2 PyTorch $1: $speed ex/s, loss $loss"
}

log "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
log "$EXAMPLES examples, batch $BATCH, $EPOCHS epochs (the last one measured), $RUNS runs; JVM OMP_WAIT_POLICY=$JVM_WAIT_POLICY ${JAVA_OPTS:-}"
for run in $(seq 1 "$RUNS"); do
    for variant in $VARIANTS; do
        run_dl4j "$variant" "$run"
        [ "$HAVE_ANCHOR" = 1 ] && run_torch "$variant" "$run"
    done
done

echo
echo "Training, $EXAMPLES examples, batch $BATCH, epoch $EPOCHS of $EPOCHS, median and best of $RUNS runs (load after: $(cut -d' ' -f1-3 /proc/loadavg)):"
python3 - "$RESULTS" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
def values(side, variant, column):
    return [float(r[column]) for r in rows if r[0] == side and r[1] == variant and r[column] != "-"]
def median(side, variant, column):
    v = values(side, variant, column)
    return statistics.median(v) if v else None
def best(side, variant):
    v = values(side, variant, 3)
    return max(v) if v else None
def fmt(x, spec):
    return format(x, spec) if x is not None else format("-", ">" + spec.split(".")[0])
def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "-"
variants = list(dict.fromkeys(r[1] for r in rows))
print("| variant          | DL4J ex/s median | best | PyTorch ex/s median | best | DL4J/PyTorch medians | bests | DL4J loss | PyTorch loss |")
print("|------------------|-----------------:|-----:|--------------------:|-----:|---------------------:|------:|----------:|-------------:|")
for v in variants:
    dl4j, dl4j_best, loss = median("dl4j", v, 3), best("dl4j", v), median("dl4j", v, 5)
    torch, torch_best, torch_loss = median("torch", v, 3), best("torch", v), median("torch", v, 5)
    print(f"| {v:<17}| {fmt(dl4j, '16.0f')} | {fmt(dl4j_best, '4.0f')} | {fmt(torch, '19.0f')} | {fmt(torch_best, '4.0f')} "
          f"| {ratio(dl4j, torch):>20} | {ratio(dl4j_best, torch_best):>5} | {fmt(loss, '9.4f')} | {fmt(torch_loss, '12.4f')} |")
EOF

if [ "$PREDICT_SECONDS" != 0 ]; then
    echo
    echo "Predict, LoadedModel.predict, one thread, $PREDICT_SECONDS s per mode:"
    for variant in $PREDICT_VARIANTS; do
        OMP_WAIT_POLICY=$JVM_WAIT_POLICY java "${JAVA_EXTRA[@]}" -cp "$CP" \
            com.trainingservice.inference.PredictSpeedBenchmark "$variant" "$PREDICT_SECONDS" 2>&1 \
            | grep '^PREDICT' | sed 's/^PREDICT /  /' || die "predict run failed ($variant)"
    done
fi
