// The type-aware forms of TL201, TL501, TL503, TL504, TL602, TL701, TL702 and TL801 on
// Clang's AST. One traversal of the main file's declarations (template instantiations
// included, so a template reports what its tensor instantiations do) dispatches to one
// section per rule below. Receivers and operands are judged by their canonical types
// (through typedefs, `auto`, references, members and templates), callees by the function
// they resolve to, modules and guards by their classes.
#include "linter/clang/checks.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "linter/run/rule.h"
#include "linter/run/rule_set.h"
#include "linter/semantic/inplace.h"
#include "linter/semantic/torch_api.h"

namespace torchlint {
namespace {

using namespace clang;

constexpr std::array<ClangCheckInfo, 8> kChecks = {{
    {"TL201", "calls resolved to a torch::/at:: factory; the dtype or TensorOptions parameter it binds, with "
              "options traced through local variables, their assignments and helper functions"},
    {"TL501", "methods called on a receiver of type at::Tensor; torch::/at:: functions by the function a call "
              "resolves to"},
    {"TL503", "calls resolved to a torch::/at:: function named *_out"},
    {"TL504", "compound assignments whose left operand's canonical type is at::Tensor"},
    {"TL602", "eval()/train()/forward()/operator() of torch::nn::Module classes, ModuleHolders and "
              "torch::jit::Module; guards "
              "by type (c10::NoGradGuard and subclasses, c10::InferenceMode, c10::AutoGradMode(false))"},
    {"TL701", "references to c10::kCUDA / c10::DeviceType::CUDA where written; \"cuda...\" literals converted "
              "to c10::Device or passed to device()/to()"},
    {"TL702", "cuda() called on a receiver of type at::Tensor"},
    {"TL801", "item() on a tensor inside forward of a class derived from torch::nn::Module"},
}};

// ---------- names and types ----------

std::string_view simple_name(const NamedDecl* decl) {
  if (decl == nullptr || !decl->getDeclName().isIdentifier()) return {};
  const StringRef name = decl->getName();
  return {name.data(), name.size()};
}

bool in_torch_namespace(std::string_view qualified) {
  return qualified.starts_with("torch::") || qualified.starts_with("at::");
}

// The class behind a type, through references, typedefs and `auto`; for a dependent base
// such as `torch::nn::Cloneable<Net<T>>`, the primary template's pattern.
const CXXRecordDecl* record_of(QualType type) {
  if (type.isNull()) return nullptr;
  type = type.getNonReferenceType();
  if (const CXXRecordDecl* record = type->getAsCXXRecordDecl()) return record;
  if (const auto* specialization = type->getAs<TemplateSpecializationType>()) {
    if (const auto* templ =
            dyn_cast_or_null<ClassTemplateDecl>(specialization->getTemplateName().getAsTemplateDecl())) {
      return templ->getTemplatedDecl();
    }
  }
  return nullptr;
}

class Types {
 public:
  const std::string& name(const NamedDecl* decl) {
    auto [it, inserted] = names_.try_emplace(decl);
    if (inserted) it->second = decl->getQualifiedNameAsString();
    return it->second;
  }

  // `record` is `qualified` or derives from it (public or not, directly or not).
  bool derives_from(const CXXRecordDecl* record, std::string_view qualified, int depth = 0) {
    if (record == nullptr || depth > 32) return false;
    const auto key = std::make_pair(static_cast<const void*>(record->getCanonicalDecl()), qualified);
    if (auto it = derives_.find(key); it != derives_.end()) return it->second;
    bool result = name(record) == qualified;
    if (!result) {
      if (const CXXRecordDecl* definition = record->getDefinition()) {
        for (const CXXBaseSpecifier& base : definition->bases()) {
          if (derives_from(record_of(base.getType()), qualified, depth + 1)) {
            result = true;
            break;
          }
        }
      }
    }
    derives_.emplace(key, result);
    return result;
  }

  bool is_tensor(QualType type) {
    if (type.isNull() || type->isDependentType()) return false;
    const CXXRecordDecl* record = record_of(type);
    return derives_from(record, "at::TensorBase") || derives_from(record, "at::Tensor");
  }
  bool is_module(const CXXRecordDecl* record) { return derives_from(record, "torch::nn::Module"); }
  // TL602 also tracks TorchScript modules (`torch::jit::script::Module m = torch::jit::load(...)`).
  bool is_eval_module(const CXXRecordDecl* record) { return is_module(record) || derives_from(record, "torch::jit::Module"); }
  bool is_options(QualType type) { return !type.isNull() && name_is(record_of(type), "c10::TensorOptions"); }

