#pragma once
/// The routes the services know, as metric labels and by request target.

#include <string_view>

namespace kendall::services {

enum class Route { register_user, login, healthz, readyz, metrics, other };

/// The metric label: "/register", "/login", "/healthz", "/readyz", "/metrics", "other".
std::string_view route_label(Route route);
/// The route of a request target (the query string is ignored); other when unknown.
Route route_of(std::string_view target);
/// Whether the route's work runs on the worker pool (the business routes) rather than on the
/// I/O thread (the cheap operational routes).
constexpr bool runs_on_worker(Route route) {
  return route == Route::register_user || route == Route::login;
}

}  // namespace kendall::services
