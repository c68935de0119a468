#include "kendall/services/password_hasher.hpp"

#include <argon2.h>
#include <sodium.h>

#include <fmt/format.h>
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>

#include "kendall/base/error.hpp"

namespace kendall::services {

namespace {

constexpr std::size_t salt_bytes = 16;  // as crypto_pwhash_str, so either reads the other's hashes
constexpr std::size_t hash_bytes = 32;
constexpr std::string_view phc_prefix = "$argon2id$v=19$";

void init_sodium() {
  // sodium_init is idempotent and thread-safe; it returns 1 when already initialised.
  if (sodium_init() < 0) {
    throw std::runtime_error("libsodium could not be initialised");
  }
}

// Each thread keeps the memory of its largest hash and hashes into it again. Mapping fresh pages
// for every hash (libsodium's crypto_pwhash does) costs a page fault per 4 KiB and a TLB
// shootdown per unmap: more kernel time than hashing at small costs, and it serialises
// concurrent hashes on the process's memory map (docs/services.md).
struct HashArena {
  std::unique_ptr<std::uint8_t[]> memory;
  std::size_t size = 0;
};
thread_local HashArena arena;

int arena_allocate(std::uint8_t** memory, std::size_t bytes) {
  if (arena.size < bytes) {
    arena.memory.reset();  // never hold two
    arena.memory.reset(new (std::nothrow) std::uint8_t[bytes]);
    arena.size = arena.memory ? bytes : 0;
    if (!arena.memory) {
      return ARGON2_MEMORY_ALLOCATION_ERROR;
    }
  }
  *memory = arena.memory.get();
  return ARGON2_OK;
}

void arena_free(std::uint8_t* /*memory*/, std::size_t /*bytes*/) {
  // Kept for the thread's next hash; libargon2 has already wiped it.
}

// Argon2id with one lane (p=1, as crypto_pwhash), raw output into `out`.
int argon2id(std::string_view password, const std::uint8_t* salt, std::size_t salt_size,
             std::uint32_t passes, std::uint32_t memory_kib, std::uint8_t* out,
             std::size_t out_size) {
  argon2_context context{};
  context.out = out;
  context.outlen = static_cast<std::uint32_t>(out_size);
  // libargon2 does not write to the password without ARGON2_FLAG_CLEAR_PASSWORD.
  context.pwd = reinterpret_cast<std::uint8_t*>(const_cast<char*>(password.data()));
  context.pwdlen = static_cast<std::uint32_t>(password.size());
  context.salt = const_cast<std::uint8_t*>(salt);
  context.saltlen = static_cast<std::uint32_t>(salt_size);
  context.t_cost = passes;
  context.m_cost = memory_kib;
  context.lanes = 1;
  context.threads = 1;
  context.version = ARGON2_VERSION_13;
  context.allocate_cbk = arena_allocate;
  context.free_cbk = arena_free;
  context.flags = ARGON2_DEFAULT_FLAGS;
  return argon2_ctx(&context, Argon2_id);
}

std::string base64(const std::uint8_t* bytes, std::size_t size) {
  const std::size_t room =
      sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
  std::string text(room, '\0');
  sodium_bin2base64(text.data(), room, bytes, size, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
  text.resize(room - 1);  // room counts the terminating NUL
  return text;
}

// The parts of "$argon2id$v=19$m=<KiB>,t=<passes>,p=1$<salt>$<hash>" (PHC string format, base64
// without padding); nothing when `encoded` is anything else.
struct Encoded {
  std::uint32_t memory_kib = 0;
  std::uint32_t passes = 0;
  std::array<std::uint8_t, 64> salt{};
  std::size_t salt_size = 0;
  std::array<std::uint8_t, 64> hash{};
  std::size_t hash_size = 0;
};

bool take(std::string_view& text, std::string_view expected) {
  if (text.substr(0, expected.size()) != expected) {
    return false;
  }
  text.remove_prefix(expected.size());
  return true;
}

std::optional<std::uint32_t> take_number(std::string_view& text) {
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) {
    return std::nullopt;
  }
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return value;
}

template <std::size_t N>
bool take_base64(std::string_view text, std::array<std::uint8_t, N>& out, std::size_t& size) {
  const char* end = nullptr;
  return sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &size, &end,
                           sodium_base64_VARIANT_ORIGINAL_NO_PADDING) == 0 &&
         end == text.data() + text.size();
}

std::optional<Encoded> decode(std::string_view text) {
  Encoded parts;
  std::optional<std::uint32_t> memory, passes;
  if (!take(text, phc_prefix) || !take(text, "m=") || !(memory = take_number(text)) ||
      !take(text, ",t=") || !(passes = take_number(text)) || !take(text, ",p=1$")) {
    return std::nullopt;
  }
  const auto split = text.find('$');
  if (split == std::string_view::npos ||
      !take_base64(text.substr(0, split), parts.salt, parts.salt_size) ||
      !take_base64(text.substr(split + 1), parts.hash, parts.hash_size)) {
    return std::nullopt;
  }
  parts.memory_kib = *memory;
  parts.passes = *passes;
  return parts;
}

}  // namespace

