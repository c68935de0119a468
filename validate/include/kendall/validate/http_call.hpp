#pragma once
/// One blocking HTTP/1.1 request on a fresh connection, with a deadline: how calibration reads a
/// service's /metrics and how the validation loop prepares and probes the services it starts.

#include <cstdint>
#include <string>

namespace kendall::validation {

struct HttpReply {
  unsigned status = 0;
  std::string body;
};

struct HttpCall {
  std::string host = "127.0.0.1";
  std::uint16_t port = 80;
  std::string method = "GET";
  std::string target = "/";
  std::string body{};  ///< sent as application/json when not empty
  double timeout = 5;  ///< seconds, for the whole exchange
};

/// Sends the request and returns the reply. Throws std::runtime_error naming host:port and the
/// cause (connection refused, timeout, malformed answer).
HttpReply http_call(const HttpCall& call);

}  // namespace kendall::validation
