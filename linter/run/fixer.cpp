#include "linter/run/fixer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "linter/parse/parser.h"
#include "linter/parse/walk.h"
#include "linter/run/lint_file.h"
#include "linter/run/notebook.h"
#include "linter/semantic/cpp_preprocess.h"
#include "linter/semantic/syntax_error.h"

namespace torchlint {
namespace fs = std::filesystem;

bool is_applicable(Applicability applicability, bool unsafe) {
  return applicability == Applicability::Safe || (unsafe && applicability == Applicability::Unsafe);
}

namespace {

// Two edits conflict when they overlap or touch (the order of their results would be
// ambiguous), unless they are the same edit.
bool same_edit(const Edit& a, const Edit& b) { return a.start == b.start && a.end == b.end && a.content == b.content; }
bool conflicts(const Edit& a, const Edit& b) { return a.start <= b.end && b.start <= a.end; }

}  // namespace

std::string apply_fixes(std::string_view text, const std::vector<Diagnostic>& diagnostics, bool unsafe,
                        std::size_t& applied) {
  applied = 0;
  // Candidates in source order of their first edit; ties by code, for determinism.
  std::vector<const Diagnostic*> candidates;
  for (const auto& d : diagnostics) {
    if (!d.fix || d.fix->edits.empty() || !is_applicable(d.fix->applicability, unsafe)) continue;
    const bool in_range = std::all_of(d.fix->edits.begin(), d.fix->edits.end(), [&](const Edit& e) {
      return e.start <= e.end && e.end <= text.size();
    });
    if (in_range) candidates.push_back(&d);
  }
  auto first_start = [](const Diagnostic* d) {
    std::uint32_t start = UINT32_MAX;
    for (const auto& e : d->fix->edits) start = std::min(start, e.start);
    return start;
  };
  std::stable_sort(candidates.begin(), candidates.end(), [&](const Diagnostic* a, const Diagnostic* b) {
    const auto sa = first_start(a), sb = first_start(b);
    if (sa != sb) return sa < sb;
    return a->rule->code < b->rule->code;
  });

  std::vector<Edit> taken;
  for (const Diagnostic* d : candidates) {
    std::vector<const Edit*> fresh;
    bool ok = true;
    for (const Edit& edit : d->fix->edits) {
      bool shared = false;
      for (const Edit& other : taken) {
        if (same_edit(edit, other)) {
          shared = true;
          break;
        }
        if (conflicts(edit, other)) {
          ok = false;
          break;
        }
      }
      if (!ok) break;
      // Edits of one fix must not conflict with each other either.
      for (const Edit* mine : fresh) {
        if (conflicts(*mine, edit) && !same_edit(*mine, edit)) ok = false;
      }
      if (!ok) break;
      if (!shared) fresh.push_back(&edit);
    }
    if (!ok) continue;
    for (const Edit* edit : fresh) taken.push_back(*edit);
    ++applied;
  }
  std::sort(taken.begin(), taken.end(), [](const Edit& a, const Edit& b) {
    return a.start != b.start ? a.start < b.start : a.end < b.end;
  });
  std::string out;
  out.reserve(text.size() + 64);
  std::size_t at = 0;
  for (const Edit& edit : taken) {
    out.append(text.substr(at, edit.start - at));
    out += edit.content;
    at = edit.end;
  }
  out.append(text.substr(at));
  return out;
}

SyntaxState syntax_state(std::string_view text, Language language, const Settings& settings) {
  SyntaxState state;
  if (language == Language::Cpp) {
    const std::string recovered = recover_cpp_source(text, settings.attribute_macros);
    Tree tree = parse(language, recovered);
    if (!tree) return state;
    walk_tree(
        ts_tree_root_node(tree.get()),
        [&](TSNode node) {
          if (ts_node_is_error(node) || ts_node_is_missing(node)) ++state.error_nodes;
          return ts_node_has_error(node);
        },
        [](TSNode) {});
    return state;
  }
  Tree tree = parse(language, text);
  if (!tree) {
    state.python_error = true;
    return state;
  }
  SourceFile file("", std::string(text), language);
  if (auto diagnostic = find_syntax_error(file, ts_tree_root_node(tree.get()))) {
    state.python_error = diagnostic->level == Level::Error;
  }
  return state;
}

FixOutcome fix_text(const std::string& path, std::string text, Language language, const Settings& settings,
                    const RuleSet& rules, bool unsafe) {
  FixOutcome outcome;
  SyntaxState before = syntax_state(text, language, settings);
  if (before.python_error) {
    outcome.syntax_error = true;
    outcome.text = std::move(text);
    return outcome;
  }
  for (int round = 0;; ++round) {
    std::vector<Diagnostic> diagnostics;
    {
      SourceFile file(path, text, language);
      diagnostics = lint_source(file, settings, rules);
    }
    std::size_t applied = 0;
    std::string next = apply_fixes(text, diagnostics, unsafe, applied);
    if (applied == 0 || next == text) {
      outcome.remaining = std::move(diagnostics);
      break;
    }
    if (round >= kMaxFixRounds) {
      outcome.converged = false;
      outcome.error = "fixes did not converge after " + std::to_string(kMaxFixRounds) + " rounds";
      outcome.remaining = std::move(diagnostics);
      break;
    }
    const SyntaxState after = syntax_state(next, language, settings);
    if (after.python_error || after.error_nodes > before.error_nodes) {
      std::string codes;
      for (const auto& d : diagnostics) {
        if (d.fix && is_applicable(d.fix->applicability, unsafe) &&
            codes.find(d.rule->code) == std::string::npos) {
          codes += (codes.empty() ? "" : ", ") + std::string(d.rule->code);
        }
      }
      outcome.error = "fixes (" + codes + ") would introduce a syntax error; not applied";
      outcome.remaining = std::move(diagnostics);
      break;
    }
    before = after;
    text = std::move(next);
    outcome.fixed += applied;
    outcome.rounds = round + 1;
  }
  outcome.text = std::move(text);
  return outcome;
}

// ---- files --------------------------------------------------------------------------

namespace detail {

int open_locked(const fs::path& path, std::string& error) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      error = std::strerror(errno);
      return -1;
    }
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno != EINTR) {
        error = std::string("cannot lock: ") + std::strerror(errno);
        ::close(fd);
        return -1;
      }
    }
    // Another run may have replaced the file (rename) while we waited: lock the new one.
    struct stat held {}, current {};
    if (::fstat(fd, &held) == 0 && ::stat(path.c_str(), &current) == 0 && held.st_ino == current.st_ino &&
        held.st_dev == current.st_dev) {
      return fd;
    }
    ::close(fd);
  }
  error = "the file keeps being replaced by another process";
  return -1;
}