PasswordHasher::PasswordHasher(HashCost cost) : cost_(cost) {
  init_sodium();
  if (cost.ops < ARGON2_MIN_TIME || cost.ops > ARGON2_MAX_TIME) {
    throw InputError(fmt::format("--hash-ops: {} is outside Argon2id's limits ({} to {})", cost.ops,
                                 ARGON2_MIN_TIME, ARGON2_MAX_TIME));
  }
  // As libsodium: the memory in bytes, used in whole KiB, at least 8 KiB (8 blocks, one lane).
  constexpr std::size_t min_bytes = std::size_t{ARGON2_MIN_MEMORY} * 1024;
  constexpr std::size_t max_bytes = std::size_t{std::numeric_limits<std::uint32_t>::max()} * 1024;
  if (cost.memory < min_bytes || cost.memory > max_bytes) {
    throw InputError(fmt::format(
        "--hash-mem: {} bytes is outside Argon2id's limits ({} bytes, i.e. 8KiB, to {} bytes)",
        cost.memory, min_bytes, max_bytes));
  }
  std::array<unsigned char, 32> random_password{};
  randombytes_buf(random_password.data(), random_password.size());
  dummy_hash_ = hash(std::string_view(reinterpret_cast<const char*>(random_password.data()),
                                      random_password.size()));
}

std::string PasswordHasher::hash(std::string_view password) const {
  std::array<std::uint8_t, salt_bytes> salt{};
  randombytes_buf(salt.data(), salt.size());
  std::array<std::uint8_t, hash_bytes> out{};
  const auto memory_kib = static_cast<std::uint32_t>(cost_.memory / 1024);
  const auto passes = static_cast<std::uint32_t>(cost_.ops);
  if (const int status =
          argon2id(password, salt.data(), salt.size(), passes, memory_kib, out.data(), out.size());
      status != ARGON2_OK) {
    throw std::runtime_error(
        fmt::format("password hashing failed: {}", argon2_error_message(status)));
  }
  return fmt::format("{}m={},t={},p=1${}${}", phc_prefix, memory_kib, passes,
                     base64(salt.data(), salt.size()), base64(out.data(), out.size()));
}

bool PasswordHasher::verify(std::string_view password, const std::string& encoded) const {
  const std::optional<Encoded> parts = decode(encoded);
  // A stored hash is checked at the cost it was made with (the cost may have changed since).
  if (!parts || parts->hash_size < 16) {
    return false;
  }
  std::array<std::uint8_t, 64> computed{};
  if (argon2id(password, parts->salt.data(), parts->salt_size, parts->passes, parts->memory_kib,
               computed.data(), parts->hash_size) != ARGON2_OK) {
    return false;
  }
  return sodium_memcmp(computed.data(), parts->hash.data(), parts->hash_size) == 0;
}

void PasswordHasher::verify_dummy(std::string_view password) const {
  // The result is meaningless; only the time spent matters.
  (void)verify(password, dummy_hash_);
}

}  // namespace kendall::services
