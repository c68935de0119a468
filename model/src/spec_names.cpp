// Names of the spec's enumerations as they are written in specs and output.
#include "kendall/model/spec.hpp"

namespace kendall::model {

std::string_view to_string(ServiceType type) {
  return type == ServiceType::queue ? "queue" : "delay";
}

std::string_view to_string(Balancer balancer) {
  switch (balancer) {
    case Balancer::least_request:
      return "least-request";
    case Balancer::round_robin:
      return "round-robin";
    case Balancer::random:
      return "random";
  }
  return "unknown";
}

std::string_view to_string(WorkloadType type) {
  return type == WorkloadType::open ? "open" : "closed";
}

std::string_view to_string(Statistic statistic) {
  switch (statistic) {
    case Statistic::mean:
      return "mean";
    case Statistic::p50:
      return "p50";
    case Statistic::p90:
      return "p90";
    case Statistic::p95:
      return "p95";
    case Statistic::p99:
      return "p99";
    case Statistic::p999:
      return "p999";
  }
  return "unknown";
}

std::optional<std::size_t> System::find_service(std::string_view wanted) const {
  for (std::size_t i = 0; i < services.size(); ++i) {
    if (services[i].name == wanted)
      return i;
  }
  return std::nullopt;
}

std::optional<std::size_t> System::find_class(std::string_view wanted) const {
  for (std::size_t i = 0; i < classes.size(); ++i) {
    if (classes[i].name == wanted)
      return i;
  }
  return std::nullopt;
}

}  // namespace kendall::model
