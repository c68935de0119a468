#pragma once
// A progress bar for long runs: drawn on stderr, only when stdout and stderr are terminals, only
// after the first second (short runs stay quiet), and never with --quiet.

#include <chrono>
#include <iosfwd>

namespace kendall::cli {

class ProgressBar {
 public:
  /// `enabled` false draws nothing (--quiet); otherwise it checks for a terminal itself.
  ProgressBar(std::ostream& err, bool enabled, const char* label);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  /// Redraws for `fraction` done, in [0, 1].
  void update(double fraction);

 private:
  std::ostream& err_;
  bool enabled_;
  bool drawn_ = false;
  const char* label_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace kendall::cli
