#include "kendall/loadgen/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "kendall/base/error.hpp"
#include "render.hpp"

namespace kendall::loadgen {
namespace {

SourceLocation where(const std::string& source, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return {source, mark.line + 1, mark.column + 1};
}

[[noreturn]] void fail(const std::string& source, const YAML::Node& node, const std::string& what) {
  throw InputError(where(source, node), what);
}

std::string scalar(const std::string& source, const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar())
    fail(source, node, fmt::format("{}: expected a text value", path));
  return node.Scalar();
}

// A YAML body becomes JSON: plain scalars that read as numbers, booleans or null keep that type;
// quoted scalars stay strings, so "{{seq}}" can be a string and {{seq}} a number.
nlohmann::json to_json(const YAML::Node& node) {
  if (node.IsMap()) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& item : node)
      object[item.first.Scalar()] = to_json(item.second);
    return object;
  }
  if (node.IsSequence()) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& item : node)
      array.push_back(to_json(item));
    return array;
  }
  if (node.IsNull())
    return nullptr;
  const std::string& text = node.Scalar();
  if (node.Tag() == "?") {  // plain (unquoted)
    if (text == "true" || text == "false")
      return text == "true";
    double number = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec == std::errc{} && end == text.data() + text.size())
      return nlohmann::json::parse(text);
  }
  return text;
}

// A mapping body is sent as its JSON; a text body is sent as written (for raw JSON templates
// with bare placeholders such as {"id": {{seq}}}).
std::string body_text(const YAML::Node& node) {
  return node.IsScalar() ? node.Scalar() : to_json(node).dump();
}

RequestTemplate parse_request(const std::string& source, const YAML::Node& node,
                              std::size_t index) {
  const std::string path = fmt::format("requests[{}]", index);
  if (!node.IsMap())
    fail(source, node, fmt::format("{}: expected a mapping with url, method, body …", path));
  static const std::set<std::string> known{"name", "url",    "method", "headers",
                                           "body", "weight", "capture"};
  for (const auto& item : node) {
    const std::string key = item.first.Scalar();
    if (!known.contains(key))
      fail(source, item.first,
           fmt::format("{}: unknown key \"{}\" (expected name, url, method, headers, body, "
                       "weight, capture)",
                       path, key));
  }
  RequestTemplate request;
  request.name = node["name"] ? scalar(source, node["name"], path + ".name")
                              : fmt::format("request{}", index + 1);
  if (!node["url"])
    fail(source, node, fmt::format("{}: missing url (e.g. http://127.0.0.1:5000/register)", path));
  try {
    const ParsedUrl url = parse_url(scalar(source, node["url"], path + ".url"));
    request.endpoint = url.endpoint;
    request.target = url.target;
  } catch (const InputError& error) {
    fail(source, node["url"], fmt::format("{}.url: {}", path, error.detail()));
  }
  if (node["method"]) {
    request.method = scalar(source, node["method"], path + ".method");
    std::transform(request.method.begin(), request.method.end(), request.method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    static const std::set<std::string> methods{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"};
    if (!methods.contains(request.method))
      fail(source, node["method"],
           fmt::format("{}.method: \"{}\" is not one of GET, POST, PUT, DELETE, PATCH, HEAD", path,
                       request.method));
  }
  if (const YAML::Node headers = node["headers"]) {
    if (!headers.IsMap())
      fail(source, headers, path + ".headers: expected a mapping of header names to values");
    for (const auto& item : headers)
      request.headers.emplace_back(item.first.Scalar(),
                                   scalar(source, item.second, path + ".headers"));
  }
  if (const YAML::Node body = node["body"])
    request.body = body_text(body);
  if (const YAML::Node weight = node["weight"]) {
    try {
      request.weight = weight.as<double>();
    } catch (const YAML::Exception&) {
      fail(source, weight, path + ".weight: expected a number");
    }
    if (!(request.weight > 0))
      fail(source, weight, path + ".weight: must be > 0");
  }
  if (const YAML::Node capture = node["capture"]) {
    if (!capture.IsMap())
      fail(source, capture, path + ".capture: expected a mapping like {token: response.token}");
    for (const auto& item : capture) {
      const std::string from = scalar(source, item.second, path + ".capture");
      const auto dot = from.find('.');
      const std::string side = from.substr(0, dot);
      if (dot == std::string::npos || (side != "request" && side != "response") ||
          dot + 1 == from.size())
        fail(source, item.second,
             fmt::format("{}.capture.{}: \"{}\" should be request.KEY or response.KEY", path,
                         item.first.Scalar(), from));
      request.capture[item.first.Scalar()] = {side, from.substr(dot + 1)};
    }
  }
  return request;
}

// Every {{…}} must be a known variable or a field that an earlier-named request captures.
void check_placeholders(const std::string& source, const YAML::Node& root, Scenario& scenario) {
  for (std::size_t i = 0; i < scenario.requests.size(); ++i) {
    RequestTemplate& request = scenario.requests[i];
    std::string all = request.target + request.body;
    for (const auto& header : request.headers)
      all += header.second;
    for (const std::string& name : detail::placeholders(all)) {
      if (name == "seq" || name == "uuid" || name == "random")
        continue;
      const YAML::Node node = root["requests"][i];
      const auto dot = name.find('.');
      if (dot == std::string::npos)
        fail(source, node,
             fmt::format("requests[{}]: unknown placeholder {{{{{}}}}} (expected seq, random, "
                         "uuid or NAME.FIELD of a capture)",
                         i, name));
      const std::string from = name.substr(0, dot);
      const auto it = std::find_if(scenario.requests.begin(), scenario.requests.end(),
                                   [&](const RequestTemplate& r) { return r.name == from; });
      if (it == scenario.requests.end() || !it->capture.contains(name.substr(dot + 1)))
        fail(source, node,
             fmt::format("requests[{}]: {{{{{}}}}} needs a request named \"{}\" that captures "
                         "\"{}\"",
                         i, name, from, name.substr(dot + 1)));
      if (std::find(request.needs.begin(), request.needs.end(), from) == request.needs.end())
        request.needs.push_back(from);
    }
  }
  if (std::all_of(scenario.requests.begin(), scenario.requests.end(),
                  [](const RequestTemplate& r) { return !r.needs.empty(); }))
    fail(source, root["requests"],
         "requests: every request needs a captured value, so none could be sent first");
}

}  // namespace

ParsedUrl parse_url(const std::string& url) {
  constexpr std::string_view scheme = "http://";
  if (url.rfind(scheme, 0) != 0)
    throw InputError(fmt::format("\"{}\": only http:// URLs are supported", url));
  const std::string rest = url.substr(scheme.size());
  const std::size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  ParsedUrl parsed;
  parsed.target = slash == std::string::npos ? "/" : rest.substr(slash);
  const std::size_t colon = authority.rfind(':');
  parsed.endpoint.host = authority.substr(0, colon);
  if (colon != std::string::npos) {
    const std::string port = authority.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535)
      throw InputError(fmt::format("\"{}\": bad port \"{}\"", url, port));
    parsed.endpoint.port = static_cast<std::uint16_t>(value);
  }
  if (parsed.endpoint.host.empty())
    throw InputError(fmt::format("\"{}\": no host (e.g. http://127.0.0.1:8080/)", url));
  return parsed;
}

