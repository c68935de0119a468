#pragma once
// A plain-text table with aligned columns, for terminal output.

#include <optional>
#include <string>
#include <vector>

namespace kendall::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  /// Columns separated by two spaces; the first column left-aligned, the rest right-aligned.
  std::string render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

/// "1.23 ms" for a latency, "-" when there is none.
std::string latency_cell(const std::optional<double>& seconds);
/// A number with 3 significant digits ("0.812", "1.2e+03" avoided for ordinary magnitudes).
std::string number_cell(double value);

}  // namespace kendall::cli
