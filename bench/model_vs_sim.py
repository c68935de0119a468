#!/usr/bin/env python3
"""Model error against the simulator where the analytic model approximates.

Runs `kendall model` and `kendall simulate` on generated specs — G/G/c with non-exponential
service, round-robin and least-request (join-shortest-queue) balancers, sums of visits — and prints
a Markdown table of (model - simulated) / simulated for the mean and p95/p99 response times.

Usage: bench/model_vs_sim.py [BUILD_DIR] [--requests N]   (BUILD_DIR defaults to build/release)
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def spec(services, classes):
    lines = ["apiVersion: kendall/v1", "services:"]
    lines += [f"  - {s}" for s in services]
    lines += ["workload:", "  classes:"]
    lines += [f"    - {c}" for c in classes]
    return "\n".join(lines) + "\n"


def cases():
    # (label, what the model approximates, spec text)
    for family, scv in (("gamma", 0.25), ("lognormal", 0.5), ("lognormal", 2.0), ("hyperexponential", 4.0)):
        for rho in (0.5, 0.8, 0.9):
            rate = rho * 4 / 0.010
            yield (f"G/G/4 {family} scv {scv}, ρ={rho}", "Allen–Cunneen",
                   spec([f"{{name: api, workers: 4, service_time: {{distribution: {family}, mean: 10ms, scv: {scv}}}}}"],
                        [f"{{name: c, rate: {rate:g}, visits: {{api: 1}}}}"]))
    for rho in (0.5, 0.8, 0.9):
        rate = rho * 4 / 0.010
        yield (f"4 replicas round-robin, ρ={rho}", "Erlang-4 arrivals, G/G/1",
               spec([f"{{name: api, replicas: 4, balancer: round-robin, service_time: 10ms}}"],
                    [f"{{name: c, rate: {rate:g}, visits: {{api: 1}}}}"]))
        yield (f"4 replicas least-request, ρ={rho}", "shared queue M/M/4 (sim: join-shortest-queue)",
               spec([f"{{name: api, replicas: 4, service_time: 10ms}}"],
                    [f"{{name: c, rate: {rate:g}, visits: {{api: 1}}}}"]))
    yield ("3 lognormal services in tandem, ρ=0.7", "sum of independent sojourns",
           spec([f"{{name: s{i}, workers: 2, service_time: {{distribution: lognormal, mean: 10ms, scv: 1.5}}}}" for i in range(3)],
                ["{name: c, rate: 140, visits: {s0: 1, s1: 1, s2: 1}}"]))
    yield ("2 visits to one M/M/1, ρ=0.8", "visits independent",
           spec(["{name: api, service_time: 10ms}"], ["{name: c, rate: 40, visits: {api: 2}}"]))


def run(kendall, *args):
    out = subprocess.run([kendall, *args, "--format", "json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    requests = "400000"
    if "--requests" in sys.argv:
        requests = sys.argv[sys.argv.index("--requests") + 1]
        args = [a for a in args if a != requests]
    build = Path(args[0] if args else "build/release")
    kendall = str(build / "cli" / "kendall")
    print("| case | model approximation | mean: model / sim | error | p95 error | p99 error |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for label, approximation, text in cases():
            path = Path(folder) / "spec.yaml"
            path.write_text(text)
            model = run(kendall, "model", str(path))["classes"][0]
            simulated = run(kendall, "simulate", str(path), "--requests", requests, "--replications", "5",
                            "--seed", "1", "--quiet")["classes"][0]
            m_mean, s_mean = model["mean_response_time"], simulated["mean_response_time"]
            low, high = simulated["confidence_intervals"]["mean_response_time"]
            half = (high - low) / 2
            err = lambda m, s: f"{100 * (m - s) / s:+.1f}%"
            mp, sp = model["response_time_percentiles"], simulated["response_time_percentiles"]
            print(f"| {label} | {approximation} | {1e3 * m_mean:.2f} ms / {1e3 * s_mean:.2f} ± {1e3 * half:.2f} ms "
                  f"| {err(m_mean, s_mean)} | {err(mp['p95'], sp['p95'])} | {err(mp['p99'], sp['p99'])} |")


if __name__ == "__main__":
    main()
