#pragma once
/// Request → response, without sockets: routing, validation, the business logic of /register
/// and /login, and the operational routes. The only place that renders HttpError as JSON.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <optional>
#include <string_view>

#include "kendall/services/http_error.hpp"
#include "kendall/services/metrics.hpp"
#include "kendall/services/password_hasher.hpp"
#include "kendall/services/route.hpp"
#include "kendall/services/token.hpp"
#include "kendall/services/user_store.hpp"

namespace kendall::services {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

/// Which business route an executable serves; both serve /healthz, /readyz and /metrics.
enum class ServiceKind { register_user, login };

/// Usernames: 3–64 characters of [A-Za-z0-9_.-]. Passwords: 8–128 bytes.
/// Return a message saying what is wrong, nothing when valid.
std::optional<std::string> check_username(std::string_view username);
std::optional<std::string> check_password(std::string_view password);

/// The JSON error response {"error": message} with the error's status and headers.
Response error_response(const HttpError& error, unsigned version, bool keep_alive);

/// The exact bytes of the answer to `request` when they never change — `GET /healthz` over a
/// keep-alive HTTP/1.1 connection — so that a server can write them without building a
/// response; nothing for every other request. They are the bytes Beast serializes for
/// Handlers::handle's answer to the same request (both services answer /healthz alike).
std::optional<std::string_view> fixed_answer(Route route, const Request& request);
/// The bytes of that fixed answer to `GET /healthz` (HTTP/1.1, keep-alive).
std::string_view health_answer();

class Handlers {
 public:
  /// `signer` may be null for the register service (it issues no tokens). `gauges` is sampled
  /// when /metrics is rendered. Every reference must outlive the Handlers.
  Handlers(ServiceKind kind, UserStore& store, const PasswordHasher& hasher,
           const TokenSigner* signer, Metrics& metrics, std::function<Gauges()> gauges);

  /// Answers one request. Never throws: HttpError becomes its JSON response, anything else a
  /// 500 {"error": "internal error"} (the detail goes to the log only).
  Response handle(const Request& request) const;

  ServiceKind kind() const { return kind_; }

 private:
  std::string dispatch(Route route, const Request& request, unsigned& status) const;
  std::string register_user(const Request& request, unsigned& status) const;
  std::string login(const Request& request, unsigned& status) const;

  ServiceKind kind_;
  UserStore& store_;
  const PasswordHasher& hasher_;
  const TokenSigner* signer_;
  Metrics& metrics_;
  std::function<Gauges()> gauges_;
};

}  // namespace kendall::services
