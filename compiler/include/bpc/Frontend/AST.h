//===- AST.h - Abstract syntax tree of a .bpm module -------------*- C++ -*-===//
//
// The AST mirrors Python's `ast` module (the subset .bpm accepts), so that the
// tracer can follow Python's evaluation rules node by node. Every node owns its
// children and carries the source range it was built from.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_FRONTEND_AST_H
#define BPC_FRONTEND_AST_H

#include "llvm/Support/Casting.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bpc::ast {

/// A half-open byte range [begin, end) into the source buffer of the module.
/// Line and column are derived from it on demand (SourceFile::lineCol), so the
/// AST stays small and sub-parses (f-string fields) land in the same buffer.
struct Loc {
  uint32_t begin = 0;
  uint32_t end = 0;
};

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

class Expr {
public:
  enum class Kind {
    Name,
    Constant,
    JoinedStr,
    FormattedValue,
    UnaryOp,
    BinOp,
    BoolOp,
    Compare,
    IfExp,
    Lambda,
    Call,
    Attribute,
    Subscript,
    Slice,
    Starred,
    Tuple,
    List,
    Set,
    Dict,
    ListComp,
    SetComp,
    DictComp,
    GeneratorExp,
    Yield,
    YieldFrom,
    NamedExpr,
  };

  Expr(Kind kind, Loc loc) : kind(kind), loc(loc) {}
  virtual ~Expr() = default;
  Kind getKind() const { return kind; }
  Loc getLoc() const { return loc; }

private:
  Kind kind;
  Loc loc;
};

using ExprPtr = std::unique_ptr<Expr>;
using ExprList = std::vector<ExprPtr>;

/// Defines the llvm::isa/cast hook of a node class.
#define BPC_AST_CLASSOF(Base, K)                                               \
  static bool classof(const Base *n) { return n->getKind() == Base::Kind::K; }

/// Whether an expression is read, assigned to or deleted (Python's ctx).
enum class ExprContext { Load, Store, Del };

struct NameExpr : Expr {
  NameExpr(Loc loc, std::string id) : Expr(Kind::Name, loc), id(std::move(id)) {}
  std::string id;
  ExprContext ctx = ExprContext::Load;
  BPC_AST_CLASSOF(Expr, Name)
};

/// A literal: None, True/False, an int, a float, an imaginary number, a str
/// or bytes, or `...`.
struct ConstantExpr : Expr {
  enum class Type { None, Bool, Int, Float, Imag, Str, Bytes, Ellipsis };
  ConstantExpr(Loc loc, Type type) : Expr(Kind::Constant, loc), type(type) {}
  Type type;
  bool boolValue = false;
  /// Int: the value when it fits in int64_t (intFits says so); the source
  /// spelling is kept in `text` so that big ints are not silently truncated.
  int64_t intValue = 0;
  bool intFits = true;
  /// Float and Imag: the value as Python's float() would read it.
  double floatValue = 0.0;
  /// Str/Bytes: the decoded value (UTF-8 for Str); Int/Float/Imag: spelling.
  std::string text;
  BPC_AST_CLASSOF(Expr, Constant)
};

/// An f-string: a sequence of ConstantExpr(Str) and FormattedValueExpr parts.
struct JoinedStrExpr : Expr {
  explicit JoinedStrExpr(Loc loc) : Expr(Kind::JoinedStr, loc) {}
  ExprList values;
  BPC_AST_CLASSOF(Expr, JoinedStr)
};

/// One `{value!conversion:format_spec}` field of an f-string.
struct FormattedValueExpr : Expr {
  FormattedValueExpr(Loc loc, ExprPtr value)
      : Expr(Kind::FormattedValue, loc), value(std::move(value)) {}
  ExprPtr value;
  /// 0 for none, or 's', 'r', 'a'.
  char conversion = 0;
  /// A JoinedStrExpr, or null when there is no `:spec`.
  ExprPtr formatSpec;
  BPC_AST_CLASSOF(Expr, FormattedValue)
};

enum class UnaryOpKind { UAdd, USub, Invert, Not };
enum class BinOpKind {
  Add, Sub, Mult, MatMult, Div, FloorDiv, Mod, Pow,
  LShift, RShift, BitOr, BitXor, BitAnd
};
enum class BoolOpKind { And, Or };
enum class CmpOpKind { Eq, NotEq, Lt, LtE, Gt, GtE, Is, IsNot, In, NotIn };

const char *spelling(UnaryOpKind op);
const char *spelling(BinOpKind op);
const char *spelling(BoolOpKind op);
const char *spelling(CmpOpKind op);

