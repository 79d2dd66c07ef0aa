#include "linter/parse/cpp_kinds.h"

namespace torchlint {

const CppKinds& cpp_kinds() {
  static const CppKinds kinds = [] {
    const KindTable& table = kind_table(Language::Cpp);
    CppKinds result;
#define TORCHLINT_RESOLVE_KIND(name) result.name = table.named(#name);
#define TORCHLINT_RESOLVE_KEYWORD_KIND(member, grammar_name) result.member = table.named(grammar_name);
    TORCHLINT_CPP_KINDS(TORCHLINT_RESOLVE_KIND)
    TORCHLINT_CPP_KEYWORD_KINDS(TORCHLINT_RESOLVE_KEYWORD_KIND)
#undef TORCHLINT_RESOLVE_KIND
#undef TORCHLINT_RESOLVE_KEYWORD_KIND
    return result;
  }();
  return kinds;
}

}  // namespace torchlint
