#include "linter/lsp/text_document.h"

#include <algorithm>
#include <cstring>
#include <optional>

namespace torchlint::lsp {
namespace {

bool is_continuation(char byte) { return (static_cast<unsigned char>(byte) & 0xC0U) == 0x80U; }

// Bytes of the UTF-8 sequence that starts with `lead`.
std::uint32_t sequence_length(char lead) {
  const auto byte = static_cast<unsigned char>(lead);
  if (byte >= 0xF0U) return 4;
  if (byte >= 0xE0U) return 3;
  if (byte >= 0xC0U) return 2;
  return 1;
}

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Start of 0-based `line`, or nullopt when the text has fewer lines.
std::optional<std::uint32_t> line_start(std::string_view text, std::uint32_t line) {
  std::size_t start = 0;
  for (std::uint32_t row = 0; row < line; ++row) {
    const void* newline = std::memchr(text.data() + start, '\n', text.size() - start);
    if (newline == nullptr) return std::nullopt;
    start = static_cast<const char*>(newline) - text.data() + 1;
  }
  // The BOM is not a character of the first line (as LineIndex counts columns).
  if (line == 0 && text.starts_with(kBom)) start = kBom.size();
  return static_cast<std::uint32_t>(start);
}

// End of the line that starts at `start`, without its "\n" or "\r\n".
std::uint32_t line_end(std::string_view text, std::uint32_t start) {
  std::size_t end = text.find('\n', start);
  if (end == std::string_view::npos) end = text.size();
  if (end > start && text[end - 1] == '\r') --end;
  return static_cast<std::uint32_t>(end);
}

}  // namespace

std::uint32_t byte_offset(std::string_view text, LspPosition position, PositionEncoding encoding) {
  const std::optional<std::uint32_t> start = line_start(text, position.line);
  if (!start) return static_cast<std::uint32_t>(text.size());
  const std::uint32_t end = line_end(text, *start);
  if (encoding == PositionEncoding::Utf8) {
    std::uint32_t offset = std::min(*start + position.character, end);
    while (offset > *start && offset < end && is_continuation(text[offset])) --offset;
    return offset;
  }
  std::uint32_t offset = *start;
  std::uint32_t units = 0;
  while (offset < end) {
    const std::uint32_t length = sequence_length(text[offset]);
    const std::uint32_t width = length == 4 ? 2 : 1;  // astral code points are surrogate pairs
    if (units + width > position.character) break;
    units += width;
    offset = std::min(offset + length, end);
  }
  return offset;
}

LspPosition lsp_position(const LineIndex& lines, std::string_view text, std::uint32_t byte,
                         PositionEncoding encoding) {
  byte = std::min<std::uint32_t>(byte, static_cast<std::uint32_t>(text.size()));
  const std::uint32_t row = lines.row_of(byte);
  if (encoding == PositionEncoding::Utf16) return {row, lines.utf16_column(byte)};
  std::uint32_t start = lines.line_start(row);
  if (row == 0 && text.starts_with(kBom)) start = std::min<std::uint32_t>(byte, kBom.size());
  return {row, byte - start};
}

TSPoint point_at(std::string_view text, std::uint32_t byte) {
  const std::string_view before = text.substr(0, byte);
  const auto rows = static_cast<std::uint32_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t last_newline = before.rfind('\n');
  const std::uint32_t column = last_newline == std::string_view::npos
                                   ? byte
                                   : byte - static_cast<std::uint32_t>(last_newline) - 1;
  return TSPoint{rows, column};
}

TextDocument::TextDocument(std::string uri, std::string path, Language language, std::int64_t version,
                           std::string text)
    : uri_(std::move(uri)), path_(std::move(path)), language_(language), version_(version), text_(std::move(text)) {}

void TextDocument::replace(std::uint32_t start, std::uint32_t end, std::string_view replacement) {
  start = std::min<std::uint32_t>(start, static_cast<std::uint32_t>(text_.size()));
  end = std::clamp<std::uint32_t>(end, start, static_cast<std::uint32_t>(text_.size()));
  if (tree_) {
    const TSPoint start_point = point_at(text_, start);
    const TSPoint inserted_end = point_at(replacement, static_cast<std::uint32_t>(replacement.size()));
    TSInputEdit edit{};
    edit.start_byte = start;
    edit.old_end_byte = end;
    edit.new_end_byte = start + static_cast<std::uint32_t>(replacement.size());
    edit.start_point = start_point;
    edit.old_end_point = point_at(text_, end);
    edit.new_end_point = inserted_end.row == 0 ? TSPoint{start_point.row, start_point.column + inserted_end.column}
                                               : TSPoint{start_point.row + inserted_end.row, inserted_end.column};
    ts_tree_edit(tree_.get(), &edit);
  }
  text_.replace(start, end - start, replacement);
  tree_current_ = false;
}

void TextDocument::apply_change(LspPosition start, LspPosition end, std::string_view replacement,
                                PositionEncoding encoding) {
  const std::uint32_t from = byte_offset(text_, start, encoding);
  const std::uint32_t to = byte_offset(text_, end, encoding);
  replace(from, std::max(from, to), replacement);
}

void TextDocument::set_text(std::string text) {
  const std::string_view old_text = text_;
  const std::size_t shortest = std::min(old_text.size(), text.size());
  std::size_t prefix = 0;
  while (prefix < shortest && old_text[prefix] == text[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < shortest - prefix && old_text[old_text.size() - 1 - suffix] == text[text.size() - 1 - suffix]) {
    ++suffix;
  }
  // Keep the edited span on code point boundaries.
  while (prefix > 0 && prefix < old_text.size() && is_continuation(old_text[prefix])) --prefix;
  while (suffix > 0 && is_continuation(old_text[old_text.size() - suffix])) --suffix;
  if (prefix == old_text.size() && prefix == text.size()) return;  // unchanged
  const std::string_view inserted = std::string_view(text).substr(prefix, text.size() - suffix - prefix);
  replace(static_cast<std::uint32_t>(prefix), static_cast<std::uint32_t>(old_text.size() - suffix), inserted);
}

TSTree* TextDocument::tree() {
  if (language_ == Language::Unknown) return nullptr;
  if (!tree_current_) {
    const bool reuse = static_cast<bool>(tree_);
    Tree fresh = parse(language_, text_, tree_.get());
    if (reuse && fresh) ++incremental_parses_;
    tree_ = std::move(fresh);
    tree_current_ = true;
  }
  return tree_.get();
}

}  // namespace torchlint::lsp
