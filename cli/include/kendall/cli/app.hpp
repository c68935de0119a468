#pragma once
/// The `kendall` command line: one entry point over every subcommand.

#include <iosfwd>

namespace kendall::cli {

/// Documented exit codes (docs/cli.md).
enum ExitCode : int {
  ok = 0,
  runtime_failure = 1,
  bad_input = 2,
  infeasible = 3,
  validation_missed = 4
};

/// Parses argv, runs the chosen subcommand and returns its exit code. Output goes to `out`,
/// errors to `err`; nothing throws out of here.
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace kendall::cli
