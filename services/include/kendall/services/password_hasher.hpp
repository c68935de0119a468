#pragma once
/// Argon2id password hashing through libsodium (crypto_pwhash_str_alg with
/// crypto_pwhash_ALG_ARGON2ID13). The cost (operations and memory) sets the service time of
/// /register and /login, so it is a tuning knob of the services.

#include <cstddef>
#include <string>
#include <string_view>

namespace kendall::services {

struct HashCost {
  unsigned long long ops = 2;             ///< Argon2 passes (libsodium's INTERACTIVE is 2)
  std::size_t memory = 64 * 1024 * 1024;  ///< bytes (INTERACTIVE: 64 MiB)
};

class PasswordHasher {
 public:
  /// Throws InputError when the cost is outside libsodium's Argon2id limits (the message names
  /// the limits), std::runtime_error when libsodium cannot be initialised.
  explicit PasswordHasher(HashCost cost);

  /// The encoded hash ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"), salted at random.
  /// Throws std::runtime_error when libsodium runs out of memory.
  std::string hash(std::string_view password) const;
  /// Constant-time check of `password` against an encoded hash (crypto_pwhash_str_verify).
  bool verify(std::string_view password, const std::string& encoded) const;
  /// Verifies against a hash of a random password made at construction, so that a login for
  /// an unknown user costs what a real verification costs (no user enumeration by timing).
  void verify_dummy(std::string_view password) const;

  const HashCost& cost() const { return cost_; }

 private:
  HashCost cost_;
  std::string dummy_hash_;
};

}  // namespace kendall::services
