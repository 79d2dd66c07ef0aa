#pragma once
// Helpers for end-to-end tests that spawn the built `torchlint` binary: run it with
// arguments, a working directory and standard input, and capture what it prints.
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace torchlint::testing {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::filesystem::path cwd;                   // empty: inherit
  std::optional<std::string> stdin_text;       // nullopt: /dev/null
  bool close_stdin = false;                    // start with file descriptor 0 closed
  std::vector<std::string> env;                // extra NAME=VALUE entries
  std::vector<std::string> prefix;             // e.g. setpriv ... before the program
};

// Runs `program args...`; never throws for a non-zero exit.
inline ProcessResult run_process(const std::string& program, const std::vector<std::string>& args,
                                 const ProcessOptions& options = {}) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::vector<std::string> argv_strings = options.prefix;
  argv_strings.push_back(program);
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (options.close_stdin) {
      close(0);
    } else if (options.stdin_text) {
      dup2(in_pipe[0], 0);
    } else {
      const int null_fd = open("/dev/null", O_RDONLY);
      dup2(null_fd, 0);
    }
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) _exit(126);
    for (const auto& entry : options.env) putenv(const_cast<char*>(entry.c_str()));
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  ProcessResult result;
  // Feed stdin and drain stdout/stderr together so that no pipe fills up and blocks.
  std::string_view pending = options.stdin_text ? std::string_view(*options.stdin_text) : std::string_view();
  int in_fd = in_pipe[1];
  if (pending.empty()) {
    close(in_fd);
    in_fd = -1;
  } else {
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  int out_fd = out_pipe[0];
  int err_fd = err_pipe[0];
  char buffer[65536];
  while (out_fd >= 0 || err_fd >= 0) {
    pollfd fds[3];
    int count = 0;
    if (out_fd >= 0) fds[count++] = {out_fd, POLLIN, 0};
    if (err_fd >= 0) fds[count++] = {err_fd, POLLIN, 0};
    if (in_fd >= 0) fds[count++] = {in_fd, POLLOUT, 0};
    if (poll(fds, count, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in_fd) {
        const ssize_t written = write(in_fd, pending.data(), pending.size());
        if (written > 0) pending.remove_prefix(static_cast<std::size_t>(written));
        if (written < 0 && errno != EAGAIN) pending = {};  // the child closed its stdin
        if (pending.empty()) {
          close(in_fd);
          in_fd = -1;
        }
        continue;
      }
      const ssize_t got = read(fds[i].fd, buffer, sizeof buffer);
      if (got > 0) {
        (fds[i].fd == out_fd ? result.out : result.err).append(buffer, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close(fds[i].fd);
        (fds[i].fd == out_fd ? out_fd : err_fd) = -1;
      }
    }
  }
  if (in_fd >= 0) close(in_fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

inline ProcessResult run_torchlint(const std::vector<std::string>& args, const ProcessOptions& options = {}) {
  return run_process(TORCHLINT_BINARY, args, options);
}

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    const auto base = std::filesystem::temp_directory_path();
    for (int attempt = 0; attempt < 100; ++attempt) {
      path_ = base / ("torchlint-test-" + std::to_string(getpid()) + "-" + std::to_string(random()));
      if (std::filesystem::create_directory(path_)) break;
    }
    std::filesystem::permissions(path_, std::filesystem::perms::all & ~std::filesystem::perms::group_write &
                                            ~std::filesystem::perms::others_write);
  }
  ~TempDir() {
    std::error_code ec;
    // Restore permissions a test removed so that the tree can be deleted.
    for (auto it = std::filesystem::recursive_directory_iterator(
             path_, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec) && !it->is_symlink(ec)) {
        std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ec);
      }
    }
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

  // Writes `text` to `relative` (parents created); returns the full path.
  std::filesystem::path write(const std::string& relative, const std::string& text) const {
    const auto full = path_ / relative;
    std::filesystem::create_directories(full.parent_path());
    std::ofstream stream(full, std::ios::binary | std::ios::trunc);
    stream << text;
    return full;
  }

 private:
  std::filesystem::path path_;
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  return buffer.str();
}

// Everything a run must leave alone under `root`: each entry's type, permissions,
// modification time, symlink target and a hash of its bytes (FNV-1a 64). torchlint's
// own cache directory (.torchlint_cache) is left out.
inline std::string snapshot_tree(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  std::vector<std::string> entries;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& path = it->path();
    if (path.filename() == ".torchlint_cache") {
      it.disable_recursion_pending();
      continue;
    }
    const auto status = fs::symlink_status(path, ec);
    std::ostringstream entry;
    entry << path.lexically_relative(root).generic_string() << " type=" << static_cast<int>(status.type())
          << " perms=" << static_cast<int>(status.permissions());
    if (status.type() == fs::file_type::symlink) {
      entry << " -> " << fs::read_symlink(path, ec).generic_string();
    } else if (status.type() == fs::file_type::regular) {
      entry << " mtime=" << fs::last_write_time(path, ec).time_since_epoch().count();
      std::uint64_t hash = 1469598103934665603ULL;
      std::ifstream stream(path, std::ios::binary);
      char buffer[65536];
      while (stream.read(buffer, sizeof buffer) || stream.gcount() > 0) {
        for (std::streamsize i = 0; i < stream.gcount(); ++i) {
          hash = (hash ^ static_cast<unsigned char>(buffer[i])) * 1099511628211ULL;
        }
      }
      entry << " fnv=" << hash;
    }
    entries.push_back(entry.str());
  }
  std::sort(entries.begin(), entries.end());
  std::string joined;
  for (const auto& entry : entries) joined += entry + "\n";
  return joined;
}

// A concise-format line cut after its level for rule findings, whose wording belongs to
// the rule; meta diagnostics (TL001/TL002) and summary lines are kept whole.
inline std::string essential(const std::string& line) {
  if (line.find(": TL001 [") != std::string::npos || line.find(": TL002 [") != std::string::npos) return line;
  const auto level_end = line.find("] ");
  if (line.find(": TL") != std::string::npos && level_end != std::string::npos) return line.substr(0, level_end + 1);
  return line;
}

// Splits `text` into lines (without their '\n').
inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) lines.push_back(line);
  return lines;
}

// The lines of concise output in essential form, without the fix-availability summary
// (it counts the rules' fixes, which these tests are not about).
inline std::vector<std::string> essential_lines(const std::string& out) {
  std::vector<std::string> lines;
  for (const auto& line : split_lines(out)) {
    if (line.find("fixable with `--fix`") == std::string::npos) lines.push_back(essential(line));
  }
  return lines;
}

}  // namespace torchlint::testing