struct UnaryOpExpr : Expr {
  UnaryOpExpr(Loc loc, UnaryOpKind op, ExprPtr operand)
      : Expr(Kind::UnaryOp, loc), op(op), operand(std::move(operand)) {}
  UnaryOpKind op;
  ExprPtr operand;
  BPC_AST_CLASSOF(Expr, UnaryOp)
};

struct BinOpExpr : Expr {
  BinOpExpr(Loc loc, BinOpKind op, ExprPtr lhs, ExprPtr rhs)
      : Expr(Kind::BinOp, loc), op(op), lhs(std::move(lhs)),
        rhs(std::move(rhs)) {}
  BinOpKind op;
  ExprPtr lhs, rhs;
  /// Location of the operator token (diagnostics point at it).
  Loc opLoc;
  BPC_AST_CLASSOF(Expr, BinOp)
};

/// `a and b and c` is one node with three values, as in Python's ast.
struct BoolOpExpr : Expr {
  BoolOpExpr(Loc loc, BoolOpKind op) : Expr(Kind::BoolOp, loc), op(op) {}
  BoolOpKind op;
  ExprList values;
  BPC_AST_CLASSOF(Expr, BoolOp)
};

/// `a < b <= c` is one node: left, ops = [<, <=], comparators = [b, c].
struct CompareExpr : Expr {
  explicit CompareExpr(Loc loc) : Expr(Kind::Compare, loc) {}
  ExprPtr left;
  std::vector<CmpOpKind> ops;
  ExprList comparators;
  BPC_AST_CLASSOF(Expr, Compare)
};

/// `body if test else orelse`.
struct IfExpExpr : Expr {
  explicit IfExpExpr(Loc loc) : Expr(Kind::IfExp, loc) {}
  ExprPtr test, body, orelse;
  BPC_AST_CLASSOF(Expr, IfExp)
};

/// A parameter of a `def` or `lambda`.
struct Param {
  enum class Kind { PositionalOnly, Positional, KeywordOnly, VarPositional, VarKeyword };
  Kind kind = Kind::Positional;
  std::string name;
  ExprPtr annotation; // may be null
  ExprPtr defaultValue; // may be null
  Loc loc;
};

struct LambdaExpr : Expr {
  explicit LambdaExpr(Loc loc) : Expr(Kind::Lambda, loc) {}
  std::vector<Param> params;
  ExprPtr body;
  BPC_AST_CLASSOF(Expr, Lambda)
};

/// `name=value` in a call, or `**value` when name is empty.
struct Keyword {
  std::string name;
  ExprPtr value;
  Loc loc;
};

struct CallExpr : Expr {
  CallExpr(Loc loc, ExprPtr func)
      : Expr(Kind::Call, loc), func(std::move(func)) {}
  ExprPtr func;
  ExprList args; // positional arguments; `*x` is a StarredExpr
  std::vector<Keyword> keywords;
  BPC_AST_CLASSOF(Expr, Call)
};

struct AttributeExpr : Expr {
  AttributeExpr(Loc loc, ExprPtr value, std::string attr)
      : Expr(Kind::Attribute, loc), value(std::move(value)),
        attr(std::move(attr)) {}
  ExprPtr value;
  std::string attr;
  ExprContext ctx = ExprContext::Load;
  BPC_AST_CLASSOF(Expr, Attribute)
};

/// `value[slice]`; `x[a, b:c]` has a TupleExpr slice holding a SliceExpr.
struct SubscriptExpr : Expr {
  SubscriptExpr(Loc loc, ExprPtr value, ExprPtr slice)
      : Expr(Kind::Subscript, loc), value(std::move(value)),
        slice(std::move(slice)) {}
  ExprPtr value;
  ExprPtr slice;
  ExprContext ctx = ExprContext::Load;
  BPC_AST_CLASSOF(Expr, Subscript)
};

/// `lower:upper:step` inside a subscript; each part may be null.
struct SliceExpr : Expr {
  explicit SliceExpr(Loc loc) : Expr(Kind::Slice, loc) {}
  ExprPtr lower, upper, step;
  BPC_AST_CLASSOF(Expr, Slice)
};

struct StarredExpr : Expr {
  StarredExpr(Loc loc, ExprPtr value)
      : Expr(Kind::Starred, loc), value(std::move(value)) {}
  ExprPtr value;
  ExprContext ctx = ExprContext::Load;
  BPC_AST_CLASSOF(Expr, Starred)
};

/// Tuple, List and Set displays share one shape.
template <Expr::Kind K> struct SequenceExpr : Expr {
  explicit SequenceExpr(Loc loc) : Expr(K, loc) {}
  ExprList elts;
  ExprContext ctx = ExprContext::Load;
  static bool classof(const Expr *n) { return n->getKind() == K; }
};
using TupleExpr = SequenceExpr<Expr::Kind::Tuple>;
using ListExpr = SequenceExpr<Expr::Kind::List>;
using SetExpr = SequenceExpr<Expr::Kind::Set>;