bool read_fd(int fd, std::string& content, std::string& error) {
  content.clear();
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = std::strerror(errno);
      return false;
    }
    if (n == 0) return true;
    content.append(buffer, static_cast<std::size_t>(n));
  }
}

void close_fd(int fd) { ::close(fd); }

}  // namespace detail

bool write_file_atomically(const fs::path& path, std::string_view content, std::string& error) {
  std::error_code ec;
  fs::path target = path;
  if (fs::is_symlink(fs::symlink_status(path, ec))) {
    target = fs::weakly_canonical(path, ec);
    if (ec) {
      error = "cannot resolve symlink: " + ec.message();
      return false;
    }
  }
  struct stat info {};
  bool exists = true;
  if (::stat(target.c_str(), &info) != 0) {
    if (errno != ENOENT) {
      error = std::strerror(errno);
      return false;
    }
    // A new file (a baseline): the usual 0666 less the umask.
    exists = false;
    const mode_t mask = ::umask(0);
    ::umask(mask);
    info.st_mode = 0666 & ~mask;
  }
  if (exists && ::access(target.c_str(), W_OK) != 0) {
    error = "not writable: " + std::string(std::strerror(errno));
    return false;
  }
  const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string temp = (directory / ("." + target.filename().string() + ".torchlint-XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    error = "cannot create a temporary file next to it: " + std::string(std::strerror(errno));
    return false;
  }
  bool ok = true;
  std::size_t written = 0;
  while (ok && written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = std::string("write failed: ") + std::strerror(errno);
      ok = false;
    } else {
      written += static_cast<std::size_t>(n);
    }
  }
  if (ok && ::fchmod(fd, info.st_mode & 07777) != 0) {
    error = std::string("cannot copy permissions: ") + std::strerror(errno);
    ok = false;
  }
  if (ok && exists) {
    [[maybe_unused]] const int owner = ::fchown(fd, info.st_uid, info.st_gid);  // best effort (root only)
  }
  if (ok && ::fsync(fd) != 0) {
    error = std::string("fsync failed: ") + std::strerror(errno);
    ok = false;
  }
  ::close(fd);
  if (ok && ::rename(temp.c_str(), target.c_str()) != 0) {
    error = std::string("rename failed: ") + std::strerror(errno);
    ok = false;
  }
  if (!ok) ::unlink(temp.c_str());
  return ok;
}

