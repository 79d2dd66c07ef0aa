#pragma once
// An open document of the LSP server: its text, kept in sync with the editor's edits,
// and its tree-sitter tree, kept across edits so that a reparse is incremental.
#include <tree_sitter/api.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "linter/parse/parser.h"
#include "linter/source/source_file.h"

namespace torchlint::lsp {

// How LSP positions count characters within a line (negotiated at `initialize`).
enum class PositionEncoding { Utf8, Utf16 };

// A 0-based line and character offset in the negotiated encoding.
struct LspPosition {
  std::uint32_t line = 0;
  std::uint32_t character = 0;
  friend bool operator==(const LspPosition&, const LspPosition&) = default;
};

// Byte offset of `position` in `text`. A character past the end of its line means the
// end of the line (the spec's rule), a line past the end means the end of the text,
// and a UTF-16 offset inside a surrogate pair means the code point's start.
std::uint32_t byte_offset(std::string_view text, LspPosition position, PositionEncoding encoding);

// The LSP position of `byte` (a code point boundary) in the text `lines` indexes.
LspPosition lsp_position(const LineIndex& lines, std::string_view text, std::uint32_t byte,
                         PositionEncoding encoding);

// tree-sitter's point (row, byte column) of `byte` in `text`.
TSPoint point_at(std::string_view text, std::uint32_t byte);

class TextDocument {
 public:
  TextDocument(std::string uri, std::string path, Language language, std::int64_t version, std::string text);

  // Replaces the bytes [start, end) with `replacement`, editing the kept tree to match.
  void replace(std::uint32_t start, std::uint32_t end, std::string_view replacement);
  // An incremental change: the range in the negotiated encoding.
  void apply_change(LspPosition start, LspPosition end, std::string_view replacement, PositionEncoding encoding);
  // A full-text change. Only the span that differs is edited, so the reparse stays incremental.
  void set_text(std::string text);

  // The tree of the current text, reparsed (reusing the old tree) when edits are pending.
  // Null only when the parser gave up.
  TSTree* tree();

  [[nodiscard]] const std::string& uri() const { return uri_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] Language language() const { return language_; }
  [[nodiscard]] const std::string& text() const { return text_; }
  [[nodiscard]] std::int64_t version() const { return version_; }
  void set_version(std::int64_t version) { version_ = version; }
  // How many reparses reused the previous tree (for tests of the incremental path).
  [[nodiscard]] std::uint64_t incremental_parses() const { return incremental_parses_; }

 private:
  std::string uri_;
  std::string path_;
  Language language_;
  std::int64_t version_;
  std::string text_;
  Tree tree_;
  bool tree_current_ = false;
  std::uint64_t incremental_parses_ = 0;
};

}  // namespace torchlint::lsp
