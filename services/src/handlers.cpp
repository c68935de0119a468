#include "kendall/services/handlers.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <nlohmann/json.hpp>

namespace kendall::services {

namespace http = boost::beast::http;

namespace {

// Boost 1.74's Beast hands out boost::string_view.
std::string_view std_view(boost::beast::string_view text) {
  return {text.data(), text.size()};
}

constexpr std::size_t username_min = 3, username_max = 64;
constexpr std::size_t password_min = 8, password_max = 128;

/// Allowed methods per route, for 405 and its Allow header.
bool method_allowed(Route route, http::verb method) {
  if (runs_on_worker(route)) {
    return method == http::verb::post;
  }
  return method == http::verb::get;
}

bool served_by(ServiceKind kind, Route route) {
  switch (route) {
    case Route::register_user:
      return kind == ServiceKind::register_user;
    case Route::login:
      return kind == ServiceKind::login;
    case Route::other:
      return false;
    default:
      return true;
  }
}

std::string json_message(std::string_view key, std::string_view value) {
  return nlohmann::json{{key, value}}.dump();
}

/// The credentials of a /register or /login body, after the content-type, JSON and field
/// checks (400 and 415 on failure).
struct Credentials {
  std::string username;
  std::string password;
};

Credentials parse_credentials(const Request& request) {
  const auto content_type = request[http::field::content_type];
  const auto media_type = content_type.substr(0, content_type.find(';'));
  if (!boost::beast::iequals(media_type, "application/json")) {
    throw unsupported_media_type("Content-Type must be application/json");
  }
  const auto body = nlohmann::json::parse(request.body(), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    throw bad_request("body is not valid JSON");
  }
  if (!body.is_object()) {
    throw bad_request("body must be a JSON object {\"username\": ..., \"password\": ...}");
  }
  Credentials credentials;
  for (const auto& [key, field] :
       {std::pair{"username", &credentials.username}, {"password", &credentials.password}}) {
    const auto it = body.find(key);
    if (it == body.end()) {
      throw bad_request(std::string("missing field \"") + key + "\"");
    }
    if (!it->is_string()) {
      throw bad_request(std::string("field \"") + key + "\" must be a string");
    }
    *field = it->get<std::string>();
  }
  if (const auto problem = check_username(credentials.username)) {
    throw bad_request(*problem);
  }
  if (const auto problem = check_password(credentials.password)) {
    throw bad_request(*problem);
  }
  return credentials;
}

Response make_response(unsigned status, std::string body, std::string_view content_type,
                       unsigned version, bool keep_alive) {
  Response response{static_cast<http::status>(status), version};
  response.set(http::field::content_type,
               boost::beast::string_view(content_type.data(), content_type.size()));
  response.keep_alive(keep_alive);
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

}  // namespace

std::optional<std::string> check_username(std::string_view username) {
  if (username.size() < username_min || username.size() > username_max) {
    return "username must be " + std::to_string(username_min) + " to " +
           std::to_string(username_max) + " characters (got " + std::to_string(username.size()) +
           ")";
  }
  const auto allowed = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  };
  if (!std::all_of(username.begin(), username.end(), allowed)) {
    return "username may only contain letters, digits, '_', '.' and '-'";
  }
  return std::nullopt;
}

std::optional<std::string> check_password(std::string_view password) {
  if (password.size() < password_min || password.size() > password_max) {
    // Never echo the password itself.
    return "password must be " + std::to_string(password_min) + " to " +
           std::to_string(password_max) + " bytes (got " + std::to_string(password.size()) + ")";
  }
  return std::nullopt;
}

Response error_response(const HttpError& error, unsigned version, bool keep_alive) {
  auto response = make_response(error.status(), json_message("error", error.what()),
                                "application/json", version, keep_alive);
  for (const auto& [name, value] : error.headers()) {
    response.set(name, value);
  }
  return response;
}

std::string_view health_answer() {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 18\r\n\r\n"
         R"({"status":"alive"})";
}

std::optional<std::string_view> fixed_answer(Route route, const Request& request) {
  if (route == Route::healthz && request.method() == http::verb::get && request.version() == 11 &&
      request.keep_alive()) {
    return health_answer();
  }
  return std::nullopt;
}

Handlers::Handlers(ServiceKind kind, UserStore& store, const PasswordHasher& hasher,
                   const TokenSigner* signer, Metrics& metrics, std::function<Gauges()> gauges)
    : kind_(kind),
      store_(store),
      hasher_(hasher),
      signer_(signer),
      metrics_(metrics),
      gauges_(std::move(gauges)) {}

Response Handlers::handle(const Request& request) const {
  const Route route = route_of(std_view(request.target()));
  try {
    unsigned status = 200;
    std::string body = dispatch(route, request, status);
    const auto content_type =
        route == Route::metrics ? "text/plain; version=0.0.4" : "application/json";
    return make_response(status, std::move(body), content_type, request.version(),
                         request.keep_alive());
  } catch (const HttpError& error) {
    return error_response(error, request.version(), request.keep_alive());
  } catch (const std::exception& error) {
    spdlog::error("request failed method={} route={} error=\"{}\"",
                  std_view(request.method_string()), route_label(route), error.what());
    return error_response(HttpError(500, "internal error"), request.version(), false);
  }
}

std::string Handlers::dispatch(Route route, const Request& request, unsigned& status) const {
  if (!served_by(kind_, route)) {
    throw not_found("no route " + std::string(std_view(request.target())) +
                    (kind_ == ServiceKind::register_user ? " (this service serves POST /register)"
                                                         : " (this service serves POST /login)"));
  }
  if (!method_allowed(route, request.method())) {
    throw method_not_allowed(runs_on_worker(route) ? "POST" : "GET");
  }
  switch (route) {
    case Route::register_user:
      return register_user(request, status);
    case Route::login:
      return login(request, status);
    case Route::healthz:
      return R"({"status":"alive"})";
    case Route::readyz:
      if (!store_.reachable()) {
        throw service_unavailable("store unreachable", 1);
      }
      return json_message("status", "ready");
    case Route::metrics:
      return metrics_.render(gauges_());
    case Route::other:
      break;
  }
  throw not_found("no route " + std::string(std_view(request.target())));
}

std::string Handlers::register_user(const Request& request, unsigned& status) const {
  const auto credentials = parse_credentials(request);
  // A cheap look first spares the hash for a name already taken; the store's constraint still
  // decides races.
  if (store_.password_hash(credentials.username)) {
    throw conflict("username is taken");
  }
  if (!store_.add_user(credentials.username, hasher_.hash(credentials.password))) {
    throw conflict("username is taken");
  }
  status = 201;
  return json_message("message", "user registered");
}

std::string Handlers::login(const Request& request, unsigned& status) const {
  const auto credentials = parse_credentials(request);
  const auto stored = store_.password_hash(credentials.username);
  // An unknown user costs one verification too, and gets the same answer as a wrong password.
  const bool valid = stored ? hasher_.verify(credentials.password, *stored)
                            : (hasher_.verify_dummy(credentials.password), false);
  if (!valid) {
    throw unauthorized("invalid username or password");
  }
  if (signer_ == nullptr) {
    throw HttpError(500, "internal error");
  }
  status = 200;
  return nlohmann::json{
      {"token", signer_->sign(credentials.username, std::chrono::system_clock::now())}}
      .dump();
}

}  // namespace kendall::services
