#include "linter/semantic/python_grammar_gaps.h"

#include <cctype>
#include <optional>

namespace torchlint {
namespace {

constexpr std::string_view kStarredAtom = "a starred literal or display in an unparenthesized tuple (`a, *[...]`)";
constexpr std::string_view kDedentedContinuation =
    "a continuation line inside brackets indented less than its statement";
constexpr std::string_view kFormatSpecFill = "an f-string format spec with fill character `=` (`{x:=^10}`)";

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80) != 0; }
bool is_name_char(char c) { return is_name_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

// `r`, `b`, `f`, `u` and their two-letter combinations, any case.
bool is_string_prefix(std::string_view word) {
  if (word.empty() || word.size() > 2) return false;
  bool raw = false, bytes = false, format = false, unicode = false;
  for (char c : word) {
    switch (std::tolower(static_cast<unsigned char>(c))) {
      case 'r': if (raw) return false; raw = true; break;
      case 'b': if (bytes) return false; bytes = true; break;
      case 'f': if (format) return false; format = true; break;
      case 'u': if (unicode) return false; unicode = true; break;
      default: return false;
    }
  }
  return !(bytes && format) && !(unicode && word.size() > 1);
}

bool has_format_prefix(std::string_view prefix) {
  return prefix.find('f') != std::string_view::npos || prefix.find('F') != std::string_view::npos;
}

enum class TokenKind { None, Name, Number, String, Operator, Open, Close };

struct Token {
  TokenKind kind = TokenKind::None;
  std::string_view text;
};

class GapScanner {
 public:
  enum class Mode { Rewrite, Indentation };

  GapScanner(std::string_view source, Mode mode) : src_(source), mode_(mode) {
    if (mode == Mode::Rewrite) result_.text = std::string(source);
  }

  GapRewrite rewrite() {
    scan();
    return std::move(result_);
  }

  std::optional<IndentationError> indentation_error() {
    scan();
    if (!indentation_error_ && expect_indent_ && last_statement_start_ != kNone) {
      // A block header at the end of the file with no body.
      indentation_error_ = IndentationError{static_cast<std::uint32_t>(last_statement_start_),
                                            "expected an indented block"};
    }
    return indentation_error_;
  }

 private:
  void scan() {
    while (pos_ < src_.size() && !indentation_error_) {
      if (line_start_) start_line();
      if (pos_ >= src_.size()) break;
      step();
    }
  }

  void blank(std::size_t at) {
    if (mode_ == Mode::Rewrite) result_.text[at] = ' ';
  }
  void add_gap(std::size_t at, std::string_view construct) {
    result_.gaps.push_back(GrammarGap{static_cast<std::uint32_t>(at), construct});
  }

  // At the first byte of a physical line: measure its indentation and, inside brackets, join a
  // line indented less than its statement to the last line with code.
  void start_line() {
    line_start_ = false;
    line_comment_start_ = kNone;
    std::size_t column = 0;
    std::size_t p = pos_;
    for (; p < src_.size(); ++p) {
      const char c = src_[p];
      if (c == ' ') ++column;
      else if (c == '\t') column = (column / 8 + 1) * 8;
      else if (c == '\f') column = 0;
      else break;
    }
    const bool blank = p >= src_.size() || src_[p] == '\n' || src_[p] == '\r';
    pos_ = p;
    if (blank) return;
    if (brackets_.empty() && !backslash_continued_) {
      if (src_[p] != '#') start_statement(p, column);
    } else if (!brackets_.empty() && column < statement_indent_ && last_code_end_ != kNone) {
      join_to_last_code_line(p);
    }
    backslash_continued_ = false;
  }

  void join_to_last_code_line(std::size_t content) {
    for (std::size_t i = last_code_end_; i < content; ++i) blank(i);
    // The joined line must not vanish into the previous line's comment.
    if (last_code_comment_ != kNone) {
      for (std::size_t i = last_code_comment_; i < last_code_end_; ++i) blank(i);
    }
    add_gap(content, kDedentedContinuation);
  }

  void end_line(std::size_t newline) {
    last_code_end_ = newline;
    last_code_comment_ = line_comment_start_;
    line_start_ = true;
    // A logical line ends outside brackets; one ending in `:` opens a block (a comment after
    // the colon leaves the last token unchanged).
    if (brackets_.empty()) expect_indent_ = prev_.kind == TokenKind::Operator && prev_.text == ":";
  }

  // CPython's INDENT / DEDENT bookkeeping, which tree-sitter-python does not enforce: a
  // statement indented without a block header, a dedent to a level never opened, or a block
  // header whose next statement is not indented.
  void start_statement(std::size_t content, std::size_t column) {
    statement_indent_ = column;
    last_statement_start_ = content;
    std::size_t end = content;
    while (end < src_.size() && is_name_char(src_[end])) ++end;
    statement_keyword_ = src_.substr(content, end - content);
    header_done_ = false;
    const auto at = static_cast<std::uint32_t>(content);
    if (expect_indent_) {
      expect_indent_ = false;
      if (column > indents_.back()) {
        indents_.push_back(column);
      } else {
        indentation_error_ = IndentationError{at, "expected an indented block"};
      }
      return;
    }
    if (column > indents_.back()) {
      indentation_error_ = IndentationError{at, "unexpected indent"};
      return;
    }
    while (column < indents_.back()) indents_.pop_back();
    if (column != indents_.back()) {
      indentation_error_ = IndentationError{at, "unindent does not match any outer indentation level"};
    }
  }

  void step() {
    const char c = src_[pos_];
    if (c == '\n' || c == '\r') {
      // A line with code ends here (blank lines never reach step()).
      std::size_t newline = pos_;
      if (c == '\r' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '\n') ++pos_;
      ++pos_;
      end_line(newline);
      return;
    }
    if (c == ' ' || c == '\t' || c == '\f') {
      ++pos_;
      return;
    }
    if (c == '#') {
      line_comment_start_ = pos_;
      while (pos_ < src_.size() && src_[pos_] != '\n' && src_[pos_] != '\r') ++pos_;
      return;
    }
    if (c == '\\' && pos_ + 1 < src_.size() && (src_[pos_ + 1] == '\n' || src_[pos_ + 1] == '\r')) {
      // Explicit line joining: the next physical line continues this statement.
      const std::size_t backslash = pos_;
      ++pos_;
      if (src_[pos_] == '\r' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '\n') ++pos_;
      ++pos_;
      end_line(backslash);
      backslash_continued_ = true;
      return;
    }
    if (is_name_start(c)) {
      scan_name();
      return;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && pos_ + 1 < src_.size() && std::isdigit(static_cast<unsigned char>(src_[pos_ + 1])))) {
      const std::size_t start = pos_;
      while (pos_ < src_.size() && (is_name_char(src_[pos_]) || src_[pos_] == '.' ||
                                    ((src_[pos_] == '+' || src_[pos_] == '-') &&
                                     (src_[pos_ - 1] == 'e' || src_[pos_ - 1] == 'E')))) {
        ++pos_;
      }
      prev_ = {TokenKind::Number, src_.substr(start, pos_ - start)};
      return;
    }
    if (c == '"' || c == '\'') {
      scan_string(pos_, "");
      return;
    }
    if (c == '(' || c == '[' || c == '{') {
      brackets_.push_back(c);
      prev_ = {TokenKind::Open, src_.substr(pos_, 1)};
      ++pos_;
      return;
    }
    if (c == ')' || c == ']' || c == '}') {
      if (!brackets_.empty()) brackets_.pop_back();
      prev_ = {TokenKind::Close, src_.substr(pos_, 1)};
      ++pos_;
      return;
    }
    if (c == '*') {
      scan_star();
      return;
    }
    scan_operator();
  }

  void scan_name() {
    const std::size_t start = pos_;
    while (pos_ < src_.size() && is_name_char(src_[pos_])) ++pos_;
    const std::string_view word = src_.substr(start, pos_ - start);
    if (pos_ < src_.size() && (src_[pos_] == '"' || src_[pos_] == '\'') && is_string_prefix(word)) {
      scan_string(pos_, word);
      return;
    }
    prev_ = {TokenKind::Name, word};
  }

  void scan_operator() {
    if (src_[pos_] == ':' && brackets_.empty() && src_.substr(pos_, 2) != ":=") header_done_ = true;
    static constexpr std::string_view kThree[] = {"//=", ">>=", "<<=", "**=", "..."};
    static constexpr std::string_view kTwo[] = {"+=", "-=", "/=", "%=", "@=", "&=", "|=", "^=", "==", "!=",
                                                "<=", ">=", "//", ">>", "<<", "->", ":="};
    // Every longer operator has one of these second characters; most operators (`.`, `,`,
    // `=`) are one character, and this scanner runs over every byte of every file.
    const char second = pos_ + 1 < src_.size() ? src_[pos_ + 1] : '\0';
    if (second != '=' && second != '/' && second != '>' && second != '<' && second != '*' && second != '.') {
      prev_ = {TokenKind::Operator, src_.substr(pos_, 1)};
      ++pos_;
      return;
    }
    for (std::string_view op : kThree) {
      if (src_.substr(pos_, 3) == op) {
        prev_ = {TokenKind::Operator, src_.substr(pos_, 3)};
        pos_ += 3;
        return;
      }
    }
    for (std::string_view op : kTwo) {
      if (src_.substr(pos_, 2) == op) {
        prev_ = {TokenKind::Operator, src_.substr(pos_, 2)};
        pos_ += 2;
        return;
      }
    }
    prev_ = {TokenKind::Operator, src_.substr(pos_, 1)};
    ++pos_;
  }

  // A star that starts a starred expression where a tuple element may stand: after `,`, after
  // an assignment `=` outside brackets, after `return` / `yield` / `in`, or first in a subscript.
  [[nodiscard]] bool star_may_start_element() const {
    if (!statement_allows_starred_tuple()) return false;
    if (prev_.kind == TokenKind::Operator) {
      if (prev_.text == ",") return true;
      const bool assignment = prev_.text == "=" || (prev_.text.size() >= 2 && prev_.text.back() == '=' &&
                                                    prev_.text != "==" && prev_.text != "!=" &&
                                                    prev_.text != "<=" && prev_.text != ">=");
      return assignment && brackets_.empty();
    }
    if (prev_.kind == TokenKind::Open) return prev_.text == "[";
    if (prev_.kind == TokenKind::Name) return prev_.text == "return" || prev_.text == "yield" || prev_.text == "in";
    return false;
  }

  // Statements where a starred tuple element is never valid (`assert x, *[1]`), or not before
  // the header's colon (`if a, *[1]:`; the body of `if c: x = a, *[1]` may hold one).
  [[nodiscard]] bool statement_allows_starred_tuple() const {
    static constexpr std::string_view kNever[] = {"assert", "del", "global", "nonlocal", "import", "from", "raise"};
    static constexpr std::string_view kNotInHeader[] = {"if",    "elif", "while", "with", "except",
                                                        "class", "def",  "async", "lambda"};
    for (std::string_view keyword : kNever) {
      if (statement_keyword_ == keyword) return false;
    }
    if (header_done_) return true;
    for (std::string_view keyword : kNotInHeader) {
      if (statement_keyword_ == keyword) return false;
    }
    return true;
  }

  // The operand after the star is one the grammar cannot take after `*` in a tuple: a literal,
  // a display, a parenthesized expression or a unary `-` / `+` / `~` (names, attributes,
  // subscripts and calls it can).
  [[nodiscard]] bool operand_is_atom(std::size_t p) const {
    while (p < src_.size() && (src_[p] == ' ' || src_[p] == '\t')) ++p;
    if (p >= src_.size()) return false;
    const char c = src_[p];
    if (c == '[' || c == '(' || c == '{' || c == '"' || c == '\'' || c == '-' || c == '+' || c == '~' || c == '.' ||
        std::isdigit(static_cast<unsigned char>(c))) {
      return true;
    }
    if (!is_name_start(c)) return false;
    std::size_t end = p;
    while (end < src_.size() && is_name_char(src_[end])) ++end;
    const std::string_view word = src_.substr(p, end - p);
    if (end < src_.size() && (src_[end] == '"' || src_[end] == '\'') && is_string_prefix(word)) return true;
    return word == "None" || word == "True" || word == "False";
  }

  void scan_star() {
    if (pos_ + 1 < src_.size() && (src_[pos_ + 1] == '*' || src_[pos_ + 1] == '=')) {
      scan_operator_star();
      return;
    }
    if (star_may_start_element() && operand_is_atom(pos_ + 1)) {
      blank(pos_);
      add_gap(pos_, kStarredAtom);
    }
    prev_ = {TokenKind::Operator, src_.substr(pos_, 1)};
    ++pos_;
  }

  void scan_operator_star() {
    const std::size_t length = src_.substr(pos_, 3) == "**=" ? 3 : 2;
    prev_ = {TokenKind::Operator, src_.substr(pos_, length)};
    pos_ += length;
  }

  // A string literal at `quote` (its prefix already consumed). Newlines inside a triple-quoted
  // string are not line ends.
  void scan_string(std::size_t quote, std::string_view prefix) {
    const char q = src_[quote];
    const bool triple = src_.substr(quote, 3) == std::string(3, q);
    pos_ = quote + (triple ? 3 : 1);
    scan_string_body(q, triple, has_format_prefix(prefix));
    prev_ = {TokenKind::String, src_.substr(quote, pos_ > quote ? pos_ - quote : 0)};
  }

  // Consumes up to and including the closing quote.
  // A backslash keeps the next character in the string, raw strings included.
  void scan_string_body(char q, bool triple, bool format) {
    while (pos_ < src_.size()) {
      const char c = src_[pos_];
      if (c == '\\') {
        pos_ += 2;
        continue;
      }
      if (!triple && (c == '\n' || c == '\r')) return;  // unterminated: let the parser say so
      if (c == q && (!triple || src_.substr(pos_, 3) == std::string(3, q))) {
        pos_ += triple ? 3 : 1;
        return;
      }
      if (format && c == '{') {
        if (pos_ + 1 < src_.size() && src_[pos_ + 1] == '{') {
          pos_ += 2;
          continue;
        }
        ++pos_;
        scan_replacement_field();
        continue;
      }
      ++pos_;
    }
  }

  // Inside `{...}` of an f-string, just after the `{`: the expression, a `!r` conversion, a
  // `:spec` (which may hold nested fields), up to the closing `}`.
  void scan_replacement_field() {
    // Nested f-strings (3.12) recurse; past a sane depth, treat the rest as plain text so a
    // pathological file cannot overflow the stack.
    if (field_depth_ >= kMaxFieldDepth) return;
    ++field_depth_;
    scan_field_body();
    --field_depth_;
  }

  void scan_field_body() {
    int depth = 0;
    while (pos_ < src_.size()) {
      const char c = src_[pos_];
      if (c == '"' || c == '\'') {
        scan_string(pos_, "");
        continue;
      }
      if (is_name_start(c)) {
        const std::size_t start = pos_;
        while (pos_ < src_.size() && is_name_char(src_[pos_])) ++pos_;
        const std::string_view word = src_.substr(start, pos_ - start);
        if (pos_ < src_.size() && (src_[pos_] == '"' || src_[pos_] == '\'') && is_string_prefix(word)) {
          scan_string(pos_, word);
        }
        continue;
      }
      if (c == '(' || c == '[' || c == '{') ++depth;
      if (c == ')' || c == ']') --depth;
      if (c == '}') {
        if (depth == 0) {
          ++pos_;
          return;
        }
        --depth;
      }
      if (depth == 0 && c == '!' && pos_ + 1 < src_.size() && src_[pos_ + 1] != '=') {
        pos_ += 2;  // conversion `!r`; a spec or `}` follows
        continue;
      }
      if (depth == 0 && c == ':') {
        ++pos_;
        if (pos_ < src_.size() && src_[pos_] == '=') {
          blank(pos_);
          add_gap(pos_ - 1, kFormatSpecFill);
        }
        scan_format_spec();
        return;
      }
      ++pos_;
    }
  }

  void scan_format_spec() {
    while (pos_ < src_.size()) {
      const char c = src_[pos_];
      if (c == '{') {
        ++pos_;
        scan_replacement_field();
        continue;
      }
      ++pos_;
      if (c == '}') return;
    }
  }

  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  static constexpr int kMaxFieldDepth = 64;

  std::string_view src_;
  Mode mode_;
  GapRewrite result_;
  std::optional<IndentationError> indentation_error_;
  std::vector<std::size_t> indents_ = {0};
  bool expect_indent_ = false;
  std::string_view statement_keyword_;  // first word of the current logical line
  bool header_done_ = false;            // a `:` outside brackets was seen on it
  std::size_t last_statement_start_ = kNone;
  std::size_t pos_ = 0;
  bool line_start_ = true;
  bool backslash_continued_ = false;
  std::size_t statement_indent_ = 0;
  std::size_t last_code_end_ = kNone;       // the line end of the last physical line with code
  std::size_t last_code_comment_ = kNone;   // the comment that ends that line, if any
  std::size_t line_comment_start_ = kNone;  // the comment of the current physical line
  std::vector<char> brackets_;
  int field_depth_ = 0;
  Token prev_;
};

}  // namespace

GapRewrite rewrite_grammar_gaps(std::string_view source) {
  return GapScanner(source, GapScanner::Mode::Rewrite).rewrite();
}

std::optional<IndentationError> find_indentation_error(std::string_view source) {
  return GapScanner(source, GapScanner::Mode::Indentation).indentation_error();
}

}  // namespace torchlint
