#include "linter/source/source_file.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace torchlint {
namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0U) == 0x80U; }

}  // namespace

LineIndex::LineIndex(std::string_view text) : text_(text) {
  if (text.starts_with("\xEF\xBB\xBF")) bom_ = 3;
  starts_.push_back(0);
  // Every file is indexed, so this runs over every byte: memchr finds the newlines and a
  // branch-free loop (vectorised) counts each block's continuation bytes.
  for (const char* at = text.data();
       !text.empty() && (at = static_cast<const char*>(std::memchr(at, '\n', text.data() + text.size() - at)));) {
    ++at;
    starts_.push_back(static_cast<std::uint32_t>(at - text.data()));
  }
  continuations_.reserve(text.size() / kBlock + 1);
  std::uint32_t continuations = 0;
  for (std::size_t block = 0; block < text.size(); block += kBlock) {
    continuations_.push_back(continuations);
    const std::size_t end = std::min<std::size_t>(text.size(), block + kBlock);
    for (std::size_t i = block; i < end; ++i) {
      continuations += is_continuation(static_cast<unsigned char>(text[i])) ? 1U : 0U;
    }
  }
  ascii_ = continuations == 0;
}

std::uint32_t LineIndex::continuations_before(std::uint32_t byte_offset) const {
  if (ascii_ || continuations_.empty()) return 0;
  const std::uint32_t block = std::min<std::uint32_t>(byte_offset / kBlock, continuations_.size() - 1);
  std::uint32_t count = continuations_[block];
  for (std::uint32_t i = block * kBlock; i < byte_offset; ++i) {
    if (is_continuation(static_cast<unsigned char>(text_[i]))) ++count;
  }
  return count;
}

std::uint32_t LineIndex::row_of(std::uint32_t byte_offset) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), byte_offset);
  return static_cast<std::uint32_t>(it - starts_.begin()) - 1;
}

Position LineIndex::position(std::uint32_t byte_offset) const {
  byte_offset = std::min<std::uint32_t>(byte_offset, static_cast<std::uint32_t>(text_.size()));
  const std::uint32_t row0 = row_of(byte_offset);
  std::uint32_t begin = starts_[row0];
  if (row0 == 0) begin = std::max(begin, bom_);
  // Code points = bytes that are not continuation bytes; the per-block counts keep this
  // O(1) per lookup however long the line (many findings on one minified line).
  std::uint32_t column = 1 + (byte_offset - begin) - (continuations_before(byte_offset) - continuations_before(begin));
  // An offset in the middle of a code point belongs to that code point.
  if (byte_offset < text_.size() && byte_offset > begin &&
      is_continuation(static_cast<unsigned char>(text_[byte_offset]))) {
    --column;
  }
  return Position{row0 + 1, column};
}

std::uint32_t LineIndex::utf16_column(std::uint32_t byte_offset) const {
  byte_offset = std::min<std::uint32_t>(byte_offset, static_cast<std::uint32_t>(text_.size()));
  const std::uint32_t row0 = row_of(byte_offset);
  std::uint32_t begin = starts_[row0];
  if (row0 == 0) begin = std::max(begin, bom_);
  std::uint32_t units = 0;
  for (std::uint32_t i = begin; i < byte_offset; ++i) {
    const auto byte = static_cast<unsigned char>(text_[i]);
    if (is_continuation(byte)) continue;
    units += (byte >= 0xF0U) ? 2 : 1;  // 4-byte sequences are surrogate pairs
  }
  return units;
}

std::uint32_t LineIndex::offset_of(Position position) const {
  if (position.row == 0 || position.row > starts_.size()) return static_cast<std::uint32_t>(text_.size());
  const std::uint32_t row0 = position.row - 1;
  std::uint32_t offset = starts_[row0];
  if (row0 == 0) offset = std::max(offset, bom_);
  const std::string_view text = line(row0);
  const std::uint32_t end = static_cast<std::uint32_t>(text.data() - text_.data() + text.size());
  for (std::uint32_t column = 1; column < position.column && offset < end; ++column) {
    ++offset;
    while (offset < end && is_continuation(static_cast<unsigned char>(text_[offset]))) ++offset;
  }
  return offset;
}

std::string_view LineIndex::line(std::uint32_t row0) const {
  if (row0 >= starts_.size()) return {};
  std::uint32_t begin = starts_[row0];
  if (row0 == 0) begin = std::max(begin, bom_);
  std::uint32_t end = row0 + 1 < starts_.size() ? starts_[row0 + 1] : static_cast<std::uint32_t>(text_.size());
  if (end > begin && text_[end - 1] == '\n') --end;
  if (end > begin && text_[end - 1] == '\r') --end;
  return text_.substr(begin, end - begin);
}

Language language_for_path(std::string_view path) {
  const auto dot = path.rfind('.');
  const auto slash = path.find_last_of("/\\");
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return Language::Unknown;
  const std::string_view ext = path.substr(dot + 1);
  if (ext == "py" || ext == "pyi") return Language::Python;
  static constexpr std::array<std::string_view, 8> kCpp = {"cpp", "cc", "cxx", "h", "hpp", "hh", "cu", "cuh"};
  if (std::find(kCpp.begin(), kCpp.end(), ext) != kCpp.end()) return Language::Cpp;
  return Language::Unknown;
}

SourceFile::SourceFile(std::string path, std::string text, Language language)
    : path_(std::move(path)), text_(std::move(text)), language_(language), lines_(text_) {}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    if (byte < 0x80U) { ++i; continue; }
    if ((byte & 0xE0U) == 0xC0U) { length = 2; code_point = byte & 0x1FU; }
    else if ((byte & 0xF0U) == 0xE0U) { length = 3; code_point = byte & 0x0FU; }
    else if ((byte & 0xF8U) == 0xF0U) { length = 4; code_point = byte & 0x07U; }
    else return false;
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (!is_continuation(next)) return false;
      code_point = (code_point << 6U) | (next & 0x3FU);
    }
    static constexpr std::array<std::uint32_t, 5> kMin = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMin[length] || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

}  // namespace torchlint