/// `{k: v, **m}`: a `**m` entry has a null key.
struct DictExpr : Expr {
  explicit DictExpr(Loc loc) : Expr(Kind::Dict, loc) {}
  ExprList keys;
  ExprList values;
  BPC_AST_CLASSOF(Expr, Dict)
};

/// One `for target in iter if cond...` clause of a comprehension.
struct Comprehension {
  ExprPtr target;
  ExprPtr iter;
  ExprList ifs;
  Loc loc;
};

/// ListComp, SetComp and GeneratorExp: `elt` over `generators`.
/// DictComp uses `key` and `value` instead of `elt`.
struct ComprehensionExpr : Expr {
  ComprehensionExpr(Kind kind, Loc loc) : Expr(kind, loc) {}
  ExprPtr elt;   // ListComp, SetComp, GeneratorExp
  ExprPtr key;   // DictComp
  ExprPtr value; // DictComp
  std::vector<Comprehension> generators;
  static bool classof(const Expr *n) {
    Kind k = n->getKind();
    return k == Kind::ListComp || k == Kind::SetComp || k == Kind::DictComp ||
           k == Kind::GeneratorExp;
  }
};

struct YieldExpr : Expr {
  YieldExpr(Kind kind, Loc loc, ExprPtr value)
      : Expr(kind, loc), value(std::move(value)) {}
  ExprPtr value; // may be null for a bare `yield`
  static bool classof(const Expr *n) {
    return n->getKind() == Kind::Yield || n->getKind() == Kind::YieldFrom;
  }
};

/// `target := value`.
struct NamedExprExpr : Expr {
  explicit NamedExprExpr(Loc loc) : Expr(Kind::NamedExpr, loc) {}
  ExprPtr target; // a NameExpr
  ExprPtr value;
  BPC_AST_CLASSOF(Expr, NamedExpr)
};

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

class Stmt {
public:
  enum class Kind {
    FunctionDef,
    ClassDef,
    Return,
    Delete,
    Assign,
    AugAssign,
    AnnAssign,
    For,
    While,
    If,
    With,
    Raise,
    Try,
    Assert,
    Import,
    ImportFrom,
    Global,
    Nonlocal,
    Expr,
    Pass,
    Break,
    Continue,
  };

  Stmt(Kind kind, Loc loc) : kind(kind), loc(loc) {}
  virtual ~Stmt() = default;
  Kind getKind() const { return kind; }
  Loc getLoc() const { return loc; }

private:
  Kind kind;
  Loc loc;
};

using StmtPtr = std::unique_ptr<Stmt>;
using StmtList = std::vector<StmtPtr>;

struct FunctionDefStmt : Stmt {
  explicit FunctionDefStmt(Loc loc) : Stmt(Kind::FunctionDef, loc) {}
  std::string name;
  std::vector<Param> params;
  ExprPtr returns; // `-> annotation`, may be null
  ExprList decorators;
  StmtList body;
  BPC_AST_CLASSOF(Stmt, FunctionDef)
};

struct ClassDefStmt : Stmt {
  explicit ClassDefStmt(Loc loc) : Stmt(Kind::ClassDef, loc) {}
  std::string name;
  ExprList bases;
  std::vector<Keyword> keywords;
  ExprList decorators;
  StmtList body;
  BPC_AST_CLASSOF(Stmt, ClassDef)
};

struct ReturnStmt : Stmt {
  ReturnStmt(Loc loc, ExprPtr value)
      : Stmt(Kind::Return, loc), value(std::move(value)) {}
  ExprPtr value; // may be null
  BPC_AST_CLASSOF(Stmt, Return)
};

struct DeleteStmt : Stmt {
  explicit DeleteStmt(Loc loc) : Stmt(Kind::Delete, loc) {}
  ExprList targets;
  BPC_AST_CLASSOF(Stmt, Delete)
};

/// `a = b = value`: targets = [a, b].
struct AssignStmt : Stmt {
  explicit AssignStmt(Loc loc) : Stmt(Kind::Assign, loc) {}
  ExprList targets;
  ExprPtr value;
  BPC_AST_CLASSOF(Stmt, Assign)
};

struct AugAssignStmt : Stmt {
  explicit AugAssignStmt(Loc loc) : Stmt(Kind::AugAssign, loc) {}
  ExprPtr target;
  BinOpKind op = BinOpKind::Add;
  ExprPtr value;
  BPC_AST_CLASSOF(Stmt, AugAssign)
};

/// `target: annotation [= value]`.
struct AnnAssignStmt : Stmt {
  explicit AnnAssignStmt(Loc loc) : Stmt(Kind::AnnAssign, loc) {}
  ExprPtr target;
  ExprPtr annotation;
  ExprPtr value; // may be null
  BPC_AST_CLASSOF(Stmt, AnnAssign)
};

