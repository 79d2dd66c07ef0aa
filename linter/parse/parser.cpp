#include "linter/parse/parser.h"

namespace torchlint {
namespace {

struct ParserDeleter {
  void operator()(TSParser* parser) const { ts_parser_delete(parser); }
};

TSParser* thread_parser(Language language) {
  thread_local std::unique_ptr<TSParser, ParserDeleter> python_parser;
  thread_local std::unique_ptr<TSParser, ParserDeleter> cpp_parser;
  auto& slot = language == Language::Python ? python_parser : cpp_parser;
  if (!slot) {
    slot.reset(ts_parser_new());
    ts_parser_set_language(slot.get(), grammar(language));
  }
  return slot.get();
}

}  // namespace

const TSLanguage* grammar(Language language) {
  return language == Language::Python ? tree_sitter_python() : tree_sitter_cpp();
}

Tree parse(Language language, std::string_view text, const TSTree* old_tree) {
  TSParser* parser = thread_parser(language);
  ts_parser_reset(parser);
  return Tree(ts_parser_parse_string(parser, old_tree, text.data(), static_cast<std::uint32_t>(text.size())));
}

Tree parse_until(Language language, std::string_view text, std::chrono::steady_clock::time_point deadline) {
  TSParser* parser = thread_parser(language);
  ts_parser_reset(parser);
  struct Input {
    std::string_view text;
    std::chrono::steady_clock::time_point deadline;
  } input{text, deadline};
  TSInput reader{};
  reader.payload = &input;
  reader.encoding = TSInputEncodingUTF8;
  reader.read = [](void* payload, std::uint32_t byte, TSPoint, std::uint32_t* length) -> const char* {
    const auto* in = static_cast<const Input*>(payload);
    if (byte >= in->text.size()) {
      *length = 0;
      return "";
    }
    *length = static_cast<std::uint32_t>(in->text.size() - byte);
    return in->text.data() + byte;
  };
  TSParseOptions options{};
  options.payload = &input;
  // tree-sitter calls this now and then while parsing; true stops it (null tree).
  options.progress_callback = [](TSParseState* state) {
    return std::chrono::steady_clock::now() > static_cast<const Input*>(state->payload)->deadline;
  };
  Tree tree(ts_parser_parse_with_options(parser, nullptr, reader, options));
  // A parse stopped part-way leaves state behind for resumption; the next file starts afresh.
  if (!tree) ts_parser_reset(parser);
  return tree;
}

}  // namespace torchlint
