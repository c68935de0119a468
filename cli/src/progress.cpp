#include "progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <ostream>
#include <string>

#include <fmt/format.h>

namespace kendall::cli {

ProgressBar::ProgressBar(std::ostream& err, bool enabled, const char* label)
    : err_(err),
      enabled_(enabled && ::isatty(STDOUT_FILENO) == 1 && ::isatty(STDERR_FILENO) == 1),
      label_(label),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
  if (drawn_)
    err_ << "\r\033[K" << std::flush;  // leave a clean line for the results
}

void ProgressBar::update(double fraction) {
  if (!enabled_)
    return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (elapsed < 1.0)
    return;
  fraction = std::clamp(fraction, 0.0, 1.0);
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  const double remaining = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
  err_ << fmt::format("\r{} [{}{}] {:3.0f}%  {:.0f} s left\033[K", label_, std::string(filled, '#'),
                      std::string(kWidth - filled, '.'), 100.0 * fraction, remaining)
       << std::flush;
  drawn_ = true;
}

}  // namespace kendall::cli
