#include "kendall/services/options.hpp"

#include <CLI/CLI.hpp>
#include <cmath>

#include "kendall/base/duration.hpp"
#include "kendall/base/error.hpp"
#include "kendall/base/time_slice.hpp"

namespace kendall::services {

namespace {

/// Runs `parse` on the option's text, turning InputError into CLI11's validation error so the
/// message reaches the user the CLI11 way (exit code 2 from main).
template <typename Parse>
void parse_as(const std::string& option, const std::string& text, Parse parse) {
  try {
    parse(text);
  } catch (const InputError& error) {
    throw CLI::ValidationError(option, error.what());
  }
}

std::chrono::milliseconds to_milliseconds(const std::string& text) {
  return std::chrono::milliseconds(std::llround(parse_duration(text) * 1000.0));
}

std::size_t to_bytes(const std::string& text) {
  return static_cast<std::size_t>(std::llround(parse_size(text)));
}

}  // namespace

ServiceOptions default_options(ServiceKind kind) {
  ServiceOptions options;
  options.kind = kind;
  options.port = kind == ServiceKind::register_user ? 5000 : 5001;
  return options;
}

void add_service_options(CLI::App& app, ServiceOptions& options) {
  app.add_option("--port", options.port, "TCP port (0 picks a free one)")->capture_default_str();
  app.add_option("--bind", options.bind, "address to listen on")->capture_default_str();
  app.add_option("--io-threads", options.io_threads, "threads that accept, parse and write")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--workers", options.workers, "threads running /register or /login")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--worker-nice", options.worker_nice,
                 "how much lower the workers' CPU priority is than the I/O threads' (nice, "
                 "0-19), so CPU-bound work never starves parsing and health checks")
      ->check(CLI::Range(0, 19))
      ->capture_default_str();
  app.add_option_function<std::string>(
         "--io-slice",
         [&options](const std::string& text) {
           parse_as("--io-slice", text,
                    [&](const std::string& t) { options.io_slice = parse_time_slice(t); });
         },
         "scheduler time slice the I/O threads ask for (Linux 6.12+), so that a thread waking "
         "to read or write gets a core soon even while workers hash; 0 keeps the kernel's "
         "default (about 1.4 ms)")
      ->default_str("100us");
  app.add_option("--queue-limit", options.queue_limit,
                 "requests allowed to wait for a worker; beyond it: 503")
      ->capture_default_str();
  app.add_option_function<std::string>(
      "--work-model",
      [&options](const std::string& text) {
        parse_as("--work-model", text,
                 [&](const std::string& t) { options.work_model = parse_distribution(t); });
      },
      "extra service time per request, e.g. exp:10ms, lognormal:10ms:0.5, fixed:5ms");
  app.add_option("--seed", options.seed, "seed of the work-model sampler")->capture_default_str();
  app.add_option("--hash-ops", options.hash_cost.ops, "Argon2id passes")->capture_default_str();
  app.add_option_function<std::string>(
         "--hash-mem",
         [&options](const std::string& text) {
           parse_as("--hash-mem", text,
                    [&](const std::string& t) { options.hash_cost.memory = to_bytes(t); });
         },
         "Argon2id memory, e.g. 64MiB, 8KiB")
      ->default_str("64MiB");
  app.add_option("--store", options.store, "user store URL (sqlite:PATH)")->capture_default_str();
  app.add_option("--token-secret-file", options.token_secret_file,
                 "file holding the HS256 secret (else $KENDALL_TOKEN_SECRET)");
  app.add_option_function<std::string>(
         "--token-ttl",
         [&options](const std::string& text) {
           parse_as("--token-ttl", text, [&](const std::string& t) {
             options.token_lifetime = std::chrono::seconds(std::llround(parse_duration(t)));
           });
         },
         "token lifetime, e.g. 1h")
      ->default_str("1h");
  app.add_option("--log-level", options.log_level, "trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  struct DurationOption {
    const char* name;
    std::chrono::milliseconds* target;
    const char* help;
  };
  const DurationOption durations[] = {
      {"--header-timeout", &options.header_timeout,
       "deadline for reading a request's headers (also the keep-alive idle timeout)"},
      {"--body-timeout", &options.body_timeout, "deadline for reading a body or writing an answer"},
      {"--shutdown-deadline", &options.shutdown_deadline,
       "how long requests in flight may take to finish on SIGTERM"},
  };
  for (const auto& [name, target, help] : durations) {
    app.add_option_function<std::string>(
           name,
           [name = std::string(name), target = target](const std::string& text) {
             parse_as(name, text, [&](const std::string& t) { *target = to_milliseconds(t); });
           },
           help)
        ->default_str(format_duration(static_cast<double>(target->count()) / 1000.0));
  }
  struct SizeOption {
    const char* name;
    std::size_t* target;
    const char* help;
  };
  const SizeOption sizes[] = {
      {"--max-header-size", &options.max_header_size, "limit on a request's headers (431 over)"},
      {"--max-body-size", &options.max_body_size, "limit on a request's body (413 over)"},
  };
  for (const auto& [name, target, help] : sizes) {
    app.add_option_function<std::string>(
           name,
           [name = std::string(name), target = target](const std::string& text) {
             parse_as(name, text, [&](const std::string& t) { *target = to_bytes(t); });
           },
           help)
        ->default_str(std::to_string(*target));
  }
  app.add_option("--max-connections", options.max_connections,
                 "open connections; more are closed at accept")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

}  // namespace kendall::services
