#include "kendall/validate/service_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "kendall/base/error.hpp"
#include "kendall/validate/http_call.hpp"

extern char** environ;

namespace kendall::validation {

namespace fs = std::filesystem;

fs::path find_service_binary(const std::string& name, const std::string& services_dir) {
  std::vector<fs::path> tried;
  auto usable = [&tried](const fs::path& candidate) {
    tried.push_back(candidate);
    return ::access(candidate.c_str(), X_OK) == 0;
  };
  if (!services_dir.empty()) {
    if (usable(fs::path(services_dir) / name))
      return fs::path(services_dir) / name;
  } else {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
      for (const fs::path& dir :
           {self.parent_path(), self.parent_path().parent_path() / "services"})
        if (usable(dir / name))
          return dir / name;
    }
    if (const char* path = std::getenv("PATH")) {
      std::string_view rest(path);
      while (!rest.empty()) {
        const std::size_t colon = std::min(rest.find(':'), rest.size());
        const fs::path dir(std::string(rest.substr(0, colon)));
        rest.remove_prefix(std::min(colon + 1, rest.size()));
        if (!dir.empty() && ::access((dir / name).c_str(), X_OK) == 0)
          return dir / name;
      }
      tried.emplace_back("$PATH");
    }
  }
  std::string places;
  for (const auto& place : tried)
    places += (places.empty() ? "" : ", ") + place.string();
  throw InputError(fmt::format(
      "cannot find the bundled service {} (looked in: {}); build it (cmake --build --preset "
      "release) or give --services-dir DIR",
      name, places));
}

std::uint16_t free_loopback_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

std::string tail_of_file(const fs::path& file, std::size_t max_lines) {
  std::ifstream in(file);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (lines.size() > max_lines)
      lines.pop_front();
  }
  std::string text;
  for (const auto& line : lines)
    text += "  " + line + "\n";
  return text;
}

ServiceProcess::ServiceProcess(const fs::path& binary, const std::vector<std::string>& arguments,
                               std::uint16_t port, const fs::path& log_file, double ready_timeout)
    : port_(port), log_file_(log_file) {
  std::vector<std::string> args{binary.string()};
  args.insert(args.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  const int spawned = ::posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0)
    throw std::runtime_error(
        fmt::format("cannot start {}: {}", binary.string(), std::strerror(spawned)));

  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(ready_timeout));
  std::string last_problem = "no answer";
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error(fmt::format("{} exited while starting (status {}); its log:\n{}",
                                           binary.filename().string(), status,
                                           tail_of_file(log_file_)));
    }
    try {
      const HttpReply reply = http_call({.port = port, .target = "/readyz", .timeout = 1});
      if (reply.status == 200)
        return;
      last_problem = fmt::format("/readyz answered {}", reply.status);
    } catch (const std::runtime_error& error) {
      last_problem = error.what();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop(2);
  throw std::runtime_error(fmt::format(
      "{} was not ready on 127.0.0.1:{} within {} s ({}); its log:\n{}", binary.filename().string(),
      port, ready_timeout, last_problem, tail_of_file(log_file_)));
}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0)
    stop();
}

int ServiceProcess::stop(double deadline) {
  if (pid_ <= 0)
    return 0;
  ::kill(pid_, SIGTERM);
  const auto until = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                         std::chrono::duration<double>(deadline));
  int status = 0;
  while (std::chrono::steady_clock::now() < until) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

}  // namespace kendall::validation
