#!/usr/bin/env bash
# Max-throughput comparison with Debian's wrk in the same run: both drive the same nginx (one
# worker, a fixed 3-byte 200 on a loopback port, keep-alive) from one client thread.
# nginx is pinned to CPU 0 and both clients to CPU 1 (as in research/anchors-loadgen.md §4);
# ROUNDS alternating runs of each, the median reported, because a shared machine is noisy.
# Usage: bench/compare_wrk.sh [KENDALL_BINARY] [CONNECTIONS] [SECONDS] [ROUNDS]
set -euo pipefail
kendall=${1:-build/release/cli/kendall}
connections=${2:-32}
seconds=${3:-5}
rounds=${4:-3}
port=${PORT:-18089}
command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)"; exit 1; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "nginx not found (apt-get install nginx-light)"; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

dir=$(mktemp -d)
cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
error_log $dir/error.log;
pid $dir/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir; proxy_temp_path $dir; fastcgi_temp_path $dir;
  uwsgi_temp_path $dir; scgi_temp_path $dir;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port;
    location / { return 200 "ok\n"; }
  }
}
CONF
taskset -c 0 "$nginx_bin" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do
  (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
  sleep 0.1
done
url="http://127.0.0.1:$port/"

wrk_all=() kendall_all=()
for _ in $(seq "$rounds"); do
  wrk_all+=("$(taskset -c 1 wrk -t1 -c"$connections" -d"${seconds}s" "$url" | awk '/Requests\/sec/ {print $2}')")
  kendall_all+=("$(taskset -c 1 "$kendall" loadtest "$url" --threads 1 --connections "$connections" \
    --duration "${seconds}s" --quiet --format json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["throughput"])')")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wrk_rps=$(median "${wrk_all[@]}")
kendall_rps=$(median "${kendall_all[@]}")

echo "rounds: wrk ${wrk_all[*]}; kendall ${kendall_all[*]}"
ratios=()
for i in "${!wrk_all[@]}"; do
  ratios+=("$(python3 -c "print(f'{${kendall_all[$i]} / ${wrk_all[$i]}:.2f}')")")
done
echo "ratio per round (kendall/wrk): ${ratios[*]}; median of ratios $(median "${ratios[@]}")"
printf 'wrk -t1 -c%s -d%ss:                          %10.0f req/s (median)\n' "$connections" "$seconds" "$wrk_rps"
printf 'kendall loadtest --threads 1 --connections %s: %10.0f req/s (median)\n' "$connections" "$kendall_rps"
python3 -c "print(f'ratio kendall/wrk: {$kendall_rps / $wrk_rps:.2f}')"
