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

}  // namespace torchlint
