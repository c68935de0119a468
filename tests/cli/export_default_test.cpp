// `kendall export --format kustomize` without --manifests: from a Kendall checkout whose
// deploy/k8s/base holds every service of the spec it builds on that base (issue 4's default);
// anywhere else it writes seed-style manifests of its own (tests/cli/export_test.cpp).
#include <unistd.h>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/run_command.hpp"

namespace kendall {
namespace {

using ::testing::HasSubstr;

TEST(KendallExport, DefaultsToTheProjectBaseInsideACheckout) {
  const auto out = std::filesystem::temp_directory_path() /
                   ("kendall-export-default-" + std::to_string(::getpid()));
  std::filesystem::remove_all(out);
  const auto result = testing::run_command(std::string("cd ") + KENDALL_SOURCE_DIR + " && " +
                                           KENDALL_BINARY + " export examples/user-services.yaml" +
                                           " --format kustomize --out " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("using the project's manifests in deploy/k8s/base"));
  const std::string kustomization = testing::slurp(out / "kustomization.yaml");
  EXPECT_THAT(kustomization, HasSubstr("deploy/k8s/base"));
  EXPECT_FALSE(std::filesystem::exists(out / "user-login-service.yaml"));  // nothing self-written
  std::filesystem::remove_all(out);
}

}  // namespace
}  // namespace kendall
