#include "kendall/base/error.hpp"

#include <fmt/format.h>

namespace kendall {
namespace {

std::string prefix(const SourceLocation& where) {
  if (where.line <= 0)
    return where.file.empty() ? std::string{} : where.file + ": ";
  return fmt::format("{}:{}:{}: ", where.file, where.line, where.column);
}

}  // namespace

InputError::InputError(const std::string& message)
    : std::runtime_error(message), detail_(message) {}

InputError::InputError(const SourceLocation& where, const std::string& message)
    : std::runtime_error(prefix(where) + message), detail_(message), location_(where) {}

}  // namespace kendall
