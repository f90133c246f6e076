//===- Scope.cpp - Which names a function binds ---------------------------===//
//
// Python decides at compile time that a name assigned anywhere in a function
// body is local to it (so reading it before the assignment is an
// UnboundLocalError, not a read of the global). This file computes those sets
// once per function or comprehension and caches them by AST node.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/Interp.h"

using namespace bpc;
using namespace bpc::tracer;
using namespace bpc::ast;

namespace {

/// Calls `fn` on each direct sub-expression of `e`, not entering nested
/// scopes (lambdas, comprehensions), whose bindings are their own.
void forEachChild(const Expr &e, llvm::function_ref<void(const Expr &)> fn) {
  auto visit = [&](const ExprPtr &p) {
    if (p)
      fn(*p);
  };
  auto visitAll = [&](const ExprList &list) {
    for (const ExprPtr &p : list)
      visit(p);
  };
  switch (e.getKind()) {
  case Expr::Kind::JoinedStr:
    visitAll(llvm::cast<JoinedStrExpr>(e).values);
    break;
  case Expr::Kind::FormattedValue: {
    auto &f = llvm::cast<FormattedValueExpr>(e);
    visit(f.value);
    visit(f.formatSpec);
    break;
  }
  case Expr::Kind::UnaryOp:
    visit(llvm::cast<UnaryOpExpr>(e).operand);
    break;
  case Expr::Kind::BinOp: {
    auto &b = llvm::cast<BinOpExpr>(e);
    visit(b.lhs);
    visit(b.rhs);
    break;
  }
  case Expr::Kind::BoolOp:
    visitAll(llvm::cast<BoolOpExpr>(e).values);
    break;
  case Expr::Kind::Compare: {
    auto &c = llvm::cast<CompareExpr>(e);
    visit(c.left);
    visitAll(c.comparators);
    break;
  }
  case Expr::Kind::IfExp: {
    auto &i = llvm::cast<IfExpExpr>(e);
    visit(i.test);
    visit(i.body);
    visit(i.orelse);
    break;
  }
  case Expr::Kind::Call: {
    auto &c = llvm::cast<CallExpr>(e);
    visit(c.func);
    visitAll(c.args);
    for (const Keyword &k : c.keywords)
      visit(k.value);
    break;
  }
  case Expr::Kind::Attribute:
    visit(llvm::cast<AttributeExpr>(e).value);
    break;
  case Expr::Kind::Subscript: {
    auto &s = llvm::cast<SubscriptExpr>(e);
    visit(s.value);
    visit(s.slice);
    break;
  }
  case Expr::Kind::Slice: {
    auto &s = llvm::cast<SliceExpr>(e);
    visit(s.lower);
    visit(s.upper);
    visit(s.step);
    break;
  }
  case Expr::Kind::Starred:
    visit(llvm::cast<StarredExpr>(e).value);
    break;
  case Expr::Kind::Tuple:
    visitAll(llvm::cast<TupleExpr>(e).elts);
    break;
  case Expr::Kind::List:
    visitAll(llvm::cast<ListExpr>(e).elts);
    break;
  case Expr::Kind::Set:
    visitAll(llvm::cast<SetExpr>(e).elts);
    break;
  case Expr::Kind::Dict: {
    auto &d = llvm::cast<DictExpr>(e);
    visitAll(d.keys);
    visitAll(d.values);
    break;
  }
  case Expr::Kind::ListComp:
  case Expr::Kind::SetComp:
  case Expr::Kind::DictComp:
  case Expr::Kind::GeneratorExp:
    // The first iterable is evaluated in the enclosing scope.
    if (!llvm::cast<ComprehensionExpr>(e).generators.empty())
      visit(llvm::cast<ComprehensionExpr>(e).generators.front().iter);
    break;
  case Expr::Kind::Yield:
  case Expr::Kind::YieldFrom:
    visit(llvm::cast<YieldExpr>(e).value);
    break;
  case Expr::Kind::NamedExpr:
    visit(llvm::cast<NamedExprExpr>(e).value);
    break;
  case Expr::Kind::Name:
  case Expr::Kind::Constant:
  case Expr::Kind::Lambda:
    break;
  }
}

/// Collects the names a block binds.
class BindingCollector {
public:
  explicit BindingCollector(ScopeInfo &info) : info(info) {}

  void target(const Expr &e) {
    if (auto *n = llvm::dyn_cast<NameExpr>(&e))
      info.locals.insert(n->id);
    else if (auto *t = llvm::dyn_cast<TupleExpr>(&e))
      for (const ExprPtr &elt : t->elts)
        target(*elt);
    else if (auto *l = llvm::dyn_cast<ListExpr>(&e))
      for (const ExprPtr &elt : l->elts)
        target(*elt);
    else if (auto *s = llvm::dyn_cast<StarredExpr>(&e))
      target(*s->value);
    else
      expr(e);
  }

  /// Walrus targets and yields inside expressions.
  void expr(const Expr &e) {
    if (auto *n = llvm::dyn_cast<NamedExprExpr>(&e))
      target(*n->target);
    if (llvm::isa<YieldExpr>(e))
      info.hasYield = true;
    forEachChild(e, [&](const Expr &child) { expr(child); });
  }

