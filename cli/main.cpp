// kendall: performance modelling and capacity planning. All logic lives in kendall_cli.
#include <iostream>

#include "kendall/cli/app.hpp"

int main(int argc, char** argv) {
  return kendall::cli::run(argc, argv, std::cout, std::cerr);
}
