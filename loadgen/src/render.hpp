#pragma once
// Turns a RequestTemplate into the bytes of one HTTP/1.1 request, filling {{…}} placeholders, and
// keeps the records that requests capture for later ones. One RequestRenderer per worker thread,
// so nothing here is shared except the run-wide sequence counter.

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kendall/base/sampler.hpp"
#include "kendall/loadgen/scenario.hpp"

namespace kendall::loadgen::detail {

/// Serializes a request with no placeholders once; used as-is for every send.
std::string serialize(const RequestTemplate& request, const std::string& target,
                      const std::vector<std::pair<std::string, std::string>>& headers,
                      const std::string& body);

/// True when any string of the template holds a placeholder.
bool has_placeholders(const RequestTemplate& request);

/// The names used by {{NAME.FIELD}} placeholders in `text`, and every placeholder's inside.
std::vector<std::string> placeholders(const std::string& text);

class RequestRenderer {
 public:
  /// `nonce` makes {{uuid}} differ between runs with the same seed (fresh usernames).
  RequestRenderer(const Scenario& scenario, std::atomic<std::uint64_t>& seq, Rng rng,
                  std::uint64_t nonce);

  /// Picks a request by weight; one whose captured inputs are not available yet is replaced by a
  /// pick among the requests that need none.
  std::size_t pick();
  /// The wire bytes of request `index`; `body` receives the rendered body (for captures).
  const std::string& render(std::size_t index, std::string& body);
  /// True when request `index` is rendered per send (render's result is then overwritten by the
  /// next render).
  bool templated(std::size_t index) const { return fixed_[index].empty(); }
  /// Stores the capture record of request `index` after a 2xx response.
  void capture(std::size_t index, const std::string& request_body,
               const std::string& response_body);

 private:
  using Record = std::map<std::string, std::string>;
  std::string expand(const std::string& text, std::uint64_t seq, const std::string& uuid,
                     std::map<std::string, const Record*>& chosen);
  std::string make_uuid();

  const Scenario& scenario_;
  std::atomic<std::uint64_t>& seq_;
  Rng rng_;
  Rng uuid_rng_;
  std::vector<double> cumulative_;       // over all requests
  std::vector<double> cumulative_free_;  // over requests without needs (0 weight otherwise)
  std::vector<std::string> fixed_;       // pre-serialized, empty when the request is a template
  std::string scratch_;
  std::map<std::string, std::vector<Record>> records_;  // by request name, bounded ring
  std::map<std::string, std::size_t> next_slot_;
};

}  // namespace kendall::loadgen::detail
