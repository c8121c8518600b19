# Sourced by the bench scripts that start the service: a free port, the start as the README does it, and a
# stop that waits, then kills.

# A free TCP port on loopback.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Stops process $1 with SIGTERM (the service hands running jobs back), SIGKILL after 20 s.
stop_service() {
    local pid=$1
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
    fi
}

# Builds $JAR when it is missing.
ensure_jar() {
    if [ ! -f "$JAR" ]; then
        echo "building $JAR (./mvnw -B -q package -DskipTests)" >&2
        (cd "$ROOT" && ./mvnw -B -q package -DskipTests) || { echo "the build failed" >&2; exit 1; }
    fi
}

# Starts $JAR in directory $1 on 127.0.0.1:$2 with Fashion-MNIST from $3, as the README starts it
# (OMP_WAIT_POLICY=PASSIVE unless set, -Xmn16m, then $JAVA_OPTS, which win); more Spring arguments after $3.
# Sets SERVICE_PID; the service's output goes to $1/service.log. Waits until it is ready (120 s at most).
start_service() {
    local dir=$1 port=$2 dataset=$3
    shift 3
    # JAVA_OPTS is split on spaces on purpose: it holds several options
    # shellcheck disable=SC2086
    (cd "$dir" && export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} && exec java -Xmn16m ${JAVA_OPTS:-} \
        -jar "$JAR" --server.address=127.0.0.1 --server.port="$port" \
        --training-service.dataset.directory="$dataset" --training-service.dataset.download.enabled=false \
        "$@" >"$dir/service.log" 2>&1) &
    SERVICE_PID=$!
    local i
    for i in $(seq 1 240); do
        kill -0 "$SERVICE_PID" 2>/dev/null || { tail -20 "$dir/service.log" >&2; echo "the service exited" >&2; exit 1; }
        [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/actuator/health/readiness" || true)" = 200 ] && return 0
        sleep 0.5
    done
    echo "the service was not ready after 120 s" >&2
    exit 1
}
