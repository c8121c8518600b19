#!/usr/bin/env bash
# Start-up time of the packaged service, two ways: `java -jar` on the fat jar (Boot unpacks ND4J's jars at
# every start, see requiresUnpack in pom.xml) and the images' layout (the jar extracted by layers, started by
# docker/entrypoint.sh from that directory, as in docker/Dockerfile). Each run starts with an empty JavaCPP
# cache, as a fresh container or pod does, and measures process start to the first 200 from the liveness
# probe, then to the first 200 from readiness (the data set loaded). Prints one line per run and the medians.
#
#   bench/startup.sh            # 3 runs each way
#   RUNS=5 bench/startup.sh
#
# Needs: JDK 17, curl, python3, target/training-service.jar (./mvnw -B package -DskipTests) and
# Fashion-MNIST in /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
JAR=${JAR:-$ROOT/target/training-service.jar}
[ -f "$JAR" ] || { echo "no $JAR: ./mvnw -B package -DskipTests" >&2; exit 1; }

work=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# the images' working directory: every layer, in the jar's order, and application.yml
java -Djarmode=tools -jar "$JAR" extract --layers --destination "$work/extracted" >/dev/null
mkdir -p "$work/image" "$work/fat"
for layer in $(java -Djarmode=tools -jar "$JAR" list-layers); do
    cp -a "$work/extracted/$layer/." "$work/image/"
done
cp "$ROOT/application.yml" "$work/image/"
cp "$ROOT/application.yml" "$work/fat/"

now() { date +%s.%N; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# run <way> <run>: start the service, print seconds to liveness and to readiness
run() {
    local way=$1 n=$2 port cache start live ready
    port=$(free_port)
    cache="$work/cache-$way-$n"
    start=$(now)
    if [ "$way" = fat ]; then
        (cd "$work/fat" && exec java -Dorg.bytedeco.javacpp.cachedir="$cache" -jar "$JAR" --server.port="$port") \
            >"$work/$way-$n.log" 2>&1 &
    else
        (cd "$work/image" && JAVACPP_CACHE_DIR="$cache" exec "$ROOT/docker/entrypoint.sh" --server.port="$port") \
            >"$work/$way-$n.log" 2>&1 &
    fi
    pid=$!
    until curl -fs -o /dev/null "http://127.0.0.1:$port/actuator/health/liveness"; do
        kill -0 "$pid" 2>/dev/null || { cat "$work/$way-$n.log" >&2; exit 1; }
        sleep 0.1
    done
    live=$(now)
    until curl -fs -o /dev/null "http://127.0.0.1:$port/actuator/health/readiness"; do sleep 0.1; done
    ready=$(now)
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
    rm -rf "$cache"
    printf '%s %s %.1f %.1f\n' "$way" "$n" "$(echo "$live - $start" | bc)" "$(echo "$ready - $start" | bc)"
}

echo "way run live_s ready_s"
results="$work/results"
for n in $(seq "$RUNS"); do
    for way in fat image; do
        run "$way" "$n" | tee -a "$results"
    done
done
echo "medians over $RUNS runs (live_s ready_s):"
for way in fat image; do
    python3 - "$way" "$results" <<'EOF'
import statistics, sys
way, path = sys.argv[1], sys.argv[2]
rows = [line.split() for line in open(path) if line.startswith(way + " ")]
print(way, round(statistics.median(float(r[2]) for r in rows), 1), round(statistics.median(float(r[3]) for r in rows), 1))
EOF
done
