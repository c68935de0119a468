// kendall queue MODEL: one station in closed form (model/station.hpp).
#include <memory>
#include <optional>
#include <ostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "json_output.hpp"
#include "kendall/base/duration.hpp"
#include "kendall/base/error.hpp"
#include "kendall/cli/app.hpp"
#include "table.hpp"

namespace kendall::cli {
namespace {

struct QueueOptions {
  model::QueueModel model = model::QueueModel::mm1;
  double arrival_rate = 0;
  std::optional<double> service_rate;
  std::optional<std::string> service_time;
  int servers = 1;
  std::optional<int> capacity;
  std::optional<double> scv;
  double scv_arrival = 1.0;
  Format format = Format::table;
};

model::StationInput to_input(const QueueOptions& o) {
  using model::QueueModel;
  if (o.service_rate.has_value() == o.service_time.has_value()) {
    throw InputError(
        "give exactly one of --service-rate (per second) or --service-time (e.g. 20ms)");
  }
  double mean = 0;
  if (o.service_rate) {
    if (!(*o.service_rate > 0))
      throw InputError("--service-rate must be > 0");
    mean = 1.0 / *o.service_rate;
  } else {
    mean = parse_duration(*o.service_time);
    if (!(mean > 0))
      throw InputError("--service-time must be > 0");
  }
  const bool general = o.model == QueueModel::mg1 || o.model == QueueModel::ggc;
  if (o.scv && !general) {
    throw InputError(fmt::format("--scv applies to mg1 and ggc; {} fixes the service-time SCV",
                                 model::to_string(o.model)));
  }
  if (o.scv_arrival != 1.0 && o.model != QueueModel::ggc) {
    throw InputError("--scv-arrival applies to ggc only (the other models have Poisson arrivals)");
  }
  const bool multi =
      o.model == QueueModel::mmc || o.model == QueueModel::mmck || o.model == QueueModel::ggc;
  if (o.servers != 1 && !multi) {
    throw InputError(fmt::format("--servers applies to mmc, mmck and ggc; {} has {}",
                                 model::to_string(o.model),
                                 o.model == QueueModel::mminf ? "infinitely many" : "one"));
  }
  if (o.capacity && o.model != QueueModel::mmck)
    throw InputError("--capacity applies to mmck only");
  model::StationInput input;
  input.arrival_rate = o.arrival_rate;
  input.servers = o.servers;
  input.capacity = o.capacity;
  input.scv_arrival = o.scv_arrival;
  if (o.model == QueueModel::md1) {
    input.service = Distribution::deterministic(mean);
  } else if (general) {
    input.service = Distribution::from_moments(mean, o.scv.value_or(1.0));
  } else {
    input.service = Distribution::exponential(mean);
  }
  return input;
}

std::string yes_no(bool value) {
  return value ? "yes" : "no";
}

void print_table(std::ostream& out, const model::StationInput& in, const model::StationMetrics& m) {
  out << fmt::format("{}  arrival rate {}/s, service time {}{}{}\n",
                     model::kendall_notation(m.model), number_cell(in.arrival_rate),
                     in.service.describe(),
                     m.model == model::QueueModel::mmc || m.model == model::QueueModel::mmck ||
                             m.model == model::QueueModel::ggc
                         ? fmt::format(", {} servers", in.servers)
                         : "",
                     in.capacity ? fmt::format(", capacity {}", *in.capacity) : "");
  out << "method: " << m.method << "\n\n";
  Table table({"measure", "value"});
  table.add_row({"stable", yes_no(m.stable)});
  if (!m.stable)
    table.add_row({"saturates", m.saturation});
  table.add_row({"offered load (Erlangs)", number_cell(m.offered_load)});
  table.add_row({"utilization per server", number_cell(m.utilization)});
  table.add_row({"throughput (/s)", number_cell(m.throughput)});
  table.add_row({"mean response time", latency_cell(m.mean_response_time)});
  table.add_row({"mean waiting time", latency_cell(m.mean_waiting_time)});
  const auto count = [](const std::optional<double>& v) {
    return v ? number_cell(*v) : std::string("-");
  };
  table.add_row({"mean number in system", count(m.mean_number_in_system)});
  table.add_row({"mean queue length", count(m.mean_queue_length)});
  table.add_row({"probability of waiting", count(m.probability_of_waiting)});
  if (m.probability_of_blocking)
    table.add_row({"probability of blocking", count(m.probability_of_blocking)});
  if (const auto& p = m.response_time_percentiles) {
    table.add_row({"response time p50", latency_cell(p->p50)});
    table.add_row({"response time p90", latency_cell(p->p90)});
    table.add_row({"response time p95", latency_cell(p->p95)});
    table.add_row({"response time p99", latency_cell(p->p99)});
    table.add_row({"response time p99.9", latency_cell(p->p999)});
  }
  out << table.render();
  if (m.response_time_percentiles)
    out << "\npercentiles: " << m.percentile_method << "\n";
}

}  // namespace

void add_queue_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<QueueOptions>();
  CLI::App* command = app.add_subcommand(
      "queue",
      "Solve one queueing station in closed form.\n"
      "Models: mm1, mmc (Erlang C), mmck (finite capacity K, servers included), mminf,\n"
      "mg1 (Pollaczek-Khinchine), md1, ggc (G/G/c, Allen-Cunneen approximation).\n"
      "Example: kendall queue mmc --arrival-rate 9 --service-time 200ms --servers 2");
  const std::map<std::string, model::QueueModel> models = {
      {"mm1", model::QueueModel::mm1},   {"mmc", model::QueueModel::mmc},
      {"mmck", model::QueueModel::mmck}, {"mminf", model::QueueModel::mminf},
      {"mg1", model::QueueModel::mg1},   {"md1", model::QueueModel::md1},
      {"ggc", model::QueueModel::ggc}};
  command
      ->add_option_function<std::string>(
          "model", [options, models](const std::string& name) { options->model = models.at(name); },
          "mm1 | mmc | mmck | mminf | mg1 | md1 | ggc")
      ->required()
      ->check(CLI::IsMember(
          std::vector<std::string>{"mm1", "mmc", "mmck", "mminf", "mg1", "md1", "ggc"}));
  command
      ->add_option("--arrival-rate,-l", options->arrival_rate,
                   "Arrival rate λ in requests per second")
      ->required()
      ->check(CLI::NonNegativeNumber);
  command->add_option("--service-rate,-m", options->service_rate,
                      "Service rate μ per server, per second");
  command->add_option("--service-time,-s", options->service_time,
                      "Mean service time with a unit (20ms, 0.02s; a bare number is seconds)");
  command->add_option("--servers,-c", options->servers, "Servers c (mmc, mmck, ggc)")
      ->check(CLI::Range(1, 10000000));
  command
      ->add_option("--capacity,-K", options->capacity,
                   "Most requests in the station, servers included (mmck)")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--scv", options->scv,
                   "Service-time squared coefficient of variation (mg1, ggc; default 1)")
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--scv-arrival", options->scv_arrival,
                   "Interarrival-time squared coefficient of variation (ggc; default 1)")
      ->check(CLI::NonNegativeNumber);
  add_format_option(*command, options->format);
  command->callback([options, &action] {
    action = [options](std::ostream& out, std::ostream&) {
      const model::StationInput input = to_input(*options);
      const model::StationMetrics metrics = model::solve_station(options->model, input);
      if (options->format == Format::json) {
        out << to_json(metrics).dump(2) << "\n";
      } else {
        print_table(out, input, metrics);
      }
      return static_cast<int>(ok);
    };
  });
}

}  // namespace kendall::cli
