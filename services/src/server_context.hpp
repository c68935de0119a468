#pragma once
// What every connection of one server shares: the options, the request logic, the pool, the
// metrics and the counters the graceful shutdown and the limits read.

#include <atomic>
#include <cstddef>

#include "kendall/services/handlers.hpp"
#include "kendall/services/metrics.hpp"
#include "kendall/services/options.hpp"
#include "kendall/services/work_model.hpp"
#include "kendall/services/worker_pool.hpp"

namespace kendall::services {

struct ServerContext {
  const ServiceOptions* options = nullptr;
  const Handlers* handlers = nullptr;
  WorkerPool* pool = nullptr;
  Metrics* metrics = nullptr;
  WorkModel* work_model = nullptr;          // null without --work-model
  std::atomic<std::size_t> in_flight{0};    // requests read and not yet answered
  std::atomic<std::size_t> connections{0};  // open sessions
  std::atomic<bool> draining{false};        // shutting down: answer, then close
};

}  // namespace kendall::services