  // c10::ScalarType, caffe2::TypeMeta, c10::optional<either>: a parameter that takes a dtype.
  bool is_dtype(QualType type) {
    if (type.isNull()) return false;
    type = type.getNonReferenceType().getCanonicalType();
    if (const auto* enum_type = type->getAs<EnumType>()) return name(enum_type->getDecl()) == "c10::ScalarType";
    const CXXRecordDecl* record = type->getAsCXXRecordDecl();
    if (record == nullptr) return false;
    if (name(record) == "caffe2::TypeMeta") return true;
    if (const auto* optional = dyn_cast<ClassTemplateSpecializationDecl>(record)) {
      if (name(optional) != "c10::optional" || optional->getTemplateArgs().size() != 1) return false;
      const TemplateArgument& argument = optional->getTemplateArgs()[0];
      return argument.getKind() == TemplateArgument::Type && is_dtype(argument.getAsType());
    }
    return false;
  }

  bool name_is(const NamedDecl* decl, std::string_view qualified) { return decl != nullptr && name(decl) == qualified; }

 private:
  std::unordered_map<const NamedDecl*, std::string> names_;
  std::map<std::pair<const void*, std::string_view>, bool> derives_;
};

const Expr* strip(const Expr* expr) {
  for (int guard = 0; expr != nullptr && guard < 64; ++guard) {
    const Expr* next = expr->IgnoreParenImpCasts();
    if (const auto* full = dyn_cast<FullExpr>(next)) next = full->getSubExpr();
    if (const auto* temporary = dyn_cast<MaterializeTemporaryExpr>(next)) next = temporary->getSubExpr();
    if (const auto* bind = dyn_cast<CXXBindTemporaryExpr>(next)) next = bind->getSubExpr();
    if (next == expr) return expr;
    expr = next;
  }
  return expr;
}

std::optional<bool> constant_bool(const Expr* expr, const ASTContext& context) {
  if (expr == nullptr || expr->isValueDependent() || expr->isTypeDependent()) return std::nullopt;
  bool value = false;
  if (!expr->EvaluateAsBooleanCondition(value, context)) return std::nullopt;
  return value;
}

bool is_default_argument(const Expr* expr) { return expr != nullptr && isa<CXXDefaultArgExpr>(expr); }

// ---------- the traversal ----------

enum class Dtype { Yes, No, Unknown };

Dtype either(Dtype a, Dtype b) {  // a value that may come from `a` or from `b`
  if (a == Dtype::No || b == Dtype::No) return Dtype::No;
  if (a == Dtype::Unknown || b == Dtype::Unknown) return Dtype::Unknown;
  return Dtype::Yes;
}

class Checks : public RecursiveASTVisitor<Checks> {
  using Base = RecursiveASTVisitor<Checks>;

 public:
  Checks(ASTContext& context, const Settings& settings, const RuleSet& rules, std::vector<ClangFinding>& out)
      : context_(context), sm_(context.getSourceManager()), settings_(settings), out_(out) {
    main_ = sm_.getMainFileID();
    for (std::size_t i = 0; i < kChecks.size(); ++i) on_[i] = rules.enabled(kChecks[i].code);
  }

  bool shouldVisitTemplateInstantiations() const { return true; }

  bool TraverseDecl(Decl* decl) {
    if (decl == nullptr) return true;
    if (!isa<TranslationUnitDecl>(decl)) {
      // Only what the main file declares (its templates' instantiations included).
      const SourceLocation location = decl->getLocation();
      if (location.isInvalid() || sm_.getFileID(sm_.getFileLoc(location)) != main_) return true;
    }
    const auto* function = dyn_cast<FunctionDecl>(decl);
    if (function == nullptr || !function->doesThisDeclarationHaveABody()) return Base::TraverseDecl(decl);
    FunctionState state;
    if (const auto* method = dyn_cast<CXXMethodDecl>(function)) {
      state.module_forward = simple_name(method) == "forward" && types_.is_module(method->getParent());
    }
    state.body = function->getBody();
    functions_.push_back(std::move(state));
    const int outer_no_grad = no_grad_;
    no_grad_ = 0;
    const bool result = Base::TraverseDecl(decl);
    no_grad_ = outer_no_grad;
    functions_.pop_back();
    return result;
  }

