//===- ParserTest.cpp - Unit tests of the .bpm front end ------------------===//

#include "bpc/Frontend/ASTPrinter.h"
#include "bpc/Frontend/Diagnostics.h"
#include "bpc/Frontend/ParseDriver.h"

#include "llvm/Support/MemoryBuffer.h"

#include <doctest/doctest.h>

#include <string>

using namespace bpc;
using namespace bpc::ast;

namespace {

/// Parses `source`; keeps the diagnostics text and the printed AST.
struct Parsed {
  std::unique_ptr<Module> module;
  std::string diagnostics;
  std::string ast;
  unsigned errors = 0;
};

Parsed parse(const std::string &source, const ParserLimits &limits = {}) {
  Parsed result;
  llvm::SourceMgr sourceMgr;
  llvm::raw_string_ostream diagOut(result.diagnostics);
  DiagnosticEngine diags(sourceMgr, diagOut);
  unsigned id = sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, "t.bpm"), llvm::SMLoc());
  result.module = parseModule(id, "t.bpm", diags, limits);
  result.errors = diags.errorCount();
  if (result.module) {
    llvm::raw_string_ostream astOut(result.ast);
    printAST(*result.module, sourceMgr, astOut);
  }
  return result;
}

const Expr &firstExpr(const Parsed &p) {
  REQUIRE(p.module);
  REQUIRE(!p.module->body.empty());
  const Stmt &s = *p.module->body.front();
  if (auto *e = llvm::dyn_cast<ExprStmt>(&s))
    return *e->value;
  return *llvm::cast<AssignStmt>(s).value;
}

} // namespace

TEST_CASE("power binds tighter than a prefix minus on its left, looser on its right") {
  Parsed p = parse("-x ** -2\n");
  const auto &neg = llvm::cast<UnaryOpExpr>(firstExpr(p));
  CHECK(neg.op == UnaryOpKind::USub);
  const auto &pow = llvm::cast<BinOpExpr>(*neg.operand);
  CHECK(pow.op == BinOpKind::Pow);
  CHECK(llvm::isa<UnaryOpExpr>(*pow.rhs));
}

TEST_CASE("power is right associative, subtraction left associative") {
  Parsed p1 = parse("a ** b ** c\n");
  const auto &pow = llvm::cast<BinOpExpr>(firstExpr(p1));
  CHECK(llvm::isa<NameExpr>(*pow.lhs));
  CHECK(llvm::isa<BinOpExpr>(*pow.rhs));
  Parsed p2 = parse("a - b - c\n");
  const auto &sub = llvm::cast<BinOpExpr>(firstExpr(p2));
  CHECK(llvm::isa<BinOpExpr>(*sub.lhs));
  CHECK(llvm::isa<NameExpr>(*sub.rhs));
}

TEST_CASE("a comparison chain is one Compare node; a parenthesized one is not") {
  Parsed p1 = parse("a < b <= c != d\n");
  const auto &chain = llvm::cast<CompareExpr>(firstExpr(p1));
  CHECK(chain.ops.size() == 3);
  CHECK(chain.ops[1] == CmpOpKind::LtE);
  Parsed p2 = parse("(a < b) < c\n");
  const auto &nested = llvm::cast<CompareExpr>(firstExpr(p2));
  CHECK(nested.ops.size() == 1);
  CHECK(llvm::isa<CompareExpr>(*nested.left));
}

TEST_CASE("and/or chains flatten; not binds looser than comparison") {
  Parsed p1 = parse("a or b or c and d\n");
  const auto &ors = llvm::cast<BoolOpExpr>(firstExpr(p1));
  CHECK(ors.op == BoolOpKind::Or);
  REQUIRE(ors.values.size() == 3);
  CHECK(llvm::isa<BoolOpExpr>(*ors.values[2]));
  Parsed p2 = parse("not a == b\n");
  const auto &notExpr = llvm::cast<UnaryOpExpr>(firstExpr(p2));
  CHECK(llvm::isa<CompareExpr>(*notExpr.operand));
}

TEST_CASE("number literals") {
  auto number = [](const char *src) -> const ConstantExpr & {
    static Parsed keep;
    keep = parse(src);
    return llvm::cast<ConstantExpr>(firstExpr(keep));
  };
  CHECK(number("1_000\n").intValue == 1000);
  CHECK(number("0x_ff\n").intValue == 255);
  CHECK(number("0o17\n").intValue == 15);
  CHECK(number("0b101\n").intValue == 5);
  CHECK(number("1.\n").floatValue == 1.0);
  CHECK(number(".5\n").floatValue == 0.5);
  CHECK(number("1e-6\n").floatValue == 1e-6);
  CHECK(number("2j\n").type == ConstantExpr::Type::Imag);
  CHECK_FALSE(number("99999999999999999999\n").intFits);
}

