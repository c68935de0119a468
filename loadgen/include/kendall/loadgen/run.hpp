#pragma once
/// Runs a load test: one io_context per thread, each with its own keep-alive Beast client
/// connections, arrival stream and backlog. See docs/loadgen.md for the modes.

#include <cstdint>
#include <functional>

#include "kendall/loadgen/options.hpp"
#include "kendall/loadgen/result.hpp"
#include "kendall/loadgen/scenario.hpp"

namespace kendall::loadgen {

/// A snapshot for a live progress line, taken a few times a second.
struct Progress {
  std::size_t step = 0;  // 0-based
  std::size_t steps = 1;
  double elapsed = 0;    // seconds into this step
  double remaining = 0;  // seconds left in the run (0 when bounded by --requests)
  double rate = 0;       // responses per second so far in this step
  std::uint64_t responses = 0;
  std::uint64_t errors = 0;
  double p50 = 0;
  double p99 = 0;
};

using ProgressCallback = std::function<void(const Progress&)>;

/// Runs every step and returns what was measured. Throws InputError for bad options and
/// std::runtime_error when no connection can be made at all.
RunResult run_load(const Scenario& scenario, const LoadOptions& options,
                   const ProgressCallback& progress = {});

}  // namespace kendall::loadgen
