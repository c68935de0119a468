#pragma once
/// Where users live. The services talk to UserStore only; SQLite is the first implementation
/// (a PostgreSQL store will follow behind the same interface).

#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kendall::services {

/// The store could not be reached or failed a statement (not a domain outcome: a taken
/// username is a value, see UserStore::add_user).
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class UserStore {
 public:
  virtual ~UserStore() = default;

  /// Adds a user atomically. false when the username is taken: uniqueness is the store's
  /// constraint, so concurrent adds of one name have exactly one winner. Returns only once
  /// the user is durable. Throws StoreError.
  virtual bool add_user(std::string_view username, std::string_view password_hash) = 0;
  /// The encoded password hash of `username`, nothing when unknown. Throws StoreError.
  virtual std::optional<std::string> password_hash(std::string_view username) = 0;
  /// Whether the store answers a trivial query now (for /readyz). Never throws.
  virtual bool reachable() noexcept = 0;
  /// Number of users. Throws StoreError.
  virtual std::size_t user_count() = 0;
};

/// Opens a store from its URL: "sqlite:PATH" (created when missing). `connections` bounds the
/// connections kept open (one per worker is enough). Throws InputError on an unknown scheme,
/// StoreError when the store cannot be opened.
std::unique_ptr<UserStore> open_user_store(const std::string& url, std::size_t connections);

}  // namespace kendall::services
