// Tests for kendall/services/password_hasher.hpp.
#include "kendall/services/password_hasher.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <string>
#include <thread>
#include <vector>

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

// libsodium's crypto_pwhash_str is an independent Argon2id with the same PHC string format:
// each side must accept the other's hashes and reject a wrong password.
TEST(PasswordHasher, AgreesWithLibsodiumBothWays) {
  ASSERT_GE(sodium_init(), 0);
  const PasswordHasher hasher({2, 64 * 1024});
  const std::string ours = hasher.hash("tr0ub4dor&3");
  EXPECT_EQ(crypto_pwhash_str_verify(ours.c_str(), "tr0ub4dor&3", 11), 0) << ours;
  EXPECT_NE(crypto_pwhash_str_verify(ours.c_str(), "tr0ub4dor&4", 11), 0);

  std::array<char, crypto_pwhash_STRBYTES> theirs{};
  ASSERT_EQ(crypto_pwhash_str_alg(theirs.data(), "correct horse", 13, 3, 32 * 1024,
                                  crypto_pwhash_ALG_ARGON2ID13),
            0);
  EXPECT_TRUE(hasher.verify("correct horse", theirs.data())) << theirs.data();
  EXPECT_FALSE(hasher.verify("correct horsE", theirs.data()));
}

// A stored hash is checked at its own cost, whatever the service's cost is now.
TEST(PasswordHasher, VerifiesHashesMadeAtAnotherCost) {
  const std::string costly = PasswordHasher({3, 256 * 1024}).hash("pw");
  const PasswordHasher cheap({1, 8 * 1024});
  EXPECT_TRUE(cheap.verify("pw", costly));
  EXPECT_FALSE(cheap.verify("pW", costly));
}

// Threads hash at once into their own memory (each keeps its own between hashes).
TEST(PasswordHasher, ConcurrentHashesAreIndependent) {
  const PasswordHasher hasher({1, 128 * 1024});
  std::vector<std::string> hashes(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 3; ++round)
        hashes[i] = hasher.hash("password " + std::to_string(i));
    });
  }
  for (auto& thread : threads)
    thread.join();
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    EXPECT_TRUE(hasher.verify("password " + std::to_string(i), hashes[i]));
    EXPECT_EQ(
        crypto_pwhash_str_verify(hashes[i].c_str(), ("password " + std::to_string(i)).c_str(), 10),
        0);
    EXPECT_FALSE(hasher.verify("password " + std::to_string((i + 1) % hashes.size()), hashes[i]));
  }
}

TEST(PasswordHasher, AnythingButAnArgon2idHashIsRejectedNotThrown) {
  const PasswordHasher hasher({1, 8 * 1024});
  const std::string good = hasher.hash("pw");
  ASSERT_TRUE(hasher.verify("pw", good));
  const std::string salt_and_hash = good.substr(good.find("p=1$") + 4);
  for (const std::string& bad :
       {std::string(), std::string("pw"), std::string("$argon2i$v=19$m=8,t=1,p=1$") + salt_and_hash,
        std::string("$argon2id$v=16$m=8,t=1,p=1$") + salt_and_hash,
        std::string("$argon2id$v=19$m=8,t=1,p=2$") + salt_and_hash,
        std::string("$argon2id$v=19$m=,t=1,p=1$") + salt_and_hash,
        std::string("$argon2id$v=19$m=99999999999,t=1,p=1$") + salt_and_hash,
        std::string("$argon2id$v=19$m=8,t=0,p=1$") + salt_and_hash,
        std::string("$argon2id$v=19$m=4,t=1,p=1$") + salt_and_hash, good.substr(0, good.size() - 1),
        good + "A", good + "$", good.substr(0, good.rfind('$')) + "$***"}) {
    EXPECT_FALSE(hasher.verify("pw", bad)) << bad;
  }
}

TEST(PasswordHasher, CostOutsideArgon2idLimitsIsInputError) {
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
