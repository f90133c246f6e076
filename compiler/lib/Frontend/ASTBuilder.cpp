//===- ASTBuilder.cpp - ANTLR parse tree to AST ----------------------------===//

#include "ASTBuilder.h"

#include "StringLiterals.h"

#include "BPMLexer.h"

#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <set>

using namespace bpc;
using namespace bpc::ast;
using P = bpc::grammar::BPMParser;
using Lexer = bpc::grammar::BPMLexer;

namespace {

template <typename T, typename... Args> std::unique_ptr<T> make(Args &&...args) {
  return std::make_unique<T>(std::forward<Args>(args)...);
}

/// Children of a rule in source order, as (token type or 0, rule context).
struct Child {
  antlr4::Token *token = nullptr;
  antlr4::ParserRuleContext *rule = nullptr;
  size_t type() const { return token ? token->getType() : 0; }
};

std::vector<Child> childrenOf(antlr4::ParserRuleContext *ctx) {
  std::vector<Child> out;
  for (antlr4::tree::ParseTree *child : ctx->children) {
    if (auto *terminal = dynamic_cast<antlr4::tree::TerminalNode *>(child))
      out.push_back({terminal->getSymbol(), nullptr});
    else
      out.push_back({nullptr, dynamic_cast<antlr4::ParserRuleContext *>(child)});
  }
  return out;
}

BinOpKind binOpFor(size_t type) {
  switch (type) {
  case Lexer::ADD: case Lexer::ADD_ASSIGN: return BinOpKind::Add;
  case Lexer::MINUS: case Lexer::SUB_ASSIGN: return BinOpKind::Sub;
  case Lexer::STAR: case Lexer::MULT_ASSIGN: return BinOpKind::Mult;
  case Lexer::AT: case Lexer::AT_ASSIGN: return BinOpKind::MatMult;
  case Lexer::DIV: case Lexer::DIV_ASSIGN: return BinOpKind::Div;
  case Lexer::IDIV: case Lexer::IDIV_ASSIGN: return BinOpKind::FloorDiv;
  case Lexer::MOD: case Lexer::MOD_ASSIGN: return BinOpKind::Mod;
  case Lexer::POWER: case Lexer::POWER_ASSIGN: return BinOpKind::Pow;
  case Lexer::LEFT_SHIFT: case Lexer::LEFT_SHIFT_ASSIGN: return BinOpKind::LShift;
  case Lexer::RIGHT_SHIFT: case Lexer::RIGHT_SHIFT_ASSIGN: return BinOpKind::RShift;
  case Lexer::OR_OP: case Lexer::OR_ASSIGN: return BinOpKind::BitOr;
  case Lexer::XOR: case Lexer::XOR_ASSIGN: return BinOpKind::BitXor;
  default: return BinOpKind::BitAnd;
  }
}

CmpOpKind cmpOpFor(P::Comp_opContext *ctx) {
  if (ctx->IS())
    return ctx->NOT() ? CmpOpKind::IsNot : CmpOpKind::Is;
  if (ctx->NOT())
    return CmpOpKind::NotIn;
  if (ctx->IN()) return CmpOpKind::In;
  if (ctx->LESS_THAN()) return CmpOpKind::Lt;
  if (ctx->GREATER_THAN()) return CmpOpKind::Gt;
  if (ctx->EQUALS()) return CmpOpKind::Eq;
  if (ctx->GT_EQ()) return CmpOpKind::GtE;
  if (ctx->LT_EQ()) return CmpOpKind::LtE;
  return CmpOpKind::NotEq;
}

/// What Python calls an expression that cannot be assigned to.
const char *describeForTarget(const Expr &e) {
  switch (e.getKind()) {
  case Expr::Kind::Constant: return "literal";
  case Expr::Kind::JoinedStr: return "f-string expression";
  case Expr::Kind::Call: return "function call";
  case Expr::Kind::BinOp: case Expr::Kind::UnaryOp: return "expression";
  case Expr::Kind::BoolOp: return "expression";
  case Expr::Kind::Compare: return "comparison";
  case Expr::Kind::IfExp: return "conditional expression";
  case Expr::Kind::Lambda: return "lambda";
  case Expr::Kind::Dict: return "dict literal";
  case Expr::Kind::Set: return "set display";
  case Expr::Kind::ListComp: return "list comprehension";
  case Expr::Kind::SetComp: return "set comprehension";
  case Expr::Kind::DictComp: return "dict comprehension";
  case Expr::Kind::GeneratorExp: return "generator expression";
  case Expr::Kind::Yield: case Expr::Kind::YieldFrom: return "yield expression";
  case Expr::Kind::NamedExpr: return "named expression";
  default: return "expression";
  }
}

} // namespace

ASTBuilder::ASTBuilder(const SourceText &text, ErrorFn onError, llvm::StringRef buffer,
                       SubParseFn subParse)
    : text(text), onError(std::move(onError)), buffer(buffer), subParse(std::move(subParse)) {}

