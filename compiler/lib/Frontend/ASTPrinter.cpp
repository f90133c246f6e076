//===- ASTPrinter.cpp - Stable text form of the AST ------------------------===//
//
// One node per line: `Kind details <line:col-line:col>`. A child that plays a
// named role is introduced by `role:` on its own line; lists of statements
// (`body:`, `orelse:`) likewise. The form is meant for golden tests, so it
// prints every field and never depends on pointer values.
//
//===----------------------------------------------------------------------===//

#include "bpc/Frontend/ASTPrinter.h"

#include "llvm/Support/Format.h"

#include <fmt/format.h>

using namespace bpc;
using namespace bpc::ast;

namespace {

class Printer {
public:
  Printer(const Module &module, const llvm::SourceMgr &sourceMgr, llvm::raw_ostream &os)
      : module(module), sourceMgr(sourceMgr), os(os) {}

  void print() {
    os << "Module \"" << module.filename << "\"\n";
    ++depth;
    printStmts(module.body);
    --depth;
  }

private:
  std::string range(Loc loc) const {
    auto [l1, c1] = lineCol(loc.begin);
    auto [l2, c2] = lineCol(loc.end);
    return fmt::format("<{}:{}-{}:{}>", l1, c1, l2, c2);
  }

  std::pair<unsigned, unsigned> lineCol(uint32_t offset) const {
    const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(module.bufferId);
    offset = std::min<uint32_t>(offset, static_cast<uint32_t>(buffer->getBufferSize()));
    return sourceMgr.getLineAndColumn(
        llvm::SMLoc::getFromPointer(buffer->getBufferStart() + offset), module.bufferId);
  }

  void line(const std::string &text, Loc loc) {
    os.indent(2 * depth) << text << ' ' << range(loc) << '\n';
  }
  void label(const char *role) { os.indent(2 * depth) << role << ":\n"; }

  /// Prints a child under a role label, or nothing when it is absent.
  void child(const char *role, const Expr *e) {
    if (!e)
      return;
    label(role);
    ++depth;
    printExpr(*e);
    --depth;
  }
  void children(const char *role, const ExprList &list) {
    if (list.empty())
      return;
    label(role);
    ++depth;
    for (const ExprPtr &e : list)
      printExpr(*e);
    --depth;
  }
  void block(const char *role, const StmtList &body) {
    if (body.empty())
      return;
    label(role);
    ++depth;
    printStmts(body);
    --depth;
  }

