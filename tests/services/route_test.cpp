// Tests for kendall/services/route.hpp.
#include "kendall/services/route.hpp"

#include <gtest/gtest.h>

namespace kendall::services {
namespace {

TEST(Route, KnownTargetsMapToTheirRoutesAndTheQueryIsIgnored) {
  EXPECT_EQ(route_of("/register"), Route::register_user);
  EXPECT_EQ(route_of("/login?x=1"), Route::login);
  EXPECT_EQ(route_of("/healthz"), Route::healthz);
  EXPECT_EQ(route_of("/readyz"), Route::readyz);
  EXPECT_EQ(route_of("/metrics"), Route::metrics);
  EXPECT_EQ(route_of("/register/extra"), Route::other);
  EXPECT_EQ(route_label(Route::other), "other");
}

}  // namespace
}  // namespace kendall::services
