#pragma once
// Output formats. Every emitter receives the diagnostics of the whole run, already
// sorted by path, row, column and code, and writes them to a stream.
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "linter/run/diagnostic.h"
#include "linter/run/notebook.h"

namespace torchlint {

enum class OutputFormat { Full, Concise, Json, JsonLines, Sarif, Github, Gitlab, Junit };

std::optional<OutputFormat> parse_output_format(std::string_view name);
std::string_view output_format_name(OutputFormat format);
std::vector<std::string_view> output_format_names();

struct RunReport {
  std::vector<Diagnostic> diagnostics;  // sorted
  std::size_t files_checked = 0;
  std::filesystem::path project_root;   // SARIF/GitLab paths are relative to it
  bool color = false;
  bool statistics = false;
  bool execution_successful = true;
  std::vector<std::string> notifications;  // run-level messages (SARIF toolExecutionNotifications)
  // Text of files not on disk (stdin, LSP buffers), by display path.
  std::map<std::string, std::string> in_memory_sources;
};

// Reads a source line for display (1-based row) from memory or disk; empty if unavailable.
class SourceLines {
 public:
  explicit SourceLines(const RunReport& report) : report_(report) {}
  std::string_view line(const std::string& path, std::uint32_t row);
  // Line `row` of the diagnostic's file; for a notebook diagnostic, of its cell.
  std::string_view line(const Diagnostic& diagnostic, std::uint32_t row);
  // The diagnostic's range in its file as stored: its own range, except for a notebook
  // diagnostic (rows within a cell), which is mapped into the .ipynb JSON text.
  Range file_range(const Diagnostic& diagnostic);
  // The whole text, or nullptr when unreadable.
  const std::string* text(const std::string& path);

 private:
  const RunReport& report_;
  std::map<std::string, std::string> cache_;
  std::map<std::string, std::vector<std::uint32_t>> starts_;
  std::map<std::string, std::vector<std::string>> notebook_cells_;
  std::map<std::string, NotebookFileMap> notebook_maps_;
};

// Absolute path of a diagnostic's file (JSON `filename`).
std::string absolute_path(const std::string& path);

void emit(OutputFormat format, const RunReport& report, std::ostream& out);

void emit_full(const RunReport& report, std::ostream& out);
void emit_concise(const RunReport& report, std::ostream& out);
void emit_json(const RunReport& report, std::ostream& out, bool lines);
void emit_sarif(const RunReport& report, std::ostream& out);
void emit_github(const RunReport& report, std::ostream& out);
void emit_gitlab(const RunReport& report, std::ostream& out);
void emit_junit(const RunReport& report, std::ostream& out);

}  // namespace torchlint
