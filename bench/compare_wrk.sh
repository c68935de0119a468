#!/usr/bin/env bash
# Max-throughput comparison with Debian's wrk in the same run: both drive the same nginx (one
# worker, a fixed 3-byte 200 on a loopback port, keep-alive) from one client thread.
# nginx is pinned to CPU 0 and both clients to CPU 1 (as in research/anchors-loadgen.md §4);
# ROUNDS alternating runs of each, the median reported, because a shared machine is noisy.
# Also each client's own CPU time per response, which stays meaningful when nginx, not the
# client, sets the rate.
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

# One run of a client: "requests/s CPU-microseconds-per-response", the CPU being the client's
# own user + system time (bash's `time`), which does not depend on whether the client or nginx
# was the bottleneck.
measure() {
  local kind=$1; shift
  local cpu
  cpu=$( { TIMEFORMAT='%U %S'; time "$@" >"$dir/out"; } 2>&1 )
  if [ "$kind" = wrk ]; then
    awk -v cpu="$cpu" '/requests in/ {n = $1} /Requests\/sec/ {r = $2}
      END {split(cpu, t, " "); printf "%s %.2f\n", r, (t[1] + t[2]) / n * 1e6}' "$dir/out"
  else
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); t=sys.argv[2].split()
print(d["throughput"], "%.2f" % ((float(t[0]) + float(t[1])) / d["requests"]["responses"] * 1e6))' \
      "$dir/out" "$cpu"
  fi
}

wrk_all=() kendall_all=() wrk_cpu=() kendall_cpu=()
for _ in $(seq "$rounds"); do
  read -r rate cpu <<<"$(measure wrk taskset -c 1 wrk -t1 -c"$connections" -d"${seconds}s" "$url")"
  wrk_all+=("$rate") wrk_cpu+=("$cpu")
  read -r rate cpu <<<"$(measure kendall taskset -c 1 "$kendall" loadtest "$url" --threads 1 \
    --connections "$connections" --duration "${seconds}s" --quiet --format json)"
  kendall_all+=("$rate") kendall_cpu+=("$cpu")
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
echo "client CPU per response (us): wrk ${wrk_cpu[*]}; kendall ${kendall_cpu[*]};" \
  "medians $(median "${wrk_cpu[@]}") and $(median "${kendall_cpu[@]}") (kendall/wrk" \
  "$(python3 -c "print(f'{$(median "${kendall_cpu[@]}") / $(median "${wrk_cpu[@]}"):.2f}')"))"
printf 'wrk -t1 -c%s -d%ss:                          %10.0f req/s (median)\n' "$connections" "$seconds" "$wrk_rps"
printf 'kendall loadtest --threads 1 --connections %s: %10.0f req/s (median)\n' "$connections" "$kendall_rps"
python3 -c "print(f'ratio kendall/wrk: {$kendall_rps / $wrk_rps:.2f}')"