TEST_CASE("string literals decode escapes; raw strings keep them") {
  auto str = [](const char *src) {
    Parsed p = parse(src);
    return llvm::cast<ConstantExpr>(firstExpr(p)).text;
  };
  CHECK(str("'a\\tb'\n") == "a\tb");
  CHECK(str("r'a\\tb'\n") == "a\\tb");
  CHECK(str("'a' \"b\" '''c'''\n") == "abc");
  CHECK(str("'\\x41\\u00e9\\101'\n") == "A\xc3\xa9" "A");
  CHECK(str("'\\d'\n") == "\\d");
}

TEST_CASE("f-strings split into literal text and fields") {
  Parsed p = parse("f'{x!r:>{w}} {{ok}} {y=}'\n");
  const auto &joined = llvm::cast<JoinedStrExpr>(firstExpr(p));
  REQUIRE(joined.values.size() == 3);
  const auto &field = llvm::cast<FormattedValueExpr>(*joined.values[0]);
  CHECK(field.conversion == 'r');
  REQUIRE(field.formatSpec);
  CHECK(llvm::cast<JoinedStrExpr>(*field.formatSpec).values.size() == 2);
  CHECK(llvm::cast<ConstantExpr>(*joined.values[1]).text == " {ok} y=");
  CHECK(llvm::cast<FormattedValueExpr>(*joined.values[2]).conversion == 'r');
}

TEST_CASE("elif chains nest in orelse") {
  Parsed p = parse("if a:\n  x = 1\nelif b:\n  x = 2\nelse:\n  x = 3\n");
  REQUIRE(p.module);
  const auto &outer = llvm::cast<IfStmt>(*p.module->body[0]);
  REQUIRE(outer.orelse.size() == 1);
  const auto &inner = llvm::cast<IfStmt>(*outer.orelse[0]);
  CHECK(inner.orelse.size() == 1);
}

TEST_CASE("parameters get their kinds") {
  Parsed p = parse("def f(a, /, b, c=1, *args, d, e=2, **kw):\n  pass\n");
  REQUIRE(p.module);
  const auto &f = llvm::cast<FunctionDefStmt>(*p.module->body[0]);
  REQUIRE(f.params.size() == 7);
  CHECK(f.params[0].kind == Param::Kind::PositionalOnly);
  CHECK(f.params[1].kind == Param::Kind::Positional);
  CHECK(f.params[3].kind == Param::Kind::VarPositional);
  CHECK(f.params[4].kind == Param::Kind::KeywordOnly);
  CHECK(f.params[6].kind == Param::Kind::VarKeyword);
}

TEST_CASE("every syntax error of a file is reported, in source order") {
  Parsed p = parse("def f(x)\n    return x\n\nif x = 1:\n    pass\n\nclass A:\npass\n");
  CHECK_FALSE(p.module);
  CHECK(p.errors == 3);
  size_t first = p.diagnostics.find("t.bpm:1:9");
  size_t second = p.diagnostics.find("t.bpm:4:6");
  size_t third = p.diagnostics.find("t.bpm:8:1");
  CHECK(first < second);
  CHECK(second < third);
  CHECK(third != std::string::npos);
}

TEST_CASE("hostile input is answered with a diagnostic, not a crash") {
  CHECK(parse(std::string(10000, '(')).diagnostics.find("too many nested parentheses") !=
        std::string::npos);
  CHECK(parse("x = " + std::string(100000, '-') + "1\n").diagnostics.find("nested too deeply") !=
        std::string::npos);
  CHECK(parse(std::string("x = 1\0", 6)).diagnostics.find("null bytes") != std::string::npos);
  CHECK(parse("x = '\xff'\n").diagnostics.find("invalid UTF-8 byte 0xFF") != std::string::npos);
  CHECK(parse("").module);
  CHECK(parse("\n\n   \n# only a comment").module);
}

TEST_CASE("a 10 MB file parses") {
  std::string big;
  big.reserve(10 << 20);
  while (big.size() < (10u << 20))
    big += "w = [1.0, -2.5, 3e-3, x[:, 0] @ y]  # weights\n";
  Parsed p = parse(big);
  CHECK(p.module);
  CHECK(p.errors == 0);
}
