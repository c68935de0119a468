#pragma once
/// The bundled services started for a validation run: a private temporary store and secret,
/// free loopback ports, one registered user whose login is the request under test. Everything
/// (processes, the temporary directory) goes away with the object.

#include <filesystem>
#include <memory>
#include <string>

#include "kendall/loadgen/scenario.hpp"
#include "kendall/validate/service_process.hpp"
#include "kendall/validate/validate.hpp"

namespace kendall::validation {

class BundledRun {
 public:
  explicit BundledRun(const BundledServices& config);
  ~BundledRun();
  BundledRun(const BundledRun&) = delete;
  BundledRun& operator=(const BundledRun&) = delete;

  /// POST /login with the registered user's credentials.
  const loadgen::Scenario& login_scenario() const { return scenario_; }
  loadgen::Endpoint login_endpoint() const { return {"127.0.0.1", login_->port()}; }
  int login_pid() const { return login_->pid(); }
  std::string description() const { return description_; }

 private:
  std::filesystem::path directory_;
  std::unique_ptr<ServiceProcess> login_;
  loadgen::Scenario scenario_;
  std::string description_;
};

}  // namespace kendall::validation
