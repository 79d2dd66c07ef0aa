// Units of the LSP server: message framing, position encodings, incremental text
// sync with tree reuse, and the "suppress on this line" edit.
#include <gtest/gtest.h>

#include <memory>

#include "linter/lsp/jsonrpc.h"
#include "linter/lsp/server.h"
#include "linter/lsp/suppression_edit.h"
#include "linter/lsp/text_document.h"
#include "linter/parse/parser.h"

namespace torchlint::lsp {
namespace {

std::string sexp(TSTree* tree) {
  char* raw = ts_node_string(ts_tree_root_node(tree));
  std::string result(raw);
  free(raw);
  return result;
}

TEST(LspFraming, SplitsFramesFedInPieces) {
  FrameReader reader;
  const std::string stream = frame({{"a", 1}}) + frame({{"b", "é"}});
  for (char c : stream) reader.feed(std::string_view(&c, 1));
  auto first = reader.next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, R"({"a":1})");
  auto second = reader.next();
  ASSERT_TRUE(second);
  EXPECT_EQ(nlohmann::json::parse(second->body)["b"], "é");
  EXPECT_FALSE(reader.next());
}

TEST(LspFraming, HeaderNamesAreCaseInsensitiveAndOtherHeadersIgnored) {
  FrameReader reader;
  reader.feed("content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}");
  auto got = reader.next();
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->error.empty());
  EXPECT_EQ(got->body, "{}");
}

TEST(LspFraming, MissingLengthIsAnErrorAndReadingGoesOn) {
  FrameReader reader;
  reader.feed("X-Nothing: 1\r\n\r\nContent-Length: 2\r\n\r\n[]");
  auto bad = reader.next();
  ASSERT_TRUE(bad);
  EXPECT_FALSE(bad->error.empty());
  auto good = reader.next();
  ASSERT_TRUE(good);
  EXPECT_EQ(good->body, "[]");
}

// "é" is 2 bytes / 1 UTF-16 unit; "😀" is 4 bytes / 2 UTF-16 units (a surrogate pair).
constexpr std::string_view kText = "ab\n# é😀 x\r\nlast";

TEST(LspPositions, Utf16AndUtf8OffsetsMapToBytes) {
  EXPECT_EQ(byte_offset(kText, {1, 2}, PositionEncoding::Utf16), 5u);   // é
  EXPECT_EQ(byte_offset(kText, {1, 3}, PositionEncoding::Utf16), 7u);   // 😀
  EXPECT_EQ(byte_offset(kText, {1, 5}, PositionEncoding::Utf16), 11u);  // the space after 😀
  EXPECT_EQ(byte_offset(kText, {1, 4}, PositionEncoding::Utf16), 7u);   // inside the pair: its start
  EXPECT_EQ(byte_offset(kText, {1, 8}, PositionEncoding::Utf8), 11u);
  EXPECT_EQ(byte_offset(kText, {1, 6}, PositionEncoding::Utf8), 7u);  // inside 😀: its start
  EXPECT_EQ(byte_offset(kText, {1, 99}, PositionEncoding::Utf16), 13u);  // past the end: before "\r\n"
  EXPECT_EQ(byte_offset(kText, {7, 0}, PositionEncoding::Utf16), kText.size());
  EXPECT_EQ(byte_offset(kText, {2, 2}, PositionEncoding::Utf8), 17u);
}

TEST(LspPositions, BytesMapBackInEitherEncoding) {
  const LineIndex lines(kText);
  EXPECT_EQ(lsp_position(lines, kText, 11, PositionEncoding::Utf16), (LspPosition{1, 5}));
  EXPECT_EQ(lsp_position(lines, kText, 11, PositionEncoding::Utf8), (LspPosition{1, 8}));
  EXPECT_EQ(lsp_position(lines, kText, 17, PositionEncoding::Utf16), (LspPosition{2, 2}));
  for (std::uint32_t byte : {0u, 3u, 5u, 7u, 11u, 12u, 15u, 19u}) {
    for (auto encoding : {PositionEncoding::Utf8, PositionEncoding::Utf16}) {
      EXPECT_EQ(byte_offset(kText, lsp_position(lines, kText, byte, encoding), encoding), byte) << byte;
    }
  }
}

TEST(LspPositions, FileUrisArePercentDecoded) {
  EXPECT_EQ(uri_to_path("file:///tmp/a%20b/%C3%A9.py"), "/tmp/a b/é.py");
  EXPECT_EQ(uri_to_path("untitled:Untitled-1"), "untitled:Untitled-1");
}

