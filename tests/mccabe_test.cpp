// McCabe complexity and statement counts of Python functions (TL401, TL402).
//
// The expected complexities were computed once with Debian's python3-mccabe 0.7.0 under
// CPython 3.11.2 by saving kSource to funcs.py and running
//   /usr/bin/python3 -m mccabe --min 1 funcs.py
// which printed:
//   1:0: 'straight' 1          6:0: 'branches' 7        25:0: 'handlers' 5
//   43:0: 'with_closure' 5     57:0: 'asynchronous' 3   66:0: 'matching' 1
//   81:0: 'nested_loops' 8     101:4: 'Holder.method' 4 110:0: 'deep_elif' 7
// (mccabe prints no line for nested functions: they are folded into the enclosing one.)
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "linter/parse/parser.h"
#include "linter/semantic/python_metrics.h"
#include "linter/semantic/python_model.h"

namespace torchlint {
namespace {

constexpr std::string_view kSource = R"py(def straight(x):
    y = x + 1
    return y


def branches(x, y):
    if x > 0:
        x -= 1
    elif x < 0:
        x += 1
    elif y:
        pass
    else:
        x = 0
    for i in range(3):
        if i and x or y:
            continue
    else:
        y = 2
    while x:
        x -= 1
    return [i for i in range(x) if i > 2]


def handlers(path):
    try:
        f = open(path)
    except OSError:
        return None
    except ValueError as error:
        raise RuntimeError() from error
    else:
        f.close()
    finally:
        if path:
            print(path)
    with open(path) as g:
        if g:
            return g.read()
    return ""


def with_closure(items):
    def inner(a):
        if a:
            return 1
        return 2

    class Local:
        def method(self):
            for _ in range(2):
                pass

    return [inner(i) for i in items], Local


async def asynchronous(stream):
    async for item in stream:
        if item is None:
            break
    async with stream as s:
        await s.close()
    return x if stream else None


def matching(command):
    match command:
        case "a":
            if command:
                return 1
        case _:
            return 2
    try:
        pass
    except* ValueError:
        if command:
            pass
    return 0


def nested_loops(grid):
    total = 0
    for row in grid:
        for cell in row:
            while cell > 0:
                if cell % 2:
                    total += 1
                elif cell % 3:
                    total += 2
                cell -= 1
            else:
                total -= 1
    try:
        assert total
    except AssertionError:
        pass
    return total


class Holder:
    def method(self, x):
        if x:
            try:
                return 1
            except Exception:
                return 2
        return lambda y: y if y else x


def deep_elif(v):
    if v == 1:
        return 1
    elif v == 2:
        return 2
    elif v == 3:
        return 3
    elif v == 4:
        return 4
    elif v == 5:
        if v:
            return 5
    else:
        return 6
)py";

class Metrics : public ::testing::Test {
 protected:
  Metrics() : tree_(parse(Language::Python, kSource)), model_(tree_.get(), kSource) {}

  const FunctionInfo& function(std::string_view name) const {
    for (const FunctionInfo& info : model_.functions()) {
      if (info.name == name) return info;
    }
    throw std::runtime_error("no function " + std::string(name));
  }

  Tree tree_;
  PythonModel model_;
};

TEST_F(Metrics, ComplexityMatchesMccabePackage) {
  const std::map<std::string, int> expected = {
      {"straight", 1}, {"branches", 7},     {"handlers", 5}, {"with_closure", 5}, {"asynchronous", 3},
      {"matching", 1}, {"nested_loops", 8}, {"method", 4},   {"deep_elif", 7}};
  std::map<std::string, int> actual;
  for (const FunctionInfo& info : model_.functions()) {
    if (is_folded_into_enclosing_function(info)) continue;
    actual[std::string(info.name)] = mccabe_complexity(info.node);
  }
  EXPECT_EQ(actual, expected);
}

TEST_F(Metrics, NestedFunctionsAreFolded) {
  EXPECT_TRUE(is_folded_into_enclosing_function(function("inner")));
  EXPECT_FALSE(is_folded_into_enclosing_function(function("with_closure")));
  // Holder.method is a method of a top-level class: its own graph.
  const FunctionInfo* holder_method = nullptr;
  for (const FunctionInfo& info : model_.functions()) {
    if (info.name == "method" && info.cls != nullptr && info.cls->name == "Holder") holder_method = &info;
  }
  ASSERT_NE(holder_method, nullptr);
  EXPECT_FALSE(is_folded_into_enclosing_function(*holder_method));
}

TEST_F(Metrics, StatementCounts) {
  EXPECT_EQ(statement_count(function("straight").node), 2);
  // if/elif/elif/else headers + 4 bodies, for + if + continue + else + body, while + body, return.
  EXPECT_EQ(statement_count(function("branches").node), 16);
  // try, except x2, else, finally headers + their bodies (finally's `if` and `print`), with + if + return, return.
  EXPECT_EQ(statement_count(function("handlers").node), 15);
  // Nested def and class (and the class's method header) count once; their bodies do not.
  EXPECT_EQ(statement_count(function("with_closure").node), 4);
  EXPECT_EQ(statement_count(function("inner").node), 3);
  // match + 2 case headers + bodies, try + except* + bodies, return.
  EXPECT_EQ(statement_count(function("matching").node), 12);
}

TEST(MetricsEdgeCases, OneLineAndDeeplyNestedBodies) {
  std::string source = "def one(): return 1\n\ndef deep(x):\n";
  std::string indent = "    ";
  for (int i = 0; i < 60; ++i) {
    source += indent + "if x:\n";
    indent += " ";
  }
  source += indent + "pass\n";
  Tree tree = parse(Language::Python, source);
  PythonModel model(tree.get(), source);
  ASSERT_EQ(model.functions().size(), 2U);
  EXPECT_EQ(mccabe_complexity(model.functions()[0].node), 1);
  EXPECT_EQ(statement_count(model.functions()[0].node), 1);
  EXPECT_EQ(mccabe_complexity(model.functions()[1].node), 61);
  EXPECT_EQ(statement_count(model.functions()[1].node), 61);
}

}  // namespace
}  // namespace torchlint