  // Keeps the statement stack (TL701's exemptions) and the blocks' grad guards (TL602).
  bool TraverseStmt(Stmt* stmt, DataRecursionQueue* /*queue*/ = nullptr) {
    if (stmt == nullptr) return true;
    const bool block = isa<CompoundStmt>(stmt);
    if (block) {
      guards_.push_back(0);
    } else if (const auto* declarations = dyn_cast<DeclStmt>(stmt);
               declarations != nullptr && !guards_.empty() && !stack_.empty() && isa<CompoundStmt>(stack_.back())) {
      for (const Decl* decl : declarations->decls()) {
        if (const auto* variable = dyn_cast<VarDecl>(decl); variable != nullptr && is_grad_guard(variable)) {
          ++guards_.back();
          ++no_grad_;
        }
      }
    }
    stack_.push_back(stmt);
    const bool result = Base::TraverseStmt(stmt);
    stack_.pop_back();
    if (block) {
      no_grad_ -= guards_.back();
      guards_.pop_back();
    }
    return result;
  }

  bool VisitCXXMemberCallExpr(CXXMemberCallExpr* call) {
    const CXXMethodDecl* method = call->getMethodDecl();
    if (method == nullptr) return true;
    const std::string_view name = simple_name(method);
    const bool tensor_receiver = types_.is_tensor(call->getObjectType());
    if (tensor_receiver) {
      if (on(kTL501)) tl501_method(call, name);
      if (on(kTL702) && name == "cuda") report(kTL702, member_name_range(call), kCudaMessage);
      if (on(kTL801) && name == "item" && in_module_forward()) report(kTL801, member_name_range(call), kItemMessage);
    }
    if (on(kTL602)) tl602_member_call(call, method, name);
    return true;
  }

  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr* call) {
    if (on(kTL504)) tl504(call);
    if (on(kTL602) && call->getOperator() == OO_Call && call->getNumArgs() >= 1) {
      tl602_call(call, call->getArg(0));
    }
    return true;
  }

  bool VisitCallExpr(CallExpr* call) {
    if (isa<CXXMemberCallExpr>(call) || isa<CXXOperatorCallExpr>(call)) return true;
    const FunctionDecl* function = call->getDirectCallee();
    if (function == nullptr) return true;
    const std::string_view name = simple_name(function);
    if (name.empty()) return true;
    const std::string& qualified = types_.name(function);
    if (!in_torch_namespace(qualified)) return true;
    if (on(kTL501) && has_inplace_suffix(name) && !is_allowed_inplace(name, qualified, settings_)) {
      report(kTL501, callee_name_range(call), inplace_message(name));
    }
    if (on(kTL503) && name.ends_with("_out")) {
      report(kTL503, callee_range(call),
             "`" + qualified +
                 "` writes into a caller-provided tensor (an in-place write autograd cannot track); call the "
                 "functional form and bind its result");
    }
    if (on(kTL201)) tl201(call, function, qualified);
    return true;
  }

  bool VisitDeclRefExpr(DeclRefExpr* reference) {
    if (!on(kTL701)) return true;
    const ValueDecl* decl = reference->getDecl();
    bool cuda = false;
    if (const auto* variable = dyn_cast<VarDecl>(decl)) {
      cuda = simple_name(variable) == "kCUDA" && types_.name(variable) == "c10::kCUDA";
    } else if (const auto* enumerator = dyn_cast<EnumConstantDecl>(decl)) {
      cuda = simple_name(enumerator) == "CUDA" && types_.name(enumerator) == "c10::DeviceType::CUDA";
    }
    if (!cuda || device_choice_context()) return true;
    const SourceRange range = reference->getSourceRange();
    report(kTL701, range,
           "hard-coded device `" + spelled(range) +
               "`; pick the device at run time (e.g. `torch::cuda::is_available() ? torch::kCUDA : torch::kCPU`) "
               "and pass it in");
    return true;
  }

  bool VisitStringLiteral(StringLiteral* literal) {
    if (!on(kTL701) || literal->getCharByteWidth() != 1 || !literal->getBytes().startswith("cuda")) return true;
    if (!places_a_device() || device_choice_context()) return true;
    const SourceRange range = literal->getSourceRange();
    report(kTL701, range,
           "hard-coded device " + spelled(range) +
               "; pick the device at run time (e.g. `torch::cuda::is_available() ? torch::kCUDA : torch::kCPU`) and "
               "pass it in");
    return true;
  }

