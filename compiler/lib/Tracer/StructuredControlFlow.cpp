//===- StructuredControlFlow.cpp - bm.cond, bm.ifelse, bm.while_loop... ---===//
//
// BrainPy's functional control flow (brainpy.math.cond, ifelse, while_loop,
// for_loop, with BrainPy's signatures). Inside bm.jit each call becomes one
// bp.if (nested ones for ifelse) or one bp.while, not an unrolled trace:
// the functions are traced once into the op's regions, starting from the
// same Variable state. What the functions return is merged (the branches'
// results, the loop's operands), and so is every Variable that a function
// writes: it becomes a result of the op and takes that value afterwards,
// as with Python `if`/`while` on traced values (TracedControlFlow.cpp).
//
// for_loop iterates over the leading axis of its operands: a bp.while that
// carries the index and one output buffer per output of the body, written
// row by row with bp.update_index (the stacked outputs of jax.lax.scan).
//
// Outside jit (no active trace) each is plain Python over concrete values.
//
// for_loop(..., progress_bar=True) ends the loop body with a bp.progress of
// the number of iterations done, which the lowering turns into calls of the
// runtime's bpc_progress_update (a tqdm-style bar on stderr); without it
// nothing is emitted. Eagerly the same function is called from here.
//
// Not supported: pytrees beyond one tuple/list level of arrays and numbers,
// operands whose leading axis has no static size (for_loop), unroll_kwargs.
// `unroll`, `remat` and `jit` are accepted and ignored.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/StructuredControlFlow.h"
#include "bpc/Tracer/ArrayOps.h"
#include "bpc/Tracer/TraceContext.h"

#include "bpc/Dialect/BP/IR/BPOps.h"
#include "bpc/progress.h"

#include "llvm/ADT/SetVector.h"

using namespace bpc;
using namespace bpc::tracer;

