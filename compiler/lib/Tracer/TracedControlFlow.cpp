//===- TracedControlFlow.cpp - if/while/for on traced values --------------===//
//
// Inside a jitted function, `if` and `while` on a traced 0-d value become
// bp.if and bp.while (DESIGN.md §2), where jax.jit would raise, and a long
// `for` over range() becomes a bp.while too (the rule is at execTracedFor). Each branch
// (or the loop body) is traced into a block of its own starting from the
// same Python state; afterwards, every local name and Variable whose value
// differs between the paths is merged: it becomes a result of the op and is
// rebound to it. A branch that returns takes the rest of the function with
// it (the statements after the `if` are traced into the other branch too), so
// `if c: return a` / `return b` works at a function's top level. In the
// same way a branch that leaves a traced loop's iteration (`break`,
// `continue`) lets the other branch take the rest of the loop's body; a
// `break` also sets a flag that the loop carries and its condition tests.
//
// Merged values must have one type on all paths; a Python number on one
// path becomes an array of the other path's dtype (it is weakly typed).
// Anything else that differs (strings, objects, an array on one path and a
// list on the other) is an error naming it, as is a traced condition that
// is not 0-d.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/ArrayOps.h"
#include "bpc/Tracer/TraceContext.h"

#include "bpc/Dialect/BP/IR/BPOps.h"

#include "llvm/ADT/SetVector.h"

#include <functional>
#include <limits>

using namespace bpc;
using namespace bpc::tracer;
using namespace bpc::ast;

