#!/usr/bin/env bash
# POST /login throughput of user-login-service against its capacity, in one run on 127.0.0.1
# (docs/PERFORMANCE.md, "Services"). Two yardsticks, both measured in the same run:
#
#  1. The issue's bound min(workers, cores) / hash time, with the hash time taken from the
#     service's own /metrics (kendall_service_time_seconds sum / count) under one client, so
#     with one hash running at a time.
#  2. A bare peer: the same Argon2id verification (libsodium's crypto_pwhash_str_verify, called
#     from Python through ctypes, which releases the GIL) in `workers` threads at once, no
#     server, no sockets. That is what the machine gives `workers` concurrent hashes: Argon2id
#     at 64 MiB is bound by memory bandwidth, so two at once each take longer than one alone,
#     and bound 1 overstates what any server could reach with two workers.
#
# Then 2 x workers wrk clients saturate the pool; bare peer and service are measured
# alternately, ROUNDS times each, and the medians are compared. wrk needs little CPU next to
# the hashes (one request per hash time per connection).
#
# Usage: bench/compare_login.sh [build-dir]   (default: build/release; needs wrk, python3)
# Environment: WORKERS (default: cores), HASH_OPS (2), HASH_MEM (64MiB: libsodium's
#              INTERACTIVE cost), DURATION (5s), ROUNDS (3), PORT (18090; register uses PORT+1).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-${here}/../build/release}"
cores="$(nproc)"
workers="${WORKERS:-${cores}}"
hash_ops="${HASH_OPS:-2}"
hash_mem="${HASH_MEM:-64MiB}"
duration="${DURATION:-5s}"
rounds="${ROUNDS:-3}"
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

# The bare peer: THREADS threads verifying one Argon2id hash for SECONDS; prints verifications/s.
cat >"${work}/bare.py" <<'PY'
import ctypes, sys, threading, time
threads, seconds, ops, mem = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
sodium = ctypes.CDLL("libsodium.so.23")
assert sodium.sodium_init() >= 0
password = b"correct horse battery"
stored = ctypes.create_string_buffer(128)
sodium.crypto_pwhash_str_alg.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulonglong,
                                         ctypes.c_ulonglong, ctypes.c_size_t, ctypes.c_int]
sodium.crypto_pwhash_str_verify.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulonglong]
assert sodium.crypto_pwhash_str_alg(stored, password, len(password), ops, mem, 2) == 0  # ARGON2ID13
counts = [0] * threads
start = time.monotonic()
def run(i):
    while time.monotonic() - start < seconds:
        assert sodium.crypto_pwhash_str_verify(stored, password, len(password)) == 0
        counts[i] += 1
pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
for t in pool: t.start()
for t in pool: t.join()
print(sum(counts) / (time.monotonic() - start))
PY
mem_bytes="$(python3 -c "
import re, sys
m = re.fullmatch(r'(\d+)(KiB|MiB|GiB)?', '${hash_mem}')
print(int(m.group(1)) * {None: 1, 'KiB': 1 << 10, 'MiB': 1 << 20, 'GiB': 1 << 30}[m.group(2)])")"
seconds="${duration%s}"

service_time() {  # mean kendall_service_time_seconds so far
  curl -fs "http://127.0.0.1:${port}/metrics" |
    awk '/^kendall_service_time_seconds_sum/ {s=$2} /^kendall_service_time_seconds_count/ {c=$2} END {print s, c}'
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

wrk -t1 -c1 -d"${duration}" -s "${work}/login.lua" "http://127.0.0.1:${port}/login" >"${work}/one.txt"
read -r sum1 count1 <<<"$(service_time)"
single_time="$(awk -v s="${sum1}" -v c="${count1}" 'BEGIN { print s / c }')"
single="$(awk '/Requests\/sec/ {print $2}' "${work}/one.txt")"
clients=$((2 * workers))

echo "POST /login, Argon2id ops ${hash_ops} mem ${hash_mem}, ${workers} workers, ${cores} cores, 127.0.0.1"
awk -v s="${single_time}" -v r="${single}" 'BEGIN {
  printf "  1 client: hash+service time %.2f ms, %.1f requests/s\n", s * 1e3, r }'
bound="$(awk -v w="${workers}" -v c="${cores}" -v s="${single_time}" 'BEGIN { print (w < c ? w : c) / s }')"
bare_all=() service_all=() loaded_all=() bad=0
for round in $(seq "${rounds}"); do
  bare="$(python3 "${work}/bare.py" "${workers}" "${seconds}" "${hash_ops}" "${mem_bytes}")"
  read -r sum0 count0 <<<"$(service_time)"
  wrk -t1 -c"${clients}" -d"${duration}" -s "${work}/login.lua" "http://127.0.0.1:${port}/login" >"${work}/many.txt"
  read -r sum2 count2 <<<"$(service_time)"
  rate="$(awk '/Requests\/sec/ {print $2}' "${work}/many.txt")"
  loaded="$(awk -v a="${sum0}" -v b="${sum2}" -v m="${count0}" -v n="${count2}" 'BEGIN { print (b - a) / (n - m) }')"
  non2xx="$(awk '/Non-2xx/ {print $NF}' "${work}/many.txt")"
  bad=$((bad + ${non2xx:-0}))
  bare_all+=("${bare}") service_all+=("${rate}") loaded_all+=("${loaded}")
  awk -v r="${round}" -v b="${bare}" -v x="${rate}" -v l="${loaded}" -v B="${bound}" 'BEGIN {
    printf "  round %d: bare %d-thread verify %6.2f/s  service %d clients %6.2f requests/s" \
           " (hash+service time under load %.1f ms)  service/bound %.2f  service/bare %.2f\n",
           r, '"${workers}"', b, '"${clients}"', x, l * 1e3, x / B, x / b }'
done
bare_m="$(median "${bare_all[@]}")" rate_m="$(median "${service_all[@]}")"
awk -v B="${bound}" -v b="${bare_m}" -v x="${rate_m}" -v l="$(median "${loaded_all[@]}")" 'BEGIN {
  printf "  bound min(workers, cores) / 1-client time  %8.2f requests/s\n", B
  printf "  bare libsodium, same threads (median)      %8.2f verifications/s\n", b
  printf "  service (median)                           %8.2f requests/s  (time under load %.1f ms)\n", x, l * 1e3
  printf "  service / bound                            %8.2f\n", x / B
  printf "  service / bare peer                        %8.2f\n", x / b }'
[[ "${bad}" == 0 ]] || echo "  warning: ${bad} non-2xx answers"
