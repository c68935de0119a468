#pragma once
/// The bundled services as child processes: found next to the `kendall` executable (the build
/// tree or an install), started on a free loopback port, waited for until ready, stopped with
/// SIGTERM (SIGKILL after a deadline). The validation loop measures them this way, like a user
/// would run them, rather than in-process.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kendall::validation {

/// Where a bundled service executable is: `services_dir` when given, else beside the running
/// executable, its ../services/ (build tree), then $PATH. Throws InputError listing the places
/// tried and how to point at the right one (--services-dir).
std::filesystem::path find_service_binary(const std::string& name,
                                          const std::string& services_dir = "");

/// A free TCP port on 127.0.0.1 (bound and released: another process could take it first, which
/// the service then reports as a failed start).
std::uint16_t free_loopback_port();

class ServiceProcess {
 public:
  /// Starts `binary` with `arguments` (its stdout and stderr go to `log_file`) and waits until
  /// GET /readyz on 127.0.0.1:`port` answers 200. Throws std::runtime_error with the end of the
  /// log if the process exits or is not ready within `ready_timeout` seconds.
  ServiceProcess(const std::filesystem::path& binary, const std::vector<std::string>& arguments,
                 std::uint16_t port, const std::filesystem::path& log_file,
                 double ready_timeout = 15);
  ~ServiceProcess();
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  /// SIGTERM, then SIGKILL after `deadline` seconds; returns the exit status (-1 if killed).
  int stop(double deadline = 10);

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::filesystem::path log_file_;
};

/// The last `max_lines` lines of a text file (for error messages); empty if unreadable.
std::string tail_of_file(const std::filesystem::path& file, std::size_t max_lines = 8);

}  // namespace kendall::validation