namespace {

/// Whether two values are the same object (or equal immediates).
bool identical(const Value &a, const Value &b) {
  if (a.isObject() || b.isObject())
    return a.isObject() && b.isObject() && a.getObject() == b.getObject();
  if (a.isNone() || b.isNone())
    return a.isNone() && b.isNone();
  if (a.isFloat() != b.isFloat() || a.isBool() != b.isBool())
    return false;
  return a.isFloat() ? a.getFloat() == b.getFloat() : a.getInt() == b.getInt();
}

/// Everything a path can change: the frame's local names and the Variables.
struct PathState {
  std::vector<std::pair<std::string, Value>> locals;
  TraceContext::VarState vars;
};

PathState save(Interp &in, TraceContext &tc) {
  return {in.frames.back().scope->vars.items(), tc.saveVars()};
}

void restore(Interp &in, TraceContext &tc, const PathState &s) {
  AttrDict &vars = in.frames.back().scope->vars;
  // Names first bound on a path are unbound again.
  std::vector<std::string> added;
  for (auto &[name, v] : vars.items())
    if (llvm::none_of(s.locals, [&](auto &e) { return e.first == name; }))
      added.push_back(name);
  for (const std::string &name : added)
    vars.erase(name);
  for (auto &[name, v] : s.locals)
    vars.set(name, v);
  tc.restoreVars(s.vars);
}

const Value *lookup(const PathState &s, llvm::StringRef name) {
  for (auto &[n, v] : s.locals)
    if (n == name)
      return &v;
  return nullptr;
}

/// One traced path: a detached block holding its ops, and the state at its
/// end (or its return value).
struct Path {
  std::unique_ptr<mlir::Block> block = std::make_unique<mlir::Block>();
  PathState end;
  Flow flow = Flow::Normal;
  Value returnValue;
  ast::Loc loc;
};

/// The statements after the `if` in the current block, when that block is
/// the body of the current function (so a returning branch can take them).
struct Rest {
  const StmtList *list = nullptr;
  size_t next = 0;
};

Flow execRest(Interp &in, const Rest &rest) {
  for (size_t i = rest.next; i < rest.list->size(); ++i) {
    in.restOfBlock = {rest.list, i + 1};
    Flow f = in.exec(*(*rest.list)[i]);
    if (f != Flow::Normal)
      return f;
  }
  return Flow::Normal;
}

constexpr const char *kReturnInLoop =
    "`return` inside a loop on a traced value is not supported: keep the result in a "
    "variable, `break`, and return after the loop";

/// Where a `break` or `continue` in a branch goes: the traced loop around
/// the `if` (the marker at `level` of the block stack as it was at the
/// `if`). With `takeRest`, a branch that ends normally goes on with the
/// statements after the `if` up to the end of the loop's body.
struct LoopExit {
  std::vector<Interp::BlockPosition> stack;
  size_t level = 0;
  bool takeRest = false;
};

/// The traced loop whose body encloses the current statement through
/// blocks only (no Python loop or call in between), or nullopt.
std::optional<LoopExit> enclosingTracedLoop(Interp &in) {
  for (size_t k = in.blockStack.size(); k-- > 0;) {
    if (in.blockStack[k].kind == Interp::BlockPosition::TracedLoop)
      return LoopExit{in.blockStack, k, false};
    if (in.blockStack[k].kind != Interp::BlockPosition::Block)
      return std::nullopt;
  }
  return std::nullopt;
}

/// Whether the innermost barrier around the current statement is a `try`.
bool insideTry(Interp &in) {
  for (size_t k = in.blockStack.size(); k-- > 0;)
    if (in.blockStack[k].kind != Interp::BlockPosition::Block)
      return in.blockStack[k].kind == Interp::BlockPosition::TryBarrier;
  return false;
}

/// Runs the statements after the `if` in each block of `exit.stack` from
/// the innermost out to the loop's body. Continue when they all ran (the
/// rest of the iteration has been traced), else how one ended.
Flow execLoopRest(Interp &in, const LoopExit &exit) {
  std::vector<Interp::BlockPosition> saved = in.blockStack;
  struct Restore {
    Interp &in;
    std::vector<Interp::BlockPosition> &saved;
    ~Restore() { in.blockStack = std::move(saved); }
  } restoreStack{in, saved};
  for (size_t k = exit.stack.size(); k-- > exit.level + 1;) {
    const Interp::BlockPosition &level = exit.stack[k];
    in.blockStack.assign(exit.stack.begin(), exit.stack.begin() + k + 1);
    for (size_t i = level.next; i < level.list->size(); ++i) {
      in.blockStack[k].next = i + 1;
      in.restOfBlock = {level.list, i + 1};
      Flow f = in.exec(*(*level.list)[i]);
      if (f != Flow::Normal)
        return f;
    }
  }
  return Flow::Continue;
}

/// Traces `body` (then `rest`, when given) into a fresh block from `start`.
/// Inside a traced loop (`loop`), a path that breaks sets the loop's flag,
/// and one that breaks or continues ends as Continue: the rest of the
/// iteration is not traced on it.
void tracePath(Interp &in, TraceContext &tc, const PathState &start, const StmtList &body,
               const Rest *rest, Path &path, const LoopExit *loop = nullptr) {
  restore(in, tc, start);
  mlir::OpBuilder::InsertionGuard guard(tc.builder);
  tc.builder.setInsertionPointToEnd(path.block.get());
  path.loc = body.empty() ? ast::Loc() : body.front()->getLoc();
  in.frames.back().returnValue = Value();
  Flow f = in.execBlock(body);
  if (f == Flow::Normal && rest)
    f = execRest(in, *rest);
  if (f == Flow::Normal && rest)
    f = Flow::Return; // falling off the end of the function returns None
  if (f == Flow::Normal && loop && loop->takeRest)
    f = execLoopRest(in, *loop);
  if ((f == Flow::Break || f == Flow::Continue) && !loop && insideTry(in))
    in.raise(Exc::NotImplementedError,
             std::string("`") + (f == Flow::Break ? "break" : "continue") +
                 "` in an `if` on a traced value inside a `try`: the rest of the loop's body "
                 "would run under its `except` and before its `finally`; move the `if` out of "
                 "the `try`");
  if ((f == Flow::Break || f == Flow::Continue) && !loop)
    in.raise(Exc::NotImplementedError,
             std::string("`") + (f == Flow::Break ? "break" : "continue") +
                 "` in an `if` on a traced value inside a loop that runs in Python (a `while` "
                 "on a Python value, a `for` over a list, a tuple, zip() or enumerate(), or "
                 "over a range() whose body needs the index as a Python int): only a `while` "
                 "on a traced value or a `for` over range() compiled as a loop can be left on "
                 "a traced condition; loop over range(len(...)) and index arrays instead");
  if (f == Flow::Break) {
    llvm::StringRef flag = loop->stack[loop->level].brokeFlag;
    assert(!flag.empty() && "a loop body that breaks has a flag");
    in.frames.back().scope->vars.set(flag.str(), Value::boolean(true));
    f = Flow::Continue;
  }
  path.flow = f;
  if (f == Flow::Return)
    path.returnValue = in.frames.back().returnValue;
  path.end = save(in, tc);
}

std::string lineOf(Interp &in, ast::Loc loc) {
  return std::to_string(in.diags.lineCol(in.currentSource().bufferId, loc.begin).first);
}

/// A value of one path as an mlir value of `like`'s type, emitted at the end
/// of `block`; null when it cannot be (not an array or a number).
mlir::Value asTraced(ArrayRuntime &rt, TraceContext &tc, mlir::Block *block, const Value &v,
                     std::optional<DType> like) {
  mlir::OpBuilder::InsertionGuard guard(tc.builder);
  tc.builder.setInsertionPointToEnd(block);
  if (v.isNumber() && like) {
    Value a = rt.applyOp("astype", {rt.toArray(v)}, ops::cast(*like));
    return tc.valueOf(a);
  }
  if (rt.asArray(v))
    return tc.valueOf(v);
  return {};
}

std::optional<DType> dtypeOfTraced(mlir::Value v) {
  return fromMLIRType(llvm::cast<mlir::RankedTensorType>(v.getType()).getElementType());
}

/// Merges the values that differ between `paths` (each ends normally, or
/// all return). `kinds` say what each merged slot is; `emit` gets each
/// path's values (in its block) and returns the op's results.
struct Merge {
  struct Slot {
    enum Kind { Local, Variable, Result } kind;
    std::string name;
    InstanceObject *var = nullptr;
    std::vector<mlir::Value> values; // one per path
  };
  std::vector<Slot> slots;
};

/// The names a path changed, in first-seen order.
llvm::SmallVector<std::string> changedNames(const PathState &start,
                                            llvm::ArrayRef<const PathState *> ends) {
  llvm::SmallVector<std::string> names;
  for (const PathState *end : ends)
    for (auto &[name, v] : end->locals) {
      const Value *before = lookup(start, name);
      if ((!before || !identical(*before, v)) && !llvm::is_contained(names, name))
        names.push_back(name);
    }
  return names;
}

/// Python-level values that are equal on every path need no merging.
bool samePythonValue(Interp &in, const Value &a, const Value &b) {
  if (identical(a, b))
    return true;
  if (a.isNumber() && b.isNumber())
    return a.toDouble() == b.toDouble() && a.isFloat() == b.isFloat();
  if (a.is<StrObject>() && b.is<StrObject>())
    return in.str(a) == in.str(b);
  return false;
}

[[noreturn]] void mismatch(Interp &in, llvm::StringRef what, llvm::StringRef name,
                           llvm::ArrayRef<std::string> descriptions,
                           llvm::ArrayRef<std::string> places) {
  std::string msg = what.str() + " `" + name.str() + "` differs between the paths of a branch on "
                    "a traced value: ";
  for (size_t i = 0; i < descriptions.size(); ++i)
    msg += (i ? ", but " : "") + descriptions[i] + " " + places[i];
  msg += "; both paths must give it the same array type (or leave it unchanged)";
  in.raise(Exc::TypeError, msg);
}

std::string describeValue(Interp &in, ArrayRuntime &rt, const Value *v) {
  if (!v)
    return "unbound";
  if (ArrayState *a = rt.asArray(*v))
    return describeType(a->dtype, a->shape);
  return in.typeName(*v) + " " + in.repr(*v);
}

/// Collects the slots to merge across `paths`, all starting from `start`.
/// `places` names each path for messages.
/// `forced` names and Variables are merged even where no path changed them
/// (a loop's carried values).
Merge collect(Interp &in, ArrayRuntime &rt, TraceContext &tc, const PathState &start,
              llvm::ArrayRef<Path *> paths, llvm::ArrayRef<std::string> places,
              bool mergeReturn, llvm::ArrayRef<std::string> forcedNames = {},
              llvm::ArrayRef<InstanceObject *> forcedVars = {}) {
  Merge m;
  llvm::SmallVector<const PathState *> ends;
  for (Path *p : paths)
    ends.push_back(&p->end);
  llvm::SmallVector<std::string> names(forcedNames.begin(), forcedNames.end());
  for (const std::string &name : changedNames(start, ends))
    if (!llvm::is_contained(names, name))
      names.push_back(name);
  // Local names.
  for (const std::string &name : names) {
    llvm::SmallVector<const Value *> vals;
    bool missing = false;
    for (Path *p : paths) {
      vals.push_back(lookup(p->end, name));
      missing |= !vals.back();
    }
    if (missing) {
      // Bound on some paths only: unbound after the branch (a later use is
      // an error, as in Python when the other path ran).
      continue;
    }
    bool allSame = llvm::all_of(vals, [&](const Value *v) {
      return samePythonValue(in, *v, *vals.front());
    });
    if (allSame && !rt.asArray(*vals.front()))
      continue;
    if (llvm::all_of(vals, [&](const Value *v) { return identical(*v, *vals.front()); }))
      continue;
    std::optional<DType> like;
    for (const Value *v : vals)
      if (ArrayState *a = rt.asArray(*v))
        like = a->dtype;
    // Python numbers on every path become arrays of their promoted type.
    if (!like && llvm::all_of(vals, [](const Value *v) { return v->isNumber(); }))
      like = llvm::any_of(vals, [](const Value *v) { return v->isFloat(); }) ? DType::F32
             : llvm::all_of(vals, [](const Value *v) { return v->isBool(); }) ? DType::Bool
                                                                              : DType::I32;
    Merge::Slot slot{Merge::Slot::Local, name, nullptr, {}};
    for (size_t i = 0; i < paths.size(); ++i) {
      mlir::Value t = asTraced(rt, tc, paths[i]->block.get(), *vals[i], like);
      if (!t) {
        std::vector<std::string> descs;
        for (const Value *v : vals)
          descs.push_back(describeValue(in, rt, v));
        mismatch(in, "the local", name, descs, places);
      }
      slot.values.push_back(t);
    }
    for (mlir::Value v : slot.values)
      if (v.getType() != slot.values.front().getType()) {
        std::vector<std::string> descs;
        for (mlir::Value w : slot.values)
          descs.push_back(describeType(w.getType()));
        mismatch(in, "the local", name, descs, places);
      }
    m.slots.push_back(std::move(slot));
  }
  // Variables: the union of frozen ones touched on any path, in a fixed order.
  llvm::SetVector<InstanceObject *> frozenOrder;
  for (auto &[var, v] : start.vars.frozen)
    frozenOrder.insert(var);
  for (Path *p : paths)
    for (auto &[var, v] : p->end.vars.frozen)
      frozenOrder.insert(var);
  restore(in, tc, start);
  auto base = tc.varValues(start.vars, frozenOrder.getArrayRef());
  std::vector<std::vector<std::pair<InstanceObject *, mlir::Value>>> perPath;
  for (Path *p : paths) {
    // A frozen Variable first read on another path has its frozen value here.
    TraceContext::VarState s = p->end.vars;
    for (auto &[var, v] : base)
      if (!s.frozen.count(var) && frozenOrder.contains(var))
        s.frozen[var] = v;
    perPath.push_back(tc.varValues(s, frozenOrder.getArrayRef()));
  }
  for (size_t k = 0; k < base.size(); ++k) {
    bool differs = llvm::is_contained(forcedVars, base[k].first);
    for (auto &values : perPath)
      differs |= values[k].second != base[k].second;
    if (!differs)
      continue;
    Merge::Slot slot{Merge::Slot::Variable, variablePath(in, Value(base[k].first)),
                     base[k].first, {}};
    for (auto &values : perPath)
      slot.values.push_back(values[k].second);
    m.slots.push_back(std::move(slot));
  }
  // Return values, flattened: one array, or a tuple of arrays.
  if (mergeReturn) {
    auto parts = [&](const Value &v) {
      std::vector<Value> out;
      if (auto *t = v.dyn<TupleObject>())
        out = t->items;
      else if (!v.isNone())
        out.push_back(v);
      return out;
    };
    std::vector<std::vector<Value>> rets;
    for (Path *p : paths)
      rets.push_back(parts(p->returnValue));
    for (auto &r : rets)
      if (r.size() != rets.front().size() ||
          paths.front()->returnValue.is<TupleObject>() != paths[&r - &rets[0]]->returnValue.is<TupleObject>())
        in.raise(Exc::TypeError, "the paths of a branch on a traced value return different "
                                 "kinds of values (" +
                                     describeValue(in, rt, &paths.front()->returnValue) + " " +
                                     places.front() + ", but " +
                                     describeValue(in, rt, &paths[&r - &rets[0]]->returnValue) +
                                     " " + places[&r - &rets[0]] + ")");
    for (size_t k = 0; k < rets.front().size(); ++k) {
      std::optional<DType> like;
      for (auto &r : rets)
        if (ArrayState *a = rt.asArray(r[k]))
          like = a->dtype;
      if (!like) // Python numbers on every path: float wins, as promotion would
        like = llvm::any_of(rets, [&](auto &r) { return r[k].isFloat(); }) ? DType::F32
                                                                           : DType::I32;
      Merge::Slot slot{Merge::Slot::Result, "return value", nullptr, {}};
      for (size_t i = 0; i < paths.size(); ++i) {
        mlir::Value t = asTraced(rt, tc, paths[i]->block.get(), rets[i][k], like);
        if (!t) {
          std::vector<std::string> descs;
          for (auto &r : rets)
            descs.push_back(describeValue(in, rt, &r[k]));
          mismatch(in, "the", "return value", descs, places);
        }
        slot.values.push_back(t);
      }
      for (mlir::Value v : slot.values)
        if (v.getType() != slot.values.front().getType()) {
          std::vector<std::string> descs;
          for (mlir::Value w : slot.values)
            descs.push_back(describeType(w.getType()));
          mismatch(in, "the", "return value", descs, places);
        }
      m.slots.push_back(std::move(slot));
    }
  }
  return m;
}

/// Rebinds every merged slot to the op's results; returns the merged
/// return value (a tuple when the paths returned tuples).
Value bind(Interp &in, ArrayRuntime &rt, TraceContext &tc, const Merge &m,
           mlir::ResultRange results, bool returnedTuple) {
  std::vector<Value> returned;
  for (size_t i = 0; i < m.slots.size(); ++i) {
    const Merge::Slot &s = m.slots[i];
    switch (s.kind) {
    case Merge::Slot::Local:
      in.frames.back().scope->vars.set(s.name, rt.makeSymbolic(tc, results[i]));
      break;
    case Merge::Slot::Variable:
      tc.setVarValue(s.var, results[i]);
      break;
    case Merge::Slot::Result:
      returned.push_back(rt.makeSymbolic(tc, results[i]));
      break;
    }
  }
  if (returnedTuple)
    return makeTuple(std::move(returned));
  return returned.empty() ? Value() : returned.front();
}

llvm::SmallVector<mlir::Type> slotTypes(const Merge &m) {
  llvm::SmallVector<mlir::Type> types;
  for (const Merge::Slot &s : m.slots)
    types.push_back(s.values.front().getType());
  return types;
}

/// The names in `e` bound to traced arrays, for the non-scalar condition
/// error.
void tracedNames(Interp &in, ArrayRuntime &rt, const Expr &e, std::string &out) {
  if (auto *n = llvm::dyn_cast<NameExpr>(&e)) {
    if (const Value *v = in.frames.back().scope->vars.lookup(n->id))
      if (ArrayState *a = rt.asArray(*v); a && a->isSymbolic() && out.find("`" + n->id + "`") == std::string::npos)
        out += (out.empty() ? "" : ", ") + ("`" + n->id + "` is " + describeType(a->dtype, a->shape));
    return;
  }
  if (auto *c = llvm::dyn_cast<CompareExpr>(&e)) {
    tracedNames(in, rt, *c->left, out);
    for (const ExprPtr &r : c->comparators)
      tracedNames(in, rt, *r, out);
  } else if (auto *b = llvm::dyn_cast<BinOpExpr>(&e)) {
    tracedNames(in, rt, *b->lhs, out);
    tracedNames(in, rt, *b->rhs, out);
  } else if (auto *u = llvm::dyn_cast<UnaryOpExpr>(&e)) {
    tracedNames(in, rt, *u->operand, out);
  } else if (auto *o = llvm::dyn_cast<BoolOpExpr>(&e)) {
    for (const ExprPtr &v : o->values)
      tracedNames(in, rt, *v, out);
  }
}

/// The traced 0-d bool of a condition, or null when `test` is not traced
/// (plain Python `if`). Raises for a traced array that is not 0-d.
mlir::Value tracedCondition(Interp &in, ArrayRuntime &rt, const Expr &testExpr, const Value &test,
                            const char *statement) {
  ArrayState *a = rt.asArray(test);
  if (!rt.activeTrace || !a || !a->isSymbolic())
    return {};
  if (!a->shape.empty()) {
    std::string names;
    tracedNames(in, rt, testExpr, names);
    in.currentLoc = testExpr.getLoc();
    try {
      in.raise(Exc::TypeError,
               std::string("the condition of this `") + statement + "` is a traced array " +
                   describeType(a->dtype, a->shape) + (names.empty() ? "" : " (" + names + ")") +
                   ": only a 0-d traced value can decide a branch; use bm.where(cond, x, y) for "
                   "an elementwise choice, or pass the argument as static "
                   "(static_argnames=(...)) to branch on its value while tracing");
    } catch (PyException &e) {
      in.annotate(e, testExpr.getLoc()); // the caret goes under the condition
      throw;
    }
  }
  Value b = a->dtype == DType::Bool ? test : rt.applyOp("astype", {test}, ops::cast(DType::Bool));
  return rt.activeTrace->valueOf(b);
}

} // namespace

