#include <gtest/gtest.h>

#include "linter/source/source_file.h"

namespace torchlint {
namespace {

TEST(LineIndex, AsciiPositions) {
  LineIndex index("ab\ncd\n");
  EXPECT_EQ(index.position(0), (Position{1, 1}));
  EXPECT_EQ(index.position(1), (Position{1, 2}));
  EXPECT_EQ(index.position(3), (Position{2, 1}));
  EXPECT_EQ(index.position(5), (Position{2, 3}));
  EXPECT_EQ(index.line(1), "cd");
}

TEST(LineIndex, MultiByteColumnsCountCodePoints) {
  // "é" is 2 bytes, "€" 3 bytes, "😀" 4 bytes (2 UTF-16 units).
  const std::string text = "é€😀x = 1\n";
  LineIndex index(text);
  const auto x = static_cast<std::uint32_t>(text.find('x'));
  EXPECT_EQ(index.position(x), (Position{1, 4}));
  EXPECT_EQ(index.utf16_column(x), 4U);
  EXPECT_EQ(index.offset_of(Position{1, 4}), x);
}

TEST(LineIndex, CrlfLinesExcludeTheCarriageReturn) {
  LineIndex index("a = 1\r\nb = 2\r\n");
  EXPECT_EQ(index.position(7), (Position{2, 1}));
  EXPECT_EQ(index.line(0), "a = 1");
  EXPECT_EQ(index.line(1), "b = 2");
}

TEST(LineIndex, BomIsNotAColumn) {
  const std::string text = "\xEF\xBB\xBFx = 1\n";
  LineIndex index(text);
  EXPECT_EQ(index.position(3), (Position{1, 1}));
  EXPECT_EQ(index.line(0), "x = 1");
}

TEST(LineIndex, TabIsOneColumn) {
  LineIndex index("\tx\n");
  EXPECT_EQ(index.position(1), (Position{1, 2}));
}

TEST(Utf8, Validation) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("é€😀"));
  EXPECT_FALSE(is_valid_utf8("\xC3"));
  EXPECT_FALSE(is_valid_utf8("\xC0\x80"));    // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));  // surrogate
}

TEST(Language, ByExtension) {
  EXPECT_EQ(language_for_path("a/b.py"), Language::Python);
  EXPECT_EQ(language_for_path("a/b.pyi"), Language::Python);
  EXPECT_EQ(language_for_path("k.cu"), Language::Cpp);
  EXPECT_EQ(language_for_path("h.hpp"), Language::Cpp);
  EXPECT_EQ(language_for_path("dir.py/readme"), Language::Unknown);
  EXPECT_EQ(language_for_path("notes.txt"), Language::Unknown);
}

}  // namespace
}  // namespace torchlint
