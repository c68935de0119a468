#pragma once
/// A Boost.Beast HTTP/1.1 server over Handlers: I/O threads accept and parse, business
/// requests run on the WorkerPool, answers go back on the connection's strand.

#include <memory>

#include "kendall/services/metrics.hpp"
#include "kendall/services/options.hpp"
#include "kendall/services/user_store.hpp"

namespace kendall::services {

class Server {
 public:
  /// Opens the store and builds the hasher, signer and pool. Throws InputError on bad options
  /// (a missing token secret for the login service), StoreError when the store fails.
  explicit Server(const ServiceOptions& options);
  /// Shuts down (gracefully) if still running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds, listens and starts the I/O threads; returns the bound port (useful with port 0).
  /// Throws std::system_error when the address cannot be bound.
  unsigned short start();
  /// Installs SIGINT/SIGTERM handlers that begin a graceful shutdown.
  void shutdown_on_signals();
  /// Stops accepting, lets requests in flight finish (bounded by shutdown_deadline), joins.
  void shutdown();
  /// Blocks until the server has stopped (after shutdown or a signal).
  void wait();

  Metrics& metrics();
  UserStore& store();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// The executables' entry point: logs at options.log_level, serves until SIGTERM/SIGINT, then
/// drains and returns.
void run_service(const ServiceOptions& options);

/// The whole of a service executable's main: parses argv into options for `kind`, runs the
/// service and maps the outcome to exit codes — 0 ok (also after a graceful shutdown and for
/// --help), 1 runtime failure, 2 bad input. Errors go to stderr prefixed with `program`.
int service_main(ServiceKind kind, const char* program, const char* description, int argc,
                 char** argv);

}  // namespace kendall::services
