// kendall export SPEC: a replica plan as a kustomize overlay, HorizontalPodAutoscalers, JSON or
// CSV (model/export.hpp, docs/export.md). The model returns file contents; this file writes them.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>

#include <fmt/format.h>

#include "commands.hpp"
#include "kendall/base/error.hpp"
#include "kendall/cli/app.hpp"
#include "kendall/model/export.hpp"
#include "kendall/model/plan.hpp"
#include "kendall/model/spec.hpp"

namespace kendall::cli {
namespace {

namespace fs = std::filesystem;

struct ExportOptions {
  std::string spec;
  std::string format;
  std::string out;
  std::string manifests;
  std::vector<double> rates;
  std::string schedule;
  double rate_scale = 1.0;
  double time_limit = 10;
};

double total_rate(const model::System& system) {
  double total = 0;
  for (const auto& c : system.classes)
    total += c.rate;
  return total;
}

// --rates are total requests per second with the spec's class mix; the planner takes scales.
std::vector<model::ScheduleLevel> levels_of(const ExportOptions& o, const model::System& system) {
  const double total = total_rate(system);
  if (!o.schedule.empty())
    return model::read_schedule(o.schedule, total);
  if (o.rates.empty())
    return {model::ScheduleLevel{"", 1.0}};
  if (!(total > 0)) {
    throw InputError(
        fmt::format("--rates needs a spec with open traffic to scale; {} has a total "
                    "rate of {}",
                    o.spec, total));
  }
  std::vector<model::ScheduleLevel> levels;
  for (const double rate : o.rates)
    levels.push_back({fmt::format("{:g}/s", rate), rate / total});
  return levels;
}

bool is_kustomization_root(const fs::path& folder) {
  // The three names kustomize accepts (sigs.k8s.io/kustomize/api/konfig).
  for (const char* name : {"kustomization.yaml", "kustomization.yml", "Kustomization"}) {
    if (fs::is_regular_file(folder / name))
      return true;
  }
  return false;
}

// Checks --manifests and returns it as the kustomization in `out` must reference it.
std::string manifests_reference(const std::string& manifests, const fs::path& out) {
  const fs::path folder(manifests);
  if (!fs::exists(folder)) {
    throw InputError(
        fmt::format("--manifests {}: no such folder (give the folder holding your "
                    "Deployments, e.g. --manifests deploy/k8s/base)",
                    manifests));
  }
  if (!fs::is_directory(folder))
    throw InputError(fmt::format("--manifests {}: not a folder", manifests));
  if (!is_kustomization_root(folder)) {
    // Kustomize loads files only from inside the overlay's root, but whole kustomization folders
    // from anywhere: referencing the user's folder keeps their manifests the single source.
    throw InputError(fmt::format(
        "--manifests {}: no kustomization.yaml there; kustomize can use a folder outside the "
        "output only as a kustomization root. Add {}/kustomization.yaml listing your manifests "
        "(apiVersion: kustomize.config.k8s.io/v1beta1, kind: Kustomization, resources: [...])",
        manifests, manifests));
  }
  const fs::path target = fs::weakly_canonical(fs::absolute(folder));
  const fs::path base = fs::weakly_canonical(fs::absolute(out));
  const fs::path relative = target.lexically_relative(base);
  return relative.empty() ? target.generic_string() : relative.generic_string();
}

void write_file(const fs::path& path, const std::string& contents) {
  if (path.has_parent_path())
    fs::create_directories(path.parent_path());
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << contents;
  file.close();
  if (!file)
    throw std::runtime_error(fmt::format("cannot write {}", path.string()));
}

// Plans every level. Each service's utilization at the SLO limit costs about 30 model solves per
// plan: JSON reports it for every level, the HPA needs it only at the peak, the rest not at all.
std::vector<model::ScheduleRow> plan(const ExportOptions& o, const model::System& system,
                                     const std::vector<model::ScheduleLevel>& levels) {
  model::PlanOptions options;
  options.rate_scale = o.rate_scale;
  options.time_limit_seconds = o.time_limit;
  options.find_slo_limit = o.format == "json" || (o.format == "hpa" && levels.size() == 1);
  std::vector<model::ScheduleRow> rows = model::plan_schedule(system, levels, options);
  if (o.format == "hpa" && rows.size() > 1) {
    auto peak = std::max_element(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return a.plan.total_rate < b.plan.total_rate;
    });
    if (peak->plan.feasible) {
      options.find_slo_limit = true;
      options.rate_scale = o.rate_scale * peak->level.rate_scale;
      peak->plan = model::plan_replicas(system, options);
    }
  }
  return rows;
}

/// The project's own kustomize base, when run from a Kendall checkout whose base holds a
/// Deployment for every service of the spec (the bundled services): the default.
std::optional<std::string> project_base(const model::System& system) {
  const fs::path base = "deploy/k8s/base";
  if (!fs::exists(base / "kustomization.yaml"))
    return std::nullopt;
  std::string manifests;
  for (const auto& entry : fs::directory_iterator(base)) {
    if (entry.path().extension() != ".yaml")
      continue;
    std::ifstream in(entry.path());
    manifests += std::string(std::istreambuf_iterator<char>(in), {});
  }
  for (const auto& service : system.services) {
    if (manifests.find("kind: Deployment") == std::string::npos ||
        manifests.find("name: " + service.name + "\n") == std::string::npos) {
      return std::nullopt;
    }
  }
  return base.string();
}

int run_export(const ExportOptions& o, std::ostream& out, std::ostream& err) {
  if (!o.manifests.empty() && o.format != "kustomize")
    throw InputError("--manifests applies to --format kustomize only");
  if (o.out == "-" && o.format == "kustomize")
    throw InputError("--format kustomize writes a folder: give --out DIR, not -");
  if (o.format == "kustomize" && fs::exists(o.out) && !fs::is_directory(o.out))
    throw InputError(fmt::format("--out {}: exists and is not a folder", o.out));
  const model::System system = model::load_system(o.spec);
  model::ExportInput input;
  input.system = &system;
  if (!o.manifests.empty()) {
    input.manifests = manifests_reference(o.manifests, o.out);
  } else if (o.format == "kustomize") {
    if (const auto base = project_base(system)) {
      input.manifests = manifests_reference(*base, o.out);
      err << fmt::format("using the project's manifests in {} (--manifests DIR for your own)\n",
                         *base);
    }
  }

  input.schedule = plan(o, system, levels_of(o, system));
  for (const auto& row : input.schedule) {
    if (!row.plan.feasible) {
      err << fmt::format("kendall: no feasible plan at {}{}: {}\nNothing was written.\n",
                         row.level.label.empty() ? "the spec's traffic" : row.level.label,
                         row.level.label.empty() && o.rate_scale != 1.0
                             ? fmt::format(" × {:g}", o.rate_scale)
                             : "",
                         row.plan.reason);
      return infeasible;
    }
  }

  if (o.format == "json" || o.format == "csv") {
    const std::string text =
        o.format == "json" ? model::export_json(input) : model::export_csv(input);
    if (o.out == "-") {
      out << text;
    } else {
      write_file(o.out, text);
      out << "wrote " << o.out << "\n";
    }
    return ok;
  }

  const model::ExportFiles files =
      o.format == "hpa" ? model::export_hpa(input) : model::export_kustomize(input);
  if (o.format == "hpa") {
    const std::string& text = files.begin()->second;
    if (o.out == "-") {
      out << text;
      return ok;
    }
    // An existing folder (or a path ending in '/') receives hpa.yaml; anything else is the file.
    const bool folder = fs::is_directory(o.out) || o.out.back() == '/';
    const fs::path path = folder ? fs::path(o.out) / files.begin()->first : fs::path(o.out);
    write_file(path, text);
    out << "wrote " << path.string() << "\napply with: kubectl apply -f " << path.string() << "\n";
    return ok;
  }
  for (const auto& [name, text] : files) {
    write_file(fs::path(o.out) / name, text);
    out << "wrote " << (fs::path(o.out) / name).string() << "\n";
  }
  out << "render with: kubectl kustomize " << o.out << "\napply with:  kubectl apply -k " << o.out
      << "\n";
  return ok;
}

}  // namespace