 private:
  enum Index : std::size_t { kTL201, kTL501, kTL503, kTL504, kTL602, kTL701, kTL702, kTL801 };
  static constexpr const char* kCudaMessage =
      "`.cuda()` ties the code to CUDA; use `.to(device)` with a device chosen at run time";
  static constexpr const char* kItemMessage =
      "`.item()` in a forward leaves the graph: the value becomes a constant in tracing and export, and forces a "
      "device sync; keep it a tensor";

  struct FunctionState {
    bool module_forward = false;
    const Stmt* body = nullptr;
    std::set<std::string> in_eval;  // TL602: receivers after `eval()`, by declaration
  };

  [[nodiscard]] bool on(Index index) const { return on_[index]; }

  // ----- reporting -----

  void report(Index index, SourceRange range, std::string message) {
    const SourceLocation begin = sm_.getFileLoc(range.getBegin());
    if (begin.isInvalid() || sm_.getFileID(begin) != main_) return;
    const unsigned start = sm_.getFileOffset(begin);
    unsigned end = start;
    const SourceLocation last = sm_.getFileLoc(range.getEnd());
    if (last.isValid() && sm_.getFileID(last) == main_ && sm_.getFileOffset(last) >= start) {
      const SourceLocation after = Lexer::getLocForEndOfToken(last, 0, sm_, context_.getLangOpts());
      if (after.isValid() && sm_.getFileID(after) == main_) end = sm_.getFileOffset(after);
    }
    if (end <= start) {
      const SourceLocation after = Lexer::getLocForEndOfToken(begin, 0, sm_, context_.getLangOpts());
      end = after.isValid() && sm_.getFileID(after) == main_ ? sm_.getFileOffset(after) : start + 1;
    }
    const Rule* rule = find_rule(kChecks[index].code);
    out_.push_back(ClangFinding{&rule->info, start, end, std::move(message)});
  }

  std::string spelled(SourceRange range) const {
    const CharSourceRange characters = CharSourceRange::getTokenRange(sm_.getFileLoc(range.getBegin()),
                                                                      sm_.getFileLoc(range.getEnd()));
    bool invalid = false;
    const StringRef text = Lexer::getSourceText(characters, sm_, context_.getLangOpts(), &invalid);
    return invalid ? std::string() : text.str();
  }

  static SourceRange member_name_range(const CXXMemberCallExpr* call) {
    if (const auto* member = dyn_cast<MemberExpr>(call->getCallee()->IgnoreParens())) {
      return SourceRange(member->getMemberLoc(), member->getMemberLoc());
    }
    return SourceRange(call->getExprLoc(), call->getExprLoc());
  }

  static SourceRange callee_name_range(const CallExpr* call) {
    const Expr* callee = call->getCallee()->IgnoreParenImpCasts();
    if (const auto* reference = dyn_cast<DeclRefExpr>(callee)) {
      return SourceRange(reference->getLocation(), reference->getLocation());
    }
    if (const auto* member = dyn_cast<MemberExpr>(callee)) return SourceRange(member->getMemberLoc(), member->getMemberLoc());
    return callee->getSourceRange();
  }

  static SourceRange callee_range(const CallExpr* call) { return call->getCallee()->IgnoreParenImpCasts()->getSourceRange(); }

  static std::string inplace_message(std::string_view name) {
    const std::string out_of_place(name.substr(0, name.size() - 1));
    return "in-place operation `" + std::string(name) + "` mutates its tensor; use the out-of-place `" + out_of_place +
           "` and bind the result (e.g. `x = x." + out_of_place + "(...)`)";
  }

  // ----- TL501 -----

  void tl501_method(const CXXMemberCallExpr* call, std::string_view name) {
    if (name.empty() || !is_inplace_method_name(name) || is_allowed_inplace(name, {}, settings_)) return;
    report(kTL501, member_name_range(call), inplace_message(name));
  }

  // ----- TL504 -----

  void tl504(const CXXOperatorCallExpr* call) {
    switch (call->getOperator()) {
      case OO_PlusEqual: case OO_MinusEqual: case OO_StarEqual: case OO_SlashEqual: case OO_PercentEqual:
      case OO_AmpEqual: case OO_PipeEqual: case OO_CaretEqual: case OO_LessLessEqual: case OO_GreaterGreaterEqual:
        break;
      default:
        return;
    }
    if (call->getNumArgs() != 2 || !types_.is_tensor(call->getArg(0)->getType())) return;
    const std::string target = spelled(call->getArg(0)->getSourceRange());
    const std::string op = getOperatorSpelling(call->getOperator());
    const std::string binary = op.substr(0, op.size() - 1);
    report(kTL504, call->getSourceRange(),
           "`" + target + " " + op + " ...` updates the tensor `" + target + "` in place; rebind it instead (`" +
               target + " = " + target + " " + binary + " ...`)");
  }