void ASTBuilder::error(Loc at, const std::string &message) {
  errors = true;
  onError(at, message);
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

ExprPtr ASTBuilder::buildFStringField(P::Fstring_expr_inputContext *ctx) {
  return buildTestlistStarExpr(ctx->testlist_star_expr());
}

void ASTBuilder::buildStmt(P::StmtContext *ctx, StmtList &out) {
  if (auto *simple = ctx->simple_stmts()) {
    for (P::Small_stmtContext *small : simple->small_stmt())
      buildSmallStmt(small, out);
    return;
  }
  if (StmtPtr stmt = buildCompound(ctx->compound_stmt()))
    out.push_back(std::move(stmt));
}

StmtList ASTBuilder::buildSuite(P::SuiteContext *ctx) {
  StmtList body;
  if (auto *simple = ctx->simple_stmts()) {
    for (P::Small_stmtContext *small : simple->small_stmt())
      buildSmallStmt(small, body);
    return body;
  }
  for (P::StmtContext *stmt : ctx->stmt())
    buildStmt(stmt, body);
  return body;
}

void ASTBuilder::buildSmallStmt(P::Small_stmtContext *ctx, StmtList &out) {
  Loc at = loc(ctx);
  if (auto *e = ctx->expr_stmt()) {
    out.push_back(buildExprStmt(e));
  } else if (auto *d = ctx->del_stmt()) {
    auto del = make<DeleteStmt>(at);
    ExprPtr targets = buildExprlist(d->exprlist());
    if (auto *tuple = llvm::dyn_cast<TupleExpr>(targets.get());
        tuple && d->exprlist()->COMMA().size() > 0)
      del->targets = std::move(tuple->elts);
    else
      del->targets.push_back(std::move(targets));
    for (ExprPtr &t : del->targets)
      setContext(*t, ExprContext::Del, "delete");
    out.push_back(std::move(del));
  } else if (ctx->pass_stmt()) {
    out.push_back(make<PassStmt>(at));
  } else if (ctx->break_stmt() || ctx->continue_stmt()) {
    bool isBreak = ctx->break_stmt() != nullptr;
    if (loopDepth == 0)
      error(at, fmt::format("'{}' outside loop", isBreak ? "break" : "continue"));
    if (isBreak)
      out.push_back(make<BreakStmt>(at));
    else
      out.push_back(make<ContinueStmt>(at));
  } else if (auto *r = ctx->return_stmt()) {
    if (functionDepth == 0)
      error(at, "'return' outside function");
    ExprPtr value;
    if (auto *v = r->testlist_star_expr())
      value = buildTestlistStarExpr(v);
    out.push_back(make<ReturnStmt>(at, std::move(value)));
  } else if (auto *r = ctx->raise_stmt()) {
    auto raise = make<RaiseStmt>(at);
    std::vector<P::TestContext *> tests = r->test();
    if (!tests.empty())
      raise->exc = buildTest(tests[0]);
    if (tests.size() > 1)
      raise->cause = buildTest(tests[1]);
    out.push_back(std::move(raise));
  } else if (auto *i = ctx->import_name()) {
    out.push_back(buildImportName(i));
  } else if (auto *i = ctx->import_from()) {
    out.push_back(buildImportFrom(i));
  } else if (auto *g = ctx->global_stmt()) {
    auto global = make<GlobalStmt>(at);
    for (auto *name : g->NAME())
      global->names.push_back(name->getText());
    out.push_back(std::move(global));
  } else if (auto *n = ctx->nonlocal_stmt()) {
    if (functionDepth == 0)
      error(at, "nonlocal declaration not allowed at module level");
    auto nonlocal = make<NonlocalStmt>(at);
    for (auto *name : n->NAME())
      nonlocal->names.push_back(name->getText());
    out.push_back(std::move(nonlocal));
  } else if (auto *a = ctx->assert_stmt()) {
    auto assertStmt = make<AssertStmt>(at);
    assertStmt->test = buildTest(a->test(0));
    if (a->test().size() > 1)
      assertStmt->msg = buildTest(a->test(1));
    out.push_back(std::move(assertStmt));
  }
}

StmtPtr ASTBuilder::buildExprStmt(P::Expr_stmtContext *ctx) {
  Loc at = loc(ctx);
  if (auto *ann = dynamic_cast<P::AnnAssignStmtContext *>(ctx)) {
    auto stmt = make<AnnAssignStmt>(at);
    stmt->target = buildTestlistStarExpr(ann->testlist_star_expr());
    if (!llvm::isa<NameExpr, AttributeExpr, SubscriptExpr>(stmt->target.get()))
      error(stmt->target->getLoc(), fmt::format("only a single name, attribute or subscript can "
                                                "be annotated, not a {}",
                                                describeForTarget(*stmt->target)));
    setContext(*stmt->target, ExprContext::Store, "annotate");
    P::AnnassignContext *rest = ann->annassign();
    stmt->annotation = buildTest(rest->test());
    if (auto *y = rest->yield_expr())
      stmt->value = buildYield(y);
    else if (auto *v = rest->testlist_star_expr())
      stmt->value = buildTestlistStarExpr(v);
    return stmt;
  }
  if (auto *aug = dynamic_cast<P::AugAssignStmtContext *>(ctx)) {
    auto stmt = make<AugAssignStmt>(at);
    stmt->target = buildTestlistStarExpr(aug->testlist_star_expr());
    if (!llvm::isa<NameExpr, AttributeExpr, SubscriptExpr>(stmt->target.get()))
      error(stmt->target->getLoc(),
            fmt::format("'{}' is an illegal target for augmented assignment",
                        describeForTarget(*stmt->target)));
    setContext(*stmt->target, ExprContext::Store, "assign to");
    stmt->op = binOpFor(aug->augassign()->getStart()->getType());
    if (auto *y = aug->yield_expr())
      stmt->value = buildYield(y);
    else
      stmt->value = buildTestlist(aug->testlist());
    return stmt;
  }
  auto *plain = dynamic_cast<P::AssignOrExprStmtContext *>(ctx);
  std::vector<ExprPtr> parts;
  for (antlr4::tree::ParseTree *child : plain->children) {
    if (auto *list = dynamic_cast<P::Testlist_star_exprContext *>(child))
      parts.push_back(buildTestlistStarExpr(list));
    else if (auto *y = dynamic_cast<P::Yield_exprContext *>(child))
      parts.push_back(buildYield(y));
  }
  if (parts.size() == 1)
    return make<ExprStmt>(at, std::move(parts[0]));
  auto stmt = make<AssignStmt>(at);
  stmt->value = std::move(parts.back());
  parts.pop_back();
  for (ExprPtr &target : parts) {
    setContext(*target, ExprContext::Store, "assign to");
    stmt->targets.push_back(std::move(target));
  }
  return stmt;
}

void ASTBuilder::setContext(Expr &target, ExprContext ctx, const char *what) {
  switch (target.getKind()) {
  case Expr::Kind::Name:
    llvm::cast<NameExpr>(target).ctx = ctx;
    return;
  case Expr::Kind::Attribute:
    llvm::cast<AttributeExpr>(target).ctx = ctx;
    return;
  case Expr::Kind::Subscript:
    llvm::cast<SubscriptExpr>(target).ctx = ctx;
    return;
  case Expr::Kind::Starred: {
    auto &starred = llvm::cast<StarredExpr>(target);
    if (ctx == ExprContext::Del) {
      error(target.getLoc(), "cannot delete starred");
      return;
    }
    starred.ctx = ctx;
    setContext(*starred.value, ctx, what);
    return;
  }
  case Expr::Kind::Tuple:
  case Expr::Kind::List: {
    ExprList &elts = target.getKind() == Expr::Kind::Tuple ? llvm::cast<TupleExpr>(target).elts
                                                           : llvm::cast<ListExpr>(target).elts;
    if (target.getKind() == Expr::Kind::Tuple)
      llvm::cast<TupleExpr>(target).ctx = ctx;
    else
      llvm::cast<ListExpr>(target).ctx = ctx;
    unsigned starred = 0;
    for (ExprPtr &elt : elts) {
      if (llvm::isa<StarredExpr>(elt.get()) && ++starred == 2)
        error(elt->getLoc(), "multiple starred expressions in assignment");
      setContext(*elt, ctx, what);
    }
    return;
  }
  default:
    break;
  }
  std::string described = describeForTarget(target);
  std::string hint;
  if (llvm::isa<CompareExpr>(target) && ctx == ExprContext::Store)
    hint = "; did you mean '==' instead of '='?";
  else if (llvm::isa<ConstantExpr>(target) || llvm::isa<CallExpr>(target))
    hint = ctx == ExprContext::Del ? "; delete a name, an attribute or a subscript instead"
                                   : "; assign to a name, an attribute or a subscript instead";
  error(target.getLoc(), fmt::format("cannot {} {}{}", what, described, hint));
}

StmtPtr ASTBuilder::buildCompound(P::Compound_stmtContext *ctx) {
  if (auto *s = ctx->if_stmt()) return buildIf(s);
  if (auto *s = ctx->while_stmt()) return buildWhile(s);
  if (auto *s = ctx->for_stmt()) return buildFor(s);
  if (auto *s = ctx->try_stmt()) return buildTry(s);
  if (auto *s = ctx->with_stmt()) return buildWith(s);
  if (auto *s = ctx->funcdef()) return buildFuncDef(s, {}, loc(s));
  if (auto *s = ctx->classdef()) return buildClassDef(s, {}, loc(s));
  P::DecoratedContext *decorated = ctx->decorated();
  ExprList decorators;
  for (P::DecoratorContext *d : decorated->decorator())
    decorators.push_back(buildNamedExprTest(d->namedexpr_test()));
  // As in Python, a decorated definition starts at its `def` or `class`;
  // the decorators keep their own ranges.
  if (auto *f = decorated->funcdef())
    return buildFuncDef(f, std::move(decorators), loc(f));
  return buildClassDef(decorated->classdef(), std::move(decorators), loc(decorated->classdef()));
}

StmtPtr ASTBuilder::buildIf(P::If_stmtContext *ctx) {
  // `if a: ... elif b: ... else: ...` becomes If(a, ..., [If(b, ..., [...])]).
  std::vector<P::Namedexpr_testContext *> tests = ctx->namedexpr_test();
  std::vector<P::SuiteContext *> suites = ctx->suite();
  std::vector<Child> children = childrenOf(ctx);
  std::vector<Loc> clauseLocs;
  for (const Child &c : children)
    if (c.type() == Lexer::IF || c.type() == Lexer::ELIF)
      clauseLocs.push_back(loc(c.token));
  StmtList elseBody;
  if (suites.size() > tests.size())
    elseBody = buildSuite(suites.back());
  StmtPtr result;
  for (size_t i = tests.size(); i-- > 0;) {
    // Each clause's If runs to the end of the whole statement: its orelse
    // holds the clauses after it, as in Python.
    Loc at = {clauseLocs[i].begin, loc(suites.back()).end};
    auto stmt = make<IfStmt>(at);
    stmt->test = buildNamedExprTest(tests[i]);
    stmt->body = buildSuite(suites[i]);
    if (result)
      stmt->orelse.push_back(std::move(result));
    else
      stmt->orelse = std::move(elseBody);
    result = std::move(stmt);
  }
  return result;
}

StmtPtr ASTBuilder::buildWhile(P::While_stmtContext *ctx) {
  auto stmt = make<WhileStmt>(loc(ctx));
  stmt->test = buildNamedExprTest(ctx->namedexpr_test());
  ++loopDepth;
  stmt->body = buildSuite(ctx->suite(0));
  --loopDepth;
  if (ctx->suite().size() > 1)
    stmt->orelse = buildSuite(ctx->suite(1));
  return stmt;
}

StmtPtr ASTBuilder::buildFor(P::For_stmtContext *ctx) {
  auto stmt = make<ForStmt>(loc(ctx));
  stmt->target = buildExprlist(ctx->exprlist());
  setContext(*stmt->target, ExprContext::Store, "assign to");
  stmt->iter = buildTestlistStarExpr(ctx->testlist_star_expr());
  ++loopDepth;
  stmt->body = buildSuite(ctx->suite(0));
  --loopDepth;
  if (ctx->suite().size() > 1)
    stmt->orelse = buildSuite(ctx->suite(1));
  return stmt;
}

StmtPtr ASTBuilder::buildTry(P::Try_stmtContext *ctx) {
  auto stmt = make<TryStmt>(loc(ctx));
  // Suites in order: body, one per except clause, then else, then finally.
  std::vector<Child> children = childrenOf(ctx);
  enum { Body, Except, Else, Finally } state = Body;
  bool bareSeen = false;
  for (const Child &c : children) {
    if (c.type() == Lexer::ELSE) {
      state = Else;
      continue;
    }
    if (c.type() == Lexer::FINALLY) {
      state = Finally;
      continue;
    }
    if (auto *ex = dynamic_cast<P::Except_clauseContext *>(c.rule)) {
      state = Except;
      ExceptHandler handler;
      handler.loc = loc(ex);
      if (bareSeen)
        error(loc(ex), "a bare 'except:' must be the last except clause");
      if (ex->test())
        handler.type = buildTest(ex->test());
      else
        bareSeen = true;
      if (ex->NAME())
        handler.name = ex->NAME()->getText();
      stmt->handlers.push_back(std::move(handler));
      continue;
    }
    auto *suite = dynamic_cast<P::SuiteContext *>(c.rule);
    if (!suite)
      continue;
    switch (state) {
    case Body: stmt->body = buildSuite(suite); break;
    case Except:
      // A handler's range covers its body, as in Python.
      stmt->handlers.back().loc.end = loc(suite).end;
      stmt->handlers.back().body = buildSuite(suite);
      break;
    case Else: stmt->orelse = buildSuite(suite); break;
    case Finally: stmt->finalbody = buildSuite(suite); break;
    }
  }
  return stmt;
}

StmtPtr ASTBuilder::buildWith(P::With_stmtContext *ctx) {
  auto stmt = make<WithStmt>(loc(ctx));
  for (P::With_itemContext *item : ctx->with_item()) {
    WithItem w;
    w.contextExpr = buildTest(item->test());
    if (item->expr()) {
      w.optionalVars = buildExpr(item->expr());
      setContext(*w.optionalVars, ExprContext::Store, "assign to");
    }
    stmt->items.push_back(std::move(w));
  }
  stmt->body = buildSuite(ctx->suite());
  return stmt;
}

StmtPtr ASTBuilder::buildFuncDef(P::FuncdefContext *ctx, ExprList decorators, Loc at) {
  auto stmt = make<FunctionDefStmt>(at);
  stmt->name = ctx->NAME()->getText();
  stmt->decorators = std::move(decorators);
  if (auto *params = ctx->typedargslist())
    stmt->params = buildParams(params);
  if (ctx->test())
    stmt->returns = buildTest(ctx->test());
  unsigned savedLoops = loopDepth;
  loopDepth = 0;
  ++functionDepth;
  stmt->body = buildSuite(ctx->suite());
  --functionDepth;
  loopDepth = savedLoops;
  return stmt;
}

StmtPtr ASTBuilder::buildClassDef(P::ClassdefContext *ctx, ExprList decorators, Loc at) {
  auto stmt = make<ClassDefStmt>(at);
  stmt->name = ctx->NAME()->getText();
  stmt->decorators = std::move(decorators);
  if (auto *args = ctx->arglist()) {
    CallExpr call(loc(args), nullptr);
    buildCall(call, args);
    stmt->bases = std::move(call.args);
    stmt->keywords = std::move(call.keywords);
  }
  unsigned savedLoops = loopDepth, savedFunctions = functionDepth;
  loopDepth = functionDepth = 0;
  stmt->body = buildSuite(ctx->suite());
  loopDepth = savedLoops;
  functionDepth = savedFunctions;
  return stmt;
}

StmtPtr ASTBuilder::buildImportName(P::Import_nameContext *ctx) {
  auto stmt = make<ImportStmt>(loc(ctx));
  for (P::Dotted_as_nameContext *d : ctx->dotted_as_name()) {
    Alias alias;
    alias.name = d->dotted_name()->getText();
    if (d->NAME())
      alias.asname = d->NAME()->getText();
    alias.loc = loc(d);
    stmt->names.push_back(std::move(alias));
  }
  return stmt;
}

StmtPtr ASTBuilder::buildImportFrom(P::Import_fromContext *ctx) {
  auto stmt = make<ImportFromStmt>(loc(ctx));
  stmt->level = static_cast<int>(ctx->DOT().size() + 3 * ctx->ELLIPSIS().size());
  if (ctx->dotted_name())
    stmt->module = ctx->dotted_name()->getText();
  P::Import_targetsContext *targets = ctx->import_targets();
  if (targets->STAR()) {
    if (functionDepth > 0)
      error(loc(ctx), "'import *' only allowed at module level");
    stmt->names.push_back({"*", "", loc(targets->STAR()->getSymbol())});
    return stmt;
  }
  for (P::Import_as_nameContext *n : targets->import_as_name()) {
    Alias alias;
    alias.name = n->NAME(0)->getText();
    if (n->NAME().size() > 1)
      alias.asname = n->NAME(1)->getText();
    alias.loc = loc(n);
    stmt->names.push_back(std::move(alias));
  }
  return stmt;
}

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

std::vector<Param> ASTBuilder::buildParams(P::TypedargslistContext *ctx) {
  std::vector<Param> params;
  for (P::TparamContext *p : ctx->tparam()) {
    Param param;
    param.loc = loc(p);
    if (auto *plain = dynamic_cast<P::PlainParamContext *>(p)) {
      param.name = plain->NAME()->getText();
      // `name: annotation = default`: the tests come in that order.
      std::vector<P::TestContext *> tests = plain->test();
      size_t next = 0;
      if (plain->COLON())
        param.annotation = buildTest(tests[next++]);
      if (plain->ASSIGN())
        param.defaultValue = buildTest(tests[next]);
    } else if (auto *star = dynamic_cast<P::StarParamContext *>(p)) {
      param.kind = Param::Kind::VarPositional;
      if (star->NAME())
        param.name = star->NAME()->getText();
      if (star->test())
        param.annotation = buildTest(star->test());
    } else if (auto *kw = dynamic_cast<P::KwargsParamContext *>(p)) {
      param.kind = Param::Kind::VarKeyword;
      param.name = kw->NAME()->getText();
      if (kw->test())
        param.annotation = buildTest(kw->test());
    } else {
      param.kind = Param::Kind::PositionalOnly; // the `/` marker, resolved below
      param.name = "/";
    }
    params.push_back(std::move(param));
  }
  checkParams(params, loc(ctx));
  return params;
}

std::vector<Param> ASTBuilder::buildLambdaParams(P::VarargslistContext *ctx) {
  std::vector<Param> params;
  for (P::VparamContext *p : ctx->vparam()) {
    Param param;
    param.loc = loc(p);
    if (auto *plain = dynamic_cast<P::PlainLambdaParamContext *>(p)) {
      param.name = plain->NAME()->getText();
      if (plain->test())
        param.defaultValue = buildTest(plain->test());
    } else if (auto *star = dynamic_cast<P::StarLambdaParamContext *>(p)) {
      param.kind = Param::Kind::VarPositional;
      if (star->NAME())
        param.name = star->NAME()->getText();
    } else if (auto *kw = dynamic_cast<P::KwargsLambdaParamContext *>(p)) {
      param.kind = Param::Kind::VarKeyword;
      param.name = kw->NAME()->getText();
    } else {
      param.kind = Param::Kind::PositionalOnly;
      param.name = "/";
    }
    params.push_back(std::move(param));
  }
  checkParams(params, loc(ctx));
  return params;
}

/// Applies Python's ordering rules: `/` then plain, `*` or `*args`, keyword-
/// only, `**kwargs` last; no non-default parameter after a default one
/// (before `*`); no duplicate names. Resolves the parameter kinds.
void ASTBuilder::checkParams(std::vector<Param> &params, Loc where) {
  std::set<std::string> names;
  bool sawStar = false, sawKwargs = false, sawSlash = false, sawDefault = false;
  bool bareStar = false;
  std::vector<Param> resolved;
  for (Param &param : params) {
    if (sawKwargs) {
      error(param.loc, "no parameter may follow '**' parameters");
      continue;
    }
    if (param.name == "/" && param.kind == Param::Kind::PositionalOnly) {
      if (sawSlash)
        error(param.loc, "'/' may appear only once");
      else if (sawStar)
        error(param.loc, "'/' must come before '*'");
      else if (resolved.empty())
        error(param.loc, "at least one parameter must precede '/'");
      sawSlash = true;
      for (Param &earlier : resolved)
        earlier.kind = Param::Kind::PositionalOnly;
      continue;
    }
    if (param.kind == Param::Kind::VarPositional) {
      if (sawStar)
        error(param.loc, "'*' may appear only once");
      sawStar = true;
      bareStar = param.name.empty();
      if (bareStar)
        continue; // only a marker: what follows is keyword-only
    } else if (param.kind == Param::Kind::VarKeyword) {
      sawKwargs = true;
    } else {
      if (sawStar) {
        param.kind = Param::Kind::KeywordOnly;
        bareStar = false;
      } else if (param.defaultValue) {
        sawDefault = true;
      } else if (sawDefault) {
        error(param.loc, "parameter without a default follows parameter with a default; give '" +
                             param.name + "' a default or move it before the defaulted ones");
      }
    }
    if (!names.insert(param.name).second)
      error(param.loc, fmt::format("duplicate argument '{}' in function definition", param.name));
    resolved.push_back(std::move(param));
  }
  if (sawStar && bareStar)
    error(where, "named parameters must follow bare '*'");
  params = std::move(resolved);
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

ExprPtr ASTBuilder::buildNamedExprTest(P::Namedexpr_testContext *ctx) {
  if (!ctx->WALRUS())
    return buildTest(ctx->test());
  auto named = make<NamedExprExpr>(loc(ctx));
  auto target = make<NameExpr>(loc(ctx->NAME()->getSymbol()), ctx->NAME()->getText());
  target->ctx = ExprContext::Store;
  named->target = std::move(target);
  named->value = buildTest(ctx->test());
  return named;
}

ExprPtr ASTBuilder::buildDisjunction(P::TestContext *ctx) {
  // The `in` and `if` parts of a comprehension stop before a conditional
  // expression in Python, so an unparenthesized one cannot be there.
  if (dynamic_cast<P::CondTestContext *>(ctx))
    error(loc(ctx), "invalid syntax: put this conditional expression in parentheses");
  return buildOperand(ctx);
}

ExprPtr ASTBuilder::buildOperand(P::TestContext *ctx) {
  // The grammar lets a lambda start any operand of `test`; Python allows one
  // only as a whole expression (or the `else` part of a conditional).
  if (dynamic_cast<P::LambdaTestContext *>(ctx))
    error(loc(ctx), "invalid syntax: put this lambda in parentheses");
  return buildTest(ctx);
}

ExprPtr ASTBuilder::buildTest(P::TestContext *ctx) {
  Loc at = loc(ctx);
  if (auto *e = dynamic_cast<P::ExprTestContext *>(ctx))
    return buildExpr(e->expr());
  if (auto *c = dynamic_cast<P::CompareTestContext *>(ctx)) {
    // Chains arrive left-nested: ((a < b) < c). Flatten an unparenthesized
    // comparison on the left into one Compare node, as Python does.
    std::vector<P::CompareTestContext *> chain{c};
    while (auto *left = dynamic_cast<P::CompareTestContext *>(chain.back()->test()))
      chain.push_back(left);
    auto compare = make<CompareExpr>(at);
    compare->left = buildOperand(chain.back()->test());
    for (size_t i = chain.size(); i-- > 0;) {
      compare->ops.push_back(cmpOpFor(chain[i]->comp_op()));
      compare->comparators.push_back(buildExpr(chain[i]->expr()));
    }
    return compare;
  }
  if (auto *n = dynamic_cast<P::NotTestContext *>(ctx))
    return make<UnaryOpExpr>(at, UnaryOpKind::Not, buildOperand(n->test()));
  if (dynamic_cast<P::AndTestContext *>(ctx) || dynamic_cast<P::OrTestContext *>(ctx)) {
    bool isAnd = dynamic_cast<P::AndTestContext *>(ctx) != nullptr;
    auto boolOp = make<BoolOpExpr>(at, isAnd ? BoolOpKind::And : BoolOpKind::Or);
    // Flatten the left-nested chain of the same operator: ((a and b) and c).
    auto sameOperator = [isAnd](P::TestContext *t) {
      return isAnd ? dynamic_cast<P::AndTestContext *>(t) != nullptr
                   : dynamic_cast<P::OrTestContext *>(t) != nullptr;
    };
    std::vector<P::TestContext *> operands; // right operands, outermost first
    P::TestContext *cur = ctx;
    while (sameOperator(cur)) {
      auto *pairCtx = cur;
      operands.push_back(dynamic_cast<P::TestContext *>(pairCtx->children.back()));
      cur = dynamic_cast<P::TestContext *>(pairCtx->children.front());
    }
    boolOp->values.push_back(buildOperand(cur));
    for (size_t i = operands.size(); i-- > 0;)
      boolOp->values.push_back(buildOperand(operands[i]));
    return boolOp;
  }
  if (auto *c = dynamic_cast<P::CondTestContext *>(ctx)) {
    auto ifExp = make<IfExpExpr>(at);
    ifExp->body = buildOperand(c->test(0));
    ifExp->test = buildOperand(c->test(1));
    ifExp->orelse = buildTest(c->test(2));
    return ifExp;
  }
  auto *l = dynamic_cast<P::LambdaTestContext *>(ctx);
  auto lambda = make<LambdaExpr>(at);
  if (l->varargslist())
    lambda->params = buildLambdaParams(l->varargslist());
  unsigned savedLoops = loopDepth;
  loopDepth = 0;
  ++functionDepth;
  lambda->body = buildTest(l->test());
  --functionDepth;
  loopDepth = savedLoops;
  return lambda;
}

ExprPtr ASTBuilder::buildExpr(P::ExprContext *ctx) {
  Loc at = loc(ctx);
  if (auto *a = dynamic_cast<P::AtomExprContext *>(ctx))
    return buildAtom(a->atom());
  if (auto *a = dynamic_cast<P::AttributeExprContext *>(ctx))
    return make<AttributeExpr>(at, buildExpr(a->expr()), a->NAME()->getText());
  if (auto *c = dynamic_cast<P::CallExprContext *>(ctx)) {
    auto call = make<CallExpr>(at, buildExpr(c->expr()));
    if (c->arglist())
      buildCall(*call, c->arglist());
    return call;
  }
  if (auto *s = dynamic_cast<P::SubscriptExprContext *>(ctx))
    return make<SubscriptExpr>(at, buildExpr(s->expr()), buildSubscripts(s->subscriptlist()));
  if (auto *p = dynamic_cast<P::PowerExprContext *>(ctx)) {
    auto bin = make<BinOpExpr>(at, BinOpKind::Pow, buildExpr(p->expr(0)), buildExpr(p->expr(1)));
    bin->opLoc = loc(p->POWER()->getSymbol());
    return bin;
  }
  if (auto *u = dynamic_cast<P::UnaryExprContext *>(ctx)) {
    UnaryOpKind op = u->op->getType() == Lexer::ADD     ? UnaryOpKind::UAdd
                     : u->op->getType() == Lexer::MINUS ? UnaryOpKind::USub
                                                        : UnaryOpKind::Invert;
    return make<UnaryOpExpr>(at, op, buildExpr(u->expr()));
  }
  auto *b = dynamic_cast<P::BinaryExprContext *>(ctx);
  auto bin = make<BinOpExpr>(at, binOpFor(b->op->getType()), buildExpr(b->expr(0)),
                             buildExpr(b->expr(1)));
  bin->opLoc = loc(b->op);
  return bin;
}

ExprPtr ASTBuilder::buildStarExpr(P::Star_exprContext *ctx) {
  return make<StarredExpr>(loc(ctx), buildExpr(ctx->expr()));
}

ExprPtr ASTBuilder::buildItem(antlr4::ParserRuleContext *item) {
  if (auto *t = dynamic_cast<P::TestContext *>(item)) return buildTest(t);
  if (auto *s = dynamic_cast<P::Star_exprContext *>(item)) return buildStarExpr(s);
  if (auto *e = dynamic_cast<P::ExprContext *>(item)) return buildExpr(e);
  return buildNamedExprTest(dynamic_cast<P::Namedexpr_testContext *>(item));
}

/// `a, b` → Tuple; a single item without a trailing comma → the item itself.
ExprPtr ASTBuilder::buildSequence(const std::vector<antlr4::ParserRuleContext *> &items,
                                  bool trailingComma, Loc at) {
  if (items.size() == 1 && !trailingComma)
    return buildItem(items[0]);
  auto tuple = make<TupleExpr>(at);
  for (antlr4::ParserRuleContext *item : items)
    tuple->elts.push_back(buildItem(item));
  return tuple;
}

namespace {
/// The rule children of a comma-separated list, and whether it ends in ','.
std::pair<std::vector<antlr4::ParserRuleContext *>, bool>
listItems(antlr4::ParserRuleContext *ctx) {
  std::vector<antlr4::ParserRuleContext *> items;
  bool trailing = false;
  for (antlr4::tree::ParseTree *child : ctx->children) {
    if (auto *rule = dynamic_cast<antlr4::ParserRuleContext *>(child)) {
      items.push_back(rule);
      trailing = false;
    } else {
      trailing = true;
    }
  }
  return {items, trailing};
}
} // namespace

ExprPtr ASTBuilder::buildTestlist(P::TestlistContext *ctx) {
  auto [items, trailing] = listItems(ctx);
  return buildSequence(items, trailing, loc(ctx));
}

ExprPtr ASTBuilder::buildTestlistStarExpr(P::Testlist_star_exprContext *ctx) {
  auto [items, trailing] = listItems(ctx);
  ExprPtr result = buildSequence(items, trailing, loc(ctx));
  if (items.size() == 1 && !trailing && llvm::isa<StarredExpr>(result.get()))
    error(result->getLoc(), "can't use starred expression here");
  return result;
}

ExprPtr ASTBuilder::buildExprlist(P::ExprlistContext *ctx) {
  auto [items, trailing] = listItems(ctx);
  return buildSequence(items, trailing, loc(ctx));
}

ExprPtr ASTBuilder::buildYield(P::Yield_exprContext *ctx) {
  if (functionDepth == 0)
    error(loc(ctx), "'yield' outside function");
  if (ctx->FROM())
    return make<YieldExpr>(Expr::Kind::YieldFrom, loc(ctx), buildTest(ctx->test()));
  ExprPtr value;
  if (ctx->testlist_star_expr())
    value = buildTestlistStarExpr(ctx->testlist_star_expr());
  return make<YieldExpr>(Expr::Kind::Yield, loc(ctx), std::move(value));
}

void ASTBuilder::buildCall(CallExpr &call, P::ArglistContext *ctx) {
  bool sawKeyword = false, sawDoubleStar = false;
  std::set<std::string> keywordNames;
  std::vector<P::ArgumentContext *> args = ctx->argument();
  for (P::ArgumentContext *arg : args) {
    Loc at = loc(arg);
    if (arg->ASSIGN()) {
      Keyword kw;
      kw.name = arg->NAME()->getText();
      kw.value = buildTest(arg->test());
      kw.loc = at;
      if (!keywordNames.insert(kw.name).second)
        error(at, fmt::format("keyword argument repeated: {}", kw.name));
      sawKeyword = true;
      call.keywords.push_back(std::move(kw));
    } else if (arg->POWER()) {
      Keyword kw;
      kw.value = buildTest(arg->test());
      kw.loc = at;
      sawDoubleStar = true;
      call.keywords.push_back(std::move(kw));
    } else if (arg->STAR()) {
      if (sawDoubleStar)
        error(at, "iterable argument unpacking follows keyword argument unpacking");
      call.args.push_back(make<StarredExpr>(at, buildTest(arg->test())));
    } else {
      if (sawDoubleStar)
        error(at, "positional argument follows keyword argument unpacking");
      else if (sawKeyword)
        error(at, "positional argument follows keyword argument; move it before the keyword "
                  "arguments");
      if (arg->comp_for()) {
        // `f(x for x in y, )` and `class C(x for x in y)` need parentheses too.
        bool inClass = dynamic_cast<P::ClassdefContext *>(ctx->parent) != nullptr;
        if (args.size() > 1)
          error(at, "generator expression must be parenthesized when it is not the only "
                    "argument");
        else if (!ctx->COMMA().empty() || inClass)
          error(at, "generator expression must be parenthesized here");
        // A sole generator argument, `f(x for x in y)`, borrows the call's
        // parentheses; its range includes them, as in Python.
        Loc genAt = at;
        if (args.size() == 1) {
          auto *parent = dynamic_cast<antlr4::ParserRuleContext *>(ctx->parent);
          for (const Child &c : childrenOf(parent)) {
            if (c.type() == Lexer::OPEN_PAREN)
              genAt.begin = loc(c.token).begin;
            else if (c.type() == Lexer::CLOSE_PAREN)
              genAt.end = loc(c.token).end;
          }
        }
        auto gen = make<ComprehensionExpr>(Expr::Kind::GeneratorExp, genAt);
        gen->elt = buildNamedExprTest(arg->namedexpr_test());
        gen->generators = buildCompFor(arg->comp_for());
        call.args.push_back(std::move(gen));
      } else {
        call.args.push_back(buildNamedExprTest(arg->namedexpr_test()));
      }
    }
  }
}

std::vector<Comprehension> ASTBuilder::buildCompFor(P::Comp_forContext *ctx) {
  std::vector<Comprehension> generators;
  P::Comp_forContext *current = ctx;
  while (current) {
    Comprehension gen;
    gen.loc = loc(current);
    gen.target = buildExprlist(current->exprlist());
    setContext(*gen.target, ExprContext::Store, "assign to");
    gen.iter = buildDisjunction(current->test());
    P::Comp_iterContext *iter = current->comp_iter();
    current = nullptr;
    while (iter) {
      if (P::Comp_forContext *next = iter->comp_for()) {
        current = next;
        break;
      }
      P::Comp_ifContext *cond = iter->comp_if();
      gen.ifs.push_back(buildDisjunction(cond->test()));
      iter = cond->comp_iter();
    }
    generators.push_back(std::move(gen));
  }
  return generators;
}

ExprPtr ASTBuilder::buildSubscripts(P::SubscriptlistContext *ctx) {
  std::vector<P::SubscriptContext *> subs = ctx->subscript();
  if (subs.size() == 1 && ctx->COMMA().empty())
    return buildSubscript(subs[0]);
  auto tuple = make<TupleExpr>(loc(ctx));
  for (P::SubscriptContext *s : subs)
    tuple->elts.push_back(buildSubscript(s));
  return tuple;
}

ExprPtr ASTBuilder::buildSubscript(P::SubscriptContext *ctx) {
  if (ctx->COLON().empty())
    return buildNamedExprTest(ctx->namedexpr_test());
  auto slice = make<SliceExpr>(loc(ctx));
  unsigned colons = 0;
  for (const Child &c : childrenOf(ctx)) {
    if (c.type() == Lexer::COLON) {
      ++colons;
      continue;
    }
    auto *test = dynamic_cast<P::TestContext *>(c.rule);
    ExprPtr &slot = colons == 0 ? slice->lower : colons == 1 ? slice->upper : slice->step;
    slot = buildTest(test);
  }
  return slice;
}

ExprPtr ASTBuilder::buildTestlistComp(P::Testlist_compContext *ctx, Loc at, bool isList) {
  if (P::Comp_forContext *compFor = ctx->comp_for()) {
    auto comp = make<ComprehensionExpr>(isList ? Expr::Kind::ListComp : Expr::Kind::GeneratorExp,
                                        at);
    antlr4::ParserRuleContext *first = dynamic_cast<antlr4::ParserRuleContext *>(ctx->children[0]);
    comp->elt = buildItem(first);
    if (llvm::isa<StarredExpr>(comp->elt.get()))
      error(comp->elt->getLoc(), "iterable unpacking cannot be used in comprehension");
    comp->generators = buildCompFor(compFor);
    return comp;
  }
  auto [items, trailing] = listItems(ctx);
  if (!isList) {
    if (items.size() == 1 && !trailing) {
      ExprPtr inner = buildItem(items[0]);
      if (llvm::isa<StarredExpr>(inner.get()))
        error(inner->getLoc(), "can't use starred expression here");
      return inner;
    }
    auto tuple = make<TupleExpr>(at);
    for (antlr4::ParserRuleContext *item : items)
      tuple->elts.push_back(buildItem(item));
    return tuple;
  }
  auto list = make<ListExpr>(at);
  for (antlr4::ParserRuleContext *item : items)
    list->elts.push_back(buildItem(item));
  return list;
}

ExprPtr ASTBuilder::buildBraces(P::DictorsetmakerContext *ctx, Loc at) {
  std::vector<P::Dict_itemContext *> dictItems = ctx->dict_item();
  if (!dictItems.empty()) {
    auto buildPair = [&](P::Dict_itemContext *item, ExprPtr &key, ExprPtr &value) {
      if (item->POWER()) {
        value = buildExpr(item->expr());
      } else {
        key = buildTest(item->test(0));
        value = buildTest(item->test(1));
      }
    };
    if (P::Comp_forContext *compFor = ctx->comp_for()) {
      auto comp = make<ComprehensionExpr>(Expr::Kind::DictComp, at);
      if (dictItems[0]->POWER())
        error(loc(dictItems[0]), "dict unpacking cannot be used in dict comprehension");
      buildPair(dictItems[0], comp->key, comp->value);
      comp->generators = buildCompFor(compFor);
      return comp;
    }
    auto dict = make<DictExpr>(at);
    for (P::Dict_itemContext *item : dictItems) {
      ExprPtr key, value;
      buildPair(item, key, value);
      dict->keys.push_back(std::move(key));
      dict->values.push_back(std::move(value));
    }
    return dict;
  }
  if (P::Comp_forContext *compFor = ctx->comp_for()) {
    auto comp = make<ComprehensionExpr>(Expr::Kind::SetComp, at);
    comp->elt = buildItem(dynamic_cast<antlr4::ParserRuleContext *>(ctx->children[0]));
    comp->generators = buildCompFor(compFor);
    return comp;
  }
  auto set = make<SetExpr>(at);
  for (antlr4::ParserRuleContext *item : listItems(ctx).first)
    set->elts.push_back(buildItem(item));
  return set;
}

ExprPtr ASTBuilder::buildAtom(P::AtomContext *ctx) {
  Loc at = loc(ctx);
  if (auto *p = dynamic_cast<P::ParenAtomContext *>(ctx)) {
    if (p->yield_expr())
      return buildYield(p->yield_expr());
    if (!p->testlist_comp())
      return make<TupleExpr>(at);
    return buildTestlistComp(p->testlist_comp(), at, /*isList=*/false);
  }
  if (auto *l = dynamic_cast<P::ListAtomContext *>(ctx)) {
    if (!l->testlist_comp())
      return make<ListExpr>(at);
    return buildTestlistComp(l->testlist_comp(), at, /*isList=*/true);
  }
  if (auto *b = dynamic_cast<P::BraceAtomContext *>(ctx)) {
    if (!b->dictorsetmaker())
      return make<DictExpr>(at);
    return buildBraces(b->dictorsetmaker(), at);
  }
  if (auto *n = dynamic_cast<P::NameAtomContext *>(ctx))
    return make<NameExpr>(at, n->NAME()->getText());
  if (auto *n = dynamic_cast<P::NumberAtomContext *>(ctx))
    return buildNumber(n->NUMBER()->getSymbol());
  if (auto *s = dynamic_cast<P::StringAtomContext *>(ctx))
    return buildStrings(ctx, s->STRING());
  if (dynamic_cast<P::EllipsisAtomContext *>(ctx))
    return make<ConstantExpr>(at, ConstantExpr::Type::Ellipsis);
  if (dynamic_cast<P::NoneAtomContext *>(ctx))
    return make<ConstantExpr>(at, ConstantExpr::Type::None);
  auto constant = make<ConstantExpr>(at, ConstantExpr::Type::Bool);
  constant->boolValue = dynamic_cast<P::TrueAtomContext *>(ctx) != nullptr;
  return constant;
}

ExprPtr ASTBuilder::buildNumber(antlr4::Token *token) {
  std::string spelled = token->getText();
  std::string digits;
  for (char c : spelled)
    if (c != '_')
      digits += c;
  Loc at = loc(token);
  char last = static_cast<char>(std::tolower(static_cast<unsigned char>(digits.back())));
  bool isHexLike = digits.size() > 1 && digits[0] == '0' &&
                   std::strchr("xXoObB", digits[1]) != nullptr;
  if (last == 'j') {
    auto imag = make<ConstantExpr>(at, ConstantExpr::Type::Imag);
    imag->floatValue = std::strtod(digits.substr(0, digits.size() - 1).c_str(), nullptr);
    imag->text = spelled;
    return imag;
  }
  if (!isHexLike && digits.find_first_of(".eE") != std::string::npos) {
    auto f = make<ConstantExpr>(at, ConstantExpr::Type::Float);
    f->floatValue = std::strtod(digits.c_str(), nullptr); // inf when too large, as in Python
    f->text = spelled;
    return f;
  }
  auto i = make<ConstantExpr>(at, ConstantExpr::Type::Int);
  i->text = spelled;
  unsigned radix = 10;
  std::string body = digits;
  if (isHexLike) {
    char r = static_cast<char>(std::tolower(static_cast<unsigned char>(digits[1])));
    radix = r == 'x' ? 16 : r == 'o' ? 8 : 2;
    body = digits.substr(2);
  }
  errno = 0;
  unsigned long long value = std::strtoull(body.c_str(), nullptr, static_cast<int>(radix));
  if (errno == ERANGE || value > static_cast<unsigned long long>(INT64_MAX)) {
    i->intFits = false;
  } else {
    i->intValue = static_cast<int64_t>(value);
  }
  return i;
}

namespace {

/// One piece of an f-string body: literal text or a replacement field.
struct FieldScan {
  size_t exprBegin = 0, exprEnd = 0; // within the body
  char conversion = 0;
  bool debug = false;
  size_t debugEnd = 0; // just after the `=` of `{x=}` and the spaces after it
  bool hasSpec = false;
  size_t specBegin = 0, specEnd = 0;
  size_t end = 0; // index just after the closing '}'
};

/// Finds the end of the replacement field whose '{' is at body[open]. Returns
/// false with an error message when the field is malformed.
bool scanField(llvm::StringRef body, size_t open, FieldScan &field, std::string &error,
               size_t &errorAt) {
  size_t i = open + 1;
  field.exprBegin = i;
  int depth = 0;
  char quote = 0;
  for (; i < body.size(); ++i) {
    char c = body[i];
    if (quote) {
      if (c == quote)
        quote = 0;
      continue;
    }
    if (c == '\\') {
      error = "f-string expression part cannot include a backslash";
      errorAt = i;
      return false;
    }
    if (c == '#') {
      error = "f-string expression part cannot include '#'";
      errorAt = i;
      return false;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') {
      ++depth;
      continue;
    }
    if ((c == ')' || c == ']' || c == '}') && depth > 0) {
      --depth;
      continue;
    }
    if (depth > 0)
      continue;
    if (c == '}' || c == ':')
      break;
    if (c == '!' && i + 1 < body.size() && body[i + 1] != '=')
      break;
    if (c == '=' && i + 1 < body.size() && body[i + 1] != '=' &&
        (i == 0 || std::strchr("=!<>", body[i - 1]) == nullptr)) {
      field.debug = true;
      field.exprEnd = i;
      ++i;
      break;
    }
  }
  if (field.debug) {
    // `{x = }`: spaces after the `=` belong to the printed text.
    while (i < body.size() && std::strchr(" \t\f\r\n", body[i]) != nullptr)
      ++i;
    field.debugEnd = i;
  } else {
    field.exprEnd = i;
  }
  if (i >= body.size()) {
    error = "f-string: expecting '}'";
    errorAt = open;
    return false;
  }
  if (llvm::StringRef(body.data() + field.exprBegin, field.exprEnd - field.exprBegin)
          .trim()
          .empty()) {
    error = "f-string: empty expression not allowed";
    errorAt = open;
    return false;
  }
  if (body[i] == '!') {
    if (i + 1 >= body.size() || std::strchr("sra", body[i + 1]) == nullptr) {
      error = "f-string: invalid conversion character: expected 's', 'r', or 'a'";
      errorAt = i;
      return false;
    }
    field.conversion = body[i + 1];
    i += 2;
  }
  if (i < body.size() && body[i] == ':') {
    field.hasSpec = true;
    field.specBegin = ++i;
    int nested = 0;
    for (; i < body.size(); ++i) {
      if (body[i] == '{')
        ++nested;
      else if (body[i] == '}') {
        if (nested == 0)
          break;
        --nested;
      }
    }
    field.specEnd = i;
  }
  if (i >= body.size() || body[i] != '}') {
    error = "f-string: expecting '}'";
    errorAt = open;
    return false;
  }
  field.end = i + 1;
  return true;
}

} // namespace

ExprPtr ASTBuilder::buildStrings(P::AtomContext *ctx,
                                 const std::vector<antlr4::tree::TerminalNode *> &strings) {
  Loc at = loc(ctx);
  bool anyFormat = false, anyBytes = false, anyText = false;
  for (antlr4::tree::TerminalNode *s : strings) {
    StringToken st = splitStringToken(s->getText());
    anyFormat |= st.format;
    (st.bytes ? anyBytes : anyText) = true;
  }
  if (anyBytes && anyText) {
    error(at, "cannot mix bytes and nonbytes literals");
    return make<ConstantExpr>(at, ConstantExpr::Type::None);
  }
  auto joined = make<JoinedStrExpr>(at);
  std::string pending; // literal text not yet flushed into `joined`
  Loc pendingLoc = at;
  auto flush = [&](JoinedStrExpr &into, std::string &text, Loc where) {
    if (text.empty())
      return;
    auto part = make<ConstantExpr>(where, ConstantExpr::Type::Str);
    part->text = std::move(text);
    text.clear();
    into.values.push_back(std::move(part));
  };

  // Decodes literal text [from, to) of a body that starts at buffer offset
  // `base` and appends it to `out`.
  auto decodeLiteral = [&](llvm::StringRef piece, bool raw, bool bytes, uint32_t base,
                           std::string &out) {
    if (raw) {
      out += piece.str();
      return;
    }
    size_t errorAt = 0;
    std::string message;
    if (!decodeEscapes(piece, bytes, out, errorAt, message))
      error({base + static_cast<uint32_t>(errorAt), base + static_cast<uint32_t>(errorAt) + 2},
            message);
  };

  // Parses an f-string body (or a format spec) into `into`; `base` is the
  // buffer offset of body[0]. Format specs nest at most once, as in Python.
  std::function<void(llvm::StringRef, uint32_t, bool, JoinedStrExpr &, int)> parseFormat =
      [&](llvm::StringRef body, uint32_t base, bool raw, JoinedStrExpr &into, int level) {
        std::string literal;
        size_t literalStart = 0;
        for (size_t i = 0; i < body.size();) {
          char c = body[i];
          if (c == '{' && i + 1 < body.size() && body[i + 1] == '{' && level == 0) {
            decodeLiteral(body.slice(literalStart, i), raw, false, base + literalStart, literal);
            literal += '{';
            i += 2;
            literalStart = i;
            continue;
          }
          if (c == '}' && level == 0) {
            decodeLiteral(body.slice(literalStart, i), raw, false, base + literalStart, literal);
            if (i + 1 < body.size() && body[i + 1] == '}') {
              literal += '}';
              i += 2;
              literalStart = i;
              continue;
            }
            error({base + static_cast<uint32_t>(i), base + static_cast<uint32_t>(i) + 1},
                  "f-string: single '}' is not allowed; write '}}' for a literal brace");
            return;
          }
          if (c != '{') {
            ++i;
            continue;
          }
          decodeLiteral(body.slice(literalStart, i), raw, false, base + literalStart, literal);
          if (level >= 2) {
            error({base + static_cast<uint32_t>(i), base + static_cast<uint32_t>(i) + 1},
                  "f-string: expressions nested too deeply");
            return;
          }
          FieldScan field;
          std::string message;
          size_t errorAt = 0;
          if (!scanField(body, i, field, message, errorAt)) {
            error({base + static_cast<uint32_t>(errorAt), base + static_cast<uint32_t>(errorAt) + 1},
                  message);
            return;
          }
          uint32_t exprBegin = base + static_cast<uint32_t>(field.exprBegin);
          uint32_t exprEnd = base + static_cast<uint32_t>(field.exprEnd);
          if (field.debug) // `{x=}` prints the expression text, then the value
            literal += body.slice(field.exprBegin, field.debugEnd).str();
          flush(into, literal, pendingLoc);
          ExprPtr value = subParse(exprBegin, exprEnd);
          if (!value) {
            errors = true;
            return;
          }
          Loc fieldLoc = {base + static_cast<uint32_t>(i), base + static_cast<uint32_t>(field.end)};
          auto formatted = make<FormattedValueExpr>(fieldLoc, std::move(value));
          formatted->conversion = field.conversion;
          if (field.debug && !field.conversion && !field.hasSpec)
            formatted->conversion = 'r';
          if (field.hasSpec) {
            auto spec = make<JoinedStrExpr>(
                Loc{base + static_cast<uint32_t>(field.specBegin),
                    base + static_cast<uint32_t>(field.specEnd)});
            parseFormat(body.slice(field.specBegin, field.specEnd),
                        base + static_cast<uint32_t>(field.specBegin), raw, *spec, level + 1);
            formatted->formatSpec = std::move(spec);
          }
          into.values.push_back(std::move(formatted));
          i = field.end;
          literalStart = i;
        }
        decodeLiteral(body.slice(literalStart, body.size()), raw, false, base + literalStart,
                      literal);
        flush(into, literal, pendingLoc);
      };

  for (antlr4::tree::TerminalNode *s : strings) {
    std::string tokenText = s->getText();
    StringToken st = splitStringToken(tokenText);
    Loc tokenLoc = loc(s->getSymbol());
    // The token text is the buffer text (strings never need re-encoding), so
    // body offsets map straight to buffer offsets.
    llvm::StringRef tokenInBuffer = buffer.slice(tokenLoc.begin, tokenLoc.end);
    uint32_t bodyBase = tokenLoc.begin + static_cast<uint32_t>(st.bodyBegin);
    llvm::StringRef body = tokenInBuffer.slice(st.bodyBegin, st.bodyEnd);
    if (st.format) {
      flush(*joined, pending, pendingLoc);
      parseFormat(body, bodyBase, st.raw, *joined, 0);
    } else {
      decodeLiteral(body, st.raw, st.bytes, bodyBase, pending);
    }
  }
  if (!anyFormat) {
    auto constant = make<ConstantExpr>(at, anyBytes ? ConstantExpr::Type::Bytes
                                                    : ConstantExpr::Type::Str);
    constant->text = std::move(pending);
    return constant;
  }
  flush(*joined, pending, pendingLoc);
  return joined;
}
