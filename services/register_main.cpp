// user-register-service: parses options, runs the service until SIGTERM/SIGINT.
// Exit codes: 0 ok (also after a graceful shutdown), 1 runtime failure, 2 bad input.
#include "kendall/services/server.hpp"

int main(int argc, char** argv) {
  return kendall::services::service_main(
      kendall::services::ServiceKind::register_user, "user-register-service",
      "Kendall's user registration service: POST /register", argc, argv);
}