  // ----- TL201 -----

  void tl201(const CallExpr* call, const FunctionDecl* function, const std::string& qualified) {
    const std::string_view rest =
        std::string_view(qualified).substr(qualified.starts_with("torch::") ? 7 : 4);
    if (rest.find("::") != std::string_view::npos) return;
    if (!is_tensor_factory_name(rest) && rest != "from_blob") return;
    // The argument bound to the factory's dtype or TensorOptions parameter decides.
    const unsigned count = std::min(call->getNumArgs(), function->getNumParams());
    for (unsigned i = 0; i < count; ++i) {
      const Expr* argument = call->getArg(i);
      if (is_default_argument(argument)) continue;
      const QualType parameter = function->getParamDecl(i)->getType();
      Dtype state;
      if (types_.is_dtype(parameter)) {
        state = is_nullopt(argument) ? Dtype::No : Dtype::Yes;
      } else if (types_.is_options(parameter)) {
        state = options_dtype(argument, 0);
      } else {
        continue;
      }
      if (state != Dtype::No) return;
    }
    report(kTL201, callee_name_range(call),
           "`" + qualified +
               "` without a dtype takes the global default dtype; pass it explicitly (e.g. `torch::kFloat32` or "
               "`torch::TensorOptions().dtype(torch::kFloat32)`)");
  }

  bool is_nullopt(const Expr* argument) {
    const Expr* inner = strip(argument);
    if (const auto* construct = dyn_cast<CXXConstructExpr>(inner); construct != nullptr && construct->getNumArgs() == 1) {
      inner = strip(construct->getArg(0));
    }
    const CXXRecordDecl* record = record_of(inner->getType());
    return simple_name(record) == "nullopt_t";
  }

  // Does a TensorOptions-typed expression carry a dtype?
  Dtype options_dtype(const Expr* expr, int depth) {
    if (expr == nullptr || depth > 8) return Dtype::Unknown;
    expr = strip(expr);
    if (const auto* cast = dyn_cast<ExplicitCastExpr>(expr)) return options_dtype(cast->getSubExpr(), depth + 1);
    if (const auto* conditional = dyn_cast<ConditionalOperator>(expr)) {
      return either(options_dtype(conditional->getTrueExpr(), depth + 1),
                    options_dtype(conditional->getFalseExpr(), depth + 1));
    }
    if (const auto* construct = dyn_cast<CXXConstructExpr>(expr)) {
      if (!types_.is_options(construct->getType())) return Dtype::Unknown;
      if (construct->getNumArgs() == 0 || is_default_argument(construct->getArg(0))) return Dtype::No;  // TensorOptions()
      const Expr* argument = construct->getArg(0);
      if (types_.is_options(argument->getType())) return options_dtype(argument, depth + 1);  // copy / move
      // TensorOptions(ScalarType) / (TypeMeta) carry one; (Device), (DeviceType), (Layout),
      // (MemoryFormat), a device string do not.
      return types_.is_dtype(strip(argument)->getType()) ? Dtype::Yes : Dtype::No;
    }
    if (const auto* member = dyn_cast<CXXMemberCallExpr>(expr)) {
      const std::string_view name = simple_name(member->getMethodDecl());
      const QualType object = member->getObjectType();
      if (types_.is_tensor(object)) return name == "options" ? Dtype::Yes : Dtype::Unknown;
      if (!types_.is_options(object)) return Dtype::Unknown;
      if (name == "dtype") return Dtype::Yes;  // .dtype(t) / .dtype<T>(); the getter returns no TensorOptions
      static constexpr std::array<std::string_view, 6> kSetters = {"device",        "device_index", "layout",
                                                                   "requires_grad", "pinned_memory", "memory_format"};
      if (std::find(kSetters.begin(), kSetters.end(), name) != kSetters.end()) {
        return options_dtype(member->getImplicitObjectArgument(), depth + 1);
      }
      if (name == "merge_in" && member->getNumArgs() == 1) {
        const Dtype own = options_dtype(member->getImplicitObjectArgument(), depth + 1);
        const Dtype other = options_dtype(member->getArg(0), depth + 1);
        if (own == Dtype::Yes || other == Dtype::Yes) return Dtype::Yes;
        return own == Dtype::No && other == Dtype::No ? Dtype::No : Dtype::Unknown;
      }
      return Dtype::Unknown;
    }
    if (const auto* call = dyn_cast<CallExpr>(expr)) {
      const FunctionDecl* function = call->getDirectCallee();
      if (function == nullptr) return Dtype::Unknown;
      const std::string& qualified = types_.name(function);
      const std::string_view name = simple_name(function);
      if (qualified.starts_with("c10::") || in_torch_namespace(qualified)) {
        if (name == "dtype") return Dtype::Yes;
        if (name == "device" || name == "device_index" || name == "layout" || name == "requires_grad" ||
            name == "memory_format" || name == "pinned_memory") {
          return Dtype::No;
        }
        return Dtype::Unknown;
      }
      return returned_dtype(function, depth + 1);  // a helper of the project: what it returns
    }
    if (const auto* reference = dyn_cast<DeclRefExpr>(expr)) {
      const auto* variable = dyn_cast<VarDecl>(reference->getDecl());
      if (variable == nullptr || isa<ParmVarDecl>(variable)) return Dtype::Unknown;  // the caller decides
      return variable_dtype(variable, depth + 1);
    }
    return Dtype::Unknown;
  }

