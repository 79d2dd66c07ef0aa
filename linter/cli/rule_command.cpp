#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "linter/cli/commands.h"
#include "linter/run/rule.h"

namespace torchlint {
namespace {

std::string languages_of(const Rule& rule) {
  std::string languages;
  if (rule.python.make != nullptr) languages = "Python";
  if (rule.cpp.make != nullptr) languages += languages.empty() ? "C++" : ", C++";
  if (languages.empty()) languages = "all (engine)";
  return languages;
}

nlohmann::ordered_json rule_json(const Rule& rule) {
  return {{"code", rule.info.code},
          {"name", rule.info.name},
          {"level", level_name(rule.info.level)},
          {"section", rule.info.section},
          {"summary", rule.info.summary},
          {"languages", languages_of(rule)},
          {"preview", rule.info.preview},
          {"default", rule.info.default_enabled && !rule.info.preview},
          {"url", rule_url(rule.info)},
          {"explanation", rule_markdown(rule.info)}};
}

}  // namespace

std::string rule_markdown(const RuleInfo& info) {
  const Rule* rule = find_rule(info.code);
  std::ostringstream out;
  out << "# " << info.code << " " << info.name << "\n\n";
  out << "- Level: " << level_name(info.level) << "\n";
  out << "- Guideline section: " << info.section << "\n";
  out << "- Languages: " << (rule ? languages_of(*rule) : "") << "\n";
  out << "- Selected by default: "
      << (info.preview ? "no (preview)" : info.default_enabled ? "yes" : "no (select it explicitly)") << "\n\n";
  out << info.summary << ".\n\n";
  out << info.docs;
  return out.str();
}

std::string rules_index_markdown() {
  std::ostringstream out;
  out << "# Rules\n\n"
      << "Generated from the rule registry by `torchlint docs --write docs`; a test fails when it is stale.\n\n"
      << "| code | name | level | guideline section | languages | summary |\n"
      << "|---|---|---|---|---|---|\n";
  for (const Rule* rule : all_rules()) {
    out << "| [" << rule->info.code << "](" << rule->info.code << ".md) | " << rule->info.name << " | "
        << level_name(rule->info.level) << " | " << rule->info.section << " | " << languages_of(*rule) << " | "
        << rule->info.summary << " |\n";
  }
  return out.str();
}

int run_rule_command(const RuleCommand& command) {
  const bool json = command.output_format == "json";
  if (command.all) {
    if (json) {
      nlohmann::ordered_json array = nlohmann::ordered_json::array();
      for (const Rule* rule : all_rules()) array.push_back(rule_json(*rule));
      std::cout << array.dump(2) << "\n";
    } else {
      for (const Rule* rule : all_rules()) {
        std::cout << rule->info.code << "  " << rule->info.name << "  [" << level_name(rule->info.level) << "]  "
                  << rule->info.summary << "\n";
      }
    }
    return 0;
  }
  if (!command.code) {
    std::cerr << "error: give a rule code or --all\n";
    return 2;
  }
  const Rule* rule = find_rule(*command.code);
  if (rule == nullptr) {
    std::cerr << "error: unknown rule code `" << *command.code << "`\n";
    return 2;
  }
  if (json) std::cout << rule_json(*rule).dump(2) << "\n";
  else std::cout << rule_markdown(rule->info);
  return 0;
}

int run_docs_command(const std::string& docs_dir, bool check) {
  std::vector<std::pair<std::filesystem::path, std::string>> pages;
  const std::filesystem::path rules_dir = std::filesystem::path(docs_dir) / "rules";
  for (const Rule* rule : all_rules()) {
    pages.emplace_back(rules_dir / (std::string(rule->info.code) + ".md"), rule_markdown(rule->info));
  }
  pages.emplace_back(rules_dir / "index.md", rules_index_markdown());
  int stale = 0;
  for (const auto& [path, content] : pages) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream existing;
    if (in) existing << in.rdbuf();
    if (existing.str() == content) continue;
    if (check) {
      std::cerr << "stale: " << path.string() << " (run `torchlint docs --write " << docs_dir << "`)\n";
      stale = 1;
    } else {
      std::filesystem::create_directories(path.parent_path());
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << content;
      std::cout << "wrote " << path.string() << "\n";
    }
  }
  return stale;
}

}  // namespace torchlint
