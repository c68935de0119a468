#pragma once
// Subcommand registration: each add_* attaches its options to the app and stores a callback
// that runs when the subcommand is chosen.

#include <chrono>
#include <functional>
#include <iosfwd>
#include <string>

#include <CLI/CLI.hpp>

namespace kendall::cli {

/// What a chosen subcommand does once options are parsed; returns the exit code.
using Action = std::function<int(std::ostream& out, std::ostream& err)>;

enum class Format { table, json };
/// Adds --format table|json to a subcommand.
void add_format_option(CLI::App& command, Format& format);
/// Adds --thread-slice DURATION (kendall/base/time_slice.hpp: 0 or 100us–100ms, default 100us);
/// `help` says whose threads ask for it.
void add_thread_slice_option(CLI::App& command, std::chrono::nanoseconds& slice,
                             const std::string& help);

void add_queue_command(CLI::App& app, Action& action);
void add_model_command(CLI::App& app, Action& action);
void add_simulate_command(CLI::App& app, Action& action);
void add_plan_command(CLI::App& app, Action& action);
void add_export_command(CLI::App& app, Action& action);
void add_loadtest_command(CLI::App& app, Action& action);
void add_calibrate_command(CLI::App& app, Action& action);
void add_validate_command(CLI::App& app, Action& action);

}  // namespace kendall::cli
