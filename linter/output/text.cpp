// Human-readable formats: full (source line with the span underlined), concise, github.
#include <algorithm>
#include <map>

#include "linter/output/emitter.h"
#include "linter/run/rule.h"

namespace torchlint {
namespace {

struct Style {
  bool on;
  [[nodiscard]] std::string wrap(std::string_view text, std::string_view code) const {
    if (!on) return std::string(text);
    return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
  }
};

std::string_view level_color(Level level) {
  switch (level) {
    case Level::Error: return "1;31";
    case Level::Warning: return "1;33";
    case Level::Note: return "1;36";
  }
  return "0";
}

std::string header(const Diagnostic& d, const Style& style) {
  std::string text = style.wrap(d.path, "1") + ":" + std::to_string(d.range.start.row) + ":" +
                     std::to_string(d.range.start.column) + ": " + style.wrap(d.rule->code, "1;31") + " [" +
                     style.wrap(level_name(d.level), level_color(d.level)) + "] " + d.message;
  if (d.cell) text += " (cell " + std::to_string(*d.cell) + ")";
  return text;
}

// Code points of `line` up to 1-based `column`, with tabs kept so the caret lines up.
std::string caret_padding(std::string_view line, std::uint32_t column) {
  std::string padding;
  std::uint32_t current = 1;
  for (std::size_t i = 0; i < line.size() && current < column; ++i) {
    const auto byte = static_cast<unsigned char>(line[i]);
    if ((byte & 0xC0U) == 0x80U) continue;
    padding += line[i] == '\t' ? '\t' : ' ';
    ++current;
  }
  return padding;
}

std::uint32_t code_points(std::string_view line) {
  return static_cast<std::uint32_t>(std::count_if(line.begin(), line.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

// The part of a source line shown under a diagnostic: the whole line, or for a long
// (minified, generated) line a window around the span with "..." where it was cut, so
// that N findings on one huge line print N short snippets, not N copies of the line.
struct Snippet {
  std::string text;
  std::uint32_t start_column = 1;  // of the span in `text`, 1-based code points
  std::uint32_t width = 1;         // carets
};

constexpr std::uint32_t kMaxSnippetColumns = 200;
constexpr std::uint32_t kSnippetContext = 40;  // columns shown before the span

Snippet snippet_of(std::string_view line, const Diagnostic& d) {
  const std::uint32_t start = d.range.start.column;
  const bool one_row = d.range.end.row == d.range.start.row;
  if (line.size() <= kMaxSnippetColumns) {  // bytes bound code points: short enough
    const std::uint32_t end = one_row ? d.range.end.column : code_points(line) + 1;
    return {std::string(line), start, std::max<std::uint32_t>(1, end - std::min(end, start))};
  }
  const std::uint32_t first = start > kSnippetContext ? start - kSnippetContext : 1;
  const std::uint32_t last = first + kMaxSnippetColumns;  // exclusive
  // Byte offsets of columns `first` and `last`: one scan up to the window's end.
  std::size_t begin = line.size();
  std::size_t end = line.size();
  std::uint32_t column = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0U) == 0x80U) continue;
    ++column;
    if (column == first) begin = i;
    if (column == last) {
      end = i;
      break;
    }
  }
  Snippet snippet;
  if (begin > 0) snippet.text = "...";
  snippet.text += line.substr(begin, end - begin);
  if (end < line.size()) snippet.text += "...";
  snippet.start_column = start - first + 1 + (begin > 0 ? 3 : 0);
  const std::uint32_t span_end = std::min(one_row ? d.range.end.column : last, last);
  snippet.width = std::max<std::uint32_t>(1, span_end - std::min(span_end, start));
  return snippet;
}

void summary(const RunReport& report, std::ostream& out, const Style& style) {
  std::map<std::string_view, std::size_t> files;
  for (const auto& d : report.diagnostics) ++files[d.path];
  if (report.statistics) {
    std::map<std::string_view, std::pair<std::size_t, const Diagnostic*>> counts;
    for (const auto& d : report.diagnostics) {
      auto& entry = counts[d.rule->code];
      ++entry.first;
      entry.second = &d;
    }
    for (const auto& [code, entry] : counts) {
      out << entry.first << "\t" << code << "\t" << entry.second->rule->name << "\n";
    }
  }
  if (report.diagnostics.empty()) {
    out << style.wrap("All checks passed!", "1;32") << " (" << report.files_checked << " files checked)\n";
    return;
  }
  const std::size_t count = report.diagnostics.size();
  out << "Found " << count << (count == 1 ? " problem" : " problems") << " in " << files.size()
      << (files.size() == 1 ? " file" : " files") << " (" << report.files_checked << " files checked).\n";
  // As Ruff: how many a fix run would take care of (docs/baseline.md).
  std::size_t safe = 0, unsafe = 0;
  for (const auto& d : report.diagnostics) {
    if (!d.fix || d.fix->edits.empty() || d.cell) continue;
    if (d.fix->applicability == Applicability::Safe) ++safe;
    else if (d.fix->applicability == Applicability::Unsafe) ++unsafe;
  }
  if (safe > 0 || unsafe > 0) {
    out << safe << " fixable with `--fix`";
    if (unsafe > 0) out << " (" << unsafe << " more with `--fix --unsafe-fixes`)";
    out << ".\n";
  }
}

}  // namespace

void emit_full(const RunReport& report, std::ostream& out) {
  const Style style{report.color};
  SourceLines sources(report);
  for (const auto& d : report.diagnostics) {
    out << header(d, style) << "\n";
    const std::string_view line = sources.line(d, d.range.start.row);
    if (!line.empty()) {
      const std::string row = std::to_string(d.range.start.row);
      const Snippet snippet = snippet_of(line, d);
      out << "  " << row << " | " << snippet.text << "\n";
      out << "  " << std::string(row.size(), ' ') << " | " << caret_padding(snippet.text, snippet.start_column)
          << style.wrap(std::string(snippet.width, '^'), level_color(d.level)) << "\n";
    }
    out << "  = help: " << d.rule->summary << " (" << rule_url(*d.rule) << ")\n\n";
  }
  summary(report, out, style);
}

void emit_concise(const RunReport& report, std::ostream& out) {
  const Style style{report.color};
  for (const auto& d : report.diagnostics) out << header(d, style) << "\n";
  summary(report, out, style);
}

namespace {
// GitHub workflow commands escape %, CR and LF in data, plus ':' and ',' in properties.
std::string escape_data(std::string_view text) {
  std::string result;
  for (char c : text) {
    if (c == '%') result += "%25";
    else if (c == '\r') result += "%0D";
    else if (c == '\n') result += "%0A";
    else result += c;
  }
  return result;
}
std::string escape_property(std::string_view text) {
  std::string result;
  for (char c : escape_data(text)) {
    if (c == ':') result += "%3A";
    else if (c == ',') result += "%2C";
    else result += c;
  }
  return result;
}
}  // namespace

void emit_github(const RunReport& report, std::ostream& out) {
  SourceLines sources(report);
  for (const auto& d : report.diagnostics) {
    const std::string_view command = d.level == Level::Error ? "error" : d.level == Level::Warning ? "warning" : "notice";
    // Annotations attach to lines of the file as stored: for a notebook, the .ipynb's.
    const Range range = sources.file_range(d);
    out << "::" << command << " file=" << escape_property(d.path) << ",line=" << range.start.row
        << ",col=" << range.start.column << ",endLine=" << range.end.row << ",endColumn=" << range.end.column
        << ",title=" << escape_property("torchlint (" + std::string(d.rule->code) + ")") << "::"
        << escape_data(std::string(d.rule->code) + " " + d.message) << "\n";
  }
}

}  // namespace torchlint
