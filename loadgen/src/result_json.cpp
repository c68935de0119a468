// JSON for RunResult (docs/loadgen.md), with each histogram's bucket counts so that runs merge
// exactly, and the HdrHistogram .hgrm percentile distribution.
#include <cmath>
#include <ostream>

#include <fmt/format.h>

#include "kendall/base/error.hpp"
#include "kendall/loadgen/result.hpp"

namespace kendall::loadgen {
namespace {

constexpr int json_version = 1;

Json summary_json(const Latencies& l) {
  return Json{{"count", l.count()},      {"mean", l.mean()},          {"min", l.histogram.min()},
              {"p50", l.quantile(0.5)},  {"p90", l.quantile(0.9)},    {"p95", l.quantile(0.95)},
              {"p99", l.quantile(0.99)}, {"p999", l.quantile(0.999)}, {"max", l.histogram.max()}};
}

Json histogram_json(const Latencies& l) {
  Json buckets = Json::array();
  for (std::size_t i = 0; i < Histogram::bucket_count; ++i)
    if (const auto c = l.histogram.bucket_at(i))
      buckets.push_back(Json::array({i, c}));
  return Json{{"count", l.count()},
              {"sum", l.sum},
              {"min", l.histogram.min()},
              {"max", l.histogram.max()},
              {"buckets", buckets}};
}

// Rebuilds a histogram with the same bucket counts, min and max, hence the same quantiles:
// min and max are recorded as themselves, every other value at its bucket's midpoint.
Latencies histogram_from_json(const Json& json, const std::string& where) {
  Latencies l;
  const auto count = json.at("count").get<std::uint64_t>();
  l.sum = json.at("sum").get<double>();
  if (count == 0)
    return l;
  const double min = json.at("min").get<double>();
  const double max = json.at("max").get<double>();
  std::vector<std::uint64_t> counts(Histogram::bucket_count, 0);
  std::uint64_t total = 0;
  for (const Json& bucket : json.at("buckets")) {
    const auto index = bucket.at(0).get<std::size_t>();
    if (index >= Histogram::bucket_count)
      throw InputError(fmt::format("{}: bucket index {} is out of range", where, index));
    counts[index] += bucket.at(1).get<std::uint64_t>();
    total += bucket.at(1).get<std::uint64_t>();
  }
  if (total != count || min > max || counts[Histogram::bucket_index(min)] == 0 ||
      counts[Histogram::bucket_index(max)] == 0)
    throw InputError(fmt::format("{}: bucket counts do not match count, min and max", where));
  l.histogram.record(min);
  --counts[Histogram::bucket_index(min)];
  if (count > 1) {
    l.histogram.record(max);
    --counts[Histogram::bucket_index(max)];
  }
  for (std::size_t i = 0; i < Histogram::bucket_count; ++i) {
    const double mid =
        std::clamp(0.5 * (Histogram::bucket_lower(i) + Histogram::bucket_upper(i)), min, max);
    for (std::uint64_t c = 0; c < counts[i]; ++c)
      l.histogram.record(mid);
  }
  return l;
}

Json step_json(const StepResult& s, bool with_histograms) {
  Json json;
  json["target_rate"] = s.target_rate ? Json(*s.target_rate) : Json(nullptr);
  json["duration"] = s.duration;
  json["requests"] = Json{{"sent", s.sent},
                          {"responses", s.responses},
                          {"failed", s.errors.failed()},
                          {"unsent", s.unsent},
                          {"late_sends", s.late_sends}};
  json["errors"] = Json{{"total", s.errors.total()},   {"connect", s.errors.connect},
                        {"timeout", s.errors.timeout}, {"io", s.errors.io},
                        {"4xx", s.errors.status_4xx},  {"5xx", s.errors.status_5xx}};
  json["throughput"] = s.throughput();
  json["achieved_rate"] = s.achieved_rate();
  json["latency"] = summary_json(s.latency);
  json["service_time"] = summary_json(s.service_time);
  json["send_lag"] = summary_json(s.send_lag);
  if (s.outside_server.count() > 0)
    json["outside_server"] = summary_json(s.outside_server);
  const auto gap_scv = s.send_gaps.scv();
  json["send_gaps"] = Json{{"count", s.send_gaps.count},
                           {"mean", s.send_gaps.mean()},
                           {"scv", gap_scv ? Json(*gap_scv) : Json(nullptr)},
                           {"sum", s.send_gaps.sum},
                           {"sum_squares", s.send_gaps.sum_squares}};
  Json codes = Json::object();
  for (const auto& [code, count] : s.status_codes)
    codes[std::to_string(code)] = count;
  json["status_codes"] = codes;
  Json series = Json::array();
  for (std::size_t i = 0; i < s.series.size(); ++i) {
    const SecondStats& b = s.series[i];
    series.push_back(
        Json{{"second", i},
             {"responses", b.responses},
             {"errors", b.errors},
             {"mean_latency", b.responses ? b.latency_sum / static_cast<double>(b.responses) : 0.0},
             {"max_latency", b.latency_max},
             {"latency_sum", b.latency_sum},
             {"late_sends", b.late_sends}});
  }
  json["series"] = series;
  if (with_histograms) {
    json["histograms"] = Json{{"latency", histogram_json(s.latency)},
                              {"service_time", histogram_json(s.service_time)},
                              {"send_lag", histogram_json(s.send_lag)}};
    if (s.outside_server.count() > 0)
      json["histograms"]["outside_server"] = histogram_json(s.outside_server);
  }
  return json;
}

StepResult step_from_json(const Json& json, const std::string& where) {
  StepResult s;
  if (!json.at("target_rate").is_null())
    s.target_rate = json.at("target_rate").get<double>();
  s.duration = json.at("duration").get<double>();
  const Json& requests = json.at("requests");
  s.sent = requests.at("sent").get<std::uint64_t>();
  s.responses = requests.at("responses").get<std::uint64_t>();
  s.unsent = requests.at("unsent").get<std::uint64_t>();
  s.late_sends = requests.at("late_sends").get<std::uint64_t>();
  const Json& errors = json.at("errors");
  s.errors.connect = errors.at("connect").get<std::uint64_t>();
  s.errors.timeout = errors.at("timeout").get<std::uint64_t>();
  s.errors.io = errors.at("io").get<std::uint64_t>();
  s.errors.status_4xx = errors.at("4xx").get<std::uint64_t>();
  s.errors.status_5xx = errors.at("5xx").get<std::uint64_t>();
  for (const auto& [code, count] : json.at("status_codes").items())
    s.status_codes[std::stoi(code)] = count.get<std::uint64_t>();
  if (json.contains("send_gaps")) {  // absent in files from before 2026-11-24
    const Json& gaps = json.at("send_gaps");
    s.send_gaps.count = gaps.at("count").get<std::uint64_t>();
    s.send_gaps.sum = gaps.at("sum").get<double>();
    s.send_gaps.sum_squares = gaps.at("sum_squares").get<double>();
  }
  for (const Json& b : json.at("series"))
    s.series.push_back({b.at("responses").get<std::uint64_t>(), b.at("errors").get<std::uint64_t>(),
                        b.at("latency_sum").get<double>(), b.at("max_latency").get<double>(),
                        b.value("late_sends", std::uint64_t{0})});  // absent before 2026-12-05
  const Json& histograms = json.at("histograms");
  s.latency = histogram_from_json(histograms.at("latency"), where + ".latency");
  s.service_time = histogram_from_json(histograms.at("service_time"), where + ".service_time");
  s.send_lag = histogram_from_json(histograms.at("send_lag"), where + ".send_lag");
  if (histograms.contains("outside_server"))  // only from servers that send Server-Timing
    s.outside_server =
        histogram_from_json(histograms.at("outside_server"), where + ".outside_server");
  return s;
}

}  // namespace

Json to_json(const RunResult& r) {
  Json json;
  json["version"] = json_version;
  json["mode"] = r.mode;
  json["target"] = r.target;
  json["seed"] = r.seed;
  json["threads"] = r.threads;
  json["connections"] = r.connections;
  json["users"] = r.users;
  json["interrupted"] = r.interrupted;
  json["thread_slice"] = {{"requested", r.thread_slice}, {"outcome", r.thread_slice_outcome}};
  // The whole run at the top (steps laid end to end), each step below it.
  StepResult total;
  double duration = 0;
  for (const StepResult& s : r.steps) {
    total.merge(s);
    duration += s.duration;
  }
  total.duration = duration;
  if (r.steps.size() > 1)
    total.target_rate.reset();  // a sum of the steps' rates means nothing
  const Json totals = step_json(total, false);
  for (const auto& [key, value] : totals.items())
    json[key] = value;
  Json steps = Json::array();
  for (const StepResult& s : r.steps)
    steps.push_back(step_json(s, true));
  json["steps"] = steps;
  json["histogram_layout"] = Json{{"kind", "kendall log-linear"},
                                  {"lowest", Histogram::lowest},
                                  {"sub_bucket_bits", Histogram::sub_bucket_bits},
                                  {"bucket_count", Histogram::bucket_count}};
  return json;
}

RunResult from_json(const Json& json, const std::string& source) {
  try {
    if (json.at("version").get<int>() != json_version)
      throw InputError(fmt::format("{}: JSON version {} (this kendall reads version {})", source,
                                   json.at("version").dump(), json_version));
    const Json& layout = json.at("histogram_layout");
    if (layout.at("sub_bucket_bits").get<int>() != Histogram::sub_bucket_bits ||
        layout.at("bucket_count").get<std::size_t>() != Histogram::bucket_count)
      throw InputError(fmt::format("{}: histograms use another bucket layout", source));
    RunResult r;
    r.mode = json.at("mode").get<std::string>();
    r.target = json.at("target").get<std::string>();
    r.seed = json.at("seed").get<std::uint64_t>();
    r.threads = json.at("threads").get<int>();
    r.connections = json.at("connections").get<int>();
    r.users = json.at("users").get<int>();
    r.interrupted = json.at("interrupted").get<bool>();
    if (const auto slice = json.find("thread_slice"); slice != json.end()) {  // since 2026-12
      r.thread_slice = slice->at("requested").get<double>();
      r.thread_slice_outcome = slice->at("outcome").get<std::string>();
    }
    const Json& steps = json.at("steps");
    for (std::size_t i = 0; i < steps.size(); ++i)
      r.steps.push_back(step_from_json(steps[i], fmt::format("{}: steps[{}]", source, i)));
    return r;
  } catch (const nlohmann::json::exception& error) {
    throw InputError(fmt::format("{}: not a kendall loadtest result ({})", source, error.what()));
  }
}

void write_hgrm(std::ostream& out, const Latencies& l) {
  constexpr double unit = 1e3;  // seconds → milliseconds, as wrk2 prints
  constexpr int ticks_per_half_distance = 5;
  const Histogram& h = l.histogram;
  const std::uint64_t total = h.count();
  out << fmt::format("{:>12} {:>14} {:>10} {:>14}\n\n", "Value", "Percentile", "TotalCount",
                     "1/(1-Percentile)");
  // Cumulative count of values in buckets up to the one holding `value`.
  const auto count_at = [&h](double value) {
    std::uint64_t seen = 0;
    const std::size_t last = Histogram::bucket_index(value);
    for (std::size_t i = 0; i <= last; ++i)
      seen += h.bucket_at(i);
    return seen;
  };
  double mean_sq = 0;
  for (std::size_t i = 0; i < Histogram::bucket_count; ++i) {
    if (const auto c = h.bucket_at(i)) {
      const double mid = 0.5 * (Histogram::bucket_lower(i) + Histogram::bucket_upper(i));
      mean_sq += static_cast<double>(c) * (mid - l.mean()) * (mid - l.mean());
    }
  }
  if (total > 0) {
    // Percentile levels as in HdrHistogram's PercentileIterator: the step halves every time
    // the remaining distance to 100% halves.
    double percentile = 0;
    while (true) {
      const double value = h.value_at_quantile(percentile / 100);
      const std::uint64_t seen = count_at(value);
      if (seen >= total || percentile >= 100)
        break;
      out << fmt::format("{:12.3f} {:2.12f} {:10d} {:14.2f}\n", value * unit, percentile / 100,
                         seen, 1 / (1 - percentile / 100));
      const double half_distance =
          std::pow(2.0, std::floor(std::log2(100 / (100 - percentile))) + 1);
      percentile += 100 / (ticks_per_half_distance * half_distance);
    }
    out << fmt::format("{:12.3f} {:2.12f} {:10d}\n", h.max() * unit, 1.0, total);
  }
  const double stddev = total ? std::sqrt(mean_sq / static_cast<double>(total)) : 0;
  out << fmt::format("#[Mean    = {:12.3f}, StdDeviation   = {:12.3f}]\n", l.mean() * unit,
                     stddev * unit);
  out << fmt::format("#[Max     = {:12.3f}, Total count    = {:12d}]\n", h.max() * unit, total);
  out << fmt::format("#[Buckets = {:12d}, SubBuckets     = {:12d}]\n",
                     Histogram::bucket_count >> Histogram::sub_bucket_bits,
                     1 << Histogram::sub_bucket_bits);
}

}  // namespace kendall::loadgen
