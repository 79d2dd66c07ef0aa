// The type-aware C++ engine: compilation databases, one Clang front-end run per translation
// unit (syntax only, function bodies of headers skipped), and the merge with the syntax rules.
//
// For a C++ file listed in the database: Clang parses it with the database's flags; when it
// compiles, the type-aware checks (checks.cpp) decide TL201/TL501/TL503/TL504/TL602/TL701/
// TL702/TL801 and the tree-sitter rules decide the other C++ rules (TL103, TL401, TL402,
// TL502, ...); when it does not (a missing header, a flag this machine lacks), the file gets
// one TL002 note naming Clang's first error and is linted by the tree-sitter rules alone.
// Files not in the database are left to the runner's tree-sitter path, and the run says so
// once on standard error.
#include "linter/clang/engine.h"

#include <clang/AST/ASTConsumer.h>
#include <clang/AST/ASTContext.h>
#include <clang/AST/DeclBase.h>
#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/FileManager.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Driver/Options.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Tooling/ArgumentsAdjusters.h>
#include <clang/Tooling/JSONCompilationDatabase.h>
#include <clang/Tooling/Tooling.h>
#include <llvm/Option/ArgList.h>
#include <llvm/Option/OptTable.h>
#include <llvm/Support/CrashRecoveryContext.h>
#include <llvm/Support/VirtualFileSystem.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "linter/clang/checks.h"
#include "linter/parse/parser.h"
#include "linter/parse/walk.h"
#include "linter/run/lint_file.h"
#include "linter/run/rule.h"
#include "linter/run/suppressions.h"
#include "linter/run/type_aware.h"
#include "linter/run/unused_suppressions.h"

namespace torchlint {
namespace {

namespace fs = std::filesystem;

// ---------- compilation databases ----------

struct Database {
  fs::path file;  // compile_commands.json
  std::unique_ptr<clang::tooling::CompilationDatabase> commands;
  std::string error;  // why it could not be loaded
  std::mutex lookup;
};

struct EngineState {
  std::mutex mutex;
  std::map<fs::path, std::shared_ptr<Database>> databases;  // kept across runs
  // This run:
  std::set<fs::path> used;                                  // databases asked
  std::map<fs::path, std::vector<std::string>> not_listed;  // database -> display paths
  std::vector<std::string> not_compiled;                    // display paths Clang could not compile
};

EngineState& state() {
  static EngineState instance;
  return instance;
}

fs::path database_file(const Settings& settings) {
  fs::path path = *settings.compile_commands;
  if (path.is_relative()) path = settings.root / path;
  path = path.lexically_normal();
  std::error_code ec;
  if (fs::is_directory(path, ec)) path /= "compile_commands.json";
  return path;
}

std::shared_ptr<Database> database_for(const Settings& settings) {
  const fs::path file = database_file(settings);
  EngineState& engine = state();
  std::lock_guard lock(engine.mutex);
  engine.used.insert(file);
  auto& slot = engine.databases[file];
  if (!slot) {
    slot = std::make_shared<Database>();
    slot->file = file;
    std::string error;
    slot->commands = clang::tooling::JSONCompilationDatabase::loadFromFile(
        file.string(), error, clang::tooling::JSONCommandLineSyntax::AutoDetect);
    if (!slot->commands) slot->error = error.empty() ? "cannot be read" : error;
  }
  return slot;
}

std::optional<clang::tooling::CompileCommand> find_command(Database& database, const fs::path& path) {
  std::error_code ec;
  std::vector<fs::path> candidates = {fs::absolute(path, ec).lexically_normal()};
  const fs::path canonical = fs::weakly_canonical(path, ec);
  if (!ec && canonical != candidates.front()) candidates.push_back(canonical);
  std::lock_guard lock(database.lookup);
  for (const fs::path& candidate : candidates) {
    std::vector<clang::tooling::CompileCommand> commands = database.commands->getCompileCommands(candidate.string());
    if (!commands.empty()) return std::move(commands.front());
  }
  return std::nullopt;
}

// ---------- the command line ----------

bool is_launcher(std::string_view program) {
  const std::string name = fs::path(program).filename().string();
  return name == "ccache" || name == "sccache" || name == "distcc" || name == "icecc";
}

std::vector<std::string> clang_arguments(std::vector<std::string> arguments, const std::string& filename) {
  while (arguments.size() > 1 && is_launcher(arguments.front())) arguments.erase(arguments.begin());
  using namespace clang::tooling;
  arguments = getClangStripOutputAdjuster()(arguments, filename);
  arguments = getClangSyntaxOnlyAdjuster()(arguments, filename);
  arguments = getClangStripDependencyFileAdjuster()(arguments, filename);
  // GCC-only options (-fconcepts-diagnostics-depth=, -fno-semantic-interposition, ...) are
  // errors to Clang's driver: drop what it does not know.
  std::vector<const char*> argv;
  for (std::size_t i = 1; i < arguments.size(); ++i) argv.push_back(arguments[i].c_str());
  unsigned missing_index = 0;
  unsigned missing_count = 0;
  const llvm::opt::OptTable& table = clang::driver::getDriverOptTable();
  const llvm::opt::InputArgList parsed =
      table.ParseArgs(argv, missing_index, missing_count, 0,
                      clang::driver::options::NoDriverOption | clang::driver::options::CLOption);
  std::vector<bool> drop(arguments.size(), false);
  for (const llvm::opt::Arg* argument : parsed.filtered(clang::driver::options::OPT_UNKNOWN)) {
    drop[argument->getIndex() + 1] = true;
  }
  std::vector<std::string> kept;
  kept.reserve(arguments.size() + 3);
  bool has_resource_dir = false;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    if (drop[i]) continue;
    has_resource_dir = has_resource_dir || arguments[i].starts_with("-resource-dir");
    kept.push_back(std::move(arguments[i]));
  }
  // Clang's own headers (stddef.h, ...) from the Clang torchlint was built with; warnings off:
  // only errors matter here.
  if (!has_resource_dir) kept.insert(kept.begin() + 1, "-resource-dir=" TORCHLINT_CLANG_RESOURCE_DIR);
  kept.emplace_back("-w");
  kept.emplace_back("-fno-caret-diagnostics");  // also keeps Clang's "N errors generated." off stderr
  return kept;
}

// ---------- one translation unit ----------

struct Outcome {
  bool compiled = false;
  std::vector<ClangFinding> findings;
  std::string error;                     // Clang's first error, "line N: message" / "header:N: message"
  std::optional<unsigned> error_offset;  // in the main file (the #include that led to it)
};

class ErrorCollector : public clang::DiagnosticConsumer {
 public:
  explicit ErrorCollector(Outcome& outcome) : outcome_(outcome) {}

