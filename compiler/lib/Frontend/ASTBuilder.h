//===- ASTBuilder.h - ANTLR parse tree to AST --------------------*- C++ -*-===//
//
// Builds the AST from a parse tree and reports the errors that Python's
// compiler reports after parsing (invalid assignment targets, parameter
// order, `return` outside a function, ...).
//
//===----------------------------------------------------------------------===//

#ifndef BPC_LIB_FRONTEND_ASTBUILDER_H
#define BPC_LIB_FRONTEND_ASTBUILDER_H

#include "SourceText.h"

#include "bpc/Frontend/AST.h"
#include "bpc/Frontend/Diagnostics.h"

#include "BPMParser.h"

#include <functional>

namespace bpc {

class ASTBuilder {
public:
  /// Parses the expression text of an f-string field, buffer bytes
  /// [begin, end); returns null after reporting an error.
  using SubParseFn = std::function<ast::ExprPtr(uint32_t begin, uint32_t end)>;

  /// Receives each error; the parser merges them with the syntax errors so
  /// that all are reported in source order.
  using ErrorFn = std::function<void(ast::Loc, const std::string &)>;

  ASTBuilder(const SourceText &text, ErrorFn onError, llvm::StringRef buffer,
             SubParseFn subParse);

  /// Appends the statements of one top-level `stmt` to `out`.
  void buildTopLevel(grammar::BPMParser::StmtContext *ctx, ast::StmtList &out) {
    buildStmt(ctx, out);
  }
  ast::ExprPtr buildFStringField(grammar::BPMParser::Fstring_expr_inputContext *ctx);

  bool hadErrors() const { return errors; }

private:
  using P = grammar::BPMParser;

  // Statements.
  void buildStmt(P::StmtContext *ctx, ast::StmtList &out);
  void buildSmallStmt(P::Small_stmtContext *ctx, ast::StmtList &out);
  ast::StmtPtr buildExprStmt(P::Expr_stmtContext *ctx);
  ast::StmtPtr buildCompound(P::Compound_stmtContext *ctx);
  ast::StmtPtr buildIf(P::If_stmtContext *ctx);
  ast::StmtPtr buildWhile(P::While_stmtContext *ctx);
  ast::StmtPtr buildFor(P::For_stmtContext *ctx);
  ast::StmtPtr buildTry(P::Try_stmtContext *ctx);
  ast::StmtPtr buildWith(P::With_stmtContext *ctx);
  ast::StmtPtr buildFuncDef(P::FuncdefContext *ctx, ast::ExprList decorators, ast::Loc loc);
  ast::StmtPtr buildClassDef(P::ClassdefContext *ctx, ast::ExprList decorators, ast::Loc loc);
  ast::StmtPtr buildImportName(P::Import_nameContext *ctx);
  ast::StmtPtr buildImportFrom(P::Import_fromContext *ctx);
  ast::StmtList buildSuite(P::SuiteContext *ctx);

  // Expressions.
  ast::ExprPtr buildTest(P::TestContext *ctx);
  /// buildTest for an operand of `and`, `or`, `not`, a comparison or a
  /// conditional's condition, where an unparenthesized lambda is an error.
  ast::ExprPtr buildOperand(P::TestContext *ctx);
  /// buildOperand for the `in` and `if` parts of a comprehension, where an
  /// unparenthesized conditional expression is an error too.
  ast::ExprPtr buildDisjunction(P::TestContext *ctx);
  ast::ExprPtr buildExpr(P::ExprContext *ctx);
  ast::ExprPtr buildAtom(P::AtomContext *ctx);
  ast::ExprPtr buildNamedExprTest(P::Namedexpr_testContext *ctx);
  ast::ExprPtr buildStarExpr(P::Star_exprContext *ctx);
  ast::ExprPtr buildNumber(antlr4::Token *token);
  ast::ExprPtr buildStrings(P::AtomContext *ctx, const std::vector<antlr4::tree::TerminalNode *> &strings);
  ast::ExprPtr buildTestlistComp(P::Testlist_compContext *ctx, ast::Loc loc, bool isList);
  ast::ExprPtr buildBraces(P::DictorsetmakerContext *ctx, ast::Loc loc);
  ast::ExprPtr buildSubscripts(P::SubscriptlistContext *ctx);
  ast::ExprPtr buildSubscript(P::SubscriptContext *ctx);
  ast::ExprPtr buildYield(P::Yield_exprContext *ctx);
  ast::ExprPtr buildSequence(const std::vector<antlr4::ParserRuleContext *> &items, bool trailingComma,
                             ast::Loc loc);
  ast::ExprPtr buildItem(antlr4::ParserRuleContext *item);
  ast::ExprPtr buildTestlist(P::TestlistContext *ctx);
  ast::ExprPtr buildTestlistStarExpr(P::Testlist_star_exprContext *ctx);
  ast::ExprPtr buildExprlist(P::ExprlistContext *ctx);
  void buildCall(ast::CallExpr &call, P::ArglistContext *ctx);
  std::vector<ast::Comprehension> buildCompFor(P::Comp_forContext *ctx);
  std::vector<ast::Param> buildParams(P::TypedargslistContext *ctx);
  std::vector<ast::Param> buildLambdaParams(P::VarargslistContext *ctx);
  void checkParams(std::vector<ast::Param> &params, ast::Loc where);

  // Targets of assignment, `for`, `del` and `with ... as`.
  void setContext(ast::Expr &target, ast::ExprContext ctx, const char *what);

  ast::Loc loc(antlr4::Token *token) const { return text.loc(token); }
  ast::Loc loc(antlr4::ParserRuleContext *ctx) const { return text.loc(ctx); }
  ast::Loc span(ast::Loc a, ast::Loc b) const { return {a.begin, std::max(a.end, b.end)}; }
  void error(ast::Loc at, const std::string &message);

  const SourceText &text;
  ErrorFn onError;
  llvm::StringRef buffer;
  SubParseFn subParse;
  bool errors = false;
  // Scope facts for `return`/`yield` outside a function and `break` outside a loop.
  unsigned functionDepth = 0;
  unsigned loopDepth = 0;
};

} // namespace bpc

#endif // BPC_LIB_FRONTEND_ASTBUILDER_H