  // A variable: its initializer and every value assigned to it in the enclosing function
  // (flow-insensitively). A later assignment that sets a dtype makes it unknown, not missing.
  Dtype variable_dtype(const VarDecl* variable, int depth) {
    const Expr* init = variable->getInit();
    Dtype state = init != nullptr ? options_dtype(init, depth) : Dtype::No;
    if (!variable->isLocalVarDecl()) return state;
    const Stmt* body = functions_.empty() ? nullptr : functions_.back().body;
    if (body == nullptr) return state;
    bool escapes = false;
    std::vector<const Expr*> assigned;
    collect_assignments(body, variable, assigned, escapes);
    if (escapes) return Dtype::Unknown;
    for (const Expr* value : assigned) {
      const Dtype other = options_dtype(value, depth);
      if (other == Dtype::Yes && state == Dtype::No) return Dtype::Unknown;
      state = either(state, other);
    }
    return state;
  }

  static bool refers_to(const Expr* expr, const VarDecl* variable) {
    const auto* reference = dyn_cast<DeclRefExpr>(strip(expr));
    return reference != nullptr && reference->getDecl() == variable;
  }

  static void collect_assignments(const Stmt* stmt, const VarDecl* variable, std::vector<const Expr*>& assigned,
                                  bool& escapes) {
    if (stmt == nullptr) return;
    if (const auto* op = dyn_cast<CXXOperatorCallExpr>(stmt); op != nullptr && op->getOperator() == OO_Equal &&
                                                              op->getNumArgs() == 2 && refers_to(op->getArg(0), variable)) {
      assigned.push_back(op->getArg(1));
    } else if (const auto* unary = dyn_cast<UnaryOperator>(stmt);
               unary != nullptr && unary->getOpcode() == UO_AddrOf && refers_to(unary->getSubExpr(), variable)) {
      escapes = true;
    }
    for (const Stmt* child : stmt->children()) collect_assignments(child, variable, assigned, escapes);
  }

  // What a function of the translation unit returns, when its body is here.
  Dtype returned_dtype(const FunctionDecl* function, int depth) {
    const FunctionDecl* definition = nullptr;
    if (depth > 4 || !function->hasBody(definition) || definition == nullptr) return Dtype::Unknown;
    std::vector<const Expr*> values;
    collect_returns(definition->getBody(), values);
    if (values.empty()) return Dtype::Unknown;
    // Its locals are looked up in its own body.
    functions_.push_back(FunctionState{false, definition->getBody(), {}});
    Dtype state = Dtype::Yes;
    for (const Expr* value : values) state = either(state, options_dtype(value, depth));
    functions_.pop_back();
    return state;
  }

  static void collect_returns(const Stmt* stmt, std::vector<const Expr*>& values) {
    if (stmt == nullptr || isa<LambdaExpr>(stmt)) return;
    if (const auto* ret = dyn_cast<ReturnStmt>(stmt)) {
      if (ret->getRetValue() != nullptr) values.push_back(ret->getRetValue());
      return;
    }
    for (const Stmt* child : stmt->children()) collect_returns(child, values);
  }

  // ----- TL602 -----