namespace {

using VarState = TraceContext::VarState;

/// Argument `index` or keyword `name`, or `dflt`.
Value argument(Interp &in, CallArgs &args, const char *fn, size_t index, const char *name,
               std::optional<Value> dflt = std::nullopt) {
  std::optional<Value> kw = takeKeyword(args, name);
  if (index < args.positional.size()) {
    if (kw)
      in.raise(Exc::TypeError, std::string(fn) + "() got multiple values for argument '" +
                                   name + "'");
    return args.positional[index];
  }
  if (kw)
    return *kw;
  if (!dflt)
    in.raise(Exc::TypeError,
             std::string(fn) + "() missing required argument: '" + name + "'");
  return *dflt;
}

/// BrainPy's `operands`: a tuple/list is the arguments, anything else one.
std::vector<Value> operandList(const Value &v) {
  if (auto *t = v.dyn<TupleObject>())
    return t->items;
  if (auto *l = v.dyn<ListObject>())
    return l->items;
  return {v};
}

/// A function's result as leaves: None has none, a tuple/list its items,
/// anything else is one leaf.
struct Leaves {
  enum Kind { None, Single, Tuple, List } kind = None;
  std::vector<Value> items;
};

Leaves leavesOf(const Value &v) {
  Leaves l;
  if (v.isNone())
    return l;
  if (auto *t = v.dyn<TupleObject>()) {
    l.kind = Leaves::Tuple;
    l.items = t->items;
  } else if (auto *li = v.dyn<ListObject>()) {
    l.kind = Leaves::List;
    l.items = li->items;
  } else {
    l.kind = Leaves::Single;
    l.items = {v};
  }
  return l;
}

Value rebuild(Leaves::Kind kind, std::vector<Value> items) {
  switch (kind) {
  case Leaves::None:
    return Value();
  case Leaves::Single:
    return items.front();
  case Leaves::Tuple:
    return makeTuple(std::move(items));
  case Leaves::List:
    return makeList(std::move(items));
  }
  return Value();
}

std::string describeValue(Interp &in, ArrayRuntime &rt, const Value &v) {
  if (ArrayState *a = rt.asArray(v))
    return describeType(a->dtype, a->shape);
  return in.typeName(v) + " " + in.repr(v);
}

/// The dtype a leaf merges in: the array's, else the Python number's
/// (float32, int32 or bool; numbers are weakly typed).
std::optional<DType> leafDType(ArrayRuntime &rt, const Value &v) {
  if (ArrayState *a = rt.asArray(v))
    return a->dtype;
  if (v.isBool())
    return DType::Bool;
  if (v.isFloat())
    return DType::F32;
  if (v.isNumber())
    return DType::I32;
  return std::nullopt;
}

/// `v` as a traced value of dtype `like` (a number), emitted at the end of
/// `block`; null when it is neither an array nor a number.
mlir::Value asTraced(ArrayRuntime &rt, TraceContext &tc, mlir::Block *block, const Value &v,
                     DType like) {
  mlir::OpBuilder::InsertionGuard guard(tc.builder);
  tc.builder.setInsertionPointToEnd(block);
  if (v.isNumber())
    return tc.valueOf(rt.applyOp("astype", {rt.toArray(v)}, ops::cast(like)));
  if (rt.asArray(v))
    return tc.valueOf(v);
  return {};
}

/// A traced 0-d condition as a bool value, or null when `v` is a Python
/// value or concrete array (decided now).
mlir::Value tracedPredicate(Interp &in, ArrayRuntime &rt, const Value &v, const char *fn) {
  ArrayState *a = rt.asArray(v);
  if (!rt.activeTrace || !a || !a->isSymbolic())
    return {};
  if (!a->shape.empty())
    in.raise(Exc::TypeError, std::string(fn) + ": the condition is a traced array " +
                                 describeType(a->dtype, a->shape) +
                                 "; only a 0-d (scalar) boolean can decide a branch");
  Value b = a->dtype == DType::Bool ? v : rt.applyOp("astype", {v}, ops::cast(DType::Bool));
  return rt.activeTrace->valueOf(b);
}

/// One function traced into a detached block from a Variable state.
struct Traced {
  std::unique_ptr<mlir::Block> block = std::make_unique<mlir::Block>();
  Value result;
  VarState end;
};

/// Traces `fn` into `t.block` starting from `start`; the Variables are
/// back at `start` afterwards (also when `fn` raises).
void traceInto(TraceContext &tc, const VarState &start, Traced &t,
               const std::function<Value()> &fn) {
  tc.restoreVars(start);
  mlir::OpBuilder::InsertionGuard guard(tc.builder);
  tc.builder.setInsertionPointToEnd(t.block.get());
  try {
    t.result = fn();
  } catch (...) {
    tc.restoreVars(start);
    throw;
  }
  t.end = tc.saveVars();
  tc.restoreVars(start);
}

/// A Variable merged across paths: its value at the end of each.
struct VarSlot {
  InstanceObject *var;
  std::vector<mlir::Value> values;
};

/// The Variables whose values differ between `start` and any of `ends`
/// (plus `forced` ones), with their value on each path.
std::vector<VarSlot> varSlots(TraceContext &tc, const VarState &start,
                              llvm::ArrayRef<const VarState *> ends,
                              llvm::ArrayRef<InstanceObject *> forced = {}) {
  llvm::SetVector<InstanceObject *> frozenOrder;
  for (auto &[var, v] : start.frozen)
    frozenOrder.insert(var);
  for (const VarState *e : ends)
    for (auto &[var, v] : e->frozen)
      frozenOrder.insert(var);
  tc.restoreVars(start);
  auto base = tc.varValues(start, frozenOrder.getArrayRef());
  std::vector<std::vector<std::pair<InstanceObject *, mlir::Value>>> perPath;
  for (const VarState *e : ends) {
    VarState s = *e;
    for (auto &[var, v] : base)
      if (!s.frozen.count(var) && frozenOrder.contains(var))
        s.frozen[var] = v;
    perPath.push_back(tc.varValues(s, frozenOrder.getArrayRef()));
  }
  std::vector<VarSlot> slots;
  for (size_t k = 0; k < base.size(); ++k) {
    bool differs = llvm::is_contained(forced, base[k].first);
    for (auto &values : perPath)
      differs |= values[k].second != base[k].second;
    if (!differs)
      continue;
    VarSlot slot{base[k].first, {}};
    for (auto &values : perPath)
      slot.values.push_back(values[k].second);
    slots.push_back(std::move(slot));
  }
  return slots;
}

/// The value of `var` in `state` (its frozen value when untouched).
mlir::Value varValue(TraceContext &tc, const VarState &state, InstanceObject *var) {
  VarState s = state;
  llvm::SmallVector<InstanceObject *, 1> order;
  if (!llvm::is_contained(tc.dynVariables(), var))
    order.push_back(var);
  for (auto &[v, value] : tc.varValues(s, order))
    if (v == var)
      return value;
  return {};
}

//===----------------------------------------------------------------------===//
// cond / ifelse
//===----------------------------------------------------------------------===//

/// A two-way branch on `pred`: one bp.if when it is traced, else the chosen
/// function called now.
Value branch(Interp &in, ArrayRuntime &rt, const Value &pred, const char *fn,
             const std::function<Value()> &thenFn, const std::function<Value()> &elseFn) {
  mlir::Value c = tracedPredicate(in, rt, pred, fn);
  if (!c)
    return in.truthy(pred) ? thenFn() : elseFn();
  TraceContext &tc = *rt.activeTrace;
  mlir::Location loc = rt.currentLoc();
  VarState start = tc.saveVars();
  Traced paths[2];
  traceInto(tc, start, paths[0], thenFn);
  traceInto(tc, start, paths[1], elseFn);
  Leaves leaves[2] = {leavesOf(paths[0].result), leavesOf(paths[1].result)};
  const char *names[2] = {"the true branch", "the false branch"};
  auto mismatch = [&](const std::string &what) {
    tc.restoreVars(start);
    in.raise(Exc::TypeError, std::string(fn) + ": both branches must return the same "
                                              "structure of arrays of the same types, but " +
                                 what);
  };
  if (leaves[0].kind != leaves[1].kind || leaves[0].items.size() != leaves[1].items.size())
    mismatch(std::string(names[0]) + " returns " +
             (paths[0].result.isNone() ? "None" : in.typeName(paths[0].result)) + " of " +
             std::to_string(leaves[0].items.size()) + " value(s) and " + names[1] +
             " returns " +
             (paths[1].result.isNone() ? "None" : in.typeName(paths[1].result)) + " of " +
             std::to_string(leaves[1].items.size()));
  // Result slots, then Variables.
  std::vector<std::vector<mlir::Value>> yields(2);
  for (size_t k = 0; k < leaves[0].items.size(); ++k) {
    const Value &a = leaves[0].items[k], &b = leaves[1].items[k];
    std::optional<DType> da = leafDType(rt, a), db = leafDType(rt, b);
    DType like = DType::F32;
    if (rt.asArray(a))
      like = *da;
    else if (rt.asArray(b))
      like = *db;
    else if (da && db)
      like = a.isFloat() || b.isFloat() ? DType::F32
             : a.isBool() && b.isBool() ? DType::Bool
                                        : DType::I32;
    mlir::Value va = asTraced(rt, tc, paths[0].block.get(), a, like);
    mlir::Value vb = asTraced(rt, tc, paths[1].block.get(), b, like);
    if (!va || !vb || va.getType() != vb.getType())
      mismatch("output " + std::to_string(k) + " is " + describeValue(in, rt, a) + " in " +
               names[0] + " and " + describeValue(in, rt, b) + " in " + names[1]);
    yields[0].push_back(va);
    yields[1].push_back(vb);
  }
  size_t numResults = yields[0].size();
  const VarState *ends[] = {&paths[0].end, &paths[1].end};
  std::vector<VarSlot> vars = varSlots(tc, start, ends);
  for (const VarSlot &s : vars)
    for (size_t i = 0; i < 2; ++i)
      yields[i].push_back(s.values[i]);
  llvm::SmallVector<mlir::Type> types;
  for (mlir::Value v : yields[0])
    types.push_back(v.getType());
  for (size_t i = 0; i < 2; ++i) {
    mlir::OpBuilder::InsertionGuard guard(tc.builder);
    tc.builder.setInsertionPointToEnd(paths[i].block.get());
    tc.builder.create<bp::YieldOp>(loc, yields[i]);
  }
  auto op = tc.builder.create<bp::IfOp>(loc, types, c);
  op.getThenRegion().push_back(paths[0].block.release());
  op.getElseRegion().push_back(paths[1].block.release());
  tc.restoreVars(start);
  for (size_t i = 0; i < vars.size(); ++i)
    tc.setVarValue(vars[i].var, op.getResult(numResults + i));
  std::vector<Value> out;
  for (size_t k = 0; k < numResults; ++k)
    out.push_back(rt.makeSymbolic(tc, op.getResult(k)));
  return rebuild(leaves[0].kind, std::move(out));
}

/// A branch of ifelse: a function called with the operands, or a value.
Value runBranch(Interp &in, ArrayRuntime &rt, const Value &b, const std::vector<Value> &ops) {
  if (b.isNumber() || b.isNone() || rt.asArray(b))
    return b;
  return in.call(b, ops);
}

Value ifelseFrom(Interp &in, ArrayRuntime &rt, const std::vector<Value> &conds,
                 const std::vector<Value> &branches, const std::vector<Value> &ops, size_t k) {
  if (k == conds.size())
    return runBranch(in, rt, branches.back(), ops);
  return branch(
      in, rt, conds[k], "ifelse", [&, k] { return runBranch(in, rt, branches[k], ops); },
      [&, k] { return ifelseFrom(in, rt, conds, branches, ops, k + 1); });
}

//===----------------------------------------------------------------------===//
// Loops
//===----------------------------------------------------------------------===//

/// A traced loop: carried arrays (`inits`, the caller's) plus the Variables
/// that `body` writes, found by tracing it into scratch blocks.
/// `cond(args)` gives the condition (a traced 0-d bool) from the carried
/// arrays, `body(args)` their next values (same types; it may raise a
/// TypeError naming what differs). Returns the carried arrays at the end;
/// the Variables take their final values.
std::vector<mlir::Value>
traceLoop(Interp &in, ArrayRuntime &rt, llvm::ArrayRef<mlir::Value> inits,
          const std::function<mlir::Value(llvm::ArrayRef<mlir::Value>)> &cond,
          const std::function<std::vector<mlir::Value>(llvm::ArrayRef<mlir::Value>)> &body) {
  TraceContext &tc = *rt.activeTrace;
  mlir::Location loc = rt.currentLoc();
  VarState start = tc.saveVars();
  size_t n = inits.size();
  llvm::SmallVector<mlir::Type> types;
  for (mlir::Value v : inits)
    types.push_back(v.getType());
  // Discover the Variables the body writes: trace it with the carried
  // values (those found so far included) as block arguments until no new
  // Variable joins.
  std::vector<InstanceObject *> carriedVars;
  for (unsigned round = 0; round < 64; ++round) {
    Traced scratch;
    llvm::SmallVector<mlir::Value> args;
    for (mlir::Type t : types)
      args.push_back(scratch.block->addArgument(t, loc));
    tc.restoreVars(start);
    for (InstanceObject *var : carriedVars)
      tc.setVarValue(var, scratch.block->addArgument(varValue(tc, start, var).getType(), loc));
    VarState placeholders = tc.saveVars();
    traceInto(tc, placeholders, scratch, [&] {
      body(args);
      return Value();
    });
    const VarState *ends[] = {&scratch.end};
    bool grew = false;
    for (const VarSlot &s : varSlots(tc, placeholders, ends))
      if (!llvm::is_contained(carriedVars, s.var)) {
        carriedVars.push_back(s.var);
        grew = true;
      }
    scratch.block->dropAllDefinedValueUses();
    scratch.block->dropAllReferences();
    scratch.block.reset();
    tc.restoreVars(start);
    if (!grew)
      break;
  }
  llvm::SmallVector<mlir::Value> allInits(inits.begin(), inits.end());
  for (InstanceObject *var : carriedVars) {
    mlir::Value v = varValue(tc, start, var);
    allInits.push_back(v);
    types.push_back(v.getType());
  }
  auto op = tc.builder.create<bp::WhileOp>(loc, types, allInits);
  llvm::SmallVector<mlir::Location> locs(types.size(), loc);
  mlir::OpBuilder::InsertionGuard guard(tc.builder);
  mlir::Block *before = tc.builder.createBlock(&op.getBefore(), {}, types, locs);
  mlir::Block *after = tc.builder.createBlock(&op.getAfter(), {}, types, locs);
  auto bindArgs = [&](mlir::Block *block) {
    tc.restoreVars(start);
    for (size_t i = 0; i < carriedVars.size(); ++i)
      tc.setVarValue(carriedVars[i], block->getArgument(n + i));
    return llvm::SmallVector<mlir::Value>(block->getArguments().take_front(n));
  };
  try {
    tc.builder.setInsertionPointToEnd(before);
    mlir::Value c = cond(bindArgs(before));
    tc.builder.create<bp::ConditionOp>(loc, c, before->getArguments());
    tc.builder.setInsertionPointToEnd(after);
    std::vector<mlir::Value> next = body(bindArgs(after));
    VarState end = tc.saveVars();
    for (InstanceObject *var : carriedVars)
      next.push_back(varValue(tc, end, var));
    tc.builder.setInsertionPointToEnd(after);
    tc.builder.create<bp::YieldOp>(loc, next);
  } catch (...) {
    tc.restoreVars(start);
    op->erase();
    throw;
  }
  tc.restoreVars(start);
  for (size_t i = 0; i < carriedVars.size(); ++i)
    tc.setVarValue(carriedVars[i], op.getResult(n + i));
  return std::vector<mlir::Value>(op.getResults().begin(), op.getResults().begin() + n);
}

Value whileLoop(Interp &in, ArrayRuntime &rt, const Value &bodyFn, const Value &condFn,
                const Value &operands) {
  std::vector<Value> ops = operandList(operands);
  if (!rt.activeTrace) {
    while (in.truthy(in.call(condFn, ops))) {
      Value r = in.call(bodyFn, ops);
      if (!r.isNone())
        ops = operandList(r);
    }
    return makeTuple(std::move(ops));
  }
  TraceContext &tc = *rt.activeTrace;
  llvm::SmallVector<mlir::Value> inits;
  std::vector<DType> dtypes;
  for (const Value &v : ops) {
    if (!v.isNumber() && !rt.asArray(v))
      in.raise(Exc::TypeError, "while_loop: the operands must be arrays or numbers, got " +
                                   describeValue(in, rt, v));
    dtypes.push_back(*leafDType(rt, v));
    inits.push_back(tc.valueOf(rt.toArray(v)));
  }
  auto wrap = [&](llvm::ArrayRef<mlir::Value> args) {
    std::vector<Value> vs;
    for (mlir::Value a : args)
      vs.push_back(rt.makeSymbolic(tc, a));
    return vs;
  };
  auto results = traceLoop(
      in, rt, inits,
      [&](llvm::ArrayRef<mlir::Value> args) {
        Value r = in.call(condFn, wrap(args));
        mlir::Value c = tracedPredicate(in, rt, r, "while_loop");
        if (!c) {
          if (!rt.asArray(r) && !r.isNumber())
            in.raise(Exc::TypeError, "while_loop: cond_fun must return a boolean, got " +
                                         describeValue(in, rt, r));
          c = tc.valueOf(rt.applyOp("astype", {rt.toArray(r)}, ops::cast(DType::Bool)));
        }
        return c;
      },
      [&](llvm::ArrayRef<mlir::Value> args) {
        Value r = in.call(bodyFn, wrap(args));
        std::vector<Value> next = r.isNone() ? wrap(args) : operandList(r);
        if (next.size() != args.size())
          in.raise(Exc::TypeError, "while_loop: body_fun must return " +
                                       std::to_string(args.size()) +
                                       " operand(s), as many as it takes, but returned " +
                                       std::to_string(next.size()));
        std::vector<mlir::Value> out;
        for (size_t i = 0; i < next.size(); ++i) {
          mlir::Value v = asTraced(rt, tc, tc.builder.getInsertionBlock(), next[i], dtypes[i]);
          if (!v || v.getType() != args[i].getType())
            in.raise(Exc::TypeError, "while_loop: operand " + std::to_string(i) + " is " +
                                         describeType(args[i].getType()) +
                                         " before the loop but body_fun returns " +
                                         describeValue(in, rt, next[i]) +
                                         "; each must keep its type");
          out.push_back(v);
        }
        return out;
      });
  std::vector<Value> out;
  for (mlir::Value v : results)
    out.push_back(rt.makeSymbolic(tc, v));
  return makeTuple(std::move(out));
}

Value forLoop(Interp &in, ArrayRuntime &rt, const Value &bodyFn, const Value &operands,
              bool reverse, bool progressBar) {
  std::vector<Value> xs = operandList(operands);
  int64_t n = -1;
  for (Value &x : xs) {
    x = rt.toArray(x);
    ArrayState *a = rt.asArray(x);
    if (a->shape.empty())
      in.raise(Exc::ValueError, "for_loop: the operands must have a leading axis to iterate "
                                "over, got " + describeType(a->dtype, a->shape));
    if (a->shape[0] == mlir::ShapedType::kDynamic)
      in.raise(Exc::NotImplementedError,
               "for_loop over an operand whose leading axis has no static size");
    if (n >= 0 && a->shape[0] != n)
      in.raise(Exc::ValueError, "for_loop: the operands' leading axes differ (" +
                                    std::to_string(n) + " and " + std::to_string(a->shape[0]) +
                                    ")");
    n = a->shape[0];
  }
  if (xs.empty())
    in.raise(Exc::ValueError, "for_loop: no operands to iterate over");
  if (n == 0)
    in.raise(Exc::ValueError, "for_loop over an empty leading axis");
  if (!rt.activeTrace) {
    std::vector<std::vector<Value>> rows;
    Leaves::Kind kind = Leaves::None;
    for (int64_t s = 0; s < n; ++s) {
      int64_t i = reverse ? n - 1 - s : s;
      std::vector<Value> row;
      for (const Value &x : xs)
        row.push_back(in.getItem(x, Value::integer(i)));
      Leaves l = leavesOf(in.call(bodyFn, row));
      kind = l.kind;
      if (!rows.empty() && rows.front().size() != l.items.size())
        in.raise(Exc::TypeError, "for_loop: body_fun returns a different number of outputs "
                                 "on different iterations");
      rows.push_back(std::move(l.items));
      if (progressBar)
        bpc_progress_update(s + 1, n);
    }
    if (reverse)
      std::reverse(rows.begin(), rows.end());
    std::vector<Value> out;
    for (size_t k = 0; k < rows.front().size(); ++k) {
      std::vector<Value> column;
      for (auto &r : rows)
        column.push_back(rt.toArray(r[k]));
      out.push_back(rt.applyOp("stack", column, ops::stack(0)));
    }
    return rebuild(kind, std::move(out));
  }
  TraceContext &tc = *rt.activeTrace;
  mlir::MLIRContext *ctx = &rt.context;
  mlir::Location loc = rt.currentLoc();
  // The row `idx` of every operand.
  auto rowsAt = [&](mlir::Value idx) {
    std::vector<Value> row;
    for (const Value &x : xs) {
      ArrayState *a = rt.asArray(x);
      llvm::SmallVector<int64_t> rest(a->shape.begin() + 1, a->shape.end());
      mlir::Value r = tc.builder.create<bp::IndexOp>(
          loc, tensorType(ctx, a->dtype, rest), tc.valueOf(x), mlir::ValueRange{idx},
          llvm::ArrayRef<int64_t>{0});
      row.push_back(rt.makeSymbolic(tc, r));
    }
    return row;
  };
  // The outputs' types: the body traced once into a scratch block.
  Leaves::Kind kind;
  std::vector<DType> outTypes;
  std::vector<llvm::SmallVector<int64_t, 4>> outShapes;
  {
    VarState start = tc.saveVars();
    Traced scratch;
    mlir::Value idx = scratch.block->addArgument(tensorType(ctx, DType::I32, {}), loc);
    traceInto(tc, start, scratch, [&] { return in.call(bodyFn, rowsAt(idx)); });
    Leaves l = leavesOf(scratch.result);
    kind = l.kind;
    for (const Value &v : l.items) {
      std::optional<DType> t = leafDType(rt, v);
      if (!t)
        in.raise(Exc::TypeError, "for_loop: body_fun must return arrays or numbers (or a "
                                 "tuple of them), got " + describeValue(in, rt, v));
      outTypes.push_back(*t);
      ArrayState *a = rt.asArray(v);
      outShapes.push_back(a ? a->shape : llvm::SmallVector<int64_t, 4>{});
    }
    scratch.block->dropAllDefinedValueUses();
    scratch.block->dropAllReferences();
  }
  llvm::SmallVector<mlir::Value> inits;
  inits.push_back(tc.valueOf(rt.toArray(Value::integer(0))));
  for (size_t k = 0; k < outTypes.size(); ++k) {
    llvm::SmallVector<int64_t> shape{n};
    shape.append(outShapes[k].begin(), outShapes[k].end());
    for (int64_t d : shape)
      if (d == mlir::ShapedType::kDynamic)
        in.raise(Exc::NotImplementedError,
                 "for_loop: an output of body_fun has a dimension of no static size");
    inits.push_back(
        tc.valueOf(rt.applyOp("zeros", {}, ops::fill(0, outTypes[k], std::vector<int64_t>(shape.begin(), shape.end())))));
  }
  auto results = traceLoop(
      in, rt, inits,
      [&](llvm::ArrayRef<mlir::Value> args) {
        Value c = rt.applyOp("lt", {rt.makeSymbolic(tc, args[0]), Value::integer(n)},
                             ops::compare(ast::CmpOpKind::Lt));
        return tc.valueOf(c);
      },
      [&](llvm::ArrayRef<mlir::Value> args) {
        Value i = rt.makeSymbolic(tc, args[0]);
        Value idx = reverse ? rt.applyOp("sub", {Value::integer(n - 1), i},
                                         ops::binary(ast::BinOpKind::Sub))
                            : i;
        mlir::Value idxv = tc.valueOf(idx);
        Leaves l = leavesOf(in.call(bodyFn, rowsAt(idxv)));
        if (l.kind != kind || l.items.size() != outTypes.size())
          in.raise(Exc::TypeError, "for_loop: body_fun returns a different structure when "
                                   "traced again");
        std::vector<mlir::Value> next;
        next.push_back(tc.valueOf(
            rt.applyOp("add", {i, Value::integer(1)}, ops::binary(ast::BinOpKind::Add))));
        if (progressBar)
          tc.builder.create<bp::ProgressOp>(loc, next.front(), n);
        for (size_t k = 0; k < l.items.size(); ++k) {
          mlir::Value v = asTraced(rt, tc, tc.builder.getInsertionBlock(), l.items[k],
                                   outTypes[k]);
          auto bufType = llvm::cast<mlir::RankedTensorType>(args[k + 1].getType());
          if (!v || llvm::cast<mlir::RankedTensorType>(v.getType()).getShape() !=
                        bufType.getShape().drop_front())
            in.raise(Exc::TypeError, "for_loop: output " + std::to_string(k) +
                                         " of body_fun changes type between iterations");
          next.push_back(tc.builder.create<bp::UpdateIndexOp>(
              loc, bufType, v, args[k + 1], mlir::ValueRange{idxv},
              llvm::ArrayRef<int64_t>{0}));
        }
        return next;
      });
  std::vector<Value> out;
  for (size_t k = 1; k < results.size(); ++k)
    out.push_back(rt.makeSymbolic(tc, results[k]));
  return rebuild(kind, std::move(out));
}

} // namespace

