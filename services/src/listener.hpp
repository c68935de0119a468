#pragma once
// Accepts connections and gives each its own strand and Session; closes connections beyond
// --max-connections at once.

#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "server_context.hpp"

namespace kendall::services {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  /// Binds and listens; throws std::system_error when the address cannot be bound.
  Listener(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint,
           ServerContext& context);

  void run();
  /// Stops accepting (posted to the acceptor's strand, so safe from any thread).
  void close();
  unsigned short port() const { return port_; }

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  ServerContext& context_;
  unsigned short port_ = 0;
};

}  // namespace kendall::services