  void HandleDiagnostic(clang::DiagnosticsEngine::Level level, const clang::Diagnostic& info) override {
    clang::DiagnosticConsumer::HandleDiagnostic(level, info);
    if (level < clang::DiagnosticsEngine::Error || !outcome_.error.empty()) return;
    llvm::SmallString<256> text;
    info.FormatDiagnostic(text);
    outcome_.error = text.str().str();
    if (!info.hasSourceManager() || info.getLocation().isInvalid()) return;
    const clang::SourceManager& sm = info.getSourceManager();
    clang::SourceLocation location = sm.getFileLoc(info.getLocation());
    const clang::PresumedLoc presumed = sm.getPresumedLoc(location);
    if (presumed.isValid()) {
      const bool main = sm.getFileID(location) == sm.getMainFileID();
      outcome_.error = (main ? std::string("line ") : std::string(presumed.getFilename()) + ":") +
                       std::to_string(presumed.getLine()) + ": " + outcome_.error;
    }
    // An error in a header is shown at the main file's #include that led there.
    for (int guard = 0; location.isValid() && guard < 256; ++guard) {
      if (sm.getFileID(location) == sm.getMainFileID()) {
        outcome_.error_offset = sm.getFileOffset(location);
        break;
      }
      location = sm.getIncludeLoc(sm.getFileID(location));
    }
  }

 private:
  Outcome& outcome_;
};

class ChecksConsumer : public clang::ASTConsumer {
 public:
  ChecksConsumer(Outcome& outcome, const Settings& settings, const RuleSet& rules)
      : outcome_(outcome), settings_(settings), rules_(rules) {}

  void HandleTranslationUnit(clang::ASTContext& context) override {
    if (context.getDiagnostics().hasErrorOccurred()) return;
    outcome_.findings = run_clang_checks(context, settings_, rules_);
    outcome_.compiled = true;
  }

  // Bodies of functions in headers are skipped: nothing is reported there, and parsing a
  // LibTorch translation unit costs what its declarations cost.
  bool shouldSkipFunctionBody(clang::Decl* decl) override {
    const clang::SourceManager& sm = decl->getASTContext().getSourceManager();
    return sm.getFileID(sm.getFileLoc(decl->getLocation())) != sm.getMainFileID();
  }

 private:
  Outcome& outcome_;
  const Settings& settings_;
  const RuleSet& rules_;
};

class ChecksAction : public clang::ASTFrontendAction {
 public:
  ChecksAction(Outcome& outcome, const Settings& settings, const RuleSet& rules)
      : outcome_(outcome), settings_(settings), rules_(rules) {}

 protected:
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance& compiler, llvm::StringRef) override {
    compiler.getFrontendOpts().SkipFunctionBodies = true;
    return std::make_unique<ChecksConsumer>(outcome_, settings_, rules_);
  }

