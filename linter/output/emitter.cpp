#include "linter/output/emitter.h"

#include <array>
#include <fstream>
#include <sstream>

namespace torchlint {
namespace {

constexpr std::array<std::pair<std::string_view, OutputFormat>, 8> kFormats = {{
    {"full", OutputFormat::Full},
    {"concise", OutputFormat::Concise},
    {"json", OutputFormat::Json},
    {"json-lines", OutputFormat::JsonLines},
    {"sarif", OutputFormat::Sarif},
    {"github", OutputFormat::Github},
    {"gitlab", OutputFormat::Gitlab},
    {"junit", OutputFormat::Junit},
}};

}  // namespace

std::optional<OutputFormat> parse_output_format(std::string_view name) {
  for (const auto& [text, format] : kFormats) {
    if (text == name) return format;
  }
  return std::nullopt;
}

std::string_view output_format_name(OutputFormat format) {
  for (const auto& [text, value] : kFormats) {
    if (value == format) return text;
  }
  return "full";
}

std::vector<std::string_view> output_format_names() {
  std::vector<std::string_view> names;
  for (const auto& entry : kFormats) names.push_back(entry.first);
  return names;
}

const std::string* SourceLines::text(const std::string& path) {
  if (auto it = report_.in_memory_sources.find(path); it != report_.in_memory_sources.end()) return &it->second;
  auto it = cache_.find(path);
  if (it == cache_.end()) {
    std::ifstream stream(path, std::ios::binary);
    std::ostringstream buffer;
    if (stream) buffer << stream.rdbuf();
    it = cache_.emplace(path, std::move(buffer).str()).first;
  }
  return &it->second;
}

std::string_view SourceLines::line(const std::string& path, std::uint32_t row) {
  const std::string* content = text(path);
  if (content == nullptr || row == 0) return {};
  auto& starts = starts_[path];
  if (starts.empty()) {
    starts.push_back(0);
    for (std::uint32_t i = 0; i < content->size(); ++i) {
      if ((*content)[i] == '\n') starts.push_back(i + 1);
    }
  }
  if (row > starts.size()) return {};
  const std::uint32_t begin = starts[row - 1];
  std::uint32_t end = row < starts.size() ? starts[row] : static_cast<std::uint32_t>(content->size());
  std::string_view line = std::string_view(*content).substr(begin, end - begin);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (row == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
  return line;
}

std::string_view SourceLines::line(const Diagnostic& diagnostic, std::uint32_t row) {
  if (!diagnostic.cell) return line(diagnostic.path, row);
  auto it = notebook_cells_.find(diagnostic.path);
  if (it == notebook_cells_.end()) {
    const std::string* content = text(diagnostic.path);
    it = notebook_cells_.emplace(diagnostic.path, notebook_cell_sources(content ? *content : std::string())).first;
  }
  const std::uint32_t cell = *diagnostic.cell;
  if (cell == 0 || cell > it->second.size() || row == 0) return {};
  std::string_view source = it->second[cell - 1];
  for (std::uint32_t current = 1; current < row; ++current) {
    const auto newline = source.find('\n');
    if (newline == std::string_view::npos) return {};
    source.remove_prefix(newline + 1);
  }
  source = source.substr(0, source.find('\n'));
  if (source.ends_with('\r')) source.remove_suffix(1);
  return source;
}

Range SourceLines::file_range(const Diagnostic& diagnostic) {
  if (!diagnostic.cell) return diagnostic.range;
  auto it = notebook_maps_.find(diagnostic.path);
  if (it == notebook_maps_.end()) {
    const std::string* content = text(diagnostic.path);
    it = notebook_maps_.emplace(diagnostic.path, NotebookFileMap(content ? *content : std::string_view())).first;
  }
  const auto start = it->second.to_file(*diagnostic.cell, diagnostic.range.start);
  const auto end = it->second.to_file(*diagnostic.cell, diagnostic.range.end);
  if (!start) return Range{{1, 1}, {1, 1}};  // the file, not a place in it
  return Range{*start, end && *start <= *end ? *end : *start};
}

std::string absolute_path(const std::string& path) {
  std::error_code ec;
  return std::filesystem::absolute(path, ec).lexically_normal().string();
}

void emit(OutputFormat format, const RunReport& report, std::ostream& out) {
  switch (format) {
    case OutputFormat::Full: emit_full(report, out); break;
    case OutputFormat::Concise: emit_concise(report, out); break;
    case OutputFormat::Json: emit_json(report, out, false); break;
    case OutputFormat::JsonLines: emit_json(report, out, true); break;
    case OutputFormat::Sarif: emit_sarif(report, out); break;
    case OutputFormat::Github: emit_github(report, out); break;
    case OutputFormat::Gitlab: emit_gitlab(report, out); break;
    case OutputFormat::Junit: emit_junit(report, out); break;
  }
}

}  // namespace torchlint