  // `model`, `this->net_`, `net.encoder`, through `->` / `*` of ModuleHolder and smart pointers:
  // a key naming the declarations the receiver goes through. nullopt for anything else.
  static std::optional<std::string> receiver_key(const Expr* expr, int depth = 0) {
    if (expr == nullptr || depth > 16) return std::nullopt;
    expr = expr->IgnoreParenImpCasts();
    if (const auto* op = dyn_cast<CXXOperatorCallExpr>(expr);
        op != nullptr && (op->getOperator() == OO_Arrow || op->getOperator() == OO_Star) && op->getNumArgs() == 1) {
      return receiver_key(op->getArg(0), depth + 1);
    }
    if (const auto* unary = dyn_cast<UnaryOperator>(expr); unary != nullptr && unary->getOpcode() == UO_Deref) {
      return receiver_key(unary->getSubExpr(), depth + 1);
    }
    if (const auto* reference = dyn_cast<DeclRefExpr>(expr)) {
      return "d" + std::to_string(reinterpret_cast<std::uintptr_t>(reference->getDecl()->getCanonicalDecl()));
    }
    if (isa<CXXThisExpr>(expr)) return std::string("this");
    if (const auto* member = dyn_cast<MemberExpr>(expr)) {
      auto base = receiver_key(member->getBase(), depth + 1);
      if (!base) return std::nullopt;
      return *base + ".m" + std::to_string(reinterpret_cast<std::uintptr_t>(member->getMemberDecl()->getCanonicalDecl()));
    }
    return std::nullopt;
  }

  // The module as the message names it: `net` for `net->forward(x)`, `(*net).forward(x)`, `net(x)`.
  static const Expr* written_receiver(const Expr* object) {
    for (int guard = 0; guard < 16; ++guard) {
      object = object->IgnoreParenImpCasts();
      if (const auto* op = dyn_cast<CXXOperatorCallExpr>(object);
          op != nullptr && (op->getOperator() == OO_Arrow || op->getOperator() == OO_Star) && op->getNumArgs() == 1) {
        object = op->getArg(0);
      } else if (const auto* unary = dyn_cast<UnaryOperator>(object); unary != nullptr && unary->getOpcode() == UO_Deref) {
        object = unary->getSubExpr();
      } else {
        break;
      }
    }
    return object;
  }

  void tl602_member_call(const CXXMemberCallExpr* call, const CXXMethodDecl* method, std::string_view name) {
    if (functions_.empty()) return;
    const Expr* object = call->getImplicitObjectArgument();
    if (object == nullptr) return;
    auto key = receiver_key(object);
    if (!key) return;
    auto& in_eval = functions_.back().in_eval;
    if (name == "eval" || name == "train") {
      if (!types_.is_eval_module(method->getParent())) return;
      if (name == "eval") {
        if (call->getNumArgs() == 0) in_eval.insert(*key);
        return;
      }
      // train() / train(true) ends eval mode; train(false) and train(flag) do not.
      const Expr* on = call->getNumArgs() > 0 ? call->getArg(0) : nullptr;
      if (on == nullptr || is_default_argument(on) || constant_bool(on, context_) == true) in_eval.erase(*key);
      return;
    }
    if ((name == "forward" || method->getOverloadedOperator() == OO_Call) && in_eval.contains(*key)) {
      report_eval_call(call, written_receiver(object));
    }
  }

  void tl602_call(const CXXOperatorCallExpr* call, const Expr* callee) {
    if (functions_.empty()) return;
    auto key = receiver_key(callee);
    if (key && functions_.back().in_eval.contains(*key)) report_eval_call(call, written_receiver(callee));
  }

  void report_eval_call(const Expr* call, const Expr* receiver) {
    if (no_grad_ > 0) return;
    const std::string module = spelled(receiver->getSourceRange());
    report(kTL602, call->getSourceRange(),
           "`" + module + "` is called after `" + module +
               ".eval()` with gradients enabled; declare a `torch::NoGradGuard` (or `c10::InferenceMode`) guard in "
               "an enclosing block first");
  }