FileFixResult fix_file(const fs::path& path, const std::string& display_path, const Settings& settings,
                       const RuleSet& rules, bool unsafe, bool diff_only) {
  FileFixResult result;
  result.display_path = display_path;
  Language language = language_for_path(path.string());
  if (is_notebook_path(path)) {
    result.messages.push_back(display_path + ": notebooks are not fixed");
    return result;
  }
  if (language == Language::Unknown) language = Language::Python;
  std::string error;
  bool changed = false;
  const bool ok = update_file_locked(
      path,
      [&](const std::string& content) -> std::optional<std::string> {
        if (content.find('\0') != std::string::npos || !is_valid_utf8(content)) return std::nullopt;
        FixOutcome outcome = fix_text(display_path, content, language, settings, rules, unsafe);
        if (outcome.syntax_error) {
          result.messages.push_back(display_path + ": has a syntax error; not fixed");
          return std::nullopt;
        }
        if (outcome.error) result.messages.push_back(display_path + ": " + *outcome.error);
        if (outcome.text == content) return std::nullopt;
        result.fixed = outcome.fixed;
        result.changed = true;
        if (diff_only) {
          result.diff = unified_diff(content, outcome.text, display_path);
          return std::nullopt;
        }
        return std::move(outcome.text);
      },
      changed, error);
  if (!ok) {
    result.messages.push_back(display_path + ": " + error);
    if (!diff_only) {
      result.changed = false;
      result.fixed = 0;
    }
  }
  return result;
}

// ---- unified diff -------------------------------------------------------------------

namespace {

// Lines with their terminators ("a\n", "b\r\n", and a last line without one).
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t nl = text.find('\n', at);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    lines.push_back(text.substr(at, end - at));
    at = end;
  }
  return lines;
}

enum class Op { Keep, Remove, Add };

// Myers' O(ND) diff over line ids; the edit script as (op, index in a or b).
// Past kMaxD differences it gives up and replaces the whole (trimmed) range: still a
// correct patch, only a coarser one. The trace keeps v[-d..d] per step: O(D^2) memory.
std::vector<std::pair<Op, std::size_t>> myers(const std::vector<int>& a, const std::vector<int>& b) {
  constexpr long kMaxD = 1500;
  const long n = static_cast<long>(a.size()), m = static_cast<long>(b.size());
  const long max_d = std::min<long>(n + m, kMaxD);
  const long offset = max_d + 1;
  std::vector<long> v(static_cast<std::size_t>(2 * offset + 1), 0);
  auto at = [&](long k) -> long& { return v[static_cast<std::size_t>(offset + k)]; };
  std::vector<std::vector<long>> trace;  // trace[d][k + d] = v[k] before step d, k in [-d, d]
  long found_d = -1;
  for (long d = 0; d <= max_d && found_d < 0; ++d) {
    trace.emplace_back(v.begin() + (offset - d), v.begin() + (offset + d + 1));
    for (long k = -d; k <= d; k += 2) {
      long x = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? at(k + 1) : at(k - 1) + 1;
      long y = x - k;
      while (x < n && y < m && a[static_cast<std::size_t>(x)] == b[static_cast<std::size_t>(y)]) ++x, ++y;
      at(k) = x;
      if (x >= n && y >= m) {
        found_d = d;
        break;
      }
    }
  }
  std::vector<std::pair<Op, std::size_t>> script;
  if (found_d < 0) {  // too different: remove all, add all
    for (long i = 0; i < n; ++i) script.emplace_back(Op::Remove, i);
    for (long j = 0; j < m; ++j) script.emplace_back(Op::Add, j);
    return script;
  }
  long x = n, y = m;
  for (long d = found_d; d > 0; --d) {
    const std::vector<long>& pv = trace[static_cast<std::size_t>(d)];
    auto prev = [&](long k) { return pv[static_cast<std::size_t>(k + d)]; };
    const long k = x - y;
    const long prev_k = (k == -d || (k != d && prev(k - 1) < prev(k + 1))) ? k + 1 : k - 1;
    const long prev_x = prev(prev_k);
    const long prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) script.emplace_back(Op::Keep, static_cast<std::size_t>(--x)), --y;
    if (x == prev_x) script.emplace_back(Op::Add, static_cast<std::size_t>(--y));
    else script.emplace_back(Op::Remove, static_cast<std::size_t>(--x));
  }
  while (x > 0 && y > 0) script.emplace_back(Op::Keep, static_cast<std::size_t>(--x)), --y;
  std::reverse(script.begin(), script.end());
  return script;
}

