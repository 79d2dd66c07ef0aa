// TL003 unused-suppression: suppression comments that suppress nothing in this run. Emitted
// by the engine after the file's diagnostics were filtered (linter/run/unused_suppressions.h).
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "linter/run/fix_helpers.h"
#include "linter/run/glob.h"
#include "linter/run/rule.h"
#include "linter/run/suppressions.h"
#include "linter/run/unused_suppressions.h"

namespace torchlint {
namespace {

std::string upper(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return result;
}

// A listed code's byte span within the comment (noqa lists come from noqa_code_spans).
using Token = CodeSpan;

// Comma-separated entries inside `NOLINT(...)` (clang-tidy check names included), trimmed.
std::vector<Token> paren_tokens(std::string_view comment, std::size_t open, std::size_t close) {
  std::vector<Token> tokens;
  std::size_t i = open + 1;
  while (i < close) {
    std::size_t end = comment.find(',', i);
    if (end == std::string_view::npos || end > close) end = close;
    std::size_t s = i, e = end;
    while (s < e && std::isspace(static_cast<unsigned char>(comment[s]))) ++s;
    while (e > s && std::isspace(static_cast<unsigned char>(comment[e - 1]))) --e;
    if (e > s) tokens.push_back({s, e});
    i = end + 1;
  }
  return tokens;
}

// Removes the whole comment: its line when nothing else is on it, else the comment and the
// blanks before it.
Edit remove_comment(std::string_view text, std::uint32_t start, std::uint32_t end) {
  std::uint32_t line_start = start;
  while (line_start > 0 && text[line_start - 1] != '\n') --line_start;
  std::uint32_t line_end = end;
  while (line_end < text.size() && text[line_end] != '\n') ++line_end;
  auto blank = [&](std::uint32_t from, std::uint32_t to) {
    for (std::uint32_t i = from; i < to; ++i) {
      if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\f') return false;
    }
    return true;
  };
  if (blank(line_start, start) && blank(end, line_end)) {
    return replace_edit(line_start, line_end < text.size() ? line_end + 1 : line_end, "");
  }
  std::uint32_t from = start;
  while (from > line_start && (text[from - 1] == ' ' || text[from - 1] == '\t')) --from;
  return replace_edit(from, end, "");
}

// The edit that drops the codes in `remove` (upper case) from the directive in the comment
// [start, end); nullopt when the comment is not understood well enough to edit it.
std::optional<Edit> removal_edit(std::string_view text, std::uint32_t start, std::uint32_t end, Language language,
                                 const std::vector<std::string>& remove, bool remove_all) {
  const std::string_view comment = text.substr(start, end - start);
  const std::string lowered = ascii_lower(comment);
  auto rewrite = [&](const std::vector<Token>& tokens) -> std::optional<Edit> {
    std::vector<std::string> keep;
    for (const Token& token : tokens) {
      const std::string code = upper(comment.substr(token.start, token.end - token.start));
      if (!remove_all && std::find(remove.begin(), remove.end(), code) == remove.end()) {
        keep.emplace_back(comment.substr(token.start, token.end - token.start));
      }
    }
    if (keep.empty()) return std::nullopt;
    std::string joined;
    for (const auto& code : keep) joined += (joined.empty() ? "" : ", ") + code;
    return replace_edit(start + static_cast<std::uint32_t>(tokens.front().start),
                        start + static_cast<std::uint32_t>(tokens.back().end), joined);
  };
  // Where the directive starts: back over blanks and its own `#` / `//` opener.
  auto directive_edit = [&](std::size_t marker, std::size_t directive_end) -> Edit {
    std::size_t from = marker;
    while (from > 0 && comment[from - 1] == ' ') --from;
    if (from > 0 && comment[from - 1] == '#') --from;
    else if (from > 1 && comment.substr(from - 2, 2) == "//") from -= 2;
    const bool opener_only = from == 0 || (comment.starts_with("/*") && from <= 2);
    if (opener_only) return remove_comment(text, start, end);
    while (from > 0 && (comment[from - 1] == ' ' || comment[from - 1] == '\t')) --from;
    return replace_edit(start + static_cast<std::uint32_t>(from), start + static_cast<std::uint32_t>(directive_end), "");
  };

  if (const auto file_level = lowered.find("torchlint: noqa"); file_level != std::string::npos) {
    const auto tokens = noqa_code_spans(comment, file_level + 15);
    if (!tokens.empty() && !remove_all) {
      if (auto edit = rewrite(tokens)) return edit;
    }
    return directive_edit(file_level, tokens.empty() ? file_level + 15 : tokens.back().end);
  }
  if (language == Language::Python) {
    const auto pos = lowered.find("noqa");
    if (pos == std::string::npos) return std::nullopt;
    const auto tokens = noqa_code_spans(comment, pos + 4);
    if (tokens.empty()) return std::nullopt;
    if (auto edit = rewrite(tokens)) return edit;
    return directive_edit(pos, tokens.back().end);
  }
  // C++: exactly one NOLINT / NOLINTNEXTLINE marker with a list.
  const auto pos = comment.find("NOLINT");
  if (pos == std::string_view::npos || comment.find("NOLINT", pos + 6) != std::string_view::npos) return std::nullopt;
  std::size_t open = pos + 6;
  if (comment.substr(open).starts_with("NEXTLINE")) open += 8;
  else if (comment.substr(open).starts_with("BEGIN") || comment.substr(open).starts_with("END")) return std::nullopt;
  if (open >= comment.size() || comment[open] != '(') return std::nullopt;
  const std::size_t close = comment.find(')', open);
  if (close == std::string_view::npos) return std::nullopt;
  const auto tokens = paren_tokens(comment, open, close);
  if (tokens.empty()) return std::nullopt;
  if (auto edit = rewrite(tokens)) return edit;
  // Nothing but the marker (and a closing `*/`) in the comment: remove the comment.
  std::string_view rest = comment.substr(close + 1);
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  if (rest.empty() || rest == "*/") {
    const std::string_view head = comment.substr(0, pos);
    const bool opener_only = std::all_of(head.begin(), head.end(), [](char c) { return c == '/' || c == '*' || c == ' ' || c == '\t'; });
    if (opener_only) return remove_comment(text, start, end);
  }
  std::size_t from = pos;
  while (from > 0 && (comment[from - 1] == ' ' || comment[from - 1] == '\t')) --from;
  return replace_edit(start + static_cast<std::uint32_t>(from), start + static_cast<std::uint32_t>(close + 1), "");
}

// TL9 findings are joined after the per-file stage, so their suppressions are not judged here.
bool is_project_code(std::string_view code) { return code.starts_with("TL9"); }

}  // namespace

void report_unused_suppressions(const SourceFile& file, const SuppressionSet& suppressions, const RuleSet& rules,
                                const Settings& settings, std::vector<Diagnostic>& diagnostics) {
  const Rule* self = find_rule("TL003");
  if (self == nullptr) return;
  // Codes per-file-ignores switch off for this file count as not enabled.
  std::vector<std::string> ignored;
  if (!settings.per_file_ignores.empty()) {
    const std::string relative = relative_for_matching(file.path(), settings.root);
    for (const auto& [pattern, codes] : settings.per_file_ignores) {
      if (glob_match_path(pattern, relative)) ignored.insert(ignored.end(), codes.begin(), codes.end());
    }
  }
  auto enabled = [&](std::string_view code) {
    if (!rules.enabled(code)) return false;
    return std::none_of(ignored.begin(), ignored.end(),
                        [&](const std::string& p) { return p == "ALL" || code.starts_with(p); });
  };

  // One report per comment: entries that share a comment are judged together.
  struct Unused {
    std::vector<std::string> codes;    // unused codes, in comment order
    bool all = false;                  // a bare file-level `torchlint: noqa` that matched nothing
    bool unsafe = false;               // a code not enabled here, or unknown
    bool region = false;               // NOLINTBEGIN/END: reported, not fixed
    bool lists_tl003 = false;
    std::vector<std::string> notes;
  };
  std::map<std::pair<std::uint32_t, std::uint32_t>, Unused> by_comment;
  const std::string_view text = file.text();
  for (const Suppression& entry : suppressions.entries()) {
    if (entry.comment_end <= entry.comment_start || entry.comment_end > text.size()) continue;
    // A comment token may end with the CR of a CRLF line end: not part of the comment.
    std::uint32_t comment_end = entry.comment_end;
    while (comment_end > entry.comment_start && text[comment_end - 1] == '\r') --comment_end;
    const std::string_view comment = text.substr(entry.comment_start, comment_end - entry.comment_start);
    const bool torchlint_directive = ascii_lower(comment).find("torchlint: noqa") != std::string::npos;
    const auto key = std::make_pair(entry.comment_start, comment_end);
    if (entry.all_codes) {
      // A bare `# noqa` / `// NOLINT` may serve flake8, Ruff or clang-tidy too: only the
      // torchlint-specific file-level form is judged.
      if (!torchlint_directive || entry.used) continue;
      by_comment[key].all = true;
      continue;
    }
    for (std::size_t i = 0; i < entry.codes.size(); ++i) {
      const std::string& code = entry.codes[i];
      if (code == "TL003") by_comment[key].lists_tl003 = true;
      if (is_project_code(code) || code == "TL003") continue;
      if (i < 64 && (entry.used_codes >> i & 1U) != 0) continue;
      Unused& unused = by_comment[key];
      if (std::find(unused.codes.begin(), unused.codes.end(), code) != unused.codes.end()) continue;
      unused.codes.push_back(code);
      if (find_rule(code) == nullptr) {
        unused.unsafe = true;
        unused.notes.push_back("`" + code + "` is not a torchlint code");
      } else if (!enabled(code)) {
        unused.unsafe = true;
        unused.notes.push_back("`" + code + "` is not enabled here");
      }
    }
    if (comment.find("NOLINTBEGIN") != std::string_view::npos || comment.find("NOLINTEND") != std::string_view::npos) {
      by_comment[key].region = true;
    }
  }

  std::vector<Diagnostic> found;
  for (const auto& [span, unused] : by_comment) {
    if (!unused.all && unused.codes.empty()) continue;
    // Suppressed by another comment (bare, or listing TL003) or by its own TL003 entry.
    const std::uint32_t row = file.lines().row_of(span.first) + 1;
    bool suppressed = unused.lists_tl003;
    for (const Suppression& other : suppressions.entries()) {
      if (other.comment_start == span.first) continue;  // the same comment
      if (!other.file_level && (row < other.first_row || row > other.last_row)) continue;
      if (other.all_codes || std::find(other.codes.begin(), other.codes.end(), "TL003") != other.codes.end()) {
        suppressed = true;
      }
    }
    if (suppressed || !enabled("TL003")) continue;

    std::string list;
    for (const auto& code : unused.codes) list += (list.empty() ? "`" : ", `") + code + "`";
    std::string message = unused.all ? "unused file-level suppression: it suppresses nothing"
                                     : "unused suppression of " + list + ": it suppresses nothing";
    for (const auto& note : unused.notes) message += "; " + note;

    Diagnostic d;
    d.path = file.path();
    d.rule = &self->info;
    d.level = self->info.level;
    d.message = std::move(message);
    d.start_byte = span.first;
    d.end_byte = span.second;
    d.range = Range{file.lines().position(span.first), file.lines().position(span.second)};
    d.noqa_row = d.range.start.row;
    if (!unused.region) {
      if (auto edit = removal_edit(text, span.first, span.second, file.language(), unused.codes, unused.all)) {
        edit->range = Range{file.lines().position(edit->start), file.lines().position(edit->end)};
        d.fix = make_fix(unused.all || unused.codes.size() > 1 ? "Remove the unused suppression"
                                                                : "Remove `" + unused.codes.front() + "`",
                         unused.unsafe ? Applicability::Unsafe : Applicability::Safe, {std::move(*edit)});
      }
    }
    found.push_back(std::move(d));
  }
  if (found.empty()) return;
  std::move(found.begin(), found.end(), std::back_inserter(diagnostics));
  std::sort(diagnostics.begin(), diagnostics.end(), diagnostic_less);
}

namespace rules {

const Rule& tl003_unused_suppression() {
  static const Rule rule{
      .info = {.code = "TL003",
               .name = "unused-suppression",
               .level = Level::Note,
               .section = "Meta",
               .summary = "Suppression comment that suppresses nothing",
               .docs = R"md(## What it does
Reports a suppression comment that suppresses nothing in this run: a TL code listed in
`# noqa: TL501, TL201` (Python), `// NOLINT(TL501)` / `// NOLINTNEXTLINE(TL501)` /
`// NOLINTBEGIN(TL501)` (C++), or a file-level `# torchlint: noqa[: CODES]`
(`// torchlint: noqa: CODES`) comment, when no finding of that code was suppressed by it.
One diagnostic per comment, naming the unused codes, at the comment.

Off by default: select it explicitly (`--extend-select TL003`, `select = ["TL003", ...]`);
a prefix such as `TL0` or `ALL` does not select it.

Not judged:

- bare `# noqa` and `// NOLINT` (no code list): they may be there for flake8, Ruff or
  clang-tidy, which share the syntax. A bare `# torchlint: noqa` is torchlint's own and is judged;
- codes of other tools (`# noqa: E501`, `NOLINT(bugprone-*)`): they are not ours;
- TL9 codes (project rules are joined after each file is checked), and `TL003` itself.

A `# noqa: TL003` on the comment's line (or a file-level one) silences the report.

## Why is this bad?
A suppression that no longer suppresses anything hides nothing today, but it will silently
hide the next real finding on that line. Stale suppressions accumulate as code changes.

## Example
```python
x = torch.zeros(3, dtype=torch.float32)  # noqa: TL201
```

Use instead:
```python
x = torch.zeros(3, dtype=torch.float32)
```

## Fix safety
Safe: the unused codes are removed from the list (`# noqa: E501, TL201` becomes
`# noqa: E501`); when nothing is left the directive goes, and a comment line that held only
it is deleted. Unsafe when a listed code is not enabled in this run (not selected, or switched
off by `per-file-ignores`) or is not a torchlint code: it may be in use under another
configuration or version. `NOLINTBEGIN` / `NOLINTEND` regions and comments with several
`NOLINT` markers are reported without a fix.

## Options
None.
)md",
               .default_enabled = false},
      .python = {},
      .cpp = {}};
  return rule;
}

}  // namespace rules
}  // namespace torchlint
