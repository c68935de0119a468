#include "render.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace kendall::loadgen::detail {
namespace {

// Enough captured records to spread logins over many users without growing without bound.
constexpr std::size_t max_records = 10000;

std::string capture_value(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

std::string serialize(const RequestTemplate& request, const std::string& target,
                      const std::vector<std::pair<std::string, std::string>>& headers,
                      const std::string& body) {
  std::string text = fmt::format("{} {} HTTP/1.1\r\nHost: {}:{}\r\n", request.method, target,
                                 request.endpoint.host, request.endpoint.port);
  bool has_type = false;
  for (const auto& [name, value] : headers) {
    text += fmt::format("{}: {}\r\n", name, value);
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    has_type = has_type || lower == "content-type";
  }
  if (!body.empty() || request.method == "POST" || request.method == "PUT") {
    if (!has_type && !body.empty())
      text += "Content-Type: application/json\r\n";
    text += fmt::format("Content-Length: {}\r\n", body.size());
  }
  text += "\r\n";
  text += body;
  return text;
}

std::vector<std::string> placeholders(const std::string& text) {
  std::vector<std::string> found;
  for (std::size_t at = text.find("{{"); at != std::string::npos; at = text.find("{{", at)) {
    const std::size_t end = text.find("}}", at + 2);
    if (end == std::string::npos)
      break;
    found.push_back(text.substr(at + 2, end - at - 2));
    at = end + 2;
  }
  return found;
}

bool has_placeholders(const RequestTemplate& request) {
  if (request.target.find("{{") != std::string::npos ||
      request.body.find("{{") != std::string::npos)
    return true;
  return std::any_of(request.headers.begin(), request.headers.end(),
                     [](const auto& h) { return h.second.find("{{") != std::string::npos; });
}

RequestRenderer::RequestRenderer(const Scenario& scenario, std::atomic<std::uint64_t>& seq, Rng rng,
                                 std::uint64_t nonce)
    : scenario_(scenario), seq_(seq), rng_(rng), uuid_rng_(rng_() ^ nonce) {
  double total = 0;
  double total_free = 0;
  for (const auto& request : scenario.requests) {
    total += request.weight;
    if (request.needs.empty())
      total_free += request.weight;
    cumulative_.push_back(total);
    cumulative_free_.push_back(total_free);
    fixed_.push_back(has_placeholders(request)
                         ? std::string()
                         : serialize(request, request.target, request.headers, request.body));
  }
}

std::size_t RequestRenderer::pick() {
  const auto& requests = scenario_.requests;
  if (requests.size() == 1)
    return 0;
  const auto choose = [this](const std::vector<double>& cumulative) {
    const double u = rng_.uniform() * cumulative.back();
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
    return std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()),
                                 cumulative.size() - 1);
  };
  const std::size_t index = choose(cumulative_);
  const bool ready = std::all_of(requests[index].needs.begin(), requests[index].needs.end(),
                                 [this](const std::string& name) {
                                   const auto it = records_.find(name);
                                   return it != records_.end() && !it->second.empty();
                                 });
  return ready ? index : choose(cumulative_free_);
}

std::string RequestRenderer::make_uuid() {
  const std::uint64_t hi = (uuid_rng_() & ~0xF000ULL) | 0x4000ULL;  // version 4
  const std::uint64_t lo = (uuid_rng_() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF,
                     hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

std::string RequestRenderer::expand(const std::string& text, std::uint64_t seq,
                                    const std::string& uuid,
                                    std::map<std::string, const Record*>& chosen) {
  std::string out;
  std::size_t from = 0;
  for (std::size_t at = text.find("{{"); at != std::string::npos; at = text.find("{{", from)) {
    const std::size_t end = text.find("}}", at + 2);
    if (end == std::string::npos)
      break;
    out.append(text, from, at - from);
    const std::string name = text.substr(at + 2, end - at - 2);
    if (name == "seq") {
      out += std::to_string(seq);
    } else if (name == "uuid") {
      out += uuid;
    } else if (name == "random") {
      out += std::to_string(rng_() >> 32);
    } else if (const auto dot = name.find('.'); dot != std::string::npos) {
      // One record per request instance, so username and password come from the same user.
      const std::string source = name.substr(0, dot);
      const Record*& record = chosen[source];
      if (!record) {
        auto& pool = records_[source];
        if (!pool.empty())
          record = &pool[rng_.below(static_cast<std::uint32_t>(pool.size()))];
      }
      if (record) {
        if (const auto it = record->find(name.substr(dot + 1)); it != record->end())
          out += it->second;
      }
    }
    from = end + 2;
  }
  out.append(text, from, std::string::npos);
  return out;
}

const std::string& RequestRenderer::render(std::size_t index, std::string& body) {
  const RequestTemplate& request = scenario_.requests[index];
  if (!fixed_[index].empty()) {
    body = request.body;
    return fixed_[index];
  }
  const std::uint64_t seq = seq_.fetch_add(1, std::memory_order_relaxed);
  const std::string uuid = make_uuid();
  std::map<std::string, const Record*> chosen;
  const std::string target = expand(request.target, seq, uuid, chosen);
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : request.headers)
    headers.emplace_back(name, expand(value, seq, uuid, chosen));
  body = expand(request.body, seq, uuid, chosen);
  scratch_ = serialize(request, target, headers, body);
  return scratch_;
}

void RequestRenderer::capture(std::size_t index, const std::string& request_body,
                              const std::string& response_body) {
  const RequestTemplate& request = scenario_.requests[index];
  if (request.capture.empty())
    return;
  const auto parse = [](const std::string& text) {
    return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  };
  const nlohmann::json sent = parse(request_body);
  const nlohmann::json received = parse(response_body);
  Record record;
  for (const auto& [field, source] : request.capture) {
    const nlohmann::json& doc = source.from == "request" ? sent : received;
    if (!doc.is_object() || !doc.contains(source.key))
      return;  // an incomplete record would send logins with empty fields
    record[field] = capture_value(doc[source.key]);
  }
  auto& pool = records_[request.name];
  if (pool.size() < max_records) {
    pool.push_back(std::move(record));
  } else {
    std::size_t& slot = next_slot_[request.name];
    pool[slot] = std::move(record);
    slot = (slot + 1) % max_records;
  }
}

}  // namespace kendall::loadgen::detail
