#pragma once
// Runs a command line through the shell and captures its exit code, stdout and stderr, for
// tests that drive the real `kendall` binary.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace kendall::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline CommandResult run_command(const std::string& command_line) {
  static int counter = 0;
  const auto folder =
      std::filesystem::temp_directory_path() /
      ("kendall-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::create_directories(folder);
  const auto out = folder / "out";
  const auto err = folder / "err";
  const std::string full =
      command_line + " >" + out.string() + " 2>" + err.string() + " </dev/null";
  const int status = std::system(full.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = slurp(out);
  result.err = slurp(err);
  std::filesystem::remove_all(folder);
  return result;
}

#ifdef KENDALL_BINARY
/// Runs the `kendall` binary under test with the given arguments.
inline CommandResult kendall(const std::string& arguments) {
  return run_command(std::string(KENDALL_BINARY) + " " + arguments);
}
#endif

}  // namespace kendall::testing
