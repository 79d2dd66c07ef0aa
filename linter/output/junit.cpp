// JUnit XML: one test suite per file, one failed test case per finding, so CI systems
// that only understand test reports (Jenkins, GitLab's test widget, Azure) show them.
#include <map>
#include <sstream>

#include "linter/output/emitter.h"
#include "linter/run/rule.h"

namespace torchlint {
namespace {

// XML 1.0 text and attribute escaping. Control characters XML 1.0 cannot carry at all
// become U+FFFD rather than an invalid document.
std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      case '\t': out += "&#9;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) out += "\xEF\xBF\xBD";
        else out += c;
    }
  }
  return out;
}

std::string position_text(const Diagnostic& d) {
  std::string text = d.path + ":" + std::to_string(d.range.start.row) + ":" + std::to_string(d.range.start.column);
  if (d.cell) text += " (cell " + std::to_string(*d.cell) + ")";
  return text;
}

}  // namespace

void emit_junit(const RunReport& report, std::ostream& out) {
  std::map<std::string, std::vector<const Diagnostic*>> by_file;
  for (const auto& d : report.diagnostics) by_file[d.path].push_back(&d);
  const std::size_t total = report.diagnostics.size();

  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"torchlint\" tests=\"" << std::max<std::size_t>(total, 1) << "\" failures=\"" << total
      << "\" errors=\"0\">\n";
  if (by_file.empty()) {
    // A report without test cases reads as "nothing ran" to some CI systems.
    out << "  <testsuite name=\"torchlint\" tests=\"1\" failures=\"0\" errors=\"0\">\n"
        << "    <testcase name=\"No problems found\" classname=\"torchlint\"/>\n"
        << "  </testsuite>\n";
  }
  for (const auto& [path, diagnostics] : by_file) {
    out << "  <testsuite name=\"" << xml_escape(path) << "\" tests=\"" << diagnostics.size() << "\" failures=\""
        << diagnostics.size() << "\" errors=\"0\">\n";
    for (const Diagnostic* d : diagnostics) {
      const std::string code(d->rule->code);
      out << "    <testcase name=\"" << xml_escape(code + " " + position_text(*d)) << "\" classname=\""
          << xml_escape("torchlint." + code) << "\" file=\"" << xml_escape(path) << "\" line=\"" << d->range.start.row
          << "\">\n";
      out << "      <failure message=\"" << xml_escape(d->message) << "\" type=\"" << xml_escape(code) << "\">"
          << xml_escape(position_text(*d) + ": " + code + " [" + std::string(level_name(d->level)) + "] " +
                        d->message)
          << "</failure>\n";
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace torchlint
