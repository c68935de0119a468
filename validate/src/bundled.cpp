#include "kendall/validate/bundled.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "kendall/validate/http_call.hpp"

namespace kendall::validation {

namespace fs = std::filesystem;

namespace {

fs::path make_private_directory() {
  std::string pattern = (fs::temp_directory_path() / "kendall-validate-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("cannot create a temporary directory under " +
                             fs::temp_directory_path().string());
  return pattern;
}

std::string random_hex(std::size_t bytes) {
  std::random_device device;
  std::string text;
  for (std::size_t i = 0; i < bytes; ++i)
    text += fmt::format("{:02x}", device() & 0xff);
  return text;
}

std::vector<std::string> common_arguments(const BundledServices& config, const fs::path& dir,
                                          std::uint16_t port) {
  std::vector<std::string> args{
      "--bind", "127.0.0.1", "--port", std::to_string(port), "--workers",
      std::to_string(config.workers), "--io-threads", std::to_string(config.io_threads),
      "--worker-nice", std::to_string(config.worker_nice), "--io-slice",
      fmt::format("{}us", config.io_slice.count() / 1000),
      // Validation never wants 503s: the model has no queue limit.
      "--queue-limit", "100000", "--max-connections", "4096",
      // The load generator keeps idle connections open across a long
      // step; the default 10 s idle close would turn them into errors.
      "--header-timeout", "1h", "--hash-ops", std::to_string(config.hash_ops), "--hash-mem",
      config.hash_mem, "--store", "sqlite:" + (dir / "users.db").string(), "--token-secret-file",
      (dir / "secret").string(), "--log-level", "warn"};
  return args;
}

}  // namespace

BundledRun::BundledRun(const BundledServices& config) : directory_(make_private_directory()) {
  try {
    {
      std::ofstream secret(directory_ / "secret");
      secret << random_hex(32) << "\n";
    }
    fs::permissions(directory_ / "secret", fs::perms::owner_read | fs::perms::owner_write);

    const std::string username = "validate-user";
    const std::string password = "validate-" + random_hex(8);
    const std::string credentials =
        fmt::format(R"({{"username":"{}","password":"{}"}})", username, password);

    // The register service only creates the user, then goes away so it takes no CPU.
    {
      const std::uint16_t port = free_loopback_port();
      ServiceProcess registrar(find_service_binary("user-register-service", config.services_dir),
                               common_arguments(config, directory_, port), port,
                               directory_ / "register.log");
      const HttpReply reply =
          http_call({.port = port, .method = "POST", .target = "/register", .body = credentials});
      if (reply.status != 201)
        throw std::runtime_error(fmt::format("registering the validation user answered {}: {}",
                                             reply.status, reply.body));
    }

    const std::uint16_t port = free_loopback_port();
    std::vector<std::string> args = common_arguments(config, directory_, port);
    if (!config.work_model.empty()) {
      args.push_back("--work-model");
      args.push_back(config.work_model);
    }
    login_ = std::make_unique<ServiceProcess>(
        find_service_binary("user-login-service", config.services_dir), args, port,
        directory_ / "login.log");

    loadgen::RequestTemplate login;
    login.name = "login";
    login.method = "POST";
    login.endpoint = {"127.0.0.1", port};
    login.target = "/login";
    login.body = credentials;
    scenario_.source = fmt::format("POST http://127.0.0.1:{}/login", port);
    scenario_.requests = {login};
    scenario_.index_endpoints();

    description_ = fmt::format(
        "bundled user-login-service: {} worker{}{}, {} I/O thread{}, work model {}, Argon2id "
        "ops {} mem {}",
        config.workers, config.workers == 1 ? "" : "s",
        config.worker_nice != 0 ? fmt::format(" at nice {}", config.worker_nice) : "",
        config.io_threads, config.io_threads == 1 ? "" : "s",
        config.work_model.empty() ? "none" : config.work_model, config.hash_ops, config.hash_mem);
  } catch (...) {
    login_.reset();
    std::error_code ec;
    fs::remove_all(directory_, ec);
    throw;
  }
}

BundledRun::~BundledRun() {
  login_.reset();
  std::error_code ec;
  fs::remove_all(directory_, ec);
}

}  // namespace kendall::validation
