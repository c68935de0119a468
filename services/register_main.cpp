// user-register-service: parses options, runs the service until SIGTERM/SIGINT.
// Exit codes: 0 ok (also after a graceful shutdown), 1 runtime failure, 2 bad input.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "kendall/base/error.hpp"
#include "kendall/services/options.hpp"
#include "kendall/services/server.hpp"

int main(int argc, char** argv) {
  using namespace kendall::services;
  ServiceOptions options = default_options(ServiceKind::register_user);
  CLI::App app{"Kendall's user registration service: POST /register"};
  add_service_options(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help prints and exits 0; any bad option is bad input (2), whatever CLI11's own code.
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  try {
    run_service(options);
    return 0;
  } catch (const kendall::InputError& error) {
    std::fprintf(stderr, "user-register-service: error: %s\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "user-register-service: error: %s\n", error.what());
    return 1;
  }
}
