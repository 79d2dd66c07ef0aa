#pragma once
// Applying fixes (Ruff's model): a Diagnostic may carry a Fix whose applicability is
// Safe (applied by --fix), Unsafe (applied with --unsafe-fixes too) or DisplayOnly
// (shown, never applied). Fixes are applied in rounds until nothing changes (bounded);
// a Python file with a syntax error is never touched, a round that would introduce one
// is dropped; files are written atomically (temp file + rename, permissions kept) under
// an advisory lock, so concurrent runs cannot corrupt them. Line endings and a BOM
// survive because edits are byte replacements of the text as read.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linter/config/settings.h"
#include "linter/run/diagnostic.h"
#include "linter/run/rule_set.h"
#include "linter/source/source_file.h"

namespace torchlint {

// The most fix rounds per file (each round re-lints and applies what does not overlap).
inline constexpr int kMaxFixRounds = 20;

// True when a fix of this applicability is applied (unsafe: --unsafe-fixes given).
bool is_applicable(Applicability applicability, bool unsafe);

// Applies the applicable fixes of `diagnostics` to `text` that do not overlap each other
// (an edit identical to one already taken is shared, not a conflict; the rest wait for
// the next round). Returns the new text; `applied` counts the fixes taken.
std::string apply_fixes(std::string_view text, const std::vector<Diagnostic>& diagnostics, bool unsafe,
                        std::size_t& applied);

// Whether a file's text has a syntax error that forbids fixing it: Python when TL002
// would be an error; C++ never (TL002 is a note there), but the count of parse-error
// nodes is returned so a round that adds some can be refused.
struct SyntaxState {
  bool python_error = false;
  std::size_t error_nodes = 0;
};
SyntaxState syntax_state(std::string_view text, Language language, const Settings& settings);

struct FixOutcome {
  std::string text;                  // the fixed text (== input when nothing applied)
  std::size_t fixed = 0;             // fixes applied over all rounds
  int rounds = 0;
  bool syntax_error = false;         // the input has a syntax error: untouched
  bool converged = true;             // false: still changing after kMaxFixRounds
  std::optional<std::string> error;  // e.g. a round that would introduce a syntax error (dropped)
  std::vector<Diagnostic> remaining; // diagnostics of the final text
};

// Fixes text in memory (the LSP's fixAll, stdin, and each file of --fix / --diff).
FixOutcome fix_text(const std::string& path, std::string text, Language language, const Settings& settings,
                    const RuleSet& rules, bool unsafe);

struct FileFixResult {
  std::string display_path;
  std::size_t fixed = 0;
  bool changed = false;
  std::string diff;                   // --diff: the unified diff (empty when unchanged)
  std::vector<std::string> messages;  // problems to tell the user (stderr)
};

// Reads, fixes and (unless `diff_only`) writes one file back atomically under an advisory
// lock (flock on the file; a writer that replaced it is noticed and the new file is read).
FileFixResult fix_file(const std::filesystem::path& path, const std::string& display_path, const Settings& settings,
                       const RuleSet& rules, bool unsafe, bool diff_only);

// Replaces `path`'s content atomically: a temp file in the same directory, the original's
// permission bits (and owner where allowed), fsync, rename. Follows a symlink to its target.
// False with `error` set on failure (the original is then untouched).
bool write_file_atomically(const std::filesystem::path& path, std::string_view content, std::string& error);

// Runs `update(old_text) -> new_text` on a file under its advisory lock and writes the result
// atomically when it differs. Returns false with `error` on I/O trouble; `changed` tells whether
// the file was rewritten. `update` may return nullopt to leave the file alone.
template <class Update>
bool update_file_locked(const std::filesystem::path& path, Update&& update, bool& changed, std::string& error);

// A unified diff (3 lines of context) from `before` to `after`, headed `--- a/<label>` /
// `+++ b/<label>` so that `patch -p1` applies it; empty when they are equal.
std::string unified_diff(std::string_view before, std::string_view after, const std::string& label);

// --- implementation details of update_file_locked ---
namespace detail {
// Opens and locks the file (retrying while another writer replaces it); -1 on error.
int open_locked(const std::filesystem::path& path, std::string& error);
bool read_fd(int fd, std::string& content, std::string& error);
void close_fd(int fd);
}  // namespace detail

template <class Update>
bool update_file_locked(const std::filesystem::path& path, Update&& update, bool& changed, std::string& error) {
  changed = false;
  const int fd = detail::open_locked(path, error);
  if (fd < 0) return false;
  std::string content;
  bool ok = detail::read_fd(fd, content, error);
  if (ok) {
    std::optional<std::string> updated = update(content);
    if (updated && *updated != content) {
      ok = write_file_atomically(path, *updated, error);
      changed = ok;
    }
  }
  detail::close_fd(fd);  // releases the lock after the rename
  return ok;
}

}  // namespace torchlint
