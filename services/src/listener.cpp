#include "listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>

namespace kendall::services {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(std::vector<net::io_context*> loops, const tcp::endpoint& endpoint,
                   ServerContext& context)
    : loops_(std::move(loops)), acceptor_(*loops_.front()), context_(context) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void Listener::run() {
  net::post(acceptor_.get_executor(),
            beast::bind_front_handler(&Listener::do_accept, shared_from_this()));
}

void Listener::close() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
  });
}

void Listener::do_accept() {
  // Each connection lives on one I/O thread's loop, so its handlers never run concurrently.
  net::io_context& loop = *loops_[next_loop_];
  next_loop_ = (next_loop_ + 1) % loops_.size();
  peer_.emplace(loop.get_executor());
  acceptor_.async_accept(*peer_,
                         beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec) {
  Session::Socket socket = std::move(*peer_);
  peer_.reset();
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) {
    return;  // closed for shutdown
  }
  if (ec) {
    spdlog::warn("accept failed error=\"{}\"", ec.message());
  } else if (context_.connections.load() >= context_.options->max_connections) {
    context_.metrics->record_refused_connection();
    beast::error_code ignored;
    socket.close(ignored);
  } else {
    socket.set_option(tcp::no_delay(true), ec);
    std::make_shared<Session>(std::move(socket), context_)->run();
  }
  do_accept();
}

}  // namespace kendall::services