std::optional<Value> bpc::tracer::tracedTruth(Interp &in, const Expr &e, const Value &v,
                                              const char *what) {
  if (!in.arrays)
    return std::nullopt;
  ArrayRuntime &rt = in.arrayRuntime();
  mlir::Value c = tracedCondition(in, rt, e, v, what);
  if (!c)
    return std::nullopt;
  return rt.makeSymbolic(*rt.activeTrace, c);
}

namespace {

/// An `if` on the traced 0-d bool `cond` (the statement at `loc`, its
/// condition at `testLoc`): one bp.if.
Flow traceIf(Interp &in, mlir::Value cond, const StmtList &body, const StmtList &orelse,
             ast::Loc loc, ast::Loc testLoc) {
  ArrayRuntime &rt = in.arrayRuntime();
  TraceContext &tc = *rt.activeTrace;
  Rest rest;
  Interp::Frame &frame = in.frames.back();
  if (in.restOfBlock.list && frame.function && frame.function->body == in.restOfBlock.list)
    rest = {in.restOfBlock.list, in.restOfBlock.next};
  PathState start = save(in, tc);
  std::optional<LoopExit> loop = enclosingTracedLoop(in);
  const LoopExit *exit = loop ? &*loop : nullptr;
  Path thenPath, elsePath;
  tracePath(in, tc, start, body, nullptr, thenPath, exit);
  tracePath(in, tc, start, orelse, nullptr, elsePath, exit);
  bool anyReturn = thenPath.flow == Flow::Return || elsePath.flow == Flow::Return;
  bool allReturn = thenPath.flow == Flow::Return && elsePath.flow == Flow::Return;
  // A path that left the iteration (break/continue): the other one takes
  // the rest of the loop's body, and the `if` ends the iteration.
  bool leftIteration = thenPath.flow == Flow::Continue || elsePath.flow == Flow::Continue;
  if (leftIteration) {
    // Unreachable from scripts (a traced loop's body is checked for `return`
    // first), kept so that a future caller cannot merge a return silently.
    if (anyReturn)
      in.raise(Exc::NotImplementedError, kReturnInLoop);
    LoopExit withRest = *loop;
    withRest.takeRest = true;
    for (Path *p : {&thenPath, &elsePath})
      if (p->flow == Flow::Normal) {
        *p = Path();
        tracePath(in, tc, start, p == &thenPath ? body : orelse, nullptr, *p, &withRest);
        if (p->flow != Flow::Continue)
          in.raise(Exc::NotImplementedError, kReturnInLoop);
      }
  }
  if (anyReturn && !allReturn) {
    if (!rest.list)
      in.raise(Exc::NotImplementedError,
               "a `return` in only one branch of an `if` on a traced value is supported at the "
               "top level of a function, not inside a loop, `with` or `try`");
    // The rest of the function runs on the path that did not return.
    if (thenPath.flow != Flow::Return) {
      thenPath = Path();
      tracePath(in, tc, start, body, &rest, thenPath);
    } else {
      elsePath = Path();
      tracePath(in, tc, start, orelse, &rest, elsePath);
    }
    allReturn = true;
  }
  std::vector<std::string> places = {"in the `if` branch (line " + lineOf(in, thenPath.loc) + ")",
                                     orelse.empty()
                                         ? std::string("when the condition is false")
                                         : "in the `else` branch (line " +
                                               lineOf(in, elsePath.loc) + ")"};
  in.currentLoc = testLoc;
  Path *paths[] = {&thenPath, &elsePath};
  Merge m = collect(in, rt, tc, start, paths, places, allReturn);
  for (size_t i = 0; i < 2; ++i) {
    mlir::OpBuilder::InsertionGuard guard(tc.builder);
    tc.builder.setInsertionPointToEnd(paths[i]->block.get());
    llvm::SmallVector<mlir::Value> values;
    for (const Merge::Slot &slot : m.slots)
      values.push_back(slot.values[i]);
    tc.builder.create<bp::YieldOp>(rt.currentLoc(), values);
  }
  auto op = tc.builder.create<bp::IfOp>(rt.loc(loc), slotTypes(m), cond);
  op.getThenRegion().push_back(thenPath.block.release());
  op.getElseRegion().push_back(elsePath.block.release());
  restore(in, tc, start);
  Value returned = bind(in, rt, tc, m, op.getResults(),
                        thenPath.returnValue.is<TupleObject>());
  if (allReturn) {
    in.frames.back().returnValue = returned;
    return Flow::Return;
  }
  return leftIteration ? Flow::Continue : Flow::Normal;
}

} // namespace

