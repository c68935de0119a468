#pragma once
/// Argon2id password hashing: libargon2 (the reference implementation) hashing into memory each
/// worker thread keeps between hashes, salts from libsodium's randombytes, and the PHC string
/// format crypto_pwhash_str writes and reads, so either library verifies the other's hashes.
/// The cost (operations and memory) sets the service time of /register and /login, so it is a
/// tuning knob of the services. Each thread that hashes keeps the memory of its largest hash
/// (`--hash-mem`): W workers hold W times that.

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
  /// Throws InputError when the cost is outside Argon2id's limits (the message names the
  /// limits), std::runtime_error when libsodium cannot be initialised.
  explicit PasswordHasher(HashCost cost);

  /// The encoded hash ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"), salted at random.
  /// Throws std::runtime_error when the hash's memory cannot be allocated.
  std::string hash(std::string_view password) const;
  /// Constant-time check of `password` against an encoded Argon2id hash, at the cost the hash
  /// names; false for a wrong password or anything that is not such a hash.
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
