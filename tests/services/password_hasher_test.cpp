// Tests for kendall/services/password_hasher.hpp.
#include "kendall/services/password_hasher.hpp"

#include <gtest/gtest.h>

#include "kendall/base/error.hpp"

namespace kendall::services {
namespace {

TEST(PasswordHasher, HashesWithArgon2idAtTheGivenCostAndVerifies) {
  const PasswordHasher hasher({1, 8 * 1024});
  const auto encoded = hasher.hash("correct horse");
  // PHC string format: algorithm, version 19 (0x13), memory in KiB, passes, one lane.
  EXPECT_EQ(encoded.rfind("$argon2id$v=19$m=8,t=1,p=1$", 0), 0u) << encoded;
  EXPECT_TRUE(hasher.verify("correct horse", encoded));
  EXPECT_FALSE(hasher.verify("correct horsf", encoded));
  // Salted: the same password hashes differently each time.
  EXPECT_NE(hasher.hash("correct horse"), encoded);
}

TEST(PasswordHasher, CostOutsideLibsodiumLimitsIsInputError) {
  EXPECT_THROW(PasswordHasher({0, 8 * 1024}), InputError);
  try {
    PasswordHasher hasher({1, 1024});
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("--hash-mem: 1024 bytes is outside Argon2id's limits"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace kendall::services
