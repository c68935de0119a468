// Tests for kendall/services/token.hpp.
#include "kendall/services/token.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "kendall/base/error.hpp"

namespace kendall::services {
namespace {

using std::chrono::system_clock;

TEST(Base64Url, MatchesRfc4648TestVectorsWithoutPadding) {
  // RFC 4648 §10, padding removed as JWTs do.
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  // The URL-safe alphabet: 0xfb 0xff -> "-_8" (RFC 4648 §5 replaces + and /).
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(base64url_decode("-_8"), "\xfb\xff");
  EXPECT_FALSE(base64url_decode("Zm9v+"));
}

TEST(TokenSigner, HeaderIsRfc7519Hs256) {
  const TokenSigner signer(std::string(32, 'k'), std::chrono::seconds(60));
  const auto token = signer.sign("alice", system_clock::time_point(std::chrono::seconds(1000)));
  const auto header = token.substr(0, token.find('.'));
  EXPECT_EQ(base64url_decode(header), R"({"alg":"HS256","typ":"JWT"})");
  const auto claims = signer.verify(token, system_clock::time_point(std::chrono::seconds(1030)));
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->subject, "alice");
  EXPECT_EQ(claims->issued_at, 1000);
  EXPECT_EQ(claims->expires_at, 1060);
}

TEST(TokenSigner, RejectsTamperedForeignAndExpiredTokens) {
  const TokenSigner signer(std::string(32, 'k'), std::chrono::seconds(60));
  const TokenSigner other(std::string(32, 'x'), std::chrono::seconds(60));
  const auto now = system_clock::time_point(std::chrono::seconds(1000));
  auto token = signer.sign("alice", now);
  EXPECT_FALSE(other.verify(token, now));
  EXPECT_FALSE(signer.verify(token, now + std::chrono::seconds(60)));
  token[token.find('.') + 2] ^= 1;  // flip a bit of the payload
  EXPECT_FALSE(signer.verify(token, now));
  EXPECT_FALSE(signer.verify("not-a-token", now));
}

TEST(TokenSigner, ShortSecretIsRefused) {
  try {
    TokenSigner signer("short", std::chrono::seconds(60));
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(),
                 "token secret: 5 bytes is too short for HS256 (at least 32 bytes; e.g. "
                 "`openssl rand -hex 32`)");
  }
}

TEST(LoadTokenSecret, WithoutFileOrEnvironmentSaysHowToProvideOne) {
  ::unsetenv("KENDALL_TOKEN_SECRET");
  try {
    load_token_secret("");
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(),
                 "no token secret: pass --token-secret-file FILE or set KENDALL_TOKEN_SECRET (at "
                 "least 32 bytes; e.g. `openssl rand -hex 32`)");
  }
  ::setenv("KENDALL_TOKEN_SECRET", std::string(40, 's').c_str(), 1);
  EXPECT_EQ(load_token_secret(""), std::string(40, 's'));
  ::unsetenv("KENDALL_TOKEN_SECRET");
}

}  // namespace
}  // namespace kendall::services
