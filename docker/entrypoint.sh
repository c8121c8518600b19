#!/bin/sh
# The start command of the training-service images (ENTRYPOINT of docker/Dockerfile and docker/Dockerfile.cuda),
# run from the working directory that holds the extracted jar (training-service.jar, lib/) and application.yml.
# ImageCommandIT runs this same script from such a directory, so the images' command line is tested in the build.
#
# Environment (all optional):
#   JAVA_MAX_RAM_PERCENTAGE     heap as a percentage of the container's memory (25: ND4J's arrays live off the heap)
#   JAVA_YOUNG_SIZE             G1's young generation (16m: short, frequent pauses; predict p99, README "Predict under load")
#   JAVACPP_MAX_BYTES           off-heap limit of JavaCPP (ND4J's arrays), bytes or JavaCPP's 512m / 4g (50% of memory)
#   JAVACPP_MAX_PHYSICAL_BYTES  limit on the whole process' resident memory, same units (90% of memory)
#   JAVACPP_CACHE_DIR           where JavaCPP extracts its native libraries (/tmp/javacpp-cache: must be writable)
#   OMP_NUM_THREADS             OpenMP threads of ND4J (the container's CPUs: its CPU quota, else nproc)
#   OMP_WAIT_POLICY             PASSIVE: idle OpenMP threads sleep instead of spinning on the CPUs predict needs
#   JAVA_OPTS                   more JVM options, split on spaces
# Arguments are passed to the service (--server.port=9090, ...).
set -eu

# the container's memory: its cgroup limit (v2, then v1) when lower than the machine's
memory_bytes() {
    total=$(( $(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) * 1024 ))
    limit=
    if [ -r /sys/fs/cgroup/memory.max ]; then
        limit=$(cat /sys/fs/cgroup/memory.max)
    elif [ -r /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
        limit=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)
    fi
    case "$limit" in
        '' | max) echo "$total" ;;
        *) if [ "$limit" -lt "$total" ]; then echo "$limit"; else echo "$total"; fi ;;
    esac
}

# the container's CPUs: nproc (the CPUs it may run on), lowered to its CPU quota (v2, then v1) rounded up
cpu_count() {
    cpus=$(nproc)
    quota=
    period=
    if [ -r /sys/fs/cgroup/cpu.max ]; then
        read -r quota period < /sys/fs/cgroup/cpu.max
    elif [ -r /sys/fs/cgroup/cpu/cpu.cfs_quota_us ] && [ -r /sys/fs/cgroup/cpu/cpu.cfs_period_us ]; then
        quota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)
        period=$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)
    fi
    case "$quota" in
        '' | max | -*) ;;
        *)
            quota_cpus=$(( (quota + period - 1) / period ))
            if [ "$quota_cpus" -ge 1 ] && [ "$quota_cpus" -lt "$cpus" ]; then cpus=$quota_cpus; fi
            ;;
    esac
    echo "$cpus"
}

memory=$(memory_bytes)
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(cpu_count)}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

# JAVA_OPTS is split on spaces on purpose: it holds several options
# shellcheck disable=SC2086
exec java \
    -XX:MaxRAMPercentage="${JAVA_MAX_RAM_PERCENTAGE:-25}" \
    -Xmn"${JAVA_YOUNG_SIZE:-16m}" \
    -XX:+ExitOnOutOfMemoryError \
    -Dorg.bytedeco.javacpp.maxbytes="${JAVACPP_MAX_BYTES:-$(( memory * 50 / 100 ))}" \
    -Dorg.bytedeco.javacpp.maxphysicalbytes="${JAVACPP_MAX_PHYSICAL_BYTES:-$(( memory * 90 / 100 ))}" \
    -Dorg.bytedeco.javacpp.cachedir="${JAVACPP_CACHE_DIR:-/tmp/javacpp-cache}" \
    ${JAVA_OPTS:-} \
    -jar training-service.jar "$@"
