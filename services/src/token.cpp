#include "kendall/services/token.hpp"

#include <sodium.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kendall/base/error.hpp"

namespace kendall::services {

namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::array<unsigned char, crypto_auth_hmacsha256_BYTES> hmac(std::string_view key,
                                                             std::string_view message) {
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  return mac;
}

std::string_view as_chars(const std::array<unsigned char, crypto_auth_hmacsha256_BYTES>& mac) {
  return {reinterpret_cast<const char*>(mac.data()), mac.size()};
}

long long seconds_since_epoch(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(alphabet[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) {
    out.push_back(alphabet[(buffer << (6 - bits)) & 0x3f]);
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const auto index = alphabet.find(c);
    if (index == std::string_view::npos) {
      return std::nullopt;
    }
    buffer = (buffer << 6) | static_cast<std::uint32_t>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

TokenSigner::TokenSigner(std::string secret, std::chrono::seconds lifetime)
    : secret_(std::move(secret)), lifetime_(lifetime) {
  if (sodium_init() < 0) {
    throw std::runtime_error("libsodium could not be initialised");
  }
  if (secret_.size() < min_secret_size) {
    throw InputError("token secret: " + std::to_string(secret_.size()) +
                     " bytes is too short for HS256 (at least " + std::to_string(min_secret_size) +
                     " bytes; e.g. `openssl rand -hex 32`)");
  }
}

std::string TokenSigner::sign(std::string_view subject,
                              std::chrono::system_clock::time_point now) const {
  static const std::string header = base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
  const long long issued_at = seconds_since_epoch(now);
  const nlohmann::json claims = {
      {"sub", subject}, {"iat", issued_at}, {"exp", issued_at + lifetime_.count()}};
  std::string token = header + "." + base64url_encode(claims.dump());
  const auto mac = hmac(secret_, token);
  return token + "." + base64url_encode(as_chars(mac));
}

std::optional<TokenClaims> TokenSigner::verify(std::string_view token,
                                               std::chrono::system_clock::time_point now) const {
  const auto last_dot = token.rfind('.');
  const auto first_dot = token.find('.');
  if (last_dot == std::string_view::npos || first_dot == last_dot) {
    return std::nullopt;
  }
  const auto signature = base64url_decode(token.substr(last_dot + 1));
  const auto expected = hmac(secret_, token.substr(0, last_dot));
  if (!signature || signature->size() != expected.size() ||
      sodium_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return std::nullopt;
  }
  const auto payload = base64url_decode(token.substr(first_dot + 1, last_dot - first_dot - 1));
  if (!payload) {
    return std::nullopt;
  }
  const auto claims = nlohmann::json::parse(*payload, nullptr, false);
  if (!claims.is_object() || !claims.contains("sub") || !claims.contains("exp")) {
    return std::nullopt;
  }
  TokenClaims result{claims.value("sub", ""), claims.value("iat", 0LL), claims.value("exp", 0LL)};
  if (result.expires_at <= seconds_since_epoch(now)) {
    return std::nullopt;
  }
  return result;
}

std::string load_token_secret(const std::string& secret_file) {
  std::string secret;
  if (!secret_file.empty()) {
    std::ifstream in(secret_file, std::ios::binary);
    if (!in) {
      throw InputError("--token-secret-file: cannot read \"" + secret_file + "\"");
    }
    std::ostringstream text;
    text << in.rdbuf();
    secret = text.str();
    if (!secret.empty() && secret.back() == '\n') {
      secret.pop_back();
    }
  } else if (const char* from_env = std::getenv("KENDALL_TOKEN_SECRET")) {
    secret = from_env;
  } else {
    throw InputError(
        "no token secret: pass --token-secret-file FILE or set KENDALL_TOKEN_SECRET (at least " +
        std::to_string(TokenSigner::min_secret_size) + " bytes; e.g. `openssl rand -hex 32`)");
  }
  if (secret.size() < TokenSigner::min_secret_size) {
    throw InputError("token secret: " + std::to_string(secret.size()) +
                     " bytes is too short for HS256 (at least " +
                     std::to_string(TokenSigner::min_secret_size) + " bytes)");
  }
  return secret;
}

}  // namespace kendall::services