std::optional<Flow> bpc::tracer::execTracedIf(Interp &in, const IfStmt &s, const Value &test) {
  ArrayRuntime &rt = in.arrayRuntime();
  mlir::Value cond = tracedCondition(in, rt, *s.test, test, "if");
  if (!cond)
    return std::nullopt;
  return traceIf(in, cond, s.body, s.orelse, s.getLoc(), s.test->getLoc());
}

namespace {

/// The first statement of `kind` in `body` that belongs to the loop (or
/// function) whose body it is: nested functions and classes are not
/// searched, nor nested loops' bodies unless `intoLoops` (a `return` leaves
/// them too; a `break` there is theirs).
const Stmt *findStmt(const StmtList &body, Stmt::Kind kind, bool intoLoops) {
  for (const StmtPtr &s : body) {
    if (s->getKind() == kind)
      return s.get();
    const Stmt *found = nullptr;
    auto search = [&](const StmtList &list) {
      if (!found)
        found = findStmt(list, kind, intoLoops);
    };
    if (auto *i = llvm::dyn_cast<IfStmt>(s.get())) {
      search(i->body);
      search(i->orelse);
    } else if (auto *w = llvm::dyn_cast<WhileStmt>(s.get())) {
      if (intoLoops)
        search(w->body);
      search(w->orelse);
    } else if (auto *f = llvm::dyn_cast<ForStmt>(s.get())) {
      if (intoLoops)
        search(f->body);
      search(f->orelse);
    } else if (auto *w = llvm::dyn_cast<WithStmt>(s.get())) {
      search(w->body);
    } else if (auto *t = llvm::dyn_cast<TryStmt>(s.get())) {
      search(t->body);
      for (const ExceptHandler &h : t->handlers)
        search(h.body);
      search(t->orelse);
      search(t->finalbody);
    }
    if (found)
      return found;
  }
  return nullptr;
}

/// A loop traced into one bp.while.
struct LoopSpec {
  ast::Loc loc;
  const StmtList *body = nullptr;
  /// The condition as a traced 0-d bool, evaluated with the carried values
  /// bound (in the `before` region).
  std::function<mlir::Value()> condition;
  /// Run before and after each trace of the body (a `for`'s target and
  /// counter).
  std::function<void()> enter, leave;
  /// The hidden local that says the loop broke; "" when the body has no
  /// `break`. It is a Python False before the loop.
  std::string brokeFlag;
};

/// Traces one iteration: the body, with `break` setting the flag.
void traceIteration(Interp &in, const LoopSpec &spec) {
  if (spec.enter)
    spec.enter();
  Flow f;
  {
    Interp::BlockMarker marker(in, Interp::BlockPosition::TracedLoop, spec.brokeFlag);
    f = in.execBlock(*spec.body);
  }
  if (f == Flow::Break)
    in.frames.back().scope->vars.set(spec.brokeFlag, Value::boolean(true));
  if (f == Flow::Return) // the body was checked for `return` before
    in.raise(Exc::NotImplementedError, kReturnInLoop);
  if (spec.leave)
    spec.leave();
}

/// Traces `spec` into one bp.while after the current insertion point; the
/// locals and Variables that the body changes are its carried values and
/// are bound to its results afterwards.
void traceLoop(Interp &in, ArrayRuntime &rt, TraceContext &tc, const LoopSpec &spec) {
  mlir::OpBuilder::InsertionGuard insertionGuard(tc.builder);
  PathState start = save(in, tc);
  Path entry; // the state before the loop, as a path of no ops
  entry.end = start;
  std::vector<std::string> places = {"before the loop (line " + lineOf(in, spec.loc) + ")",
                                     "after its body"};
  // Discover what the body changes by tracing it into scratch blocks, with
  // the values found to be carried so far bound to placeholders (block
  // arguments), until no more values join: `total = total + i` is carried
  // only once `i` is known to be.
  llvm::SmallVector<std::string> carriedNames;
  llvm::SmallVector<InstanceObject *> carriedVars;
  Merge carried;
  for (unsigned round = 0;; ++round) {
    Path scratch;
    restore(in, tc, start);
    for (const Merge::Slot &slot : carried.slots) {
      mlir::Value arg = scratch.block->addArgument(slot.values[0].getType(), rt.loc(spec.loc));
      if (slot.kind == Merge::Slot::Local)
        in.frames.back().scope->vars.set(slot.name, rt.makeSymbolic(tc, arg));
      else
        tc.setVarValue(slot.var, arg);
    }
    PathState placeholders = save(in, tc);
    {
      mlir::OpBuilder::InsertionGuard guard(tc.builder);
      tc.builder.setInsertionPointToEnd(scratch.block.get());
      traceIteration(in, spec);
      scratch.end = save(in, tc);
    }
    // What changed relative to the placeholders joins the carried values.
    Path before;
    before.end = placeholders;
    in.currentLoc = spec.loc;
    Path *pair[] = {&before, &scratch};
    Merge found = collect(in, rt, tc, placeholders, pair, places, false);
    bool grew = false;
    for (const Merge::Slot &slot : found.slots) {
      if (slot.kind == Merge::Slot::Local && !llvm::is_contained(carriedNames, slot.name)) {
        carriedNames.push_back(slot.name);
        grew = true;
      }
      if (slot.kind == Merge::Slot::Variable && !llvm::is_contained(carriedVars, slot.var)) {
        carriedVars.push_back(slot.var);
        grew = true;
      }
    }
    // The types of the carried values: from the state before the loop and
    // the body's result (a Python number there takes the array's type).
    Path *fromEntry[] = {&entry, &scratch};
    carried = collect(in, rt, tc, start, fromEntry, places, false, carriedNames, carriedVars);
    scratch.block->dropAllDefinedValueUses();
    scratch.block->dropAllReferences();
    scratch.block.reset();
    if (!grew || round > 64)
      break;
  }
  // The initial values, materialised before the loop.
  llvm::SmallVector<mlir::Value> inits;
  llvm::SmallVector<mlir::Operation *> moved;
  for (Merge::Slot &slot : carried.slots) {
    mlir::Value v = slot.values[0];
    if (v.getParentBlock() == entry.block.get()) {
      // A Python number made an array in the (empty) entry path: move it out.
      for (mlir::Operation &op : llvm::make_early_inc_range(*entry.block)) {
        op.moveBefore(tc.builder.getInsertionBlock(), tc.builder.getInsertionPoint());
        moved.push_back(&op);
      }
    }
    inits.push_back(v);
  }
  llvm::SmallVector<mlir::Type> types = slotTypes(carried);
  auto op = tc.builder.create<bp::WhileOp>(rt.loc(spec.loc), types, inits);
  // The entry path also holds the conversions of earlier discovery rounds.
  for (mlir::Operation *m : llvm::reverse(moved))
    if (m->use_empty())
      m->erase();
  llvm::SmallVector<mlir::Location> locs(types.size(), rt.loc(spec.loc));
  mlir::Block *before = tc.builder.createBlock(&op.getBefore(), {}, types, locs);
  mlir::Block *after = tc.builder.createBlock(&op.getAfter(), {}, types, locs);
  auto bindArgs = [&](mlir::Block *block) {
    restore(in, tc, start);
    for (size_t i = 0; i < carried.slots.size(); ++i) {
      const Merge::Slot &slot = carried.slots[i];
      if (slot.kind == Merge::Slot::Local)
        in.frames.back().scope->vars.set(slot.name, rt.makeSymbolic(tc, block->getArgument(i)));
      else
        tc.setVarValue(slot.var, block->getArgument(i));
    }
  };
  // before: the condition on the carried values (and not broken out).
  {
    bindArgs(before);
    tc.builder.setInsertionPointToEnd(before);
    mlir::Value c = spec.condition();
    const Value *broke =
        spec.brokeFlag.empty() ? nullptr : in.frames.back().scope->vars.lookup(spec.brokeFlag);
    if (broke && rt.asArray(*broke)) {
      Value going = rt.applyOp("not", {*broke}, ops::unary(ops::Unary::Not));
      c = tc.valueOf(rt.applyOp("and", {rt.makeSymbolic(tc, c), going},
                                ops::binary(ast::BinOpKind::BitAnd)));
    }
    tc.builder.create<bp::ConditionOp>(rt.loc(spec.loc), c, before->getArguments());
  }
  // after: the body, yielding the next carried values.
  {
    bindArgs(after);
    tc.builder.setInsertionPointToEnd(after);
    traceIteration(in, spec);
    PathState end = save(in, tc);
    llvm::SmallVector<mlir::Value> next;
    for (size_t i = 0; i < carried.slots.size(); ++i) {
      const Merge::Slot &slot = carried.slots[i];
      mlir::Value v;
      if (slot.kind == Merge::Slot::Local) {
        const Value *pv = lookup(end, slot.name);
        std::optional<DType> like = dtypeOfTraced(slot.values[0]);
        v = pv ? asTraced(rt, tc, after, *pv, like) : mlir::Value();
      } else {
        auto values = tc.varValues(end.vars, {});
        for (auto &[var, value] : values)
          if (var == slot.var)
            v = value;
        if (!v)
          v = end.vars.frozen.lookup(slot.var);
      }
      if (!v || v.getType() != types[i])
        in.raise(Exc::TypeError, "`" + slot.name + "` changes type in the body of a loop on "
                                 "a traced value: " + describeType(types[i]) +
                                 " before the loop, " +
                                 (v ? describeType(v.getType()) : std::string("not an array")) +
                                 " after the body");
      next.push_back(v);
    }
    tc.builder.setInsertionPointToEnd(after);
    tc.builder.create<bp::YieldOp>(rt.loc(spec.loc), next);
  }
  restore(in, tc, start);
  bind(in, rt, tc, carried, op.getResults(), false);
}

/// Raises `message` with the caret under `stmt`.
[[noreturn]] void raiseAt(Interp &in, const Stmt &stmt, Exc kind, const std::string &message) {
  in.currentLoc = stmt.getLoc();
  try {
    in.raise(kind, message);
  } catch (PyException &e) {
    in.annotate(e, stmt.getLoc());
    throw;
  }
}

/// The name of a hidden local of the loop at the current block depth (no
/// Python name starts with `$`, so scripts cannot see or clash with it).
std::string hiddenLocal(Interp &in, llvm::StringRef what) {
  return ("$" + what + std::to_string(in.blockStack.size())).str();
}

/// A loop's `else`, which runs when no `break` ended it: `broke` is the
/// loop's flag after it.
Flow execElseUnlessBroke(Interp &in, const Value &broke, const StmtList &orelse,
                         ast::Loc loc) {
  ArrayRuntime &rt = in.arrayRuntime();
  if (orelse.empty())
    return Flow::Normal;
  if (!rt.asArray(broke))
    return in.truthy(broke) ? Flow::Normal : in.execBlock(orelse);
  Value going = rt.applyOp("not", {broke}, ops::unary(ops::Unary::Not));
  static const StmtList none;
  return traceIf(in, rt.activeTrace->valueOf(going), orelse, none, loc, loc);
}

} // namespace