void bpc::tracer::installControlFlowFunctions(ArrayRuntime &rt, AttrDict &bm) {
  Interp &in = rt.in;
  // cond(pred, true_fun, false_fun, operands=())
  in.defineBuiltin(bm, "cond", [&rt](Interp &in, CallArgs &args) {
    Value pred = argument(in, args, "cond", 0, "pred");
    Value t = argument(in, args, "cond", 1, "true_fun");
    Value f = argument(in, args, "cond", 2, "false_fun");
    Value operands = argument(in, args, "cond", 3, "operands", makeTuple());
    takeKeyword(args, "dyn_vars");
    takeKeyword(args, "child_objs");
    rejectKeywords(in, "cond", args);
    std::vector<Value> ops = operandList(operands);
    return branch(
        in, rt, pred, "cond", [&] { return runBranch(in, rt, t, ops); },
        [&] { return runBranch(in, rt, f, ops); });
  });
  // ifelse(conditions, branches, operands=None)
  in.defineBuiltin(bm, "ifelse", [&rt](Interp &in, CallArgs &args) {
    Value conditions = argument(in, args, "ifelse", 0, "conditions");
    Value branches = argument(in, args, "ifelse", 1, "branches");
    Value operands = argument(in, args, "ifelse", 2, "operands", Value());
    takeKeyword(args, "show_code");
    takeKeyword(args, "dyn_vars");
    takeKeyword(args, "child_objs");
    rejectKeywords(in, "ifelse", args);
    std::vector<Value> conds = operandList(conditions);
    if (!branches.is<TupleObject>() && !branches.is<ListObject>())
      in.raise(Exc::ValueError, "ifelse: \"branches\" must be a tuple/list, got " +
                                    in.typeName(branches));
    std::vector<Value> bs = operandList(branches);
    if (bs.size() != conds.size() + 1)
      in.raise(Exc::ValueError,
               "ifelse: the numbers of branches and conditions do not match: got "
               "len(conditions)=" + std::to_string(conds.size()) + " and len(branches)=" +
                   std::to_string(bs.size()) + "; expected len(conditions) + 1 == len(branches)");
    std::vector<Value> ops = operands.isNone() ? std::vector<Value>() : operandList(operands);
    return ifelseFrom(in, rt, conds, bs, ops, 0);
  });
  // while_loop(body_fun, cond_fun, operands)
  in.defineBuiltin(bm, "while_loop", [&rt](Interp &in, CallArgs &args) {
    Value body = argument(in, args, "while_loop", 0, "body_fun");
    Value cond = argument(in, args, "while_loop", 1, "cond_fun");
    Value operands = argument(in, args, "while_loop", 2, "operands");
    takeKeyword(args, "dyn_vars");
    takeKeyword(args, "child_objs");
    rejectKeywords(in, "while_loop", args);
    return whileLoop(in, rt, body, cond, operands);
  });
  // for_loop(body_fun, operands, reverse=False, unroll=1, remat=False,
  //          jit=None, progress_bar=False, unroll_kwargs=None)
  in.defineBuiltin(bm, "for_loop", [&rt](Interp &in, CallArgs &args) {
    Value body = argument(in, args, "for_loop", 0, "body_fun");
    Value operands = argument(in, args, "for_loop", 1, "operands");
    bool reverse = in.truthy(argument(in, args, "for_loop", 2, "reverse", Value::boolean(false)));
    // Accepted and ignored: the loop is never unrolled or rematerialised.
    argument(in, args, "for_loop", 3, "unroll", Value::integer(1));
    argument(in, args, "for_loop", 4, "remat", Value::boolean(false));
    argument(in, args, "for_loop", 5, "jit", Value());
    bool progressBar =
        in.truthy(argument(in, args, "for_loop", 6, "progress_bar", Value::boolean(false)));
    Value kwargs = argument(in, args, "for_loop", 7, "unroll_kwargs", Value());
    takeKeyword(args, "dyn_vars");
    takeKeyword(args, "child_objs");
    rejectKeywords(in, "for_loop", args);
    if (!kwargs.isNone() && in.truthy(kwargs))
      in.raise(Exc::NotImplementedError, "for_loop: unroll_kwargs is not supported yet");
    return forLoop(in, rt, body, operands, reverse, progressBar);
  });
}