  // `torch::NoGradGuard g;` (and classes derived from c10::NoGradGuard), `c10::InferenceMode g;`
  // unless constructed with false, `c10::AutoGradMode g(false);`.
  bool is_grad_guard(const VarDecl* variable) {
    const QualType type = variable->getType();
    if (type.isNull() || type->isReferenceType() || type->isPointerType() || type->isDependentType()) return false;
    const CXXRecordDecl* record = record_of(type);
    if (record == nullptr) return false;
    if (types_.derives_from(record, "c10::NoGradGuard")) return true;
    const bool inference = types_.derives_from(record, "c10::InferenceMode");
    const bool autograd = types_.derives_from(record, "c10::AutoGradMode");
    if (!inference && !autograd) return false;
    std::optional<bool> enabled;
    if (const auto* construct = dyn_cast_or_null<CXXConstructExpr>(variable->getInit() ? strip(variable->getInit()) : nullptr);
        construct != nullptr && construct->getNumArgs() >= 1 && !is_default_argument(construct->getArg(0))) {
      enabled = constant_bool(construct->getArg(0), context_);
      if (!enabled) return inference;  // InferenceMode(flag): trusted as the syntax rule does; AutoGradMode(flag) not
    }
    return inference ? enabled.value_or(true) : enabled == false;
  }

  [[nodiscard]] bool in_module_forward() const { return !functions_.empty() && functions_.back().module_forward; }

  // ----- TL701 -----

  // Inside a branch of `?:`, an operand of `==` / `!=`, or a `case` label (comparing or choosing
  // a device is not placing one); the statement stack's top is the node being checked.
  bool device_choice_context() const {
    for (std::size_t i = stack_.size() - 1; i-- > 0;) {
      const Stmt* parent = stack_[i];
      const Stmt* child = stack_[i + 1];
      if (const auto* conditional = dyn_cast<AbstractConditionalOperator>(parent)) {
        if (child != conditional->getCond()) return true;
      } else if (const auto* binary = dyn_cast<BinaryOperator>(parent)) {
        if (binary->getOpcode() == BO_EQ || binary->getOpcode() == BO_NE) return true;
      } else if (const auto* op = dyn_cast<CXXOperatorCallExpr>(parent)) {
        if (op->getOperator() == OO_EqualEqual || op->getOperator() == OO_ExclaimEqual) return true;
      } else if (const auto* label = dyn_cast<CaseStmt>(parent)) {
        return child == label->getLHS() || child == label->getRHS();
      } else if (isa<CompoundStmt>(parent) || isa<LambdaExpr>(parent)) {
        return false;
      }
    }
    return false;
  }

  // Is the string literal on top of the stack turned into a c10::Device (a constructor, the
// conversion `.to("cuda")` performs) or given to `torch::device(...)` / `TensorOptions::device`?
  bool places_a_device() {
    for (std::size_t i = stack_.size() - 1; i-- > 0;) {
      const Stmt* parent = stack_[i];
      if (isa<ImplicitCastExpr>(parent) || isa<MaterializeTemporaryExpr>(parent) || isa<CXXBindTemporaryExpr>(parent) ||
          isa<FullExpr>(parent) || isa<ParenExpr>(parent)) {
        continue;
      }
      if (const auto* construct = dyn_cast<CXXConstructExpr>(parent)) {
        const CXXRecordDecl* record = record_of(construct->getType());
        // c10::Device("cuda"), and TensorOptions' device constructor (`x.to("cuda")` binds it).
        if (types_.name_is(record, "c10::Device") || types_.name_is(record, "c10::TensorOptions")) return true;
        if (simple_name(record) == "basic_string" || simple_name(record) == "basic_string_view") {
          continue;  // the std::string a Device is built from
        }
        return false;
      }
      if (const auto* call = dyn_cast<CallExpr>(parent)) {
        const FunctionDecl* function = call->getDirectCallee();
        const std::string_view name = simple_name(function);
        if (isa<CXXMemberCallExpr>(call)) {
          return name == "device" && types_.is_options(cast<CXXMemberCallExpr>(call)->getObjectType());
        }
        if (name != "device") return false;
        const std::string& qualified = types_.name(function);
        return qualified.starts_with("c10::") || in_torch_namespace(qualified);
      }
      return false;
    }
    return false;
  }

  ASTContext& context_;
  SourceManager& sm_;
  const Settings& settings_;
  std::vector<ClangFinding>& out_;
  FileID main_;
  std::array<bool, kChecks.size()> on_{};
  Types types_;
  std::vector<FunctionState> functions_;
  std::vector<const Stmt*> stack_;
  std::vector<int> guards_;  // grad guards declared in each open block
  int no_grad_ = 0;
};

}  // namespace

std::span<const ClangCheckInfo> clang_checks() { return kChecks; }

std::vector<ClangFinding> run_clang_checks(ASTContext& context, const Settings& settings, const RuleSet& rules) {
  std::vector<ClangFinding> findings;
  Checks checks(context, settings, rules, findings);
  checks.TraverseDecl(context.getTranslationUnitDecl());
  return findings;
}

}  // namespace torchlint
