#pragma once
/// Everything a service executable can be told on its command line, with the defaults.
///
/// Units: durations as std::chrono, sizes in bytes.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "kendall/base/distribution.hpp"
#include "kendall/services/handlers.hpp"
#include "kendall/services/password_hasher.hpp"

namespace CLI {
class App;
}

namespace kendall::services {

struct ServiceOptions {
  ServiceKind kind = ServiceKind::register_user;
  std::string bind = "127.0.0.1";
  unsigned short port = 5000;  ///< 0 picks a free port (tests)
  std::size_t io_threads = 1;  ///< threads that accept, read, parse and write
  std::size_t workers = 2;     ///< threads that run the business routes
  int worker_nice = 0;         ///< CPU priority of the workers below the I/O threads (0: same)
  /// Scheduler slice the I/O threads ask for (kendall/base/time_slice.hpp); 0: the kernel's.
  std::chrono::nanoseconds io_slice{100'000};
  std::size_t queue_limit = 128;  ///< requests allowed to wait for a worker; beyond: 503
  /// Extra service time sampled per business request and spent holding the worker.
  std::optional<Distribution> work_model;
  std::uint64_t seed = 1;  ///< seeds the work-model sampler
  HashCost hash_cost;
  std::string store = "sqlite:kendall-users.db";
  std::string token_secret_file;  ///< else KENDALL_TOKEN_SECRET
  std::string token_secret;       ///< loaded from the above before the server starts
  std::chrono::seconds token_lifetime{3600};
  std::string log_level = "info";
  std::chrono::milliseconds header_timeout{10'000};  ///< also the keep-alive idle timeout
  std::chrono::milliseconds body_timeout{10'000};
  std::size_t max_header_size = 8 * 1024;
  std::size_t max_body_size = 16 * 1024;
  std::size_t max_connections = 1024;
  std::chrono::milliseconds shutdown_deadline{10'000};
};

/// The defaults of one executable: port 5000 for register, 5001 for login (as in the seed).
ServiceOptions default_options(ServiceKind kind);

/// Declares every option on `app`, writing into `options` (durations and sizes go through
/// kendall::parse_duration and parse_size, the work model through parse_distribution).
void add_service_options(CLI::App& app, ServiceOptions& options);

}  // namespace kendall::services