 private:
  Outcome& outcome_;
  const Settings& settings_;
  const RuleSet& rules_;
};

Outcome analyse(const clang::tooling::CompileCommand& command, const Settings& settings, const RuleSet& rules) {
  Outcome outcome;
  std::vector<std::string> arguments = clang_arguments(command.CommandLine, command.Filename);
  // Each translation unit has its own file system view: its working directory is its own.
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> files = llvm::vfs::createPhysicalFileSystem();
  files->setCurrentWorkingDirectory(command.Directory);
  llvm::IntrusiveRefCntPtr<clang::FileManager> manager(new clang::FileManager(clang::FileSystemOptions(), files));
  ErrorCollector errors(outcome);
  clang::tooling::ToolInvocation invocation(std::move(arguments),
                                            std::make_unique<ChecksAction>(outcome, settings, rules), manager.get(),
                                            std::make_shared<clang::PCHContainerOperations>());
  invocation.setDiagnosticConsumer(&errors);
  bool ran = false;
  llvm::CrashRecoveryContext recovery;
  if (!recovery.RunSafely([&] { ran = invocation.run(); })) {
    outcome = Outcome{};
    outcome.error = "Clang crashed on this translation unit";
    return outcome;
  }
  if (!ran || errors.getNumErrors() > 0) {
    outcome.compiled = false;
    outcome.findings.clear();
    if (outcome.error.empty()) outcome.error = "the compiler invocation failed";
  }
  return outcome;
}

// ---------- merging with the syntax rules ----------

// The file's suppression comments, and its text with every comment's directives blanked:
// ASCII bytes inside comments become spaces (newlines, line-continuation backslashes and
// non-ASCII bytes stay), so byte offsets and code-point columns are those of the file. The
// syntax rules run on that text and report unsuppressed; every finding of both engines then
// goes through the one suppression set, which also knows what each comment suppressed (TL003).
struct Comments {
  SuppressionSet suppressions;
  std::string without_directives;
};

Comments read_comments(const SourceFile& file) {
  Comments comments;
  comments.without_directives = std::string(file.text());
  Tree tree = parse(Language::Cpp, file.text());
  if (tree) {
    walk_tree(
        ts_tree_root_node(tree.get()),
        [&](TSNode node) {
          if (std::strcmp(ts_node_type(node), "comment") != 0) return true;
          const std::uint32_t start = ts_node_start_byte(node);
          const std::uint32_t end = ts_node_end_byte(node);
          comments.suppressions.add_comment(file.slice(start, end), file.lines().row_of(start) + 1, Language::Cpp,
                                            start, end);
          const bool block = file.slice(start, end).starts_with("/*");
          const std::uint32_t body_end = block && end - start >= 4 ? end - 2 : end;
          for (std::uint32_t i = start + 2; i < body_end; ++i) {
            char& c = comments.without_directives[i];
            if (static_cast<unsigned char>(c) < 0x80 && c != '\n' && c != '\r' && c != '\\') c = ' ';
          }
          return false;
        },
        [](TSNode) {});
  }
  comments.suppressions.finish(file.lines().line_count());
  return comments;
}

Diagnostic to_diagnostic(const SourceFile& file, const RuleInfo& rule, std::uint32_t start, std::uint32_t end,
                         std::string message) {
  Diagnostic diagnostic;
  diagnostic.path = file.path();
  diagnostic.rule = &rule;
  diagnostic.level = rule.level;
  diagnostic.message = std::move(message);
  diagnostic.start_byte = start;
  diagnostic.end_byte = std::max(start, end);
  diagnostic.range = Range{file.lines().position(start), file.lines().position(diagnostic.end_byte)};
  diagnostic.noqa_row = diagnostic.range.start.row;
  return diagnostic;
}

bool is_code(const Diagnostic& diagnostic, std::string_view code) {
  return diagnostic.rule != nullptr && diagnostic.rule->code == code;
}

