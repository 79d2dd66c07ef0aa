#pragma once
// What a rule is: its metadata next to its checks, one check per language it covers.
// A check is made fresh for each file (so it may keep per-file state) and is called
// by the single tree walk for the node kinds it asked for.
#include <tree_sitter/api.h>

#include <memory>
#include <optional>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include "linter/run/diagnostic.h"

namespace torchlint {

class Context;

class Check {
 public:
  virtual ~Check() = default;
  virtual void enter(TSNode node, Context& context) = 0;
  virtual void leave(TSNode /*node*/, Context& /*context*/) {}
  // After the walk: for rules that decide at the end of a file.
  virtual void finish(Context& /*context*/) {}
};

using CheckFactory = std::unique_ptr<Check> (*)();

struct LanguageHooks {
  std::vector<std::string_view> kinds;  // node kinds (grammar names) the check visits
  CheckFactory make = nullptr;          // null: the rule does not cover this language
  // Kinds whose leave() the check wants; empty: none.
  std::vector<std::string_view> leave_kinds = {};
};

struct LossDefinition;
struct TestFunction;
struct Settings;

// A project-level (TL9) check: judges one loss defined in a checked file against the
// tests that refer to it; returns the message to report at the loss's name, if any.
using ProjectCheck = std::optional<std::string> (*)(const LossDefinition& loss,
                                                    const std::vector<const TestFunction*>& tests,
                                                    const Settings& settings);

struct RuleInfo {
  std::string_view code;     // "TL501"
  std::string_view name;     // "inplace-method-call"
  Level level = Level::Warning;
  std::string_view section;  // guideline section, e.g. "Operations"
  std::string_view summary;  // one line
  std::string_view docs;     // markdown: what it does, why, example, use instead, options
  bool preview = false;
  bool default_enabled = true;  // false: selected only explicitly (TL003)
};

struct Rule {
  RuleInfo info;
  LanguageHooks python;
  LanguageHooks cpp;
  ProjectCheck project = nullptr;
};

// Adapts a stateless function to a Check.
template <void (*Fn)(TSNode, Context&)>
std::unique_ptr<Check> function_check() {
  struct FunctionCheck final : Check {
    void enter(TSNode node, Context& context) override { Fn(node, context); }
  };
  return std::make_unique<FunctionCheck>();
}

template <class T>
std::unique_ptr<Check> make_check() {
  return std::make_unique<T>();
}

// Every rule, sorted by code (rules/registry.cpp).
std::span<const Rule* const> all_rules();
const Rule* find_rule(std::string_view code);
// Rule docs URL: TORCHLINT_DOCS_BASE_URL + code.
std::string rule_url(const RuleInfo& info);

}  // namespace torchlint
