#pragma once
// A service executable run as a child process, its stdout and stderr on a pipe: ready once it
// has logged "listening ... port=N" (the readiness signal, no sleeps); killed (SIGKILL) if still
// running when the object goes.

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace kendall::testing {

class ChildService {
 public:
  ChildService(const std::string& binary, const std::vector<std::string>& arguments) {
    int fds[2];
    if (::pipe(fds) != 0)
      throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::dup2(fds[1], STDERR_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<char*> argv{const_cast<char*>(binary.c_str())};
      for (const auto& argument : arguments)
        argv.push_back(const_cast<char*>(argument.c_str()));
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~ChildService() {
    if (pid_ > 0 && exit_code_ < -1) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
  }
  ChildService(const ChildService&) = delete;
  ChildService& operator=(const ChildService&) = delete;

  /// Reads output until the "listening" line and returns the port it names; throws with the
  /// output so far when the child exits or `deadline` passes.
  std::uint16_t wait_ready(std::chrono::milliseconds deadline = std::chrono::seconds(20)) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    for (;;) {
      const auto listening = output_.find("listening");
      const auto at = output_.find(" port=", listening);
      if (listening != std::string::npos && at != std::string::npos &&
          output_.find_first_not_of("0123456789", at + 6) != std::string::npos)
        return static_cast<std::uint16_t>(std::stoi(output_.substr(at + 6)));
      if (!read_some(until))
        throw std::runtime_error("service not ready; output: " + output_);
    }
  }

  /// Waits for the child to exit and returns its exit code (-1 when killed by a signal).
  int wait_exit(std::chrono::milliseconds deadline = std::chrono::seconds(15)) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (read_some(until)) {
    }
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= until)
        throw std::runtime_error("service did not exit in time; output: " + output_);
      ::poll(nullptr, 0, 5);
    }
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_code_;
  }

  void signal(int number) { ::kill(pid_, number); }
  const std::string& output() const { return output_; }

 private:
  // Appends what the pipe has; false on end of file or when `until` passes.
  bool read_some(std::chrono::steady_clock::time_point until) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return false;
    pollfd fd{out_, POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0)
      return false;
    char chunk[4096];
    const auto n = ::read(out_, chunk, sizeof chunk);
    if (n <= 0)
      return false;
    output_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int exit_code_ = -2;  ///< -2: not waited for
  std::string output_;
};

}  // namespace kendall::testing