  /// `bytes` escapes every byte above 0x7F, which is not text; a `str`
  /// prints its UTF-8 as is.
  static std::string quoted(const std::string &s, bool bytes = false) {
    std::string out = "\"";
    for (unsigned char c : s) {
      switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7F || (bytes && c > 0x7F))
          out += fmt::format("\\x{:02x}", c);
        else
          out += static_cast<char>(c);
      }
    }
    return out + "\"";
  }

  static const char *contextName(ExprContext ctx) {
    return ctx == ExprContext::Load ? "load" : ctx == ExprContext::Store ? "store" : "del";
  }

  static const char *paramKind(Param::Kind kind) {
    switch (kind) {
    case Param::Kind::PositionalOnly: return "positional-only";
    case Param::Kind::Positional: return "positional";
    case Param::Kind::KeywordOnly: return "keyword-only";
    case Param::Kind::VarPositional: return "var-positional";
    case Param::Kind::VarKeyword: return "var-keyword";
    }
    return "?";
  }

  void printParams(const std::vector<Param> &params) {
    if (params.empty())
      return;
    label("params");
    ++depth;
    for (const Param &p : params) {
      line(fmt::format("Param {} {}", p.name, paramKind(p.kind)), p.loc);
      ++depth;
      child("annotation", p.annotation.get());
      child("default", p.defaultValue.get());
      --depth;
    }
    --depth;
  }

  void printKeywords(const std::vector<Keyword> &keywords) {
    if (keywords.empty())
      return;
    label("keywords");
    ++depth;
    for (const Keyword &k : keywords) {
      line(k.name.empty() ? std::string("Keyword **") : "Keyword " + k.name, k.loc);
      ++depth;
      printExpr(*k.value);
      --depth;
    }
    --depth;
  }

  void printComprehensions(const std::vector<Comprehension> &generators) {
    for (const Comprehension &g : generators) {
      line("Comprehension", g.loc);
      ++depth;
      child("target", g.target.get());
      child("iter", g.iter.get());
      children("ifs", g.ifs);
      --depth;
    }
  }

  void printExpr(const Expr &e) {
    Loc at = e.getLoc();
    switch (e.getKind()) {
    case Expr::Kind::Name: {
      auto &n = llvm::cast<NameExpr>(e);
      line(fmt::format("Name {} {}", n.id, contextName(n.ctx)), at);
      return;
    }
    case Expr::Kind::Constant: {
      auto &c = llvm::cast<ConstantExpr>(e);
      std::string text;
      switch (c.type) {
      case ConstantExpr::Type::None: text = "None"; break;
      case ConstantExpr::Type::Bool: text = c.boolValue ? "bool True" : "bool False"; break;
      case ConstantExpr::Type::Int:
        text = c.intFits ? fmt::format("int {}", c.intValue)
                         : fmt::format("int {} (exceeds 64 bits)", c.text);
        break;
      case ConstantExpr::Type::Float: text = fmt::format("float {}", c.text); break;
      case ConstantExpr::Type::Imag: text = fmt::format("imag {}", c.text); break;
      case ConstantExpr::Type::Str: text = "str " + quoted(c.text); break;
      case ConstantExpr::Type::Bytes: text = "bytes " + quoted(c.text, /*bytes=*/true); break;
      case ConstantExpr::Type::Ellipsis: text = "Ellipsis"; break;
      }
      line("Constant " + text, at);
      return;
    }
    case Expr::Kind::JoinedStr: {
      line("JoinedStr", at);
      ++depth;
      for (const ExprPtr &part : llvm::cast<JoinedStrExpr>(e).values)
        printExpr(*part);
      --depth;
      return;
    }
    case Expr::Kind::FormattedValue: {
      auto &f = llvm::cast<FormattedValueExpr>(e);
      line(f.conversion ? fmt::format("FormattedValue !{}", f.conversion)
                        : std::string("FormattedValue"),
           at);
      ++depth;
      printExpr(*f.value);
      child("format_spec", f.formatSpec.get());
      --depth;
      return;
    }
    case Expr::Kind::UnaryOp: {
      auto &u = llvm::cast<UnaryOpExpr>(e);
      line(fmt::format("UnaryOp {}", spelling(u.op)), at);
      ++depth;
      printExpr(*u.operand);
      --depth;
      return;
    }
    case Expr::Kind::BinOp: {
      auto &b = llvm::cast<BinOpExpr>(e);
      line(fmt::format("BinOp {}", spelling(b.op)), at);
      ++depth;
      printExpr(*b.lhs);
      printExpr(*b.rhs);
      --depth;
      return;
    }
    case Expr::Kind::BoolOp: {
      auto &b = llvm::cast<BoolOpExpr>(e);
      line(fmt::format("BoolOp {}", spelling(b.op)), at);
      ++depth;
      for (const ExprPtr &v : b.values)
        printExpr(*v);
      --depth;
      return;
    }
    case Expr::Kind::Compare: {
      auto &c = llvm::cast<CompareExpr>(e);
      std::string ops;
      for (CmpOpKind op : c.ops)
        ops += fmt::format(" '{}'", spelling(op));
      line("Compare" + ops, at);
      ++depth;
      printExpr(*c.left);
      for (const ExprPtr &v : c.comparators)
        printExpr(*v);
      --depth;
      return;
    }
    case Expr::Kind::IfExp: {
      auto &i = llvm::cast<IfExpExpr>(e);
      line("IfExp", at);
      ++depth;
      child("test", i.test.get());
      child("body", i.body.get());
      child("orelse", i.orelse.get());
      --depth;
      return;
    }
    case Expr::Kind::Lambda: {
      auto &l = llvm::cast<LambdaExpr>(e);
      line("Lambda", at);
      ++depth;
      printParams(l.params);
      child("body", l.body.get());
      --depth;
      return;
    }
    case Expr::Kind::Call: {
      auto &c = llvm::cast<CallExpr>(e);
      line("Call", at);
      ++depth;
      child("func", c.func.get());
      children("args", c.args);
      printKeywords(c.keywords);
      --depth;
      return;
    }
    case Expr::Kind::Attribute: {
      auto &a = llvm::cast<AttributeExpr>(e);
      line(fmt::format("Attribute {} {}", a.attr, contextName(a.ctx)), at);
      ++depth;
      printExpr(*a.value);
      --depth;
      return;
    }
    case Expr::Kind::Subscript: {
      auto &s = llvm::cast<SubscriptExpr>(e);
      line(fmt::format("Subscript {}", contextName(s.ctx)), at);
      ++depth;
      child("value", s.value.get());
      child("slice", s.slice.get());
      --depth;
      return;
    }
    case Expr::Kind::Slice: {
      auto &s = llvm::cast<SliceExpr>(e);
      line("Slice", at);
      ++depth;
      child("lower", s.lower.get());
      child("upper", s.upper.get());
      child("step", s.step.get());
      --depth;
      return;
    }
    case Expr::Kind::Starred: {
      auto &s = llvm::cast<StarredExpr>(e);
      line(fmt::format("Starred {}", contextName(s.ctx)), at);
      ++depth;
      printExpr(*s.value);
      --depth;
      return;
    }
    case Expr::Kind::Tuple:
      printSequence("Tuple", llvm::cast<TupleExpr>(e).elts, &llvm::cast<TupleExpr>(e).ctx, at);
      return;
    case Expr::Kind::List:
      printSequence("List", llvm::cast<ListExpr>(e).elts, &llvm::cast<ListExpr>(e).ctx, at);
      return;
    case Expr::Kind::Set:
      printSequence("Set", llvm::cast<SetExpr>(e).elts, nullptr, at);
      return;
    case Expr::Kind::Dict: {
      auto &d = llvm::cast<DictExpr>(e);
      line("Dict", at);
      ++depth;
      for (size_t i = 0; i < d.values.size(); ++i) {
        if (d.keys[i]) {
          child("key", d.keys[i].get());
          child("value", d.values[i].get());
        } else {
          child("unpack", d.values[i].get());
        }
      }
      --depth;
      return;
    }
    case Expr::Kind::ListComp:
    case Expr::Kind::SetComp:
    case Expr::Kind::DictComp:
    case Expr::Kind::GeneratorExp: {
      auto &c = llvm::cast<ComprehensionExpr>(e);
      const char *name = e.getKind() == Expr::Kind::ListComp  ? "ListComp"
                         : e.getKind() == Expr::Kind::SetComp ? "SetComp"
                         : e.getKind() == Expr::Kind::DictComp ? "DictComp"
                                                               : "GeneratorExp";
      line(name, at);
      ++depth;
      child("elt", c.elt.get());
      child("key", c.key.get());
      child("value", c.value.get());
      printComprehensions(c.generators);
      --depth;
      return;
    }
    case Expr::Kind::Yield:
    case Expr::Kind::YieldFrom: {
      auto &y = llvm::cast<YieldExpr>(e);
      line(e.getKind() == Expr::Kind::Yield ? "Yield" : "YieldFrom", at);
      ++depth;
      if (y.value)
        printExpr(*y.value);
      --depth;
      return;
    }
    case Expr::Kind::NamedExpr: {
      auto &n = llvm::cast<NamedExprExpr>(e);
      line("NamedExpr", at);
      ++depth;
      child("target", n.target.get());
      child("value", n.value.get());
      --depth;
      return;
    }
    }
  }

  void printSequence(const char *name, const ExprList &elts, const ExprContext *ctx, Loc at) {
    line(ctx ? fmt::format("{} {}", name, contextName(*ctx)) : std::string(name), at);
    ++depth;
    for (const ExprPtr &e : elts)
      printExpr(*e);
    --depth;
  }

  void printStmts(const StmtList &body) {
    for (const StmtPtr &s : body)
      printStmt(*s);
  }

  void printStmt(const Stmt &s) {
    Loc at = s.getLoc();
    switch (s.getKind()) {
    case Stmt::Kind::FunctionDef: {
      auto &f = llvm::cast<FunctionDefStmt>(s);
      line("FunctionDef " + f.name, at);
      ++depth;
      children("decorators", f.decorators);
      printParams(f.params);
      child("returns", f.returns.get());
      block("body", f.body);
      --depth;
      return;
    }
    case Stmt::Kind::ClassDef: {
      auto &c = llvm::cast<ClassDefStmt>(s);
      line("ClassDef " + c.name, at);
      ++depth;
      children("decorators", c.decorators);
      children("bases", c.bases);
      printKeywords(c.keywords);
      block("body", c.body);
      --depth;
      return;
    }
    case Stmt::Kind::Return: {
      line("Return", at);
      ++depth;
      if (auto &v = llvm::cast<ReturnStmt>(s).value)
        printExpr(*v);
      --depth;
      return;
    }
    case Stmt::Kind::Delete:
      line("Delete", at);
      ++depth;
      for (const ExprPtr &t : llvm::cast<DeleteStmt>(s).targets)
        printExpr(*t);
      --depth;
      return;
    case Stmt::Kind::Assign: {
      auto &a = llvm::cast<AssignStmt>(s);
      line("Assign", at);
      ++depth;
      children("targets", a.targets);
      child("value", a.value.get());
      --depth;
      return;
    }
    case Stmt::Kind::AugAssign: {
      auto &a = llvm::cast<AugAssignStmt>(s);
      line(fmt::format("AugAssign {}=", spelling(a.op)), at);
      ++depth;
      child("target", a.target.get());
      child("value", a.value.get());
      --depth;
      return;
    }
    case Stmt::Kind::AnnAssign: {
      auto &a = llvm::cast<AnnAssignStmt>(s);
      line("AnnAssign", at);
      ++depth;
      child("target", a.target.get());
      child("annotation", a.annotation.get());
      child("value", a.value.get());
      --depth;
      return;
    }
    case Stmt::Kind::For: {
      auto &f = llvm::cast<ForStmt>(s);
      line("For", at);
      ++depth;
      child("target", f.target.get());
      child("iter", f.iter.get());
      block("body", f.body);
      block("orelse", f.orelse);
      --depth;
      return;
    }
    case Stmt::Kind::While: {
      auto &w = llvm::cast<WhileStmt>(s);
      line("While", at);
      ++depth;
      child("test", w.test.get());
      block("body", w.body);
      block("orelse", w.orelse);
      --depth;
      return;
    }
    case Stmt::Kind::If: {
      auto &i = llvm::cast<IfStmt>(s);
      line("If", at);
      ++depth;
      child("test", i.test.get());
      block("body", i.body);
      block("orelse", i.orelse);
      --depth;
      return;
    }
    case Stmt::Kind::With: {
      auto &w = llvm::cast<WithStmt>(s);
      line("With", at);
      ++depth;
      for (const WithItem &item : w.items) {
        child("item", item.contextExpr.get());
        child("as", item.optionalVars.get());
      }
      block("body", w.body);
      --depth;
      return;
    }
    case Stmt::Kind::Raise: {
      auto &r = llvm::cast<RaiseStmt>(s);
      line("Raise", at);
      ++depth;
      child("exc", r.exc.get());
      child("cause", r.cause.get());
      --depth;
      return;
    }
    case Stmt::Kind::Try: {
      auto &t = llvm::cast<TryStmt>(s);
      line("Try", at);
      ++depth;
      block("body", t.body);
      for (const ExceptHandler &h : t.handlers) {
        line(h.name.empty() ? std::string("ExceptHandler") : "ExceptHandler as " + h.name, h.loc);
        ++depth;
        child("type", h.type.get());
        block("body", h.body);
        --depth;
      }
      block("orelse", t.orelse);
      block("finalbody", t.finalbody);
      --depth;
      return;
    }
    case Stmt::Kind::Assert: {
      auto &a = llvm::cast<AssertStmt>(s);
      line("Assert", at);
      ++depth;
      child("test", a.test.get());
      child("msg", a.msg.get());
      --depth;
      return;
    }
    case Stmt::Kind::Import:
      line("Import", at);
      printAliases(llvm::cast<ImportStmt>(s).names);
      return;
    case Stmt::Kind::ImportFrom: {
      auto &i = llvm::cast<ImportFromStmt>(s);
      line(fmt::format("ImportFrom {}{} level={}", std::string(i.level, '.'), i.module, i.level),
           at);
      printAliases(i.names);
      return;
    }
    case Stmt::Kind::Global:
      line("Global " + join(llvm::cast<GlobalStmt>(s).names), at);
      return;
    case Stmt::Kind::Nonlocal:
      line("Nonlocal " + join(llvm::cast<NonlocalStmt>(s).names), at);
      return;
    case Stmt::Kind::Expr:
      line("Expr", at);
      ++depth;
      printExpr(*llvm::cast<ExprStmt>(s).value);
      --depth;
      return;
    case Stmt::Kind::Pass: line("Pass", at); return;
    case Stmt::Kind::Break: line("Break", at); return;
    case Stmt::Kind::Continue: line("Continue", at); return;
    }
  }

  void printAliases(const std::vector<Alias> &names) {
    ++depth;
    for (const Alias &a : names)
      line(a.asname.empty() ? "alias " + a.name : "alias " + a.name + " as " + a.asname, a.loc);
    --depth;
  }

  static std::string join(const std::vector<std::string> &names) {
    std::string out;
    for (const std::string &n : names)
      out += (out.empty() ? "" : ", ") + n;
    return out;
  }

  const Module &module;
  const llvm::SourceMgr &sourceMgr;
  llvm::raw_ostream &os;
  unsigned depth = 0;
};

} // namespace

void bpc::printAST(const Module &module, const llvm::SourceMgr &sourceMgr,
                   llvm::raw_ostream &os) {
  Printer(module, sourceMgr, os).print();
}
