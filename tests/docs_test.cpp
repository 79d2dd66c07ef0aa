#include <gtest/gtest.h>

#include <filesystem>

#include "linter/cli/commands.h"
#include "linter/run/rule.h"

namespace torchlint {
namespace {

TEST(Docs, CommittedRulePagesAreCurrent) {
  // Fails when a rule's metadata or docs changed without `torchlint docs --write docs`.
  EXPECT_EQ(run_docs_command(std::string(TORCHLINT_SOURCE_DIR) + "/docs", /*check=*/true), 0);
}

TEST(Docs, EveryRuleHasCompleteMetadata) {
  for (const Rule* rule : all_rules()) {
    const RuleInfo& info = rule->info;
    EXPECT_EQ(info.code.size(), 5U) << info.code;
    EXPECT_FALSE(info.name.empty()) << info.code;
    EXPECT_FALSE(info.section.empty()) << info.code;
    EXPECT_FALSE(info.summary.empty()) << info.code;
    EXPECT_NE(info.docs.find("## What it does"), std::string_view::npos) << info.code;
  }
}

}  // namespace
}  // namespace torchlint
