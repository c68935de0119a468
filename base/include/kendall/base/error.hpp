#pragma once
/// Error types shared by every Kendall library.
///
/// Exceptions cross library boundaries for bad input and runtime failures; domain outcomes (an
/// unstable queue, an infeasible plan) are values in result structs, never exceptions.

#include <optional>
#include <stdexcept>
#include <string>

namespace kendall {

/// Where in a user's file something was found. Lines and columns are 1-based.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

/// Input the user can fix: a bad option, spec or file. The CLI maps it to exit code 2.
/// what() is the full message, prefixed with "file:line:column: " when a location is known.
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message);
  InputError(const SourceLocation& where, const std::string& message);

  /// The message without the location prefix.
  const std::string& detail() const { return detail_; }
  const std::optional<SourceLocation>& location() const { return location_; }

 private:
  std::string detail_;
  std::optional<SourceLocation> location_;
};

}  // namespace kendall
