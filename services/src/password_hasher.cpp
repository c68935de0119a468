#include "kendall/services/password_hasher.hpp"

#include <sodium.h>

#include <fmt/format.h>
#include <array>
#include <stdexcept>

#include "kendall/base/error.hpp"

namespace kendall::services {

namespace {

void init_sodium() {
  // sodium_init is idempotent and thread-safe; it returns 1 when already initialised.
  if (sodium_init() < 0) {
    throw std::runtime_error("libsodium could not be initialised");
  }
}

}  // namespace

PasswordHasher::PasswordHasher(HashCost cost) : cost_(cost) {
  init_sodium();
  if (cost.ops < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      cost.ops > crypto_pwhash_argon2id_OPSLIMIT_MAX) {
    throw InputError(fmt::format("--hash-ops: {} is outside Argon2id's limits ({} to {})", cost.ops,
                                 crypto_pwhash_argon2id_OPSLIMIT_MIN,
                                 crypto_pwhash_argon2id_OPSLIMIT_MAX));
  }
  if (cost.memory < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      cost.memory > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    throw InputError(fmt::format(
        "--hash-mem: {} bytes is outside Argon2id's limits ({} bytes, i.e. 8KiB, to {} bytes)",
        cost.memory, crypto_pwhash_argon2id_MEMLIMIT_MIN,
        static_cast<std::size_t>(crypto_pwhash_argon2id_MEMLIMIT_MAX)));
  }
  std::array<unsigned char, 32> random_password{};
  randombytes_buf(random_password.data(), random_password.size());
  dummy_hash_ = hash(std::string_view(reinterpret_cast<const char*>(random_password.data()),
                                      random_password.size()));
}

std::string PasswordHasher::hash(std::string_view password) const {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), cost_.ops, cost_.memory,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password hashing failed (out of memory?)");
  }
  return std::string(out.data());
}

bool PasswordHasher::verify(std::string_view password, const std::string& encoded) const {
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

void PasswordHasher::verify_dummy(std::string_view password) const {
  // The result is meaningless; only the time spent matters.
  (void)verify(password, dummy_hash_);
}

}  // namespace kendall::services
