// Scenario files: templating, capture across requests, and errors that name file:line.
#include "kendall/loadgen/scenario.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "kendall/base/error.hpp"
#include "kendall/loadgen/run.hpp"
#include "loadgen/test_server.hpp"

namespace kendall::loadgen {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_scenario(text, "s.yaml");
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

TEST(Scenario, FillsTemplatesAndSendsCapturedValuesToLaterRequests) {
  testing::TestServer server;
  const std::string base = server.url();
  const Scenario scenario = parse_scenario(
      "requests:\n"
      "  - name: register\n"
      "    url: " +
          base +
          "token\n"
          "    method: POST\n"
          "    body: {username: \"user-{{seq}}-{{uuid}}\", n: 3}\n"
          "    capture: {username: request.username, token: response.token}\n"
          "  - name: login\n"
          "    url: " +
          base +
          "echo\n"
          "    method: POST\n"
          "    weight: 3\n"
          "    headers: {X-User: \"{{register.username}}\"}\n"
          "    body: {username: \"{{register.username}}\", token: \"{{register.token}}\"}\n",
      "s.yaml");
  ASSERT_EQ(scenario.requests.size(), 2u);
  EXPECT_EQ(scenario.requests[1].needs, std::vector<std::string>{"register"});
  LoadOptions options;
  options.connections = 2;
  options.threads = 1;
  options.requests = 200;
  const StepResult step = run_load(scenario, options).steps[0];
  EXPECT_EQ(step.responses, 200u);
  const auto registered = server.bodies("/token");
  const auto logins = server.bodies("/echo");
  ASSERT_GT(registered.size(), 10u);
  ASSERT_GT(logins.size(), 100u);  // weight 3 of 4, once some users exist
  EXPECT_EQ(registered.size() + logins.size(), 200u);
  std::set<std::string> users;
  for (const auto& body : registered) {
    const auto json = nlohmann::json::parse(body);
    EXPECT_EQ(json["n"], 3);  // a plain YAML number stays a JSON number
    const std::string name = json["username"];
    EXPECT_EQ(name.rfind("user-", 0), 0u);
    ASSERT_GT(name.size(), 42u);  // user-SEQ-UUID, the UUID 36 characters
    EXPECT_EQ(name[name.size() - 37], '-');
    EXPECT_EQ(name[name.size() - 22], '4') << "a version 4 UUID: " << name;
    EXPECT_TRUE(users.insert(name).second) << "usernames are unique: " << name;
  }
  for (const auto& body : logins) {
    const auto json = nlohmann::json::parse(body);
    EXPECT_TRUE(users.contains(json["username"])) << body;  // logins use registered users
    EXPECT_EQ(std::string(json["token"]).rfind("tok-", 0), 0u) << body;
  }
}

TEST(Scenario, ErrorsNameTheFileAndLine) {
  EXPECT_EQ(error_of("requests:\n  - url: http://127.0.0.1:1/\n    metod: GET\n"),
            "s.yaml:3:5: requests[0]: unknown key \"metod\" (expected name, url, method, headers, "
            "body, weight, capture)");
  EXPECT_NE(error_of("requests:\n  - url: ftp://x/\n")
                .find("s.yaml:2:10: requests[0].url: "
                      "\"ftp://x/\": only http://"),
            std::string::npos);
  EXPECT_NE(error_of("requests:\n  - url: http://a:1/\n    body: {u: \"{{nope}}\"}\n")
                .find("s.yaml:2:5: requests[0]: unknown placeholder {{nope}}"),
            std::string::npos);
  EXPECT_NE(error_of("requests:\n  - url: http://a:1/\n    body: {u: \"{{reg.user}}\"}\n")
                .find("needs a request named \"reg\" that captures \"user\""),
            std::string::npos);
  EXPECT_NE(error_of("requests:\n  - url: http://a:1/\n    weight: -1\n").find("s.yaml:3:13"),
            std::string::npos);
}

TEST(Options, ParsesThinkTimesStepsAndRamps) {
  LoadOptions options;
  parse_think_time("fixed:500ms", options);
  EXPECT_EQ(options.think_kind, ThinkTime::fixed);
  EXPECT_DOUBLE_EQ(options.think_time, 0.5);
  parse_think_time("2s", options);
  EXPECT_EQ(options.think_kind, ThinkTime::exponential);
  EXPECT_DOUBLE_EQ(options.think_time, 2);
  const auto steps = parse_rate_steps("50,100,200");
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_DOUBLE_EQ(*steps[2].rate, 200);
  const auto ramp = parse_ramp("100:400:4");
  ASSERT_EQ(ramp.size(), 4u);
  EXPECT_DOUBLE_EQ(*ramp[1].rate, 200);
  EXPECT_THROW(parse_ramp("100:400"), InputError);
  EXPECT_THROW(parse_rate_steps("50,-1"), InputError);
}

}  // namespace
}  // namespace kendall::loadgen
