#pragma once
// A source file's bytes and the index that turns byte offsets into the positions users see.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace torchlint {

// 1-based row; 1-based column counted in Unicode code points (what Ruff and SARIF's
// "unicodeCodePoints" column kind report). A tab is one column.
struct Position {
  std::uint32_t row = 1;
  std::uint32_t column = 1;
  friend auto operator<=>(const Position&, const Position&) = default;
};

struct Range {
  Position start;
  Position end;  // exclusive
  friend auto operator<=>(const Range&, const Range&) = default;
};

class LineIndex {
 public:
  explicit LineIndex(std::string_view text);

  // Byte offset -> position. Offsets inside a multi-byte sequence count as the
  // code point they belong to; the UTF-8 BOM is not a column.
  [[nodiscard]] Position position(std::uint32_t byte_offset) const;
  // 0-based row of the line that holds `byte_offset`.
  [[nodiscard]] std::uint32_t row_of(std::uint32_t byte_offset) const;
  [[nodiscard]] std::uint32_t line_start(std::uint32_t row0) const { return starts_[row0]; }
  // Line text without its terminator ("\n" or "\r\n"), 0-based row.
  [[nodiscard]] std::string_view line(std::uint32_t row0) const;
  [[nodiscard]] std::uint32_t line_count() const { return static_cast<std::uint32_t>(starts_.size()); }
  // Column of `byte_offset` in UTF-16 code units (0-based), for the LSP.
  [[nodiscard]] std::uint32_t utf16_column(std::uint32_t byte_offset) const;
  // Inverse of position(): 1-based row/column in code points -> byte offset (clamped to the line).
  [[nodiscard]] std::uint32_t offset_of(Position position) const;

 private:
  static constexpr std::uint32_t kBlock = 256;
  // UTF-8 continuation bytes in text_[0, byte_offset).
  [[nodiscard]] std::uint32_t continuations_before(std::uint32_t byte_offset) const;

  std::string_view text_;
  std::vector<std::uint32_t> starts_;
  std::vector<std::uint32_t> continuations_;  // continuation bytes before each kBlock-byte block
  bool ascii_ = false;                         // no continuation bytes at all
  std::uint32_t bom_ = 0;
};

enum class Language { Python, Cpp, Unknown };

// Which language a path is linted as (by extension), Unknown when it is not ours.
Language language_for_path(std::string_view path);

class SourceFile {
 public:
  SourceFile(std::string path, std::string text, Language language);
  SourceFile(const SourceFile&) = delete;
  SourceFile& operator=(const SourceFile&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string_view text() const { return text_; }
  [[nodiscard]] Language language() const { return language_; }
  [[nodiscard]] const LineIndex& lines() const { return lines_; }
  [[nodiscard]] std::string_view slice(std::uint32_t start, std::uint32_t end) const {
    return std::string_view(text_).substr(start, end - start);
  }

 private:
  std::string path_;
  std::string text_;
  Language language_;
  LineIndex lines_;
};

// True when `text` is valid UTF-8.
bool is_valid_utf8(std::string_view text);

}  // namespace torchlint
