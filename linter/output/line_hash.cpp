#include "linter/output/line_hash.h"

#include <array>
#include <unordered_map>

namespace torchlint {
namespace {

constexpr std::uint16_t kReplacement = 0xFFFD;

void push_code_point(std::vector<std::uint16_t>& out, std::uint32_t code_point) {
  if (code_point < 0x10000U) {
    out.push_back(static_cast<std::uint16_t>(code_point));
    return;
  }
  code_point -= 0x10000U;
  out.push_back(static_cast<std::uint16_t>(0xD800U + (code_point >> 10U)));
  out.push_back(static_cast<std::uint16_t>(0xDC00U + (code_point & 0x3FFU)));
}

// The action's rolling hash. Arithmetic is on 64-bit two's complement integers (the
// `long` package), which is exactly unsigned 64-bit arithmetic modulo 2^64.
class RollingLineHasher {
 public:
  explicit RollingLineHasher(std::vector<std::string>& out) : out_(out) {
    line_numbers_.fill(-1);
    for (unsigned i = 0; i < kBlockSize; ++i) first_mod_ *= kMod;
  }

  void process(std::uint32_t current) {
    // Spaces and tabs never count; a LF right after a CR is part of that line end.
    if (current == ' ' || current == '\t' || (previous_cr_ && current == '\n')) {
      previous_cr_ = false;
      return;
    }
    previous_cr_ = current == '\r';
    if (current == '\r') current = '\n';
    if (line_numbers_[index_] != -1) output();
    if (line_start_) {
      line_start_ = false;
      line_numbers_[index_] = ++line_number_;
    }
    if (current == '\n') line_start_ = true;
    update(current);
  }

  void finish() {
    process(kEndOfFile);
    for (unsigned i = 0; i < kBlockSize; ++i) {
      if (line_numbers_[index_] != -1) output();
      update(0);
    }
  }

 private:
  static constexpr unsigned kBlockSize = 100;
  static constexpr std::uint64_t kMod = 37;
  static constexpr std::uint32_t kEndOfFile = 65535;

  void update(std::uint32_t current) {
    const std::uint64_t begin = window_[index_];
    window_[index_] = current;
    hash_ = kMod * hash_ + current - first_mod_ * begin;
    index_ = (index_ + 1) % kBlockSize;
  }

  void output() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    std::uint64_t value = hash_;
    do {
      hex.insert(hex.begin(), kHex[value & 0xFU]);
      value >>= 4U;
    } while (value != 0);
    const int count = ++counts_[hex];
    const auto line = static_cast<std::size_t>(line_numbers_[index_]);
    if (out_.size() < line) out_.resize(line);
    out_[line - 1] = hex + ":" + std::to_string(count);
    line_numbers_[index_] = -1;
  }

  std::vector<std::string>& out_;
  std::array<std::uint32_t, kBlockSize> window_{};
  std::array<std::int64_t, kBlockSize> line_numbers_{};
  std::uint64_t hash_ = 0;
  std::uint64_t first_mod_ = 1;
  unsigned index_ = 0;
  std::int64_t line_number_ = 0;
  bool line_start_ = true;
  bool previous_cr_ = false;
  std::unordered_map<std::string, int> counts_;
};

}  // namespace

std::vector<std::uint16_t> utf8_to_utf16(std::string_view text) {
  std::vector<std::uint16_t> out;
  out.reserve(text.size());
  std::uint32_t code_point = 0;
  unsigned needed = 0;
  unsigned seen = 0;
  unsigned lower = 0x80;
  unsigned upper = 0xBF;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned byte = static_cast<unsigned char>(text[i]);
    if (needed == 0) {
      if (byte <= 0x7F) {
        out.push_back(static_cast<std::uint16_t>(byte));
      } else if (byte >= 0xC2 && byte <= 0xDF) {
        needed = 1;
        code_point = byte & 0x1FU;
      } else if (byte >= 0xE0 && byte <= 0xEF) {
        if (byte == 0xE0) lower = 0xA0;
        if (byte == 0xED) upper = 0x9F;
        needed = 2;
        code_point = byte & 0xFU;
      } else if (byte >= 0xF0 && byte <= 0xF4) {
        if (byte == 0xF0) lower = 0x90;
        if (byte == 0xF4) upper = 0x8F;
        needed = 3;
        code_point = byte & 0x7U;
      } else {
        out.push_back(kReplacement);
      }
      continue;
    }
    if (byte < lower || byte > upper) {
      // The sequence so far is one U+FFFD; this byte starts afresh.
      code_point = needed = seen = 0;
      lower = 0x80;
      upper = 0xBF;
      out.push_back(kReplacement);
      --i;
      continue;
    }
    lower = 0x80;
    upper = 0xBF;
    code_point = (code_point << 6U) | (byte & 0x3FU);
    if (++seen == needed) {
      push_code_point(out, code_point);
      code_point = needed = seen = 0;
    }
  }
  if (needed != 0) out.push_back(kReplacement);
  return out;
}

std::vector<std::string> github_line_hashes(std::string_view text) {
  std::vector<std::string> hashes;
  RollingLineHasher hasher(hashes);
  for (std::uint16_t unit : utf8_to_utf16(text)) hasher.process(unit);
  hasher.finish();
  return hashes;
}

}  // namespace torchlint