struct ForStmt : Stmt {
  explicit ForStmt(Loc loc) : Stmt(Kind::For, loc) {}
  ExprPtr target;
  ExprPtr iter;
  StmtList body;
  StmtList orelse;
  BPC_AST_CLASSOF(Stmt, For)
};

struct WhileStmt : Stmt {
  explicit WhileStmt(Loc loc) : Stmt(Kind::While, loc) {}
  ExprPtr test;
  StmtList body;
  StmtList orelse;
  BPC_AST_CLASSOF(Stmt, While)
};

/// `elif` is an IfStmt alone in the orelse of its parent, as in Python's ast.
struct IfStmt : Stmt {
  explicit IfStmt(Loc loc) : Stmt(Kind::If, loc) {}
  ExprPtr test;
  StmtList body;
  StmtList orelse;
  BPC_AST_CLASSOF(Stmt, If)
};

struct WithItem {
  ExprPtr contextExpr;
  ExprPtr optionalVars; // may be null
};

struct WithStmt : Stmt {
  explicit WithStmt(Loc loc) : Stmt(Kind::With, loc) {}
  std::vector<WithItem> items;
  StmtList body;
  BPC_AST_CLASSOF(Stmt, With)
};

struct RaiseStmt : Stmt {
  explicit RaiseStmt(Loc loc) : Stmt(Kind::Raise, loc) {}
  ExprPtr exc;   // may be null (re-raise)
  ExprPtr cause; // `from cause`, may be null
  BPC_AST_CLASSOF(Stmt, Raise)
};

struct ExceptHandler {
  ExprPtr type;     // may be null (bare except)
  std::string name; // `as name`, may be empty
  StmtList body;
  Loc loc;
};

struct TryStmt : Stmt {
  explicit TryStmt(Loc loc) : Stmt(Kind::Try, loc) {}
  StmtList body;
  std::vector<ExceptHandler> handlers;
  StmtList orelse;
  StmtList finalbody;
  BPC_AST_CLASSOF(Stmt, Try)
};

struct AssertStmt : Stmt {
  explicit AssertStmt(Loc loc) : Stmt(Kind::Assert, loc) {}
  ExprPtr test;
  ExprPtr msg; // may be null
  BPC_AST_CLASSOF(Stmt, Assert)
};

/// `a.b.c as x` in an import.
struct Alias {
  std::string name;   // dotted
  std::string asname; // may be empty
  Loc loc;
};

struct ImportStmt : Stmt {
  explicit ImportStmt(Loc loc) : Stmt(Kind::Import, loc) {}
  std::vector<Alias> names;
  BPC_AST_CLASSOF(Stmt, Import)
};

/// `from ..module import a as b, c`; `from m import *` has one alias "*".
struct ImportFromStmt : Stmt {
  explicit ImportFromStmt(Loc loc) : Stmt(Kind::ImportFrom, loc) {}
  std::string module; // may be empty for `from . import x`
  std::vector<Alias> names;
  int level = 0; // number of leading dots
  BPC_AST_CLASSOF(Stmt, ImportFrom)
};

/// Global and Nonlocal share one shape.
template <Stmt::Kind K> struct NameListStmt : Stmt {
  explicit NameListStmt(Loc loc) : Stmt(K, loc) {}
  std::vector<std::string> names;
  static bool classof(const Stmt *n) { return n->getKind() == K; }
};
using GlobalStmt = NameListStmt<Stmt::Kind::Global>;
using NonlocalStmt = NameListStmt<Stmt::Kind::Nonlocal>;

struct ExprStmt : Stmt {
  ExprStmt(Loc loc, ExprPtr value)
      : Stmt(Kind::Expr, loc), value(std::move(value)) {}
  ExprPtr value;
  BPC_AST_CLASSOF(Stmt, Expr)
};

/// Pass, Break and Continue carry nothing but their kind.
template <Stmt::Kind K> struct KeywordStmt : Stmt {
  explicit KeywordStmt(Loc loc) : Stmt(K, loc) {}
  static bool classof(const Stmt *n) { return n->getKind() == K; }
};
using PassStmt = KeywordStmt<Stmt::Kind::Pass>;
using BreakStmt = KeywordStmt<Stmt::Kind::Break>;
using ContinueStmt = KeywordStmt<Stmt::Kind::Continue>;

#undef BPC_AST_CLASSOF

/// A whole .bpm file. Locations in it are offsets into the buffer
/// `bufferId` of the llvm::SourceMgr that the parser was given.
struct Module {
  std::string filename;
  unsigned bufferId = 0;
  StmtList body;
};

} // namespace bpc::ast

#endif // BPC_FRONTEND_AST_H