void append_line(std::string& out, char marker, std::string_view line) {
  out += marker;
  out += line;
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

}  // namespace

std::string unified_diff(std::string_view before, std::string_view after, const std::string& label) {
  if (before == after) return {};
  const auto a = split_lines(before), b = split_lines(after);
  // Common prefix and suffix stay out of the O(ND) part.
  std::size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  std::map<std::string_view, int> ids;
  std::vector<int> ia, ib;
  for (std::size_t i = prefix; i < a.size() - suffix; ++i) ia.push_back(ids.try_emplace(a[i], static_cast<int>(ids.size())).first->second);
  for (std::size_t j = prefix; j < b.size() - suffix; ++j) ib.push_back(ids.try_emplace(b[j], static_cast<int>(ids.size())).first->second);

  // Full script over all lines: (op, index in a, index in b).
  struct Step {
    Op op;
    std::size_t i, j;
  };
  std::vector<Step> steps;
  for (std::size_t p = 0; p < prefix; ++p) steps.push_back({Op::Keep, p, p});
  std::size_t i = prefix, j = prefix;
  for (const auto& [op, index] : myers(ia, ib)) {
    (void)index;
    if (op == Op::Keep) steps.push_back({Op::Keep, i++, j++});
    else if (op == Op::Remove) steps.push_back({Op::Remove, i++, j});
    else steps.push_back({Op::Add, i, j++});
  }
  for (std::size_t s = 0; s < suffix; ++s) steps.push_back({Op::Keep, i++, j++});

  constexpr std::size_t kContext = 3;
  std::string out = "--- a/" + label + "\n+++ b/" + label + "\n";
  std::size_t s = 0;
  while (s < steps.size()) {
    while (s < steps.size() && steps[s].op == Op::Keep) ++s;
    if (s == steps.size()) break;
    // Hunk: from kContext before the change to kContext after the last change within reach.
    const std::size_t begin = s >= kContext ? s - kContext : 0;
    std::size_t end = s;
    for (std::size_t t = s; t < steps.size();) {
      if (steps[t].op != Op::Keep) {
        end = t + 1;
        ++t;
        continue;
      }
      std::size_t run = t;
      while (run < steps.size() && steps[run].op == Op::Keep) ++run;
      if (run == steps.size() || run - t > 2 * kContext) break;
      t = run;
    }
    const std::size_t stop = std::min(steps.size(), end + kContext);
    std::size_t a_count = 0, b_count = 0;
    for (std::size_t t = begin; t < stop; ++t) {
      if (steps[t].op != Op::Add) ++a_count;
      if (steps[t].op != Op::Remove) ++b_count;
    }
    const std::size_t a_start = a_count == 0 ? steps[begin].i : steps[begin].i + 1;
    const std::size_t b_start = b_count == 0 ? steps[begin].j : steps[begin].j + 1;
    out += "@@ -" + std::to_string(a_start) + "," + std::to_string(a_count) + " +" + std::to_string(b_start) + "," +
           std::to_string(b_count) + " @@\n";
    for (std::size_t t = begin; t < stop; ++t) {
      switch (steps[t].op) {
        case Op::Keep: append_line(out, ' ', a[steps[t].i]); break;
        case Op::Remove: append_line(out, '-', a[steps[t].i]); break;
        case Op::Add: append_line(out, '+', b[steps[t].j]); break;
      }
    }
    s = stop;
  }
  return out;
}

}  // namespace torchlint
