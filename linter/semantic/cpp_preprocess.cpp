#include "linter/semantic/cpp_preprocess.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace torchlint {
namespace {

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' || (c & 0x80) != 0; }
bool is_ident_char(char c) { return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
bool is_upper_or_digit(char c) {
  return std::isupper(static_cast<unsigned char>(c)) != 0 || std::isdigit(static_cast<unsigned char>(c)) != 0;
}

// CUDA's own declaration specifiers: always blanked, whatever the configuration says.
constexpr std::array<std::string_view, 6> kCudaSpecifiers = {"__shared__", "__constant__", "__managed__",
                                                             "__noinline__", "__grid_constant__", "__align__"};
// Function-like attributes: blanked together with their parenthesised arguments.
constexpr std::array<std::string_view, 8> kFunctionLikeAttributes = {
    "__launch_bounds__",     "C10_LAUNCH_BOUNDS_0",     "C10_LAUNCH_BOUNDS_1", "C10_LAUNCH_BOUNDS_2",
    "C10_DEPRECATED_MESSAGE", "C10_DEFINE_DEPRECATED_USING", "C10_ALIGN",      "__align__"};
// Object-like attribute macros of c10 that are not in the configurable defaults but are
// everywhere in LibTorch headers; blanking them never changes what a rule sees.
constexpr std::array<std::string_view, 14> kC10Attributes = {
    "C10_UNUSED",       "C10_NOINLINE",    "C10_DEPRECATED", "C10_ALWAYS_INLINE_ATTRIBUTE", "C10_HIDDEN",
    "C10_LOCAL",        "C10_NORETURN",    "C10_FALLTHROUGH", "C10_ATTR_VISIBILITY_HIDDEN", "C10_API_ENUM",
    "C10_CUDA_HOST_DEVICE", "C10_RESTRICT", "__at_align__", "VISIBILITY_HIDDEN"};

// `TORCH_API`, `TORCH_CUDA_CPP_API`, `C10_EXPORT`, `CAFFE2_IMPORT`: export/visibility macros.
bool is_export_macro_name(std::string_view name) {
  if (name.size() < 5 || !std::isupper(static_cast<unsigned char>(name[0]))) return false;
  if (!std::all_of(name.begin(), name.end(), [](char c) { return is_upper_or_digit(c) || c == '_'; })) return false;
  return name.ends_with("_API") || name.ends_with("_EXPORT") || name.ends_with("_IMPORT") ||
         name.ends_with("_VISIBILITY");
}

// A name spelled like a macro: `C10_DECLARE_REGISTRY`, `AT_FORALL_SCALAR_TYPES`, `C10_DEFINE_bool`.
bool looks_like_macro_name(std::string_view name) {
  if (name.size() < 3 || !std::isupper(static_cast<unsigned char>(name[0]))) return false;
  const std::size_t underscore = name.find('_');
  const std::string_view head = name.substr(0, underscore);
  if (!std::all_of(head.begin(), head.end(), is_upper_or_digit)) return false;
  if (underscore == std::string_view::npos) return name.size() >= 4;
  // Everything but a trailing lower-case type word (`C10_DEFINE_bool`) is upper case.
  const std::size_t last = name.rfind('_');
  const std::string_view body = name.substr(0, last);
  return std::all_of(body.begin(), body.end(), [](char c) { return is_upper_or_digit(c) || c == '_'; });
}

class Recoverer {
 public:
  Recoverer(std::string_view text, const std::vector<std::string>& attribute_macros, CppRecoveryStats& stats)
      : text_(text), out_(text), macros_(attribute_macros), stats_(stats) {}

  std::string run() {
    while (i_ < text_.size()) step();
    return std::move(out_);
  }

 private:
  [[nodiscard]] char at(std::size_t index) const { return index < text_.size() ? text_[index] : '\0'; }

  void blank(std::size_t begin, std::size_t end) {
    for (std::size_t k = begin; k < end && k < out_.size(); ++k) {
      if (out_[k] != '\n' && out_[k] != '\r') out_[k] = ' ';
    }
  }

  void step() {
    const char c = text_[i_];
    if (c == '\n') {
      line_start_ = true;
      ++i_;
      return;
    }
    if (is_space(c)) {
      ++i_;
      return;
    }
    if (c == '#' && line_start_) {
      skip_directive();
      return;
    }
    const bool was_line_start = line_start_;
    line_start_ = false;
    if (c == '/' && at(i_ + 1) == '/') {
      i_ = line_comment_end(i_);
      return;
    }
    if (c == '/' && at(i_ + 1) == '*') {
      i_ = block_comment_end(i_);
      line_start_ = was_line_start;  // `/* ... */ #define` is not a directive, but code after is still line-leading
      return;
    }
    if (c == '"') {
      i_ = string_end(i_);
      return;
    }
    if (c == '\'') {
      i_ = char_end(i_);
      return;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) != 0 || (c == '.' && std::isdigit(static_cast<unsigned char>(at(i_ + 1))))) {
      i_ = number_end(i_);
      return;
    }
    if (is_ident_start(c)) {
      identifier(was_line_start);
      return;
    }
    if (c == '<' && at(i_ + 1) == '<' && at(i_ + 2) == '<') {
      kernel_launch();
      return;
    }
    if (c == '=' && at(i_ + 1) != '=' && (i_ == 0 || std::string_view("=!<>+-*/%&|^").find(text_[i_ - 1]) == std::string_view::npos)) {
      braced_default_argument();
      return;
    }
    ++i_;
  }

  // `const Options& options = {}` / `IntArrayRef dims={0,1}`: tree-sitter-cpp 0.23 has no braced
  // default argument and leaves a MISSING type there. The braces become `0` and spaces: a default
  // value no rule looks at. Only plain lists followed by `,` or `)` (no calls inside) are touched.
  void braced_default_argument() {
    const std::size_t open = skip_blank(i_ + 1, false);
    i_ = i_ + 1;
    if (at(open) != '{') return;
    const std::size_t close = text_.find('}', open);
    if (close == std::string_view::npos) return;
    const std::string_view inside = text_.substr(open + 1, close - open - 1);
    if (inside.find_first_of("{(;\"'/") != std::string_view::npos) return;
    const std::size_t next = skip_blank(close + 1, false);
    if (at(next) != ',' && at(next) != ')') return;
    blank(open, close + 1);
    out_[open] = '0';
    ++stats_.braced_defaults;
    i_ = close + 1;
  }

  // A directive runs to the end of its line, continued by a trailing backslash.
  void skip_directive() {
    while (i_ < text_.size() && text_[i_] != '\n') {
      if (text_[i_] == '\\' && at(i_ + 1) == '\n') {
        i_ += 2;
      } else if (text_[i_] == '\\' && at(i_ + 1) == '\r' && at(i_ + 2) == '\n') {
        i_ += 3;
      } else if (text_[i_] == '/' && at(i_ + 1) == '*') {
        i_ = block_comment_end(i_);
      } else {
        ++i_;
      }
    }
  }

  [[nodiscard]] std::size_t line_comment_end(std::size_t from) const {
    std::size_t k = from;
    while (k < text_.size() && text_[k] != '\n') {
      if (text_[k] == '\\' && at(k + 1) == '\n') ++k;  // a continued `//` comment
      ++k;
    }
    return k;
  }

  [[nodiscard]] std::size_t block_comment_end(std::size_t from) const {
    const std::size_t close = text_.find("*/", from + 2);
    return close == std::string_view::npos ? text_.size() : close + 2;
  }

  [[nodiscard]] std::size_t string_end(std::size_t from) const {
    std::size_t k = from + 1;
    while (k < text_.size() && text_[k] != '"' && text_[k] != '\n') k += text_[k] == '\\' ? 2 : 1;
    return std::min(k + 1, text_.size());
  }

  [[nodiscard]] std::size_t char_end(std::size_t from) const {
    std::size_t k = from + 1;
    while (k < text_.size() && text_[k] != '\'' && text_[k] != '\n') k += text_[k] == '\\' ? 2 : 1;
    return std::min(k + 1, text_.size());
  }

  // R"delim( ... )delim"
  [[nodiscard]] std::size_t raw_string_end(std::size_t quote) const {
    const std::size_t open = text_.find('(', quote);
    if (open == std::string_view::npos || open - quote > 17) return string_end(quote);
    const std::string close = ")" + std::string(text_.substr(quote + 1, open - quote - 1)) + "\"";
    const std::size_t end = text_.find(close, open);
    return end == std::string_view::npos ? text_.size() : end + close.size();
  }

  // Digits, digit separators (1'000), exponents with signs, suffixes.
  [[nodiscard]] std::size_t number_end(std::size_t from) const {
    std::size_t k = from;
    while (k < text_.size()) {
      const char c = text_[k];
      if (is_ident_char(c) || c == '.') {
        ++k;
      } else if (c == '\'' && is_ident_char(at(k + 1))) {
        ++k;
      } else if ((c == '+' || c == '-') && (text_[k - 1] == 'e' || text_[k - 1] == 'E' || text_[k - 1] == 'p' || text_[k - 1] == 'P')) {
        ++k;
      } else {
        break;
      }
    }
    return k;
  }

  // Index of the first byte after spaces and comments, not crossing a line end when `same_line`.
  [[nodiscard]] std::size_t skip_blank(std::size_t k, bool same_line) const {
    while (k < text_.size()) {
      const char c = text_[k];
      if (is_space(c) || (c == '\n' && !same_line)) {
        ++k;
      } else if (c == '/' && at(k + 1) == '*') {
        k = block_comment_end(k);
      } else if (c == '/' && at(k + 1) == '/' && !same_line) {
        k = line_comment_end(k);
      } else {
        break;
      }
    }
    return k;
  }

  // The index after the `)` matching the `(` at `open`, or npos when unbalanced.
  [[nodiscard]] std::size_t matching_paren(std::size_t open) const {
    int depth = 0;
    std::size_t k = open;
    while (k < text_.size()) {
      const char c = text_[k];
      if (c == '"') {
        k = string_end(k);
        continue;
      }
      if (c == '\'') {
        k = char_end(k);
        continue;
      }
      if (c == '/' && at(k + 1) == '/') {
        k = line_comment_end(k);
        continue;
      }
      if (c == '/' && at(k + 1) == '*') {
        k = block_comment_end(k);
        continue;
      }
      if (c == '(') ++depth;
      if (c == ')' && --depth == 0) return k + 1;
      if (c == '#' && k > 0 && text_[k - 1] == '\n') return std::string_view::npos;  // a directive: give up
      ++k;
    }
    return std::string_view::npos;
  }

  [[nodiscard]] bool is_attribute_macro(std::string_view name) const {
    if (std::find(macros_.begin(), macros_.end(), name) != macros_.end()) return true;
    if (std::find(kCudaSpecifiers.begin(), kCudaSpecifiers.end(), name) != kCudaSpecifiers.end()) return true;
    if (std::find(kC10Attributes.begin(), kC10Attributes.end(), name) != kC10Attributes.end()) return true;
    return is_export_macro_name(name);
  }

  void identifier(bool line_leading) {
    const std::size_t begin = i_;
    while (i_ < text_.size() && is_ident_char(text_[i_])) ++i_;
    const std::string_view name = text_.substr(begin, i_ - begin);
    if (at(i_) == '"' && (name == "R" || name == "u8R" || name == "uR" || name == "UR" || name == "LR")) {
      i_ = raw_string_end(i_);
      return;
    }
    if (std::find(kFunctionLikeAttributes.begin(), kFunctionLikeAttributes.end(), name) != kFunctionLikeAttributes.end()) {
      std::size_t end = i_;
      const std::size_t open = skip_blank(i_, true);
      if (at(open) == '(') {
        const std::size_t close = matching_paren(open);
        if (close != std::string_view::npos) end = close;
      }
      blank(begin, end);
      ++stats_.attribute_macros;
      i_ = end;
      return;
    }
    if (is_attribute_macro(name)) {
      blank(begin, i_);
      ++stats_.attribute_macros;
      return;
    }
    if (name == "TORCH_ARG" && field_macro(begin)) return;
    if (name == "operator") {
      explicit_call_operator(begin);
      return;
    }
    if (line_leading && looks_like_macro_name(name)) statement_macro(begin);
  }

  // `model->operator()(x)`: tree-sitter-cpp has no member access to an operator name. `()`
  // becomes `__`, so the callee parses as a field `operator__` (rules read the original text).
  void explicit_call_operator(std::size_t begin) {
    std::size_t before = begin;
    while (before > 0 && is_space(text_[before - 1])) --before;
    const bool member = (before >= 1 && text_[before - 1] == '.') ||
                        (before >= 2 && text_[before - 1] == '>' && text_[before - 2] == '-');
    if (!member || at(i_) != '(' || at(i_ + 1) != ')' || at(skip_blank(i_ + 2, true)) != '(') return;
    out_[i_] = '_';
    out_[i_ + 1] = '_';
    i_ += 2;
  }

  // `TORCH_ARG(T, name) = value;` in an options struct: keep `T name`, a field declaration.
  bool field_macro(std::size_t begin) {
    const std::size_t open = skip_blank(i_, true);
    if (at(open) != '(') return false;
    const std::size_t close = matching_paren(open);
    if (close == std::string_view::npos) return false;
    // The name is the last top-level argument: find the last comma at depth 1.
    int depth = 0;
    std::size_t comma = std::string_view::npos;
    for (std::size_t k = open; k < close; ++k) {
      const char c = text_[k];
      if (c == '(' || c == '<' || c == '[' || c == '{') ++depth;
      if (c == ')' || c == '>' || c == ']' || c == '}') --depth;
      if (c == ',' && depth == 1) comma = k;
    }
    if (comma == std::string_view::npos) return false;
    blank(begin, open + 1);
    blank(comma, comma + 1);
    blank(close - 1, close);
    ++stats_.field_macros;
    i_ = close;
    return true;
  }

  // A line-leading `NAME(args)` with no `;` after it, followed by a new declaration or
  // statement on a later line: a macro that expands to declarations. It is blanked whole
  // (its arguments are macro parameters, not code). Invocations whose arguments hold a
  // block (`AT_DISPATCH_...(..., [&] { ... })`) are kept: their code is worth checking.
  void statement_macro(std::size_t begin) {
    const std::size_t open = skip_blank(i_, true);
    if (at(open) != '(') return;
    const std::size_t close = matching_paren(open);
    if (close == std::string_view::npos) return;
    const std::size_t after = skip_blank(close, true);
    if (after < text_.size() && text_[after] != '\n' && !(text_[after] == '/' && at(after + 1) == '/')) return;
    const std::size_t next = skip_blank(after, false);
    if (next < text_.size()) {
      const char n = text_[next];
      if (!(is_ident_start(n) || n == '#' || n == '}' || n == '~' || n == '[')) return;
      // A parenthesised declarator continuing on the next line (`NAME(args)\n  noexcept`) is rare; a
      // following `{` body, `:` initialiser or operator means the macro is part of an expression.
    }
    if (std::find(text_.begin() + static_cast<std::ptrdiff_t>(open), text_.begin() + static_cast<std::ptrdiff_t>(close), '{') !=
        text_.begin() + static_cast<std::ptrdiff_t>(close))
      return;
    blank(begin, close);
    ++stats_.statement_macros;
    i_ = close;
  }

  // kernel<<<grid, block, shared, stream>>>(args): blank the launch configuration so the
  // rest is an ordinary call `kernel(args)`.
  void kernel_launch() {
    std::size_t k = i_ + 3;
    int depth = 0;
    while (k + 2 < text_.size()) {
      const char c = text_[k];
      if (c == '"') {
        k = string_end(k);
        continue;
      }
      if (c == ';' || c == '{' || c == '}') break;
      if (c == '(') ++depth;
      if (c == ')') --depth;
      if (depth == 0 && c == '>' && text_[k + 1] == '>' && text_[k + 2] == '>') {
        blank(i_, k + 3);
        ++stats_.kernel_launches;
        i_ = k + 3;
        return;
      }
      ++k;
    }
    i_ += 3;
  }

  std::string_view text_;
  std::string out_;
  const std::vector<std::string>& macros_;
  CppRecoveryStats& stats_;
  std::size_t i_ = 0;
  bool line_start_ = true;
};

}  // namespace

std::string recover_cpp_source(std::string_view text, const std::vector<std::string>& attribute_macros,
                               CppRecoveryStats* stats) {
  CppRecoveryStats local;
  return Recoverer(text, attribute_macros, stats != nullptr ? *stats : local).run();
}

}  // namespace torchlint
