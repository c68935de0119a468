#include "kendall/cli/app.hpp"

#include <ostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "kendall/base/error.hpp"
#include "kendall/base/time_slice.hpp"

namespace kendall::cli {

void add_format_option(CLI::App& command, Format& format) {
  command
      .add_option_function<std::string>(
          "--format",
          [&format](const std::string& name) {
            format = name == "json" ? Format::json : Format::table;
          },
          "Output: table (for people) or json (for tools); default table")
      ->check(CLI::IsMember({"table", "json"}));
}

void add_thread_slice_option(CLI::App& command, std::chrono::nanoseconds& slice,
                             const std::string& help) {
  command
      .add_option_function<std::string>(
          "--thread-slice",
          [&slice](const std::string& text) {
            try {
              slice = parse_time_slice(text);
            } catch (const InputError& error) {
              throw CLI::ValidationError("--thread-slice", error.detail());
            }
          },
          help)
      ->default_str("100us");
}

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{
      "Kendall: how many replicas does each service need, at what cost, to meet its latency "
      "SLO?\nQueueing models, simulation and replica planning for services.",
      "kendall"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "kendall 0.1.0");
  app.footer(
      "Exit codes: 0 ok, 1 runtime failure, 2 bad input, 3 no feasible answer, 4 validation\n"
      "outside its tolerance.\n"
      "Docs: docs/cli.md (commands), docs/spec.md (the spec format), docs/model.md (methods).");
  Action action;
  add_queue_command(app, action);
  add_model_command(app, action);
  add_simulate_command(app, action);
  add_plan_command(app, action);
  add_export_command(app, action);
  add_loadtest_command(app, action);
  add_calibrate_command(app, action);
  add_validate_command(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    out << app.help();
    return ok;
  } catch (const CLI::CallForAllHelp& e) {
    out << app.help("", CLI::AppFormatMode::All);
    return ok;
  } catch (const CLI::Success& e) {
    // --version, or --help of a subcommand.
    app.exit(e, out, err);
    return ok;
  } catch (const CLI::ParseError& e) {
    err << "kendall: " << e.what() << "\n";
    if (const auto* chosen = app.get_subcommands().empty() ? &app : app.get_subcommands().front()) {
      err << "Run '" << (chosen == &app ? std::string("kendall") : "kendall " + chosen->get_name())
          << " --help' for usage.\n";
    }
    return bad_input;
  }
  try {
    return action(out, err);
  } catch (const InputError& e) {
    err << "kendall: error: " << e.what() << "\n";
    return bad_input;
  } catch (const std::exception& e) {
    err << "kendall: failed: " << e.what() << "\n";
    return runtime_failure;
  }
}

}  // namespace kendall::cli
