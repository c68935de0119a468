#!/usr/bin/env bash
# GET /healthz on user-register-service against nginx returning a fixed 200, with the same wrk
# load (keep-alive, one wrk thread, 32 connections, 5 s) in the same run on 127.0.0.1; prints
# every round's rates, the medians and the ratio kendall/nginx (docs/PERFORMANCE.md, "Services").
#
# Like with like: nginx runs IO_THREADS worker processes, Kendall IO_THREADS I/O threads (one
# event loop each). With one of each on a machine of 2 or more cores, both servers are pinned to
# CPU 0 and wrk to CPU 1 (taskset), so neither server shares its core with the load generator.
# The two servers run side by side and are measured alternately, ROUNDS times each.
#
# Usage: bench/compare_nginx.sh [build-dir]   (default: build/release; needs the services built,
#        wrk and nginx-light: sudo apt-get install -y wrk nginx-light)
# Environment: NGINX_PORT (default 18080), KENDALL_PORT (18081), DURATION (5s), CONNECTIONS (32),
#              IO_THREADS (1), ROUNDS (3).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-${here}/../build/release}"
service="${build}/services/user-register-service"
nginx_port="${NGINX_PORT:-18080}"
kendall_port="${KENDALL_PORT:-18081}"
duration="${DURATION:-5s}"
connections="${CONNECTIONS:-32}"
io_threads="${IO_THREADS:-1}"
rounds="${ROUNDS:-3}"
server_cpus=() client_cpus=()
if [[ "${io_threads}" == 1 && "$(nproc)" -ge 2 ]] && command -v taskset >/dev/null; then
  server_cpus=(taskset -c 0) client_cpus=(taskset -c 1)
fi

for tool in wrk nginx; do
  command -v "${tool}" >/dev/null || { echo "compare_nginx.sh: ${tool} is missing (apt-get install -y wrk nginx-light)" >&2; exit 2; }
done
[[ -x "${service}" ]] || { echo "compare_nginx.sh: ${service} not found; build target user-register-service" >&2; exit 2; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "${pid}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "${work}"
}
trap cleanup EXIT

# nginx: IO_THREADS workers, no logging, every temp path inside the scratch folder.
cat >"${work}/nginx.conf" <<CONF
worker_processes ${io_threads};
pid ${work}/nginx.pid;
error_log ${work}/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${work}/body;
  proxy_temp_path ${work}/proxy;
  fastcgi_temp_path ${work}/fastcgi;
  uwsgi_temp_path ${work}/uwsgi;
  scgi_temp_path ${work}/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${nginx_port};
    location /healthz { default_type application/json; return 200 '{"status":"alive"}'; }
  }
}
CONF
"${server_cpus[@]}" nginx -c "${work}/nginx.conf" -p "${work}" -g 'daemon off;' &
pids+=($!)
"${server_cpus[@]}" "${service}" --port "${kendall_port}" --io-threads "${io_threads}" --store "sqlite:${work}/users.db" \
  --log-level warn &
pids+=($!)

# Readiness: both answer before the load starts.
for port in "${nginx_port}" "${kendall_port}"; do
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:${port}/healthz" >/dev/null && break
    sleep 0.05
  done
  curl -fs "http://127.0.0.1:${port}/healthz" >/dev/null || { echo "port ${port} not ready" >&2; exit 1; }
done

cpu_ticks() {  # user + system clock ticks of the given processes so far
  for pid in "$@"; do awk '{print $14 + $15}' "/proc/${pid}/stat"; done | awk '{s += $1} END {print s}'
}
# One round for one server: "requests/s CPU-microseconds-per-request". CPU per request is the
# servers' own user + system time (/proc/PID/stat) over the requests wrk counted: it does not
# depend on whether wrk or the server was the bottleneck, or on what else the machine ran.
rate() {
  local url=$1; shift
  local before after out
  before="$(cpu_ticks "$@")"
  out="$("${client_cpus[@]}" wrk -t1 -c"${connections}" -d"${duration}" "${url}")"
  after="$(cpu_ticks "$@")"
  awk -v b="${before}" -v a="${after}" -v hz="$(getconf CLK_TCK)" '
    /requests in/ {n = $1} /Requests\/sec/ {r = $2}
    END {printf "%s %.2f\n", r, (a - b) / hz / n * 1e6}' <<<"${out}"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "GET /healthz, keep-alive, wrk -t1 -c${connections} -d${duration}, 127.0.0.1," \
  "nginx ${io_threads} worker(s), kendall ${io_threads} I/O thread(s)" \
  "${server_cpus[*]:+(servers on CPU 0, wrk on CPU 1)}"
nginx_pids=($(pgrep -P "$(cat "${work}/nginx.pid")")) kendall_pids=("${pids[1]}")
nginx_all=() kendall_all=() ratio_all=() nginx_cpu=() kendall_cpu=() cpu_ratio=()
for round in $(seq "${rounds}"); do
  read -r n nc <<<"$(rate "http://127.0.0.1:${nginx_port}/healthz" "${nginx_pids[@]}")"
  read -r k kc <<<"$(rate "http://127.0.0.1:${kendall_port}/healthz" "${kendall_pids[@]}")"
  r="$(awk -v k="${k}" -v n="${n}" 'BEGIN { printf "%.2f", k / n }')"
  c="$(awk -v k="${kc}" -v n="${nc}" 'BEGIN { printf "%.2f", k / n }')"
  nginx_all+=("${n}") kendall_all+=("${k}") ratio_all+=("${r}")
  nginx_cpu+=("${nc}") kendall_cpu+=("${kc}") cpu_ratio+=("${c}")
  printf '  round %d: nginx %8.0f/s %5.2f us CPU/request  kendall %8.0f/s %5.2f us CPU/request  kendall/nginx %s (CPU %s)\n' \
    "${round}" "${n}" "${nc}" "${k}" "${kc}" "${r}" "${c}"
done
printf '  median:  nginx %8.0f/s %5.2f us CPU/request  kendall %8.0f/s %5.2f us CPU/request\n' \
  "$(median "${nginx_all[@]}")" "$(median "${nginx_cpu[@]}")" "$(median "${kendall_all[@]}")" \
  "$(median "${kendall_cpu[@]}")"
printf '  kendall/nginx requests/s: median %s (per round: %s)\n' "$(median "${ratio_all[@]}")" "${ratio_all[*]}"
printf '  kendall/nginx CPU per request: median %s (per round: %s; below 1: Kendall spends less)\n' \
  "$(median "${cpu_ratio[@]}")" "${cpu_ratio[*]}"
