#pragma once
/// HTTP errors thrown by request handlers. The router (handle_request) is the only place that
/// renders them, as JSON {"error": message} with the status and any extra headers.

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace kendall::services {

/// One error response: a status code (400, 404, ...), a message for the client, and extra
/// headers (Allow for 405, Retry-After for 503).
class HttpError : public std::runtime_error {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  HttpError(unsigned status, const std::string& message, Headers headers = {})
      : std::runtime_error(message), status_(status), headers_(std::move(headers)) {}

  unsigned status() const { return status_; }
  const Headers& headers() const { return headers_; }

 private:
  unsigned status_;
  Headers headers_;
};

inline HttpError bad_request(const std::string& message) {
  return {400, message};
}
inline HttpError unauthorized(const std::string& message) {
  return {401, message};
}
inline HttpError not_found(const std::string& message) {
  return {404, message};
}
inline HttpError method_not_allowed(const std::string& allow) {
  return {405, "method not allowed (allowed: " + allow + ")", {{"Allow", allow}}};
}
inline HttpError conflict(const std::string& message) {
  return {409, message};
}
inline HttpError payload_too_large(const std::string& message) {
  return {413, message};
}
inline HttpError unsupported_media_type(const std::string& message) {
  return {415, message};
}
inline HttpError service_unavailable(const std::string& message, unsigned retry_after_seconds) {
  return {503, message, {{"Retry-After", std::to_string(retry_after_seconds)}}};
}

}  // namespace kendall::services