std::optional<std::vector<Diagnostic>> lint(const fs::path& path, const std::string& display_path,
                                            const Settings& settings, const RuleSet& rules) {
  const auto& codes = type_aware_codes();
  if (std::none_of(codes.begin(), codes.end(), [&](const std::string& code) { return rules.enabled(code); })) {
    return std::nullopt;  // nothing for the types to decide
  }
  std::shared_ptr<Database> database = database_for(settings);
  if (!database->commands) return std::nullopt;
  std::optional<clang::tooling::CompileCommand> command = find_command(*database, path);
  if (!command) {
    std::lock_guard lock(state().mutex);
    state().not_listed[database->file].push_back(display_path);
    return std::nullopt;
  }
  std::string content;
  std::string error;
  if (!read_file(path, content, error) || content.find('\0') != std::string::npos || !is_valid_utf8(content)) {
    return std::nullopt;  // lint_path reports it (TL001)
  }
  SourceFile file(display_path, std::move(content), Language::Cpp);
  Outcome outcome = analyse(*command, settings, rules);

  Comments comments = read_comments(file);
  if (outcome.compiled) {
    RuleSelection selection = settings.selection;
    selection.ignore.insert(selection.ignore.end(), codes.begin(), codes.end());
    selection.ignore.emplace_back("TL002");  // Clang compiled it: the grammar's trouble is not a finding
    selection.ignore.emplace_back("TL003");  // judged below, over both engines' findings
    const SourceFile bare(display_path, std::move(comments.without_directives), Language::Cpp);
    std::vector<Diagnostic> diagnostics = lint_source(bare, settings, RuleSet(selection));
    for (ClangFinding& finding : outcome.findings) {
      diagnostics.push_back(
          to_diagnostic(file, *finding.rule, finding.start_byte, finding.end_byte, std::move(finding.message)));
    }
    diagnostics = filter_file_diagnostics(std::move(diagnostics), comments.suppressions, display_path, settings);
    if (rules.enabled("TL003")) report_unused_suppressions(file, comments.suppressions, rules, settings, diagnostics);
    return diagnostics;
  }
  {
    std::lock_guard lock(state().mutex);
    state().not_compiled.push_back(display_path);
  }
  std::vector<Diagnostic> diagnostics = lint_source(file, settings, rules);
  std::erase_if(diagnostics, [](const Diagnostic& d) { return is_code(d, "TL002"); });
  if (rules.enabled("TL002")) {
    const Rule* rule = find_rule("TL002");
    const std::uint32_t offset = outcome.error_offset.value_or(0);
    Diagnostic note = to_diagnostic(file, rule->info, offset, offset,
                                    "Clang could not compile this file with its compilation database flags (" +
                                        outcome.error + "); it was checked with the syntax rules instead");
    note.level = Level::Note;  // in C++ the compiler, not the linter, judges syntax (catalog TL002)
    std::vector<Diagnostic> notes =
        filter_file_diagnostics({std::move(note)}, comments.suppressions, display_path, settings);
    std::move(notes.begin(), notes.end(), std::back_inserter(diagnostics));
    std::sort(diagnostics.begin(), diagnostics.end(), diagnostic_less);
  }
  return diagnostics;
}

void begin_run() {
  EngineState& engine = state();
  std::lock_guard lock(engine.mutex);
  engine.used.clear();
  engine.not_listed.clear();
  engine.not_compiled.clear();
}

std::string sample(std::vector<std::string> paths) {
  std::sort(paths.begin(), paths.end());
  std::string text;
  const std::size_t shown = std::min<std::size_t>(paths.size(), 5);
  for (std::size_t i = 0; i < shown; ++i) text += (i == 0 ? "" : ", ") + paths[i];
  if (paths.size() > shown) text += ", and " + std::to_string(paths.size() - shown) + " more";
  return text;
}

void end_run(std::ostream& notes) {
  EngineState& engine = state();
  std::lock_guard lock(engine.mutex);
  for (const fs::path& file : engine.used) {
    const auto& database = engine.databases[file];
    if (database && !database->commands) {
      notes << "torchlint: note: cannot use the compilation database " << file.string() << " (" << database->error
            << "); C++ files were checked with the syntax rules\n";
    }
  }
  for (const auto& [file, paths] : engine.not_listed) {
    notes << "torchlint: note: " << paths.size() << " C++ file" << (paths.size() == 1 ? " is" : "s are")
          << " not in the compilation database " << file.string()
          << " and " << (paths.size() == 1 ? "was" : "were") << " checked with the syntax rules: " << sample(paths)
          << "\n";
  }
  if (!engine.not_compiled.empty()) {
    notes << "torchlint: note: Clang could not compile " << engine.not_compiled.size() << " file"
          << (engine.not_compiled.size() == 1 ? "" : "s") << " of the compilation database ("
          << sample(engine.not_compiled) << "); each has a TL002 note and was checked with the syntax rules\n";
  }
  engine.used.clear();
  engine.not_listed.clear();
  engine.not_compiled.clear();
}

}  // namespace

void install_clang_engine() {
  // A crash inside Clang on one translation unit becomes a TL002 note, not the end of the run.
  llvm::CrashRecoveryContext::Enable();
  TypeAwareEngine engine;
  engine.lint = &lint;
  engine.begin_run = &begin_run;
  engine.end_run = &end_run;
  install_type_aware_engine(engine);
}

}  // namespace torchlint

// The plugin's entry point (linter/run/type_aware.cpp loads it with dlopen).
extern "C" __attribute__((visibility("default"))) void torchlint_clang_install() { torchlint::install_clang_engine(); }
