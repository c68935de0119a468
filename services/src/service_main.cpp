// The shared main of the two service executables (each main.cpp is one call to it).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "kendall/base/error.hpp"
#include "kendall/services/options.hpp"
#include "kendall/services/server.hpp"

namespace kendall::services {

int service_main(ServiceKind kind, const char* program, const char* description, int argc,
                 char** argv) {
  ServiceOptions options = default_options(kind);
  CLI::App app{description};
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
  } catch (const InputError& error) {
    std::fprintf(stderr, "%s: error: %s\n", program, error.what());
    return 2;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s: error: %s\n", program, error.what());
    return 1;
  }
}

}  // namespace kendall::services
