#pragma once
/// What to send: a single URL (GET) or a YAML scenario of weighted request templates.
///
/// Templates are expanded per request: {{seq}} (a run-wide counter), {{random}} (a seeded 32-bit
/// number), {{uuid}} (a random v4 UUID, fresh every run), and {{NAME.FIELD}}, a field of a record
/// captured earlier by request NAME (from its request body or its JSON response). See
/// docs/loadgen.md.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kendall::loadgen {

/// Where requests go: one host and port (http only).
struct Endpoint {
  std::string host;
  std::uint16_t port = 80;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
};

/// Splits "http://host:port/path?query" into endpoint and target ("/path?query").
/// Throws InputError for other schemes or a malformed URL.
struct ParsedUrl {
  Endpoint endpoint;
  std::string target;
};
ParsedUrl parse_url(const std::string& url);

/// One field of a capture: `from` is "request" or "response", `key` a top-level JSON key.
struct CaptureField {
  std::string from;
  std::string key;
};

/// One request of a scenario; strings may hold {{…}} placeholders.
struct RequestTemplate {
  std::string name;
  std::string method = "GET";
  Endpoint endpoint;
  std::size_t endpoint_index = 0;  // position of `endpoint` in Scenario::endpoints()
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // a JSON text (template); empty: no body
  double weight = 1;
  /// Field name → source; a record of these fields is kept per successful response.
  std::map<std::string, CaptureField> capture;
  /// Names of requests whose captured records this template reads ({{register.username}}).
  std::vector<std::string> needs;
};

struct Scenario {
  std::string source;  // file name, or the URL
  std::vector<RequestTemplate> requests;
  /// Every endpoint the scenario sends to, in first-use order.
  std::vector<Endpoint> endpoints() const;
  /// Sets every request's endpoint_index (the loaders do this).
  void index_endpoints();
};

/// A scenario of one GET request to `url`.
Scenario url_scenario(const std::string& url);
/// Loads a YAML scenario; errors are InputError with file:line:column.
Scenario load_scenario(const std::string& path);
/// Parses YAML text (`source` names it in error messages).
Scenario parse_scenario(const std::string& text, const std::string& source);

}  // namespace kendall::loadgen
