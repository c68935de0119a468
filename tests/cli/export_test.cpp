// `kendall export` through the real binary, and its Kubernetes output through the real
// `kubectl kustomize` (kustomize v5 is built into kubectl and needs no cluster). Oracles: the
// plan the same binary exports as JSON (the replica counts kubectl must render), the project's
// base manifests (deploy/k8s/base) and the Kubernetes API field names. Without kubectl the
// rendering tests skip, saying so.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "support/run_command.hpp"

namespace kendall {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::run_command;

const std::string spec = std::string(KENDALL_SOURCE_DIR) + "/examples/user-services.yaml";
const std::string base = std::string(KENDALL_SOURCE_DIR) + "/deploy/k8s/base";

using testing::kendall;

bool have_kubectl() {
  static const bool found = run_command("kubectl version --client").exit_code == 0;
  return found;
}

#define REQUIRE_KUBECTL()                                                                 \
  if (!have_kubectl())                                                                    \
  GTEST_SKIP() << "kubectl is not on PATH, so the exported kustomization cannot be "      \
                  "rendered; install kubectl (kustomize is built in, no cluster needed) " \
                  "to run this test"

// A fresh folder under the temp directory, removed when the test ends.
class ScratchFolder {
 public:
  explicit ScratchFolder(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("kendall-export-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchFolder() { fs::remove_all(path_); }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  const fs::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// service → planned replicas, from `kendall export --format json` of the same spec and traffic.
std::map<std::string, int> planned_replicas(const std::string& traffic = "") {
  const auto result = kendall("export " + spec + " --format json --out - " + traffic);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  std::map<std::string, int> replicas;
  for (const auto& s : json["services"])
    replicas[s["name"].get<std::string>()] = s["replicas"].get<int>();
  return replicas;
}

// Rendered documents of `kubectl kustomize folder`, by "Kind/name".
std::map<std::string, YAML::Node> render(const std::string& folder) {
  const auto result = run_command("kubectl kustomize " + folder);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::map<std::string, YAML::Node> documents;
  for (const YAML::Node& doc : YAML::LoadAll(result.out)) {
    documents[doc["kind"].as<std::string>() + "/" + doc["metadata"]["name"].as<std::string>()] =
        doc;
  }
  return documents;
}

TEST(KendallExport, KustomizeWithItsOwnManifestsRendersThePlannedReplicas) {
  REQUIRE_KUBECTL();
  const ScratchFolder out("own");
  const auto result = kendall("export " + spec + " --format kustomize --out " + out / "overlay");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("kubectl apply -k"));
  const auto planned = planned_replicas();
  ASSERT_EQ(planned.size(), 2u);
  const auto documents = render(out / "overlay");
  for (const auto& [name, replicas] : planned) {
    ASSERT_TRUE(documents.count("Deployment/" + name)) << name;
    EXPECT_EQ(documents.at("Deployment/" + name)["spec"]["replicas"].as<int>(), replicas) << name;
    ASSERT_TRUE(documents.count("Service/" + name)) << name;
  }
  // The spec's ports (docs: containerPort = the spec's port), behind Service port 80.
  const YAML::Node login = documents.at("Deployment/user-login-service");
  EXPECT_EQ(
      login["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"].as<int>(),
      5001);
  EXPECT_EQ(
      documents.at("Service/user-register-service")["spec"]["ports"][0]["targetPort"].as<int>(),
      5000);
}

TEST(KendallExport, KustomizeOverTheProjectBaseRendersThePlannedReplicas) {
  REQUIRE_KUBECTL();
  // The output sits outside the base's tree: kustomize must load the base as a folder reference.
  const ScratchFolder out("base");
  const auto result = kendall("export " + spec + " --format kustomize --manifests " + base +
                              " --out " + out / "k8s");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_FALSE(fs::exists(out / "k8s/user-login-service.yaml")) << "the base's manifests are used";
  const auto planned = planned_replicas();
  const auto documents = render(out / "k8s");
  for (const auto& [name, replicas] : planned) {
    ASSERT_TRUE(documents.count("Deployment/" + name)) << name;
    const YAML::Node deployment = documents.at("Deployment/" + name);
    EXPECT_EQ(deployment["spec"]["replicas"].as<int>(), replicas) << name;
    // Only the base has probes and the part-of label: proof the base was rendered.
    const YAML::Node container = deployment["spec"]["template"]["spec"]["containers"][0];
    EXPECT_EQ(container["readinessProbe"]["httpGet"]["path"].as<std::string>(), "/readyz");
    EXPECT_EQ(deployment["metadata"]["labels"]["app.kubernetes.io/part-of"].as<std::string>(),
              "kendall");
  }
}

TEST(KendallExport, TheProjectBaseRendersTheSeedsTwoServices) {
  REQUIRE_KUBECTL();
  const auto documents = render(base);
  ASSERT_EQ(documents.size(), 4u);
  const std::map<std::string, int> ports = {{"user-register-service", 5000},
                                            {"user-login-service", 5001}};
  for (const auto& [name, port] : ports) {
    const YAML::Node deployment = documents.at("Deployment/" + name);
    EXPECT_EQ(deployment["spec"]["replicas"].as<int>(), 2);  // the seed's count
    const YAML::Node container = deployment["spec"]["template"]["spec"]["containers"][0];
    EXPECT_EQ(container["ports"][0]["containerPort"].as<int>(), port);
    EXPECT_EQ(container["args"][3].as<std::string>(), std::to_string(port));
    EXPECT_EQ(container["livenessProbe"]["httpGet"]["path"].as<std::string>(), "/healthz");
    EXPECT_EQ(container["resources"]["requests"]["cpu"].as<std::string>(), "500m");
    EXPECT_EQ(container["resources"]["requests"]["memory"].as<std::string>(), "256Mi");
    const YAML::Node service = documents.at("Service/" + name);
    EXPECT_EQ(service["spec"]["ports"][0]["port"].as<int>(), 80);
    EXPECT_EQ(service["spec"]["ports"][0]["targetPort"].as<int>(), port);
  }
}

TEST(KendallExport, HpaSpansTheScheduleAndKustomizeAcceptsIt) {
  const ScratchFolder out("hpa");
  const std::string rates = "--rates 100,200,400";
  const auto result =
      kendall("export " + spec + " --format hpa " + rates + " --out " + out / "hpa.yaml");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // Oracle: the per-level replicas of the JSON export at the same rates.
  const auto json =
      nlohmann::json::parse(kendall("export " + spec + " --format json --out - " + rates).out);
  ASSERT_EQ(json["schedule"].size(), 3u);
  std::map<std::string, std::pair<int, int>> range;  // service → (min, max)
  for (const auto& row : json["schedule"]) {
    for (const auto& s : row["services"]) {
      const int n = s["replicas"].get<int>();
      auto [it, fresh] = range.try_emplace(s["name"].get<std::string>(), n, n);
      it->second = {std::min(it->second.first, n), std::max(it->second.second, n)};
    }
  }
  const auto documents = YAML::LoadAll(testing::slurp(out / "hpa.yaml"));
  ASSERT_EQ(documents.size(), range.size());
  for (const YAML::Node& hpa : documents) {
    EXPECT_EQ(hpa["apiVersion"].as<std::string>(), "autoscaling/v2");
    const std::string name = hpa["spec"]["scaleTargetRef"]["name"].as<std::string>();
    EXPECT_EQ(hpa["spec"]["minReplicas"].as<int>(), range.at(name).first) << name;
    EXPECT_EQ(hpa["spec"]["maxReplicas"].as<int>(), range.at(name).second) << name;
    const int target =
        hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"].as<int>();
    EXPECT_GE(target, 1);
    EXPECT_LE(target, 100);
  }
  // `kubectl apply --dry-run=client` needs a reachable API server even to validate, so the
  // offline check is kustomize's: it must load the file as Kubernetes resources.
  if (!have_kubectl())
    GTEST_SKIP() << "kubectl is not on PATH: the HPA file was parsed but not loaded by kustomize";
  std::ofstream(out / "kustomization.yaml") << "resources: [hpa.yaml]\n";
  const auto rendered = render(out.path().string());
  EXPECT_TRUE(rendered.count("HorizontalPodAutoscaler/user-login-service"));
  EXPECT_TRUE(rendered.count("HorizontalPodAutoscaler/user-register-service"));
}

TEST(KendallExport, CsvAndJsonGoToStdout) {
  const auto csv = kendall("export " + spec + " --format csv --out - --rates 100,400");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_THAT(csv.out,
              ::testing::StartsWith("level,service,replicas,current_replicas,utilization,cost\n"));
  EXPECT_THAT(csv.out, HasSubstr("\n100/s,user-login-service,"));
  EXPECT_THAT(csv.out, HasSubstr("\n400/s,user-register-service,"));
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'),
            1 + 2 * 2);  // header + services × levels
  const auto json = nlohmann::json::parse(kendall("export " + spec + " --format json --out -").out);
  for (const char* key : {"feasible", "cost", "services"})
    EXPECT_TRUE(json.contains(key)) << key;
  EXPECT_FALSE(json.contains("schedule")) << "one level has no schedule array";
  EXPECT_TRUE(json["services"][0].contains("current_replicas"));
}

TEST(KendallExport, BadInputExitsTwoAndWritesNothing) {
  const ScratchFolder out("bad");
  const auto no_out = kendall("export " + spec + " --format csv");
  EXPECT_EQ(no_out.exit_code, 2);
  EXPECT_THAT(no_out.err, HasSubstr("--out"));
  const auto format = kendall("export " + spec + " --format helm --out " + out / "x");
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_THAT(format.err, HasSubstr("helm"));
  const auto missing = kendall("export " + spec + " --format kustomize --manifests " +
                               out / "nowhere --out " + out / "k");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("no such folder"));
  fs::create_directories(out / "plain");
  std::ofstream(out / "plain/app.yaml") << "kind: Deployment\n";
  const auto plain = kendall("export " + spec + " --format kustomize --manifests " +
                             out / "plain --out " + out / "k");
  EXPECT_EQ(plain.exit_code, 2);
  EXPECT_THAT(plain.err, HasSubstr("no kustomization.yaml"));
  EXPECT_FALSE(fs::exists(out / "k")) << "nothing is written on bad input";
}

TEST(KendallExport, InfeasiblePlanExitsThreeWithTheReasonAndWritesNothing) {
  const ScratchFolder out("infeasible");
  // × 50: login needs 180·50 /s × 25 ms = 225 busy workers, 57 replicas of 4; max_replicas is 20.
  const auto result =
      kendall("export " + spec + " --format kustomize --rate-scale 50 --out " + out / "k");
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_THAT(result.err, HasSubstr("no feasible plan"));
  EXPECT_THAT(result.err, HasSubstr("Nothing was written"));
  EXPECT_FALSE(fs::exists(out / "k"));
}

}  // namespace
}  // namespace kendall
