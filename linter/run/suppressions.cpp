#include "linter/run/suppressions.h"

#include <algorithm>
#include <cctype>

#include "linter/run/rule.h"

namespace torchlint {
namespace {

bool is_code_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Codes after "noqa": ": A, B" -> {A, B}; nothing, or "noqa:" with no code (Ruff warns) -> all.
struct CodeList {
  bool all = true;
  std::vector<std::string> codes;
};

CodeList codes_after_colon(std::string_view rest) {
  CodeList result;
  for (const CodeSpan& span : noqa_code_spans(rest, 0)) {
    result.codes.emplace_back(rest.substr(span.start, span.end - span.start));
  }
  result.all = result.codes.empty();
  return result;
}

std::vector<std::string> tl_only(const std::vector<std::string>& codes) {
  std::vector<std::string> result;
  for (const auto& code : codes) {
    if (code.size() > 2 && (code[0] == 'T' || code[0] == 't') && (code[1] == 'L' || code[1] == 'l')) {
      std::string upper = code;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      result.push_back(std::move(upper));
    }
  }
  return result;
}

// Parenthesised list after NOLINT: "(TL501, TL201)" -> codes; absent -> all.
CodeList codes_in_parens(std::string_view rest) {
  CodeList result;
  if (rest.empty() || rest[0] != '(') return result;
  const auto close = rest.find(')');
  if (close == std::string_view::npos) return result;
  result.all = false;
  result.codes = parse_code_list(rest.substr(1, close - 1));
  // clang-tidy: NOLINT(*) means all checks.
  if (rest.substr(1, close - 1).find('*') != std::string_view::npos && result.codes.empty()) result.all = true;
  return result;
}

}  // namespace

std::string ascii_lower(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

std::vector<CodeSpan> noqa_code_spans(std::string_view text, std::size_t after) {
  std::vector<CodeSpan> spans;
  std::size_t i = after;
  while (i < text.size() && text[i] == ' ') ++i;
  if (i >= text.size() || text[i] != ':') return spans;
  ++i;
  for (;;) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',' || text[i] == '\t')) ++i;
    std::size_t word = i;
    while (word < text.size() && is_code_char(text[word])) ++word;
    if (word == i) break;
    const std::string_view token = text.substr(i, word - i);
    const bool looks_like_code = std::isalpha(static_cast<unsigned char>(token[0])) &&
                                 std::any_of(token.begin(), token.end(),
                                             [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (!looks_like_code) break;
    spans.push_back({i, word});
    i = word;
  }
  return spans;
}

std::vector<std::string> parse_code_list(std::string_view text) {
  std::vector<std::string> codes;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_code_char(text[i])) ++i;
    std::size_t end = i;
    while (end < text.size() && is_code_char(text[end])) ++end;
    if (end > i) codes.emplace_back(text.substr(i, end - i));
    i = end;
  }
  return tl_only(codes);
}

void SuppressionSet::add_comment(std::string_view comment, std::uint32_t row, Language language,
                                 std::uint32_t start_byte, std::uint32_t end_byte) {
  const std::string text = ascii_lower(comment);
  // File-level exemption, both languages.
  if (auto pos = text.find("torchlint: noqa"); pos != std::string::npos) {
    CodeList list = codes_after_colon(std::string_view(comment).substr(pos + 15));
    Suppression s{0, 0, true, list.all, tl_only(list.codes), start_byte, end_byte};
    if (list.all || !s.codes.empty()) entries_.push_back(std::move(s));
    return;
  }
  if (language == Language::Python) {
    // Ruff: "# noqa" anywhere in the comment, optionally followed by ": codes".
    std::size_t pos = text.find("noqa");
    if (pos == std::string::npos) return;
    CodeList list = codes_after_colon(std::string_view(comment).substr(pos + 4));
    Suppression s{row, row, false, list.all, tl_only(list.codes), start_byte, end_byte};
    if (list.all || !s.codes.empty()) entries_.push_back(std::move(s));
    return;
  }
  // C++: clang-tidy's NOLINT family (case-sensitive, as clang-tidy).
  const std::string_view raw = comment;
  for (std::size_t pos = raw.find("NOLINT"); pos != std::string_view::npos; pos = raw.find("NOLINT", pos + 6)) {
    std::string_view rest = raw.substr(pos + 6);
    if (rest.starts_with("NEXTLINE")) {
      CodeList list = codes_in_parens(rest.substr(8));
      if (list.all || !list.codes.empty())
        entries_.push_back(Suppression{row + 1, row + 1, false, list.all, list.codes, start_byte, end_byte});
    } else if (rest.starts_with("BEGIN")) {
      CodeList list = codes_in_parens(rest.substr(5));
      open_regions_.push_back(Open{row, list.codes, list.all, start_byte, end_byte});
    } else if (rest.starts_with("END")) {
      CodeList list = codes_in_parens(rest.substr(3));
      // Close the innermost region with the same code list.
      for (auto it = open_regions_.rbegin(); it != open_regions_.rend(); ++it) {
        if (it->all == list.all && it->codes == list.codes) {
          if (it->all || !it->codes.empty())
            entries_.push_back(Suppression{it->row, row, false, it->all, it->codes, it->start, it->end});
          open_regions_.erase(std::next(it).base());
          break;
        }
      }
    } else {
      CodeList list = codes_in_parens(rest);
      if (list.all || !list.codes.empty())
        entries_.push_back(Suppression{row, row, false, list.all, list.codes, start_byte, end_byte});
    }
  }
}

void SuppressionSet::finish(std::uint32_t last_row) {
  for (const auto& open : open_regions_) {
    if (open.all || !open.codes.empty())
      entries_.push_back(Suppression{open.row, last_row, false, open.all, open.codes, open.start, open.end});
  }
  open_regions_.clear();
}

bool SuppressionSet::suppresses(const Diagnostic& diagnostic) const {
  const std::string_view code = diagnostic.rule->code;
  bool result = false;
  for (const auto& entry : entries_) {
    if (!entry.file_level && (diagnostic.noqa_row < entry.first_row || diagnostic.noqa_row > entry.last_row)) continue;
    if (entry.all_codes) {
      entry.used = true;
      result = true;
      continue;
    }
    const auto it = std::find(entry.codes.begin(), entry.codes.end(), code);
    if (it != entry.codes.end()) {
      entry.used = true;
      const auto index = static_cast<std::size_t>(it - entry.codes.begin());
      if (index < 64) entry.used_codes |= std::uint64_t{1} << index;
      result = true;
    }
  }
  return result;
}

}  // namespace torchlint