void add_export_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* command = app.add_subcommand(
      "export",
      "Plan replicas (as `kendall plan`) and export the plan for other tools:\n"
      "  kustomize  a folder with kustomization.yaml setting each Deployment's replicas, over\n"
      "             --manifests DIR (a kustomization folder) or seed-style manifests it writes\n"
      "  hpa        autoscaling/v2 HorizontalPodAutoscalers: min/max replicas over the levels,\n"
      "             CPU target from the utilization at which the SLOs still hold\n"
      "  json, csv  the plan per service (and per level); --out - writes to stdout\n"
      "Exit code 3, writing nothing, when a level has no feasible plan. Docs: docs/export.md.\n"
      "Examples: kendall export examples/user-services.yaml --format kustomize --out k8s/overlay\n"
      "            --manifests deploy/k8s/base   (then: kubectl apply -k k8s/overlay)\n"
      "          kendall export examples/user-services.yaml --format hpa --rates 100,200,400 "
      "--out hpa.yaml");
  command->add_option("spec", options->spec, "System spec, YAML or JSON (docs/spec.md)")
      ->required();
  command->add_option("--format", options->format, "kustomize | hpa | json | csv")
      ->required()
      ->check(CLI::IsMember({"kustomize", "hpa", "json", "csv"}));
  command
      ->add_option("--out,-o", options->out,
                   "Output folder (kustomize), file (hpa, json, csv; an existing folder gets "
                   "hpa.yaml), or - for stdout (hpa, json, csv)")
      ->required();
  command->add_option(
      "--manifests", options->manifests,
      "Folder with your Deployments and a kustomization.yaml, used as the "
      "overlay's base (e.g. deploy/k8s/base); default: deploy/k8s/base when run from a "
      "Kendall checkout and it holds every service, else seed-style manifests");
  auto* rates = command
                    ->add_option("--rates", options->rates,
                                 "Plan at these total rates (requests/s, the spec's class mix), "
                                 "e.g. 100,200,400; kustomize uses the first")
                    ->delimiter(',')
                    ->check(CLI::PositiveNumber);
  command
      ->add_option("--schedule", options->schedule,
                   "Plan per time of day from a file of HH:MM,RATE lines (docs/plan.md)")
      ->excludes(rates);
  command
      ->add_option("--rate-scale", options->rate_scale,
                   "Multiply the traffic (the spec's, or every level's) by this factor")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--time-limit", options->time_limit,
                   "GLPK time limit per solve, seconds (default 10)")
      ->check(CLI::PositiveNumber);
  command->callback([options, &action] {
    action = [options](std::ostream& out, std::ostream& err) {
      return run_export(*options, out, err);
    };
  });
}

}  // namespace kendall::cli