std::vector<Endpoint> Scenario::endpoints() const {
  std::vector<Endpoint> found;
  for (const auto& request : requests)
    if (std::find(found.begin(), found.end(), request.endpoint) == found.end())
      found.push_back(request.endpoint);
  return found;
}

void Scenario::index_endpoints() {
  const std::vector<Endpoint> all = endpoints();
  for (auto& request : requests)
    request.endpoint_index =
        static_cast<std::size_t>(std::find(all.begin(), all.end(), request.endpoint) - all.begin());
}

Scenario url_scenario(const std::string& url) {
  const ParsedUrl parsed = parse_url(url);
  Scenario scenario;
  scenario.source = url;
  RequestTemplate request;
  request.name = "get";
  request.endpoint = parsed.endpoint;
  request.target = parsed.target;
  scenario.requests.push_back(request);
  return scenario;
}

Scenario parse_scenario(const std::string& text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw InputError({source, error.mark.line + 1, error.mark.column + 1}, error.msg);
  }
  if (!root.IsMap() || !root["requests"])
    throw InputError({source, 1, 1}, "expected a mapping with a \"requests\" list");
  const YAML::Node list = root["requests"];
  if (!list.IsSequence() || list.size() == 0)
    fail(source, list, "requests: expected a non-empty list");
  Scenario scenario;
  scenario.source = source;
  for (std::size_t i = 0; i < list.size(); ++i) {
    scenario.requests.push_back(parse_request(source, list[i], i));
    for (std::size_t j = 0; j < i; ++j)
      if (scenario.requests[j].name == scenario.requests[i].name)
        fail(source, list[i],
             fmt::format("requests[{}]: the name \"{}\" is already used", i,
                         scenario.requests[i].name));
  }
  check_placeholders(source, root, scenario);
  scenario.index_endpoints();
  return scenario;
}

Scenario load_scenario(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw InputError(fmt::format("{}: cannot open the scenario file", path));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path);
}

}  // namespace kendall::loadgen
