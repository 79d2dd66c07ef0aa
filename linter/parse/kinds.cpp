#include "linter/parse/kinds.h"

#include "linter/parse/parser.h"

namespace torchlint {

KindTable::KindTable(const TSLanguage* language) : language_(language) {
  names_.emplace_back("");  // kNoKind
  const std::uint32_t count = ts_language_symbol_count(language);
  by_symbol_.assign(count, kNoKind);
  for (std::uint32_t symbol = 0; symbol < count; ++symbol) {
    const auto type = ts_language_symbol_type(language, static_cast<TSSymbol>(symbol));
    if (type == TSSymbolTypeAuxiliary) continue;
    std::string name = ts_language_symbol_name(language, static_cast<TSSymbol>(symbol));
    auto& ids = type == TSSymbolTypeRegular ? named_ids_ : token_ids_;
    auto [it, inserted] = ids.try_emplace(name, static_cast<KindId>(names_.size()));
    if (inserted) names_.push_back(name);
    by_symbol_[symbol] = it->second;
  }
  // ts_node_symbol reports ERROR nodes as the builtin error symbol (65535), outside the table.
  const auto error = named_ids_.try_emplace("ERROR", static_cast<KindId>(names_.size()));
  if (error.second) names_.emplace_back("ERROR");
  by_symbol_.resize(65536, kNoKind);
  by_symbol_[static_cast<TSSymbol>(-1)] = error.first->second;
}

KindId KindTable::named(std::string_view name) const {
  auto it = named_ids_.find(std::string(name));
  return it == named_ids_.end() ? kNoKind : it->second;
}

KindId KindTable::token(std::string_view text) const {
  auto it = token_ids_.find(std::string(text));
  return it == token_ids_.end() ? kNoKind : it->second;
}

TSFieldId KindTable::field(std::string_view name) const {
  return ts_language_field_id_for_name(language_, name.data(), static_cast<std::uint32_t>(name.size()));
}

const KindTable& kind_table(Language language) {
  static const KindTable python(grammar(Language::Python));
  static const KindTable cpp(grammar(Language::Cpp));
  return language == Language::Python ? python : cpp;
}

const PyKinds& py_kinds() {
  static const PyKinds kinds = [] {
    const KindTable& table = kind_table(Language::Python);
    PyKinds result;
#define TORCHLINT_RESOLVE_KIND(name) result.name = table.named(#name);
#define TORCHLINT_RESOLVE_KEYWORD_KIND(member, grammar_name) result.member = table.named(grammar_name);
    TORCHLINT_PY_KINDS(TORCHLINT_RESOLVE_KIND)
    TORCHLINT_PY_KEYWORD_KINDS(TORCHLINT_RESOLVE_KEYWORD_KIND)
#undef TORCHLINT_RESOLVE_KIND
#undef TORCHLINT_RESOLVE_KEYWORD_KIND
    return result;
  }();
  return kinds;
}

}  // namespace torchlint
