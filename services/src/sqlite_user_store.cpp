// The SQLite UserStore: WAL, synchronous=FULL (a 201 means the user is on disk), busy_timeout
// (both services open the same file), and a small pool of connections so workers never share
// one.

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "kendall/base/error.hpp"
#include "kendall/services/user_store.hpp"

namespace kendall::services {

namespace {

constexpr int busy_timeout_ms = 5000;

class Connection {
 public:
  explicit Connection(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw StoreError("sqlite: cannot open \"" + path + "\": " + message);
    }
    // busy_timeout first: the other service may hold the lock while switching to WAL.
    sqlite3_busy_timeout(db_, busy_timeout_ms);
    // Switching to WAL can answer SQLITE_BUSY without calling the busy handler while another
    // process creates the same file (both services starting at once), so retry it here.
    const auto until =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
    while (sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr) == SQLITE_BUSY &&
           std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
  }
  ~Connection() { sqlite3_close_v2(db_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      const std::string message = error ? error : sqlite3_errmsg(db_);
      sqlite3_free(error);
      throw StoreError(std::string("sqlite: ") + sql + ": " + message);
    }
  }

  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

/// A prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      throw StoreError(std::string("sqlite: prepare: ") + sqlite3_errmsg(db));
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  int step() { return sqlite3_step(stmt_); }
  std::string column_text(int index) const {
    const auto* text = sqlite3_column_text(stmt_, index);
    return text ? reinterpret_cast<const char*>(text) : "";
  }
  long long column_int(int index) const { return sqlite3_column_int64(stmt_, index); }
  [[noreturn]] void fail() const {
    throw StoreError(std::string("sqlite: ") + sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteUserStore final : public UserStore {
 public:
  SqliteUserStore(std::string path, std::size_t max_connections)
      : path_(std::move(path)), max_connections_(std::max<std::size_t>(1, max_connections)) {
    auto first = std::make_unique<Connection>(path_);
    first->exec(
        "CREATE TABLE IF NOT EXISTS users ("
        " username TEXT PRIMARY KEY NOT NULL,"
        " password_hash TEXT NOT NULL,"
        " created_at INTEGER NOT NULL DEFAULT (strftime('%s','now')))");
    idle_.push_back(std::move(first));
    open_ = 1;
  }

  bool add_user(std::string_view username, std::string_view password_hash) override {
    Lease lease(*this);
    Statement insert(lease->get(), "INSERT INTO users (username, password_hash) VALUES (?, ?)");
    insert.bind(1, username);
    insert.bind(2, password_hash);
    const int rc = insert.step();
    if (rc == SQLITE_DONE) {
      return true;
    }
    if (rc == SQLITE_CONSTRAINT) {
      // The primary key decides races between concurrent registrations of one name.
      return false;
    }
    insert.fail();
  }

  std::optional<std::string> password_hash(std::string_view username) override {
    Lease lease(*this);
    Statement select(lease->get(), "SELECT password_hash FROM users WHERE username = ?");
    select.bind(1, username);
    const int rc = select.step();
    if (rc == SQLITE_ROW) {
      return select.column_text(0);
    }
    if (rc == SQLITE_DONE) {
      return std::nullopt;
    }
    select.fail();
  }

  bool reachable() noexcept override {
    try {
      Lease lease(*this);
      Statement ping(lease->get(), "SELECT count(*) FROM sqlite_master");
      return ping.step() == SQLITE_ROW;
    } catch (...) {
      return false;
    }
  }

  std::size_t user_count() override {
    Lease lease(*this);
    Statement count(lease->get(), "SELECT count(*) FROM users");
    if (count.step() != SQLITE_ROW) {
      count.fail();
    }
    return static_cast<std::size_t>(count.column_int(0));
  }

 private:
  /// One connection borrowed from the pool for the length of a call.
  class Lease {
   public:
    explicit Lease(SqliteUserStore& store) : store_(store), connection_(store.acquire()) {}
    ~Lease() { store_.release(std::move(connection_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection* operator->() const { return connection_.get(); }

   private:
    SqliteUserStore& store_;
    std::unique_ptr<Connection> connection_;
  };

  std::unique_ptr<Connection> acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty() || open_ < max_connections_; });
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++open_;
    lock.unlock();
    try {
      return std::make_unique<Connection>(path_);
    } catch (...) {
      lock.lock();
      --open_;
      available_.notify_one();
      throw;
    }
  }

  void release(std::unique_ptr<Connection> connection) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(connection));
    }
    available_.notify_one();
  }

  std::string path_;
  std::size_t max_connections_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;
};

}  // namespace

std::unique_ptr<UserStore> open_user_store(const std::string& url, std::size_t connections) {
  constexpr std::string_view sqlite_scheme = "sqlite:";
  if (url.starts_with(sqlite_scheme) && url.size() > sqlite_scheme.size()) {
    return std::make_unique<SqliteUserStore>(url.substr(sqlite_scheme.size()), connections);
  }
  throw InputError("--store: \"" + url +
                   "\" is not a store URL (expected sqlite:PATH, e.g. sqlite:users.db)");
}

}  // namespace kendall::services
