#pragma once
/// HS256 JSON Web Tokens (RFC 7519, RFC 7518 §3.2): HMAC-SHA256 through libsodium's
/// crypto_auth_hmacsha256, base64url without padding.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kendall::services {

/// base64url (RFC 4648 §5) without '=' padding, as JWTs use it.
std::string base64url_encode(std::string_view bytes);
/// Inverse of base64url_encode; nothing on a character outside the alphabet.
std::optional<std::string> base64url_decode(std::string_view text);

/// Claims of a verified token.
struct TokenClaims {
  std::string subject;
  long long issued_at = 0;   ///< seconds since the Unix epoch
  long long expires_at = 0;  ///< seconds since the Unix epoch
};

class TokenSigner {
 public:
  /// RFC 7518 §3.2 asks for a key at least as long as the hash (32 bytes); shorter secrets are
  /// refused with InputError.
  static constexpr std::size_t min_secret_size = 32;

  TokenSigner(std::string secret, std::chrono::seconds lifetime);

  /// A signed token for `subject`, issued at `now`.
  std::string sign(std::string_view subject, std::chrono::system_clock::time_point now) const;
  /// The claims when the signature matches (checked in constant time) and the token has not
  /// expired at `now`; nothing otherwise.
  std::optional<TokenClaims> verify(std::string_view token,
                                    std::chrono::system_clock::time_point now) const;

 private:
  std::string secret_;
  std::chrono::seconds lifetime_;
};

/// The token secret: the contents of `secret_file` (one trailing newline dropped) when given,
/// else the KENDALL_TOKEN_SECRET environment variable. Throws InputError naming both ways to
/// provide one when neither does, or when the secret is shorter than min_secret_size.
std::string load_token_secret(const std::string& secret_file);

}  // namespace kendall::services
