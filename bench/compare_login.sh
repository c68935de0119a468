#!/usr/bin/env bash
# POST /login throughput of user-login-service against its capacity bound min(workers, cores) /
# service time, in one run on 127.0.0.1 (docs/PERFORMANCE.md, "Services"). The service time is
# measured first with one client (no contention), from the service's own /metrics
# (kendall_service_time_seconds sum / count); then 2 x workers clients saturate the pool.
#
# Usage: bench/compare_login.sh [build-dir]   (default: build/release; needs wrk)
# Environment: WORKERS (default: cores), HASH_OPS (2), HASH_MEM (64MiB: libsodium's
#              INTERACTIVE cost), DURATION (5s), PORT (18090; register uses PORT+1).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-${here}/../build/release}"
cores="$(nproc)"
workers="${WORKERS:-${cores}}"
hash_ops="${HASH_OPS:-2}"
hash_mem="${HASH_MEM:-64MiB}"
duration="${DURATION:-5s}"
port="${PORT:-18090}"
register_port=$((port + 1))

command -v wrk >/dev/null || { echo "compare_login.sh: wrk is missing (apt-get install -y wrk)" >&2; exit 2; }
for exe in user-login-service user-register-service; do
  [[ -x "${build}/services/${exe}" ]] || { echo "compare_login.sh: ${build}/services/${exe} not found" >&2; exit 2; }
done

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "${pid}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "${work}"
}
trap cleanup EXIT

common=(--store "sqlite:${work}/users.db" --hash-ops "${hash_ops}" --hash-mem "${hash_mem}"
        --workers "${workers}" --queue-limit 1024 --log-level warn)
export KENDALL_TOKEN_SECRET="bench-secret-not-for-production-0123456789"
"${build}/services/user-register-service" --port "${register_port}" "${common[@]}" &
pids+=($!)
"${build}/services/user-login-service" --port "${port}" "${common[@]}" &
pids+=($!)
for p in "${register_port}" "${port}"; do
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:${p}/readyz" >/dev/null && break
    sleep 0.05
  done
done

body='{"username":"bench","password":"correct horse battery"}'
curl -fs -X POST -H 'Content-Type: application/json' -d "${body}" \
  "http://127.0.0.1:${register_port}/register" >/dev/null
cat >"${work}/login.lua" <<LUA
wrk.method = "POST"
wrk.body = '${body}'
wrk.headers["Content-Type"] = "application/json"
LUA

service_time() {  # mean kendall_service_time_seconds so far
  curl -fs "http://127.0.0.1:${port}/metrics" |
    awk '/^kendall_service_time_seconds_sum/ {s=$2} /^kendall_service_time_seconds_count/ {c=$2} END {print s / c}'
}
non2xx() { awk '/Non-2xx/ {print $NF} END {}' "$1"; }

wrk -t1 -c1 -d"${duration}" -s "${work}/login.lua" "http://127.0.0.1:${port}/login" >"${work}/one.txt"
seconds="$(service_time)"
clients=$((2 * workers))
wrk -t1 -c"${clients}" -d"${duration}" -s "${work}/login.lua" "http://127.0.0.1:${port}/login" >"${work}/many.txt"
rate="$(awk '/Requests\/sec/ {print $2}' "${work}/many.txt")"
single="$(awk '/Requests\/sec/ {print $2}' "${work}/one.txt")"

echo "POST /login, Argon2id ops ${hash_ops} mem ${hash_mem}, ${workers} workers, ${cores} cores, 127.0.0.1"
awk -v s="${seconds}" 'BEGIN { printf "  service time (1 client, from /metrics)  %8.2f ms\n", s * 1e3 }'
printf '  1 client                                 %8.1f requests/s\n' "${single}"
printf '  %d clients                                %8.1f requests/s\n' "${clients}" "${rate}"
awk -v w="${workers}" -v c="${cores}" -v s="${seconds}" -v r="${rate}" 'BEGIN {
  bound = (w < c ? w : c) / s
  printf "  bound min(workers, cores) / time         %8.1f requests/s\n", bound
  printf "  measured / bound                         %8.2f\n", r / bound }'
bad="$(non2xx "${work}/many.txt")"
[[ -z "${bad}" ]] || echo "  warning: ${bad} non-2xx answers"
