#pragma once
// Accepts connections and gives each a Session on the next I/O thread's io_context (round
// robin); closes connections beyond --max-connections at once.

#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <optional>
#include <vector>

#include "session.hpp"

namespace kendall::services {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  /// Binds and listens; throws std::system_error when the address cannot be bound.
  /// Accepts on `loops[0]`; sessions go to every loop in turn. The loops outlive the listener.
  Listener(std::vector<boost::asio::io_context*> loops,
           const boost::asio::ip::tcp::endpoint& endpoint, ServerContext& context);

  void run();
  /// Stops accepting (posted to the acceptor's io_context, so safe from any thread).
  void close();
  unsigned short port() const { return port_; }

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec);

  std::vector<boost::asio::io_context*> loops_;
  std::size_t next_loop_ = 0;
  std::optional<Session::Socket> peer_;  // the socket the pending accept fills
  boost::asio::ip::tcp::acceptor acceptor_;
  ServerContext& context_;
  unsigned short port_ = 0;
};

}  // namespace kendall::services
