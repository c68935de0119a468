// Reads the system spec (docs/spec.md) from YAML or JSON into model::System, checking every
// field and naming file, line, column and path in each error.
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <string_view>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "kendall/base/duration.hpp"
#include "kendall/base/suggest.hpp"
#include "kendall/model/spec.hpp"
#include "spec_reader.hpp"

namespace kendall::model {
namespace {

using detail::SpecReader;

template <typename Value>
Value choose(const SpecReader& reader, const YAML::Node& node, const std::string& path,
             const std::vector<std::pair<std::string, Value>>& choices) {
  const std::string text = reader.string(node, path);
  std::vector<std::string> names;
  for (const auto& [name, value] : choices) {
    if (name == text)
      return value;
    names.push_back(name);
  }
  reader.fail(node, path,
              fmt::format("unknown value \"{}\" (expected {}){}", text, fmt::join(names, ", "),
                          did_you_mean(text, names)));
}

void require_positive(const SpecReader& reader, const YAML::Node& node, const std::string& path,
                      double value, bool allow_zero = false) {
  if (value < 0 || (!allow_zero && value == 0)) {
    reader.fail(node, path,
                fmt::format("must be {}, found {}", allow_zero ? ">= 0" : "> 0", value));
  }
}

// Fails at the first of `keys` the class has: they belong to the other workload type (`why`).
void reject_keys(const SpecReader& reader, const YAML::Node& node, const std::string& path,
                 std::initializer_list<const char*> keys, std::string_view why) {
  for (const char* key : keys)
    if (node[key])
      reader.fail(node[key], path + "." + key, fmt::format("\"{}\" {}", key, why));
}

// [{jobs: m, index: I(m), skew_index: K(m), blocks: B}, …]: the service times' index of
// dispersion and, optionally, of skewness (model.md, "Correlated service times"), jobs
// ascending from 1; blocks, when the index was measured from that many block sums.
std::vector<DispersionPoint> read_dispersion(const SpecReader& reader, const YAML::Node& node,
                                             const std::string& path) {
  reader.expect_sequence(node, path);
  std::vector<DispersionPoint> points;
  for (std::size_t k = 0; k < node.size(); ++k) {
    const YAML::Node item = node[k];
    const std::string at = fmt::format("{}[{}]", path, k);
    reader.expect_map(item, at, {"jobs", "index", "skew_index", "blocks"});
    const YAML::Node jobs = reader.required(item, "jobs", at);
    const YAML::Node index = reader.required(item, "index", at);
    DispersionPoint point{reader.number(jobs, at + ".jobs"), reader.number(index, at + ".index")};
    if (!std::isfinite(point.jobs) || point.jobs < 1)
      reader.fail(jobs, at + ".jobs",
                  fmt::format("must be a finite number at least 1, found {}", point.jobs));
    if (!points.empty() && point.jobs <= points.back().jobs)
      reader.fail(jobs, at + ".jobs",
                  fmt::format("must exceed the previous point's {} (points ascend in jobs)",
                              points.back().jobs));
    if (!std::isfinite(point.index) || point.index < 0)
      reader.fail(index, at + ".index",
                  fmt::format("must be a finite number >= 0, found {}", point.index));
    if (const YAML::Node blocks = item["blocks"]) {
      point.blocks = reader.number(blocks, at + ".blocks");
      if (!std::isfinite(*point.blocks) || *point.blocks < 2)
        reader.fail(
            blocks, at + ".blocks",
            fmt::format("must be a number of block sums, at least 2, found {}", *point.blocks));
    }
    if (const YAML::Node skew = item["skew_index"]) {
      point.skew_index = reader.number(skew, at + ".skew_index");
      if (!std::isfinite(*point.skew_index))
        reader.fail(skew, at + ".skew_index", "must be a finite number");
    }
    points.push_back(point);
  }
  return points;
}

// A speed by the number busy on a service whose workers do not time-share cores.
std::string needs_time_sharing(const Service& s) {
  return fmt::format(
      "needs cores below workers (workers time-sharing cores); \"{}\" has {} "
      "workers and {}",
      s.name, s.workers, s.cores ? fmt::format("{} cores", *s.cores) : "no cores");
}

// A list of speeds, each in (0, 1]; `meaning(k)` says what item k is, for its error.
template <typename Meaning>
std::vector<double> read_speeds(const SpecReader& reader, const YAML::Node& list,
                                const std::string& at, Meaning meaning) {
  std::vector<double> speeds;
  for (std::size_t k = 0; k < list.size(); ++k) {
    const std::string item = fmt::format("{}[{}]", at, k);
    const double speed = reader.number(list[k], item);
    if (!(speed > 0 && speed <= 1))
      reader.fail(list[k], item,
                  fmt::format("must be in (0, 1] ({}), found {}", meaning(k), speed));
    speeds.push_back(speed);
  }
  return speeds;
}

Service read_service(const SpecReader& reader, const YAML::Node& node, const std::string& path) {
  reader.expect_map(node, path,
                    {"name", "replicas", "workers", "service_time", "type", "balancer",
                     "queue_limit", "cost", "resources", "min_replicas", "max_replicas", "port",
                     "cores", "service_dispersion", "hold_scv", "sharing_speed", "busy_speed"});
  Service s;
  s.location = reader.where(node);
  s.name = reader.string(reader.required(node, "name", path), path + ".name");
  const auto int_at_least = [&](const char* key, int minimum, int fallback) {
    const YAML::Node child = node[key];
    if (!child)
      return fallback;
    const int value = reader.whole_number(child, path + "." + key);
    if (value < minimum) {
      reader.fail(child, path + "." + key,
                  fmt::format("must be at least {}, found {}", minimum, value));
    }
    return value;
  };
  s.replicas = int_at_least("replicas", 1, 1);
  s.workers = int_at_least("workers", 1, 1);
  if (node["cores"])
    s.cores = int_at_least("cores", 1, 1);
  s.min_replicas = int_at_least("min_replicas", 1, 1);
  s.max_replicas = int_at_least("max_replicas", 1, std::max(100, s.replicas));
  if (s.min_replicas > s.max_replicas) {
    reader.fail(
        node["min_replicas"], path + ".min_replicas",
        fmt::format("min_replicas {} exceeds max_replicas {}", s.min_replicas, s.max_replicas));
  }
  if (node["queue_limit"])
    s.queue_limit = int_at_least("queue_limit", 0, 0);
  if (node["port"]) {
    s.port = int_at_least("port", 1, 1);
    if (*s.port > 65535)
      reader.fail(node["port"], path + ".port", "must be at most 65535");
  }
  if (const auto type = node["type"]) {
    s.type = choose<ServiceType>(reader, type, path + ".type",
                                 {{"queue", ServiceType::queue}, {"delay", ServiceType::delay}});
  }
  if (const auto balancer = node["balancer"]) {
    s.balancer = choose<Balancer>(reader, balancer, path + ".balancer",
                                  {{"least-request", Balancer::least_request},
                                   {"round-robin", Balancer::round_robin},
                                   {"random", Balancer::random}});
  }
  if (const auto cost = node["cost"]) {
    s.cost = reader.number(cost, path + ".cost");
    require_positive(reader, cost, path + ".cost", s.cost, true);
  }
  if (const auto resources = node["resources"]) {
    reader.expect_map(resources, path + ".resources", {"cpu", "memory"});
    const auto quantity = [&](const char* key, auto parse) {
      const YAML::Node child = resources[key];
      if (!child)
        return 0.0;
      const std::string field = path + ".resources." + key;
      try {
        return parse(reader.string(child, field));
      } catch (const InputError& error) {
        reader.fail(child, field, error.what());
      }
    };
    s.resources.cpu = quantity("cpu", [](const std::string& t) { return parse_cpu(t); });
    s.resources.memory = quantity("memory", [](const std::string& t) { return parse_size(t); });
  }
  const YAML::Node time = node["service_time"];
  if (!time) {
    reader.fail(node, path,
                fmt::format("service \"{}\" has no service_time (e.g. service_time: "
                            "20ms, or {{mean: 20ms, scv: 0.5}})",
                            s.name));
  }
  s.service_time = reader.distribution(time, path + ".service_time");
  if (const auto dispersion = node["service_dispersion"])
    s.service_dispersion = read_dispersion(reader, dispersion, path + ".service_dispersion");
  if (const auto hold = node["hold_scv"]) {
    s.hold_scv = reader.number(hold, path + ".hold_scv");
    if (!(*s.hold_scv >= 0) || !std::isfinite(*s.hold_scv))
      reader.fail(hold, path + ".hold_scv",
                  fmt::format("must be a finite number >= 0 (the SCV of the time a request "
                              "holds a worker), found {}",
                              *s.hold_scv));
  }
  if (const auto sharing = node["sharing_speed"]) {
    const std::string at = path + ".sharing_speed";
    reader.expect_sequence(sharing, at);
    const int beyond = s.cores ? s.workers - *s.cores : 0;
    if (beyond <= 0)
      reader.fail(sharing, at, needs_time_sharing(s));
    if (sharing.size() != static_cast<std::size_t>(beyond))
      reader.fail(sharing, at,
                  fmt::format("has {} speeds; {} workers on {} cores need {}: the cores' speed "
                              "with {} to {} busy, relative to {} busy (e.g. [0.95, 0.9])",
                              sharing.size(), s.workers, *s.cores, beyond, *s.cores + 1, s.workers,
                              *s.cores));
    s.sharing_speed = read_speeds(reader, sharing, at, [&](std::size_t k) {
      return fmt::format(
          "the cores' speed with {} busy relative to {} busy; sharing never adds cores",
          *s.cores + 1 + static_cast<int>(k), *s.cores);
    });
  }
  if (const auto busy = node["busy_speed"]) {
    const std::string at = path + ".busy_speed";
    reader.expect_sequence(busy, at);
    if (!s.cores || *s.cores >= s.workers)
      reader.fail(busy, at, needs_time_sharing(s));
    if (node["sharing_speed"])
      reader.fail(busy, at,
                  "gives the speed at every number busy, sharing_speed only beyond the cores; "
                  "give one of them");
    if (busy.size() != static_cast<std::size_t>(s.workers))
      reader.fail(busy, at,
                  fmt::format("has {} speeds; {} workers need {}: the cores' speed with 1 to {} "
                              "busy, relative to the service time (e.g. [0.95, 0.8, 0.9, 0.9])",
                              busy.size(), s.workers, s.workers, s.workers));
    s.busy_speed = read_speeds(reader, busy, at, [](std::size_t k) {
      return fmt::format(
          "the speed the cores run the work at with {} busy, relative to the service time", k + 1);
    });
  }
  return s;
}

WorkloadClass read_class(const SpecReader& reader, const System& system, const YAML::Node& node,
                         const std::string& path) {
  reader.expect_map(
      node, path,
      {"name", "rate", "arrival_scv", "population", "think_time", "visits", "service_times"});
  WorkloadClass c;
  c.location = reader.where(node);
  c.name = reader.string(reader.required(node, "name", path), path + ".name");
  if (system.workload == WorkloadType::open) {
    reject_keys(reader, node, path, {"population", "think_time"},
                "belongs to closed workloads; this workload is open (set workload.type: closed, "
                "or give a rate)");
    const YAML::Node rate = reader.required(node, "rate", path);
    c.rate = reader.number(rate, path + ".rate");
    require_positive(reader, rate, path + ".rate", c.rate);
    if (const YAML::Node scv = node["arrival_scv"]) {
      c.arrival_scv = reader.number(scv, path + ".arrival_scv");
      require_positive(reader, scv, path + ".arrival_scv", c.arrival_scv, true);
    }
  } else {
    reject_keys(reader, node, path, {"rate", "arrival_scv"},
                "belongs to open workloads; a closed class has population and think_time");
    const YAML::Node population = reader.required(node, "population", path);
    c.population = reader.whole_number(population, path + ".population");
    if (c.population < 1)
      reader.fail(population, path + ".population", "must be at least 1");
    if (const auto think = node["think_time"]) {
      c.think_time = reader.distribution(think, path + ".think_time");
    }
  }
  const YAML::Node visits = reader.required(node, "visits", path);
  if (!visits.IsMap() || visits.size() == 0) {
    reader.fail(
        visits, path + ".visits",
        "expected a mapping of service name to visits per request, e.g. {user-login-service: 1}");
  }
  std::vector<std::string> service_names;
  for (const auto& s : system.services)
    service_names.push_back(s.name);
  for (const auto& entry : visits) {
    const std::string name = entry.first.Scalar();
    const std::string field = path + ".visits." + name;
    const auto index = system.find_service(name);
    if (!index) {
      reader.fail(entry.first, field,
                  fmt::format("unknown service \"{}\" (services: {}){}", name,
                              fmt::join(service_names, ", "), did_you_mean(name, service_names)));
    }
    const double count = reader.number(entry.second, field);
    require_positive(reader, entry.second, field, count, true);
    c.visits.push_back(Visit{*index, count, std::nullopt});
  }
  if (const auto times = node["service_times"]) {
    if (!times.IsMap())
      reader.fail(times, path + ".service_times", "expected a mapping");
    for (const auto& entry : times) {
      const std::string name = entry.first.Scalar();
      const std::string field = path + ".service_times." + name;
      const auto index = system.find_service(name);
      auto visit = std::find_if(c.visits.begin(), c.visits.end(),
                                [&](const Visit& v) { return index && v.service == *index; });
      if (visit == c.visits.end()) {
        reader.fail(entry.first, field,
                    fmt::format("\"{}\" is not among this class's visits", name));
      }
      visit->service_time = reader.distribution(entry.second, field);
    }
  }
  return c;
}

Slo read_slo(const SpecReader& reader, const System& system, const YAML::Node& node,
             const std::string& path) {
  reader.expect_map(node, path, {"class", "statistic", "latency"});
  Slo slo;
  slo.location = reader.where(node);
  const YAML::Node name_node = reader.required(node, "class", path);
  const std::string name = reader.string(name_node, path + ".class");
  const auto index = system.find_class(name);
  if (!index) {
    std::vector<std::string> names;
    for (const auto& c : system.classes)
      names.push_back(c.name);
    reader.fail(name_node, path + ".class",
                fmt::format("unknown class \"{}\"{}", name, did_you_mean(name, names)));
  }
  slo.workload_class = *index;
  if (const auto statistic = node["statistic"]) {
    slo.statistic = choose<Statistic>(reader, statistic, path + ".statistic",
                                      {{"mean", Statistic::mean},
                                       {"p50", Statistic::p50},
                                       {"p90", Statistic::p90},
                                       {"p95", Statistic::p95},
                                       {"p99", Statistic::p99},
                                       {"p999", Statistic::p999}});
  }
  const YAML::Node latency = reader.required(node, "latency", path);
  slo.latency = reader.duration(latency, path + ".latency");
  require_positive(reader, latency, path + ".latency", slo.latency);
  return slo;
}

System read_system(const SpecReader& reader, const YAML::Node& root) {
  reader.expect_map(
      root, "", {"apiVersion", "kind", "metadata", "plan", "nodes", "services", "workload", "slo"});
  System system;
  system.source = reader.source();
  const YAML::Node api = reader.required(root, "apiVersion", "");
  if (reader.string(api, "apiVersion") != "kendall/v1") {
    reader.fail(api, "apiVersion",
                fmt::format("unsupported version \"{}\" (expected kendall/v1)", api.Scalar()));
  }
  if (const auto kind = root["kind"]; kind && reader.string(kind, "kind") != "System") {
    reader.fail(kind, "kind",
                fmt::format("unsupported kind \"{}\" (expected System)", kind.Scalar()));
  }
  if (const auto metadata = root["metadata"]) {
    reader.expect_map(metadata, "metadata", {"name", "description"});
    if (metadata["name"])
      system.name = reader.string(metadata["name"], "metadata.name");
  }
  if (const auto plan = root["plan"]) {
    reader.expect_map(plan, "plan", {"max_utilization", "objective"});
    if (const auto cap = plan["max_utilization"]) {
      system.plan.max_utilization = reader.number(cap, "plan.max_utilization");
      if (!(system.plan.max_utilization > 0 && system.plan.max_utilization <= 1)) {
        reader.fail(cap, "plan.max_utilization", "must be in (0, 1], e.g. 0.8");
      }
    }
    if (const auto objective = plan["objective"]) {
      system.plan.objective =
          choose<std::string>(reader, objective, "plan.objective", {{"cost", "cost"}});
    }
  }
  if (const auto nodes = root["nodes"]) {
    reader.expect_map(nodes, "nodes", {"count", "cpu", "memory", "cost"});
    NodePool pool;
    pool.count = reader.whole_number(reader.required(nodes, "count", "nodes"), "nodes.count");
    try {
      pool.cpu = parse_cpu(reader.string(reader.required(nodes, "cpu", "nodes"), "nodes.cpu"));
      pool.memory =
          parse_size(reader.string(reader.required(nodes, "memory", "nodes"), "nodes.memory"));
    } catch (const InputError& error) {
      reader.fail(nodes, "nodes", error.what());
    }
    if (nodes["cost"])
      pool.cost = reader.number(nodes["cost"], "nodes.cost");
    if (pool.count < 1)
      reader.fail(nodes["count"], "nodes.count", "must be at least 1");
    system.nodes = pool;
  }

  const YAML::Node services = reader.required(root, "services", "");
  reader.expect_sequence(services, "services");
  if (services.size() == 0)
    reader.fail(services, "services", "needs at least one service");
  for (std::size_t i = 0; i < services.size(); ++i) {
    const std::string path = fmt::format("services[{}]", i);
    Service s = read_service(reader, services[i], path);
    if (system.find_service(s.name)) {
      reader.fail(services[i]["name"], path + ".name",
                  fmt::format("duplicate service name \"{}\"", s.name));
    }
    system.services.push_back(std::move(s));
  }

  const YAML::Node workload = reader.required(root, "workload", "");
  reader.expect_map(workload, "workload", {"type", "classes"});
  if (const auto type = workload["type"]) {
    system.workload =
        choose<WorkloadType>(reader, type, "workload.type",
                             {{"open", WorkloadType::open}, {"closed", WorkloadType::closed}});
  }
  const YAML::Node classes = reader.required(workload, "classes", "workload");
  reader.expect_sequence(classes, "workload.classes");
  if (classes.size() == 0)
    reader.fail(classes, "workload.classes", "needs at least one class");
  for (std::size_t i = 0; i < classes.size(); ++i) {
    const std::string path = fmt::format("workload.classes[{}]", i);
    WorkloadClass c = read_class(reader, system, classes[i], path);
    if (system.find_class(c.name)) {
      reader.fail(classes[i]["name"], path + ".name",
                  fmt::format("duplicate class name \"{}\"", c.name));
    }
    system.classes.push_back(std::move(c));
  }

  if (const auto slos = root["slo"]) {
    reader.expect_sequence(slos, "slo");
    for (std::size_t i = 0; i < slos.size(); ++i) {
      system.slos.push_back(read_slo(reader, system, slos[i], fmt::format("slo[{}]", i)));
    }
  }
  return system;
}

}  // namespace

System parse_system(const std::string& text, const std::string& source) {
  const SpecReader reader(source);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw InputError(SourceLocation{source, error.mark.line + 1, error.mark.column + 1},
                     fmt::format("not valid YAML or JSON: {}", error.msg));
  }
  if (!root.IsMap()) {
    throw InputError(
        SourceLocation{source, 0, 0},
        "expected a spec mapping with apiVersion, services and workload (see docs/spec.md)");
  }
  return read_system(reader, root);
}

System load_system(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw InputError(fmt::format("cannot read spec \"{}\": no such file or not readable", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_system(text.str(), path);
}

}  // namespace kendall::model