  void exprOpt(const ExprPtr &e) {
    if (e)
      expr(*e);
  }

  void block(const StmtList &body) {
    for (const StmtPtr &s : body)
      stmt(*s);
  }

  void stmt(const Stmt &s) {
    switch (s.getKind()) {
    case Stmt::Kind::FunctionDef:
      info.locals.insert(llvm::cast<FunctionDefStmt>(s).name);
      break;
    case Stmt::Kind::ClassDef:
      info.locals.insert(llvm::cast<ClassDefStmt>(s).name);
      break;
    case Stmt::Kind::Return:
      exprOpt(llvm::cast<ReturnStmt>(s).value);
      break;
    case Stmt::Kind::Delete:
      for (const ExprPtr &t : llvm::cast<DeleteStmt>(s).targets)
        target(*t);
      break;
    case Stmt::Kind::Assign: {
      auto &a = llvm::cast<AssignStmt>(s);
      for (const ExprPtr &t : a.targets)
        target(*t);
      expr(*a.value);
      break;
    }
    case Stmt::Kind::AugAssign: {
      auto &a = llvm::cast<AugAssignStmt>(s);
      target(*a.target);
      expr(*a.value);
      break;
    }
    case Stmt::Kind::AnnAssign: {
      auto &a = llvm::cast<AnnAssignStmt>(s);
      // `x: int` alone still makes x local, as in CPython.
      target(*a.target);
      exprOpt(a.value);
      break;
    }
    case Stmt::Kind::For: {
      auto &f = llvm::cast<ForStmt>(s);
      target(*f.target);
      expr(*f.iter);
      block(f.body);
      block(f.orelse);
      break;
    }
    case Stmt::Kind::While: {
      auto &w = llvm::cast<WhileStmt>(s);
      expr(*w.test);
      block(w.body);
      block(w.orelse);
      break;
    }
    case Stmt::Kind::If: {
      auto &i = llvm::cast<IfStmt>(s);
      expr(*i.test);
      block(i.body);
      block(i.orelse);
      break;
    }
    case Stmt::Kind::With: {
      auto &w = llvm::cast<WithStmt>(s);
      for (const WithItem &item : w.items) {
        expr(*item.contextExpr);
        if (item.optionalVars)
          target(*item.optionalVars);
      }
      block(w.body);
      break;
    }
    case Stmt::Kind::Raise:
      exprOpt(llvm::cast<RaiseStmt>(s).exc);
      exprOpt(llvm::cast<RaiseStmt>(s).cause);
      break;
    case Stmt::Kind::Try: {
      auto &t = llvm::cast<TryStmt>(s);
      block(t.body);
      for (const ExceptHandler &h : t.handlers) {
        if (!h.name.empty())
          info.locals.insert(h.name);
        block(h.body);
      }
      block(t.orelse);
      block(t.finalbody);
      break;
    }
    case Stmt::Kind::Assert:
      expr(*llvm::cast<AssertStmt>(s).test);
      break;
    case Stmt::Kind::Import:
      for (const Alias &a : llvm::cast<ImportStmt>(s).names)
        info.locals.insert(a.asname.empty() ? llvm::StringRef(a.name).split('.').first
                                            : llvm::StringRef(a.asname));
      break;
    case Stmt::Kind::ImportFrom:
      for (const Alias &a : llvm::cast<ImportFromStmt>(s).names)
        info.locals.insert(a.asname.empty() ? a.name : a.asname);
      break;
    case Stmt::Kind::Global:
      for (const std::string &n : llvm::cast<GlobalStmt>(s).names)
        info.globals.insert(n);
      break;
    case Stmt::Kind::Nonlocal:
      for (const std::string &n : llvm::cast<NonlocalStmt>(s).names)
        info.nonlocals.insert(n);
      break;
    case Stmt::Kind::Expr:
      expr(*llvm::cast<ExprStmt>(s).value);
      break;
    case Stmt::Kind::Pass:
    case Stmt::Kind::Break:
    case Stmt::Kind::Continue:
      break;
    }
  }

private:
  ScopeInfo &info;
};

} // namespace

const ScopeInfo &Interp::functionInfo(const void *key, const std::vector<Param> &params,
                                      const StmtList *body, const Expr *lambdaBody) {
  std::unique_ptr<ScopeInfo> &slot = scopeInfos[key];
  if (slot)
    return *slot;
  slot = std::make_unique<ScopeInfo>();
  BindingCollector collector(*slot);
  for (const Param &p : params)
    slot->locals.insert(p.name);
  if (body)
    collector.block(*body);
  if (lambdaBody)
    collector.expr(*lambdaBody);
  // `global x` / `nonlocal x` win over the assignment that made x local.
  for (const auto &g : slot->globals)
    slot->locals.erase(g.getKey());
  for (const auto &n : slot->nonlocals)
    slot->locals.erase(n.getKey());
  return *slot;
}

const ScopeInfo &Interp::comprehensionInfo(const ComprehensionExpr &e) {
  std::unique_ptr<ScopeInfo> &slot = scopeInfos[&e];
  if (slot)
    return *slot;
  slot = std::make_unique<ScopeInfo>();
  BindingCollector collector(*slot);
  for (const Comprehension &c : e.generators)
    collector.target(*c.target);
  return *slot;
}
