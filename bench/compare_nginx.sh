#!/usr/bin/env bash
# GET /healthz on user-register-service against nginx returning a fixed 200, with the same wrk
# load (keep-alive, one wrk thread, 32 connections, 5 s) in the same run on 127.0.0.1; prints
# both rates and the ratio kendall/nginx (docs/PERFORMANCE.md, "Services").
#
# Usage: bench/compare_nginx.sh [build-dir]   (default: build/release; needs the services built,
#        wrk and nginx-light: sudo apt-get install -y wrk nginx-light)
# Environment: NGINX_PORT (default 18080), KENDALL_PORT (18081), DURATION (5s), CONNECTIONS (32),
#              IO_THREADS (1; nginx runs one worker process to match).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-${here}/../build/release}"
service="${build}/services/user-register-service"
nginx_port="${NGINX_PORT:-18080}"
kendall_port="${KENDALL_PORT:-18081}"
duration="${DURATION:-5s}"
connections="${CONNECTIONS:-32}"
io_threads="${IO_THREADS:-1}"

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

# nginx: one worker, no logging, every temp path inside the scratch folder.
cat >"${work}/nginx.conf" <<CONF
worker_processes 1;
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
nginx -c "${work}/nginx.conf" -p "${work}" -g 'daemon off;' &
pids+=($!)
"${service}" --port "${kendall_port}" --io-threads "${io_threads}" --store "sqlite:${work}/users.db" \
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

rate() {  # wrk's Requests/sec for one URL
  wrk -t1 -c"${connections}" -d"${duration}" "$1" | awk '/Requests\/sec/ {print $2}'
}
nginx_rate="$(rate "http://127.0.0.1:${nginx_port}/healthz")"
kendall_rate="$(rate "http://127.0.0.1:${kendall_port}/healthz")"
echo "GET /healthz, keep-alive, wrk -t1 -c${connections} -d${duration}, 127.0.0.1"
printf '  nginx (1 worker)           %10.0f requests/s\n' "${nginx_rate}"
printf '  kendall (%s I/O thread(s))  %10.0f requests/s\n' "${io_threads}" "${kendall_rate}"
awk -v k="${kendall_rate}" -v n="${nginx_rate}" 'BEGIN { printf "  kendall/nginx              %10.2f\n", k / n }'