std::optional<Flow> bpc::tracer::execTracedWhile(Interp &in, const WhileStmt &s,
                                                 const Value &test) {
  ArrayRuntime &rt = in.arrayRuntime();
  if (!tracedCondition(in, rt, *s.test, test, "while"))
    return std::nullopt;
  TraceContext &tc = *rt.activeTrace;
  if (const Stmt *r = findStmt(s.body, Stmt::Kind::Return, true))
    raiseAt(in, *r, Exc::NotImplementedError,
            "`return` inside a `while` on a traced value is not supported: keep the result in "
            "a variable, `break`, and return after the loop");
  const Stmt *brk = findStmt(s.body, Stmt::Kind::Break, false);
  LoopSpec spec;
  spec.loc = s.getLoc();
  spec.body = &s.body;
  AttrDict &vars = in.frames.back().scope->vars;
  if (brk) {
    spec.brokeFlag = hiddenLocal(in, "broke");
    vars.set(spec.brokeFlag, Value::boolean(false));
  }
  spec.condition = [&] {
    Value t = in.eval(*s.test);
    mlir::Value c = tracedCondition(in, rt, *s.test, t, "while");
    if (!c)
      in.raise(Exc::TypeError, "the condition of this `while` stopped depending on traced "
                               "values inside the loop");
    return c;
  };
  traceLoop(in, rt, tc, spec);
  if (!brk)
    return in.execBlock(s.orelse);
  Value broke = *vars.lookup(spec.brokeFlag);
  vars.erase(spec.brokeFlag);
  return execElseUnlessBroke(in, broke, s.orelse, s.getLoc());
}

