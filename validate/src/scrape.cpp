#include <exception>

#include <fmt/format.h>

#include "kendall/validate/http_call.hpp"
#include "kendall/validate/prometheus.hpp"

namespace kendall::validation {

std::optional<Samples> scrape_metrics(const std::string& host, std::uint16_t port) {
  try {
    const HttpReply reply = http_call({.host = host, .port = port, .target = "/metrics"});
    if (reply.status != 200)
      return std::nullopt;
    return parse_prometheus(reply.body, fmt::format("{}:{}/metrics", host, port));
  } catch (const std::exception&) {
    // Unreachable, or not the Prometheus text format: the caller falls back.
    return std::nullopt;
  }
}

}  // namespace kendall::validation