TEST(LspDocument, IncrementalEditsReuseTheTreeAndMatchAFreshParse) {
  TextDocument document("file:///x.py", "/x.py", Language::Python, 1,
                        "import torch\n\ndef f(x):\n    s = \"é😀\"; x.add_(1)\n    return x\n");
  ASSERT_NE(document.tree(), nullptr);
  // Replace "é" (UTF-16 character 9 on line 3) with "ab", then add a statement.
  document.apply_change({3, 9}, {3, 10}, "ab", PositionEncoding::Utf16);
  document.apply_change({4, 0}, {4, 0}, "    x.mul_(2)\n", PositionEncoding::Utf16);
  EXPECT_EQ(document.text(), "import torch\n\ndef f(x):\n    s = \"ab😀\"; x.add_(1)\n    x.mul_(2)\n    return x\n");
  TSTree* reparsed = document.tree();
  ASSERT_NE(reparsed, nullptr);
  EXPECT_EQ(document.incremental_parses(), 1u);
  Tree fresh = parse(Language::Python, document.text());
  EXPECT_EQ(sexp(reparsed), sexp(fresh.get()));
}

TEST(LspDocument, FullTextChangeIsAppliedAsTheDifferingSpan) {
  TextDocument document("file:///x.py", "/x.py", Language::Python, 1, "a = 1\nb = 2\nc = 3\n");
  ASSERT_NE(document.tree(), nullptr);
  document.set_text("a = 1\nb = [2, 😀]\nc = 3\n");
  EXPECT_EQ(document.text(), "a = 1\nb = [2, 😀]\nc = 3\n");
  TSTree* reparsed = document.tree();
  EXPECT_EQ(document.incremental_parses(), 1u);
  EXPECT_EQ(sexp(reparsed), sexp(parse(Language::Python, document.text()).get()));
}

// The edited line after applying the suppression edit for `code` on `row`.
std::optional<std::string> suppress(const std::string& text, Language language, std::uint32_t row,
                                    std::string_view code) {
  Tree tree = parse(language, text);
  const auto edit = suppression_edit(text, ts_tree_root_node(tree.get()), language, row, code);
  if (!edit) return std::nullopt;
  std::string result = text;
  result.replace(edit->start, edit->end - edit->start, edit->text);
  std::size_t start = 0;
  for (std::uint32_t r = 0; r < row; ++r) start = result.find('\n', start) + 1;
  return result.substr(start, result.find('\n', start) - start);
}

TEST(LspSuppression, PythonAppendsNoqaAfterTheCode) {
  EXPECT_EQ(suppress("x.add_(1)   \n", Language::Python, 0, "TL501"), "x.add_(1)  # noqa: TL501");
  EXPECT_EQ(suppress("s = 'é😀'; x.add_(1)\r\n", Language::Python, 0, "TL501"), "s = 'é😀'; x.add_(1)  # noqa: TL501\r");
  EXPECT_EQ(suppress("x.add_(1)  # keep é\n", Language::Python, 0, "TL501"), "x.add_(1)  # keep é  # noqa: TL501");
}

TEST(LspSuppression, PythonExtendsAnExistingNoqaList) {
  EXPECT_EQ(suppress("x.add_(1)  # noqa: E501\n", Language::Python, 0, "TL501"), "x.add_(1)  # noqa: E501, TL501");
  EXPECT_EQ(suppress("x.add_(1)  # NOQA:TL201,TL202 why\n", Language::Python, 0, "TL501"),
            "x.add_(1)  # NOQA:TL201,TL202, TL501 why");
}

TEST(LspSuppression, PythonLeavesLinesItCannotOrNeedNotTouch) {
  EXPECT_EQ(suppress("x.add_(1)  # noqa\n", Language::Python, 0, "TL501"), std::nullopt);
  EXPECT_EQ(suppress("x.add_(1)  # noqa: TL501\n", Language::Python, 0, "TL501"), std::nullopt);
  EXPECT_EQ(suppress("f(x.add_(1), '''a\nb''')\n", Language::Python, 0, "TL501"), std::nullopt);
  EXPECT_EQ(suppress("y = x.add_(1) + \\\n  2\n", Language::Python, 0, "TL501"), std::nullopt);
  EXPECT_EQ(suppress("y = [x.add_(1),\n  2]\n", Language::Python, 0, "TL501"), "y = [x.add_(1),  # noqa: TL501");
}

TEST(LspSuppression, CppUsesNolint) {
  EXPECT_EQ(suppress("void f() {\n  x.add_(1);\n}\n", Language::Cpp, 1, "TL501"), "  x.add_(1);  // NOLINT(TL501)");
  EXPECT_EQ(suppress("void f() {\n  x.add_(1);  // NOLINT(TL201)\n}\n", Language::Cpp, 1, "TL501"),
            "  x.add_(1);  // NOLINT(TL201, TL501)");
  EXPECT_EQ(suppress("void f() {\n  /* é😀 */ x.add_(1); // NOLINTNEXTLINE(TL201)\n}\n", Language::Cpp, 1, "TL501"),
            "  /* é😀 */ x.add_(1); // NOLINTNEXTLINE(TL201)  // NOLINT(TL501)");
  EXPECT_EQ(suppress("void f() {\n  x.add_(1);  // NOLINT\n}\n", Language::Cpp, 1, "TL501"), std::nullopt);
  EXPECT_EQ(suppress("void f() {\n  x.add_(1); /* a\n b */\n}\n", Language::Cpp, 1, "TL501"), std::nullopt);
}

}  // namespace
}  // namespace torchlint::lsp
