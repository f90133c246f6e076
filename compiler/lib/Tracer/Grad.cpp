//===- Grad.cpp - bm.grad, bm.vector_grad, bm.value_and_grad --------------===//
//
// A gradient call traces the target into a bp.func of its own (array
// arguments traced, Variables it touches captured as Variable arguments),
// differentiates it with bp::buildGradientFunc (reverse mode on bp IR,
// DESIGN.md §4), then either inlines the gradient function into the trace
// it is called from (inside bm.jit) or runs it eagerly, exactly like a
// jitted call. Results are shaped as BrainPy shapes them (DESIGN.md §3):
// grads of `grad_vars` keep their collection's shape; with `argnums` too the
// result is (var_grads, arg_grads); `return_value` adds the loss, `has_aux`
// the auxiliary data: (grads, value), (grads, aux), (grads, value, aux).
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/ArrayOps.h"
#include "bpc/Tracer/EagerExecutor.h"
#include "bpc/Tracer/Jit.h"
#include "bpc/Tracer/TraceContext.h"

#include "bpc/Dialect/BP/Transforms/Autodiff.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/IRMapping.h"

using namespace bpc;
using namespace bpc::tracer;

namespace {

enum class GradKind { Grad, VectorGrad, ValueAndGrad };

/// How the Variables to differentiate were given, so their grads come back
/// in the same shape.
struct VarTree {
  enum Kind { None, Single, List, Tuple, Dict } kind = None;
  std::vector<std::string> keys; // Dict
};

struct GradConfig {
  GradKind kind;
  Value function;
  std::vector<Value> gradVars;
  VarTree tree;
  std::optional<std::vector<int64_t>> argnums;
  bool argnumsScalar = false;
  bool hasAux = false;
  bool returnValue = false;
};

bool given(const std::optional<Value> &v) { return v && !v->isNone(); }

/// grad_vars / dyn_vars: a Variable, a list/tuple of them, or a dict or
/// vars() collection (keys kept).
VarTree parseVars(ArrayRuntime &rt, const Value &v, std::vector<Value> &out,
                  bool trainOnly = false) {
  Interp &in = rt.in;
  VarTree tree;
  auto add = [&](const Value &x, const std::string *key) {
    if (!rt.isVariable(x))
      in.raise(Exc::TypeError, "grad_vars must be Variables (or a list, tuple or dict of them), "
                               "not " + in.typeName(x));
    if (trainOnly && !in.isInstance(x, rt.trainVarClass.get()))
      return;
    out.push_back(x);
    if (key)
      tree.keys.push_back(*key);
  };
  if (rt.isVariable(v)) {
    tree.kind = VarTree::Single;
    add(v, nullptr);
    return tree;
  }
  if (v.is<ListObject>() || v.is<TupleObject>()) {
    tree.kind = v.is<ListObject>() ? VarTree::List : VarTree::Tuple;
    in.forEach(v, [&](const Value &x) {
      add(x, nullptr);
      return true;
    });
    return tree;
  }
  // A dict or an ArrayCollector: anything with items().
  if (std::optional<Value> items = in.getAttrOpt(v, "items")) {
    tree.kind = VarTree::Dict;
    in.forEach(in.call(*items, std::vector<Value>{}), [&](const Value &kv) {
      std::vector<Value> pair = in.toVector(kv);
      std::string key = in.str(pair.at(0));
      add(pair.at(1), &key);
      return true;
    });
    return tree;
  }
  in.raise(Exc::TypeError, "grad_vars must be a Variable, a list, tuple or dict of Variables, or "
                           "a vars() collection, not " + in.typeName(v));
}

/// The object behind a bound method or a bp.Base instance, for defaults.
std::optional<Value> ownerObject(ArrayRuntime &rt, const Value &f) {
  if (auto *m = f.dyn<BoundMethodObject>())
    if (rt.in.isInstance(m->self, rt.baseClass.get()))
      return m->self;
  if (f.is<InstanceObject>() && rt.in.isInstance(f, rt.baseClass.get()))
    return f;
  return std::nullopt;
}

/// Builds the configuration from bm.grad's arguments.
GradConfig configure(ArrayRuntime &rt, GradKind kind, CallArgs &args) {
  Interp &in = rt.in;
  const char *name = kind == GradKind::Grad         ? "grad"
                     : kind == GradKind::VectorGrad ? "vector_grad"
                                                    : "value_and_grad";
  auto p = bindArgs(in, name, args,
                    {"func", "grad_vars", "dyn_vars", "argnums", "holomorphic", "allow_int",
                     "reduce_axes", "has_aux", "return_value", "auto_infer"});
  GradConfig c;
  c.kind = kind;
  if (!p[0])
    in.raise(Exc::TypeError, std::string(name) + "() missing required argument 'func'");
  c.function = *p[0];
  if (given(p[4]) && in.truthy(*p[4]))
    in.raise(Exc::NotImplementedError, "holomorphic gradients (complex numbers) are not supported");
  c.hasAux = given(p[7]) && in.truthy(*p[7]);
  c.returnValue = given(p[8]) && in.truthy(*p[8]);
  if (given(p[3])) {
    c.argnums.emplace();
    if (p[3]->isIntLike()) {
      c.argnumsScalar = true;
      c.argnums->push_back(p[3]->getInt());
    } else {
      in.forEach(*p[3], [&](const Value &a) {
        c.argnums->push_back(in.intArg(a));
        return true;
      });
    }
  }
  if (given(p[1])) {
    c.tree = parseVars(rt, *p[1], c.gradVars);
  } else if (!c.argnums) {
    // DESIGN.md §3: without grad_vars, the TrainVars among dyn_vars, or of
    // the object's vars(); a plain function differentiates argument 0.
    std::optional<Value> owner = ownerObject(rt, c.function);
    if (given(p[2]))
      c.tree = parseVars(rt, *p[2], c.gradVars, /*trainOnly=*/true);
    else if (owner)
      c.tree = parseVars(rt, in.call(in.getAttr(*owner, "vars"), std::vector<Value>{}),
                         c.gradVars, /*trainOnly=*/true);
    if (c.gradVars.empty()) {
      c.tree = VarTree();
      c.argnums = std::vector<int64_t>{0};
      c.argnumsScalar = true;
    }
  }
  return c;
}

/// Leaves of an aux/output value (an array, a number, or nested
/// tuples/lists/dicts of them) and a function rebuilding it.
void flatten(ArrayRuntime &rt, const Value &v, std::vector<Value> &leaves) {
  Interp &in = rt.in;
  if (rt.asArray(v) || v.isNumber()) {
    leaves.push_back(rt.toArray(v));
  } else if (v.is<TupleObject>() || v.is<ListObject>()) {
    in.forEach(v, [&](const Value &x) {
      flatten(rt, x, leaves);
      return true;
    });
  } else if (auto *d = v.dyn<DictObject>()) {
    for (const HashTable::Entry &e : d->table.rawEntries())
      if (e.live)
        flatten(rt, e.value, leaves);
  } else if (!v.isNone()) {
    in.raise(Exc::TypeError, "auxiliary data of a gradient function must be arrays, numbers or "
                             "tuples, lists and dicts of them, not " + in.typeName(v));
  }
}

Value unflatten(ArrayRuntime &rt, const Value &like, llvm::ArrayRef<Value> leaves, size_t &next) {
  Interp &in = rt.in;
  if (rt.asArray(like) || like.isNumber())
    return leaves[next++];
  if (like.is<TupleObject>() || like.is<ListObject>()) {
    std::vector<Value> items;
    in.forEach(like, [&](const Value &x) {
      items.push_back(unflatten(rt, x, leaves, next));
      return true;
    });
    return like.is<TupleObject>() ? makeTuple(std::move(items)) : makeList(std::move(items));
  }
  if (auto *d = like.dyn<DictObject>()) {
    Value out = in.call(Value(in.types.dict), std::vector<Value>{});
    for (const HashTable::Entry &e : d->table.rawEntries())
      if (e.live)
        in.setItem(out, e.key, unflatten(rt, e.value, leaves, next));
    return out;
  }
  return Value();
}

Value callGrad(ArrayRuntime &rt, const GradConfig &c, CallArgs &args) {
  Interp &in = rt.in;
  TraceContext *outer = rt.activeTrace;
  // Arguments: arrays (and the numbers argnums names) are traced.
  std::vector<bool> traced(args.positional.size(), false);
  llvm::SmallVector<mlir::Type> argTypes;
  llvm::SmallVector<llvm::SmallVector<std::string, 4>> argDims;
  std::vector<Value> tracedArgs;
  std::vector<unsigned> argIndex(args.positional.size(), 0);
  if (c.argnums)
    for (int64_t a : *c.argnums) {
      if (a < 0 || a >= static_cast<int64_t>(args.positional.size()))
        in.raise(Exc::ValueError, "argnums " + llvm::Twine(a) + " is out of range for " +
                                      llvm::Twine(args.positional.size()) + " positional arguments");
      if (!rt.asArray(args.positional[a]))
        args.positional[a] = rt.toArray(args.positional[a]);
    }
  for (size_t i = 0; i < args.positional.size(); ++i) {
    ArrayState *a = rt.asArray(args.positional[i]);
    if (!a)
      continue;
    traced[i] = true;
    argIndex[i] = tracedArgs.size();
    tracedArgs.push_back(args.positional[i]);
    argTypes.push_back(tensorType(&rt.context, a->dtype, a->shape));
    argDims.emplace_back(a->shape.size(), "");
  }
  mlir::OwningOpRef<mlir::ModuleOp> ownModule;
  mlir::ModuleOp module;
  if (outer) {
    module = outer->module;
  } else {
    ownModule = mlir::ModuleOp::create(rt.currentLoc());
    module = *ownModule;
  }
  // Eagerly the module is compiled and cached by its text: a stable name
  // lets the next call with the same shapes reuse it.
  std::string name = outer ? "grad_" + std::to_string(rt.traceCount + 1) : "grad";

  // Trace the target.
  auto tc = std::make_unique<TraceContext>(rt, module, name, argTypes, argDims, c.gradVars,
                                           rt.currentLoc());
  tc->captureVariables = true;
  tc->unrollLoops = true;
  Value output, aux;
  {
    ActiveTrace active(rt, tc.get());
    CallArgs call;
    for (size_t i = 0; i < args.positional.size(); ++i)
      call.positional.push_back(traced[i] ? rt.makeSymbolic(*tc, tc->argument(argIndex[i]))
                                          : args.positional[i]);
    call.keywords = args.keywords;
    Value result = in.call(c.function, call);
    if (c.hasAux) {
      auto *t = result.dyn<TupleObject>();
      if (!t || t->items.size() != 2)
        in.raise(Exc::TypeError, "with has_aux=True the function must return a pair (loss, "
                                 "aux), not " + in.typeName(result));
      output = t->items[0];
      aux = t->items[1];
    } else {
      output = result;
    }
    if (!rt.asArray(output) && !output.isNumber())
      in.raise(Exc::TypeError, "the differentiated function must return an array, not " +
                                   in.typeName(output));
    output = rt.toArray(output);
    ArrayState &o = *rt.asArray(output);
    if (c.kind != GradKind::VectorGrad && (!o.shape.empty() || !isFloat(o.dtype)))
      in.raise(Exc::TypeError, "grad requires a function returning a 0-d float (a scalar loss), "
                               "got " + describeType(o.dtype, o.shape) +
                                   "; use bm.vector_grad for array outputs");
    Value loss = output;
    if (c.kind == GradKind::VectorGrad) {
      if (!isFloat(o.dtype))
        in.raise(Exc::TypeError, "vector_grad requires a float output, got " +
                                     describeType(o.dtype, o.shape));
      // The VJP with a cotangent of ones: the gradient of sum(output).
      loss = rt.applyOp("sum", {output}, ops::reduce(ops::Reduction::Sum, {}, true, false));
    }
    std::vector<Value> leaves;
    flatten(rt, aux, leaves);
    llvm::SmallVector<mlir::Value> results = {tc->valueOf(loss), tc->valueOf(output)};
    for (const Value &l : leaves)
      results.push_back(tc->valueOf(l));
    tc->finish(results);
  }
  std::vector<InstanceObject *> vars = tc->dynVariables();
  unsigned numArgs = argTypes.size();
  llvm::SmallVector<unsigned> wrt;
  for (size_t i = 0; i < c.gradVars.size(); ++i)
    wrt.push_back(numArgs + i); // grad vars are the first Variables
  if (c.argnums)
    for (int64_t a : *c.argnums)
      wrt.push_back(argIndex[a]);

  std::string why;
  mlir::FailureOr<bp::FuncOp> gradFunc;
  {
    // The rule's message, where in the script the op came from, and its
    // hints (the user cannot see the IR the locations point into).
    mlir::ScopedDiagnosticHandler handler(&rt.context, [&](mlir::Diagnostic &d) {
      why += (why.empty() ? "" : "; ") + d.str();
      mlir::FileLineColLoc at;
      d.getLocation()->walk([&](mlir::Location l) {
        if (!at)
          at = mlir::dyn_cast<mlir::FileLineColLoc>(l);
        return at ? mlir::WalkResult::interrupt() : mlir::WalkResult::advance();
      });
      if (at)
        why += " (at " + at.getFilename().str() + ":" + std::to_string(at.getLine()) + ":" +
               std::to_string(at.getColumn()) + ")";
      for (const mlir::Diagnostic &note : d.getNotes())
        if (!llvm::StringRef(note.str()).starts_with("see current operation"))
          why += "; " + note.str();
      return mlir::success();
    });
    gradFunc = bp::buildGradientFunc(tc->func, wrt, 0, name + "_grad");
  }
  tc->func.erase();
  tc->finished = true; // erased above; the destructor must not erase again
  if (mlir::failed(gradFunc))
    in.raise(Exc::TypeError, "cannot differentiate this function: " + why);
  bp::FuncOp g = *gradFunc;

  // Run it: inlined into the calling trace, or eagerly.
  std::vector<Value> values; // g's results: loss, output, aux..., grads...
  if (outer) {
    mlir::IRMapping map;
    mlir::Block &body = g.getBody().front();
    for (unsigned i = 0; i < numArgs; ++i)
      map.map(body.getArgument(i), outer->valueOf(tracedArgs[i]));
    for (size_t j = 0; j < vars.size(); ++j)
      map.map(body.getArgument(numArgs + j), outer->valueOf(Value(vars[j])));
    for (mlir::Operation &op : body.without_terminator())
      outer->builder.clone(op, map);
    auto ret = llvm::cast<bp::ReturnOp>(body.getTerminator());
    for (mlir::Value r : ret.getResults())
      values.push_back(rt.makeSymbolic(*outer, map.lookupOrDefault(r)));
    for (size_t j = 0; j < vars.size(); ++j) {
      mlir::Value before = map.lookup(body.getArgument(numArgs + j));
      mlir::Value after = map.lookupOrDefault(ret.getVars()[j]);
      if (after != before)
        outer->writeVariable(Value(vars[j]), after);
    }
    g.erase();
  } else {
    llvm::SmallVector<ArrayState *> inputs;
    for (const Value &a : tracedArgs)
      inputs.push_back(rt.asArray(a));
    for (InstanceObject *v : vars)
      inputs.push_back(rt.asArray(Value(v)));
    values = rt.eager->run(module, g.getName(), inputs, vars.size());
  }

  // Shape the result.
  size_t next = 2;
  Value auxValue;
  if (c.hasAux)
    auxValue = unflatten(rt, aux, values, next);
  std::vector<Value> grads(values.begin() + next, values.end());
  Value varGrads;
  size_t g0 = 0;
  switch (c.tree.kind) {
  case VarTree::None:
    break;
  case VarTree::Single:
    varGrads = grads[g0++];
    break;
  case VarTree::List:
  case VarTree::Tuple: {
    std::vector<Value> items(grads.begin(), grads.begin() + c.gradVars.size());
    g0 = c.gradVars.size();
    varGrads = c.tree.kind == VarTree::List ? makeList(std::move(items)) : makeTuple(std::move(items));
    break;
  }
  case VarTree::Dict: {
    varGrads = in.call(Value(in.types.dict), std::vector<Value>{});
    for (size_t k = 0; k < c.gradVars.size(); ++k)
      in.setItem(varGrads, makeStr(c.tree.keys[k]), grads[g0++]);
    break;
  }
  }
  Value argGrads;
  if (c.argnums) {
    std::vector<Value> items(grads.begin() + g0, grads.end());
    argGrads = c.argnumsScalar ? items.front() : makeTuple(std::move(items));
  }
  Value result = c.tree.kind == VarTree::None ? argGrads
                 : c.argnums                   ? makeTuple({varGrads, argGrads})
                                               : varGrads;
  Value value = values[1]; // the function's output (the loss for grad)
  if (c.kind == GradKind::ValueAndGrad) // JAX's order: (value, grads)
    return makeTuple({c.hasAux ? makeTuple({value, auxValue}) : value, result});
  if (c.returnValue)
    return c.hasAux ? makeTuple({result, value, auxValue}) : makeTuple({result, value});
  return c.hasAux ? makeTuple({result, auxValue}) : result;
}

} // namespace

void bpc::tracer::installGradFunctions(ArrayRuntime &rt, AttrDict &bm) {
  Interp &in = rt.in;
  struct Entry {
    const char *name;
    GradKind kind;
  };
  for (Entry e : {Entry{"grad", GradKind::Grad}, {"vector_grad", GradKind::VectorGrad},
                  {"value_and_grad", GradKind::ValueAndGrad}}) {
    in.defineBuiltin(bm, e.name, [&rt, e](Interp &, CallArgs &args) {
      auto config = std::make_shared<GradConfig>(configure(rt, e.kind, args));
      std::string name = std::string(e.name) + "(" + rt.in.callableName(config->function) + ")";
      auto *transform = new BuiltinObject(name, [&rt, config](Interp &, CallArgs &call) {
        return callGrad(rt, *config, call);
      });
      transform->wrapped = config->function;
      return Value(transform);
    });
  }
}
