#!/usr/bin/env bash
# Kendall's simulator against SimPy 2.3 on the same M/M/1 (λ = 0.9, μ = 1, 200,000 customers),
# in the same run, on one core; prints both rates and the ratio (docs/PERFORMANCE.md).
#
# Usage: bench/compare_simpy.sh [build-dir]   (default: build/release; needs bench_sim built and
#        Debian's python3-simpy: sudo apt-get install -y python3-simpy)
# Both sides are timed in CPU seconds: SimPy with time.process_time(), Kendall by Google
# Benchmark's CPU time, so other load on the machine does not skew the ratio.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-${here}/../build/release}"
bench="${build}/bench/bench_sim"
python=/usr/bin/python3  # Debian's interpreter, where python3-simpy is installed

if [[ ! -x "${bench}" ]]; then
  echo "compare_simpy.sh: ${bench} not found; build it with: cmake --build ${build} --target bench_sim" >&2
  exit 2
fi
if ! "${python}" -c 'import SimPy.Simulation' 2>/dev/null; then
  echo "compare_simpy.sh: SimPy 2 is missing; install it with: sudo apt-get install -y python3-simpy" >&2
  exit 2
fi

customers=200000
simpy_json="$("${python}" "${here}/simpy_mm1.py" "${customers}" 0.9 1.0 1)"
kendall_json="$("${bench}" --benchmark_filter="BM_Simulate_MM1/${customers}\$" \
  --benchmark_repetitions=5 --benchmark_report_aggregates_only=true --benchmark_format=json)"

"${python}" - "${simpy_json}" "${kendall_json}" <<'PY'
import json
import sys

simpy = json.loads(sys.argv[1])
runs = json.loads(sys.argv[2])["benchmarks"]
kendall = next(b for b in runs if b.get("aggregate_name") == "median")
k_customers, k_events = kendall["requests/s"], kendall["events/s"]
s_customers, s_events = simpy["customers_per_second"], simpy["events_per_second"]
print("M/M/1, lambda 0.9, mu 1, 200,000 customers, one core (CPU time)")
print(f"  SimPy 2.3  {s_customers / 1e3:10.1f} k customers/s  {s_events / 1e6:7.2f} M events/s"
      f"  (4 events per customer; mean R {simpy['mean_response_time']:.2f}, exact 10)")
print(f"  Kendall    {k_customers / 1e3:10.1f} k customers/s  {k_events / 1e6:7.2f} M events/s"
      f"  (2 events per customer; median of 5)")
print(f"  ratio      {k_customers / s_customers:10.0f}x customers/s")
PY
