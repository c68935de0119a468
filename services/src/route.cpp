#include "kendall/services/route.hpp"

namespace kendall::services {

std::string_view route_label(Route route) {
  switch (route) {
    case Route::register_user:
      return "/register";
    case Route::login:
      return "/login";
    case Route::healthz:
      return "/healthz";
    case Route::readyz:
      return "/readyz";
    case Route::metrics:
      return "/metrics";
    case Route::other:
      break;
  }
  return "other";
}

Route route_of(std::string_view target) {
  target = target.substr(0, target.find('?'));
  for (const Route route :
       {Route::register_user, Route::login, Route::healthz, Route::readyz, Route::metrics}) {
    if (target == route_label(route)) {
      return route;
    }
  }
  return Route::other;
}

}  // namespace kendall::services