// A `for NAME in range(...)` inside a trace runs in Python, i.e. unrolls
// into the trace (one copy of the body per iteration, NAME a Python int),
// when the range has at most kMaxUnrolledRange iterations and the body has
// no `break`/`continue`, or when the trace is to be differentiated (bm.grad
// handles straight-line code only). A few copies cost little to compile and
// let constant indices fold; beyond that the IR, and the compile time, grow
// with the length (a LIF step unrolled 1000 times takes a minute to compile,
// as a loop a tenth of a second). Otherwise its body is traced once, NAME a traced
// i32 (i64 when the range needs it), into one bp.while carrying what the
// body changes, as a `while` on a traced value does. That is a trial: when
// the body needs NAME's value (a list index, range(NAME), int(NAME)),
// changes Python-level state (list.append, an attribute of an object that
// is not a Variable, print), has a `return`, carries a value whose type
// changes, or raises, the ops of the trial are erased, the state before it
// is restored, and the loop unrolls after all.
std::optional<Flow> bpc::tracer::execTracedFor(Interp &in, const ForStmt &s,
                                               const Value &iterable) {
  ArrayRuntime &rt = in.arrayRuntime();
  auto *range = iterable.dyn<RangeObject>();
  auto *target = llvm::dyn_cast<NameExpr>(s.target.get());
  if (!rt.activeTrace || rt.activeTrace->unrollLoops || !range || !target)
    return std::nullopt;
  const Stmt *brk = findStmt(s.body, Stmt::Kind::Break, false);
  bool leaves = brk || findStmt(s.body, Stmt::Kind::Continue, false);
  int64_t n = range->length();
  if (n == 0 || (n <= kMaxUnrolledRange && !leaves) ||
      findStmt(s.body, Stmt::Kind::Return, true))
    return std::nullopt;
  TraceContext &tc = *rt.activeTrace;
  int64_t first = range->start, step = range->step, last = first + (n - 1) * step;
  auto fitsI32 = [](int64_t v) {
    return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
  };
  DType counterType = fitsI32(first) && fitsI32(last + step) ? DType::I32 : DType::I64;

  PathState original = save(in, tc);
  mlir::Block *block = tc.builder.getInsertionBlock();
  mlir::Block::iterator ip = tc.builder.getInsertionPoint();
  mlir::Operation *prev = ip == block->begin() ? nullptr : &*std::prev(ip);
  mlir::Operation *nextOp = ip == block->end() ? nullptr : &*ip;
  AttrDict &vars = in.frames.back().scope->vars;
  std::string counter = hiddenLocal(in, "range");
  bool compiled = false;
  Value broke; // the flag after the loop, when the body has a `break`
  {
    ++in.loopTrials;
    struct EndTrial {
      unsigned &trials;
      ~EndTrial() { --trials; }
    } endTrial{in.loopTrials};
    try {
      std::optional<Value> targetBefore;
      if (const Value *v = vars.lookup(target->id))
        targetBefore = *v;
      vars.set(counter, rt.applyOp("astype", {rt.toArray(Value::integer(first))},
                                   ops::cast(counterType)));
      LoopSpec spec;
      spec.loc = s.getLoc();
      spec.body = &s.body;
      if (brk) {
        spec.brokeFlag = hiddenLocal(in, "broke");
        vars.set(spec.brokeFlag, Value::boolean(false));
      }
      spec.condition = [&] {
        Value c = in.compare(step > 0 ? ast::CmpOpKind::Lt : ast::CmpOpKind::Gt,
                             *vars.lookup(counter), Value::integer(range->stop));
        return tc.valueOf(c);
      };
      spec.enter = [&] { in.assign(*s.target, *vars.lookup(counter)); };
      // The target is not carried: each iteration binds it from the counter.
      spec.leave = [&] {
        Value next = in.binaryOp(ast::BinOpKind::Add, *vars.lookup(counter), Value::integer(step));
        vars.set(counter, next);
        if (targetBefore)
          vars.set(target->id, *targetBefore);
        else
          vars.erase(target->id);
      };
      traceLoop(in, rt, tc, spec);
      // After the loop NAME is its last value: the counter's, one step
      // back, when a `break` may have ended it early.
      Value end = *vars.lookup(counter);
      vars.erase(counter);
      if (brk) {
        broke = *vars.lookup(spec.brokeFlag);
        vars.erase(spec.brokeFlag);
        in.assign(*s.target, in.binaryOp(ast::BinOpKind::Sub, end, Value::integer(step)));
      } else {
        in.assign(*s.target, Value::integer(last));
      }
      compiled = true;
    } catch (NeedsUnroll &) {
    } catch (PyException &) {
    }
  }
  if (!compiled) {
    // Erase what the trial emitted, last first (users before definitions).
    tc.builder.setInsertionPoint(block, nextOp ? mlir::Block::iterator(nextOp) : block->end());
    mlir::Block::iterator from = prev ? std::next(mlir::Block::iterator(prev)) : block->begin();
    llvm::SmallVector<mlir::Operation *> emitted;
    for (auto it = from; it != tc.builder.getInsertionPoint(); ++it)
      emitted.push_back(&*it);
    for (mlir::Operation *op : llvm::reverse(emitted)) {
      op->dropAllUses();
      op->erase();
    }
    restore(in, tc, original);
    return std::nullopt;
  }
  if (brk)
    return execElseUnlessBroke(in, broke, s.orelse, s.getLoc());
  return in.execBlock(s.orelse);
}
