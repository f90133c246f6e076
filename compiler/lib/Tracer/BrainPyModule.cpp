//===- BrainPyModule.cpp - brainpy and brainpy.math -----------------------===//
//
// The library surface the seed uses: bp.Base with vars(), bm.Variable and
// bm.TrainVar, bm.jit, array creation and math functions. Attributes not
// defined here still raise NotImplementedError (the modules stay stubs for
// everything else).
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/ArrayOps.h"
#include "bpc/Tracer/Jit.h"
#include "bpc/Tracer/StructuredControlFlow.h"

#include "llvm/ADT/SmallPtrSet.h"

#include <cstring>

using namespace bpc;
using namespace bpc::tracer;

namespace {

//===----------------------------------------------------------------------===//
// vars() collections
//===----------------------------------------------------------------------===//

/// An insertion-ordered name -> Variable mapping (BrainPy's ArrayCollector).
struct CollectorState : NativeState {
  std::vector<std::pair<std::string, Value>> items;
};

CollectorState &collector(const Value &v) {
  return *static_cast<CollectorState *>(v.dyn<InstanceObject>()->native.get());
}

Value makeCollector(ArrayRuntime &rt, std::vector<std::pair<std::string, Value>> items) {
  auto *inst = new InstanceObject(rt.collectorClass);
  auto state = std::make_unique<CollectorState>();
  state->items = std::move(items);
  inst->native = std::move(state);
  return Value(inst);
}

/// BrainPy's unique name of a bp.Base object: its `name`, set by
/// Base.__init__ to `ClassName<k>` (k counts objects of that class name).
std::string objectName(ArrayRuntime &rt, const Value &obj) {
  auto *inst = obj.dyn<InstanceObject>();
  if (Value *n = inst->attrs.lookup("name"))
    if (auto *s = n->dyn<StrObject>())
      return s->value;
  std::string name = inst->cls->name + std::to_string(rt.nameCounters[inst->cls->name]++);
  inst->attrs.set("name", makeStr(name));
  return name;
}

/// vars(): Variables of `obj` and of the objects reachable from its
/// attributes, in insertion order, each node visited once.
void gatherVars(ArrayRuntime &rt, const Value &obj, std::vector<std::pair<std::string, Value>> &out,
                llvm::SmallPtrSetImpl<const Object *> &seen) {
  if (!seen.insert(obj.getObject()).second)
    return;
  std::string prefix = objectName(rt, obj);
  std::function<void(const std::string &, const Value &)> visit = [&](const std::string &key,
                                                                      const Value &v) {
    if (rt.isVariable(v)) {
      out.emplace_back(prefix + "." + key, v);
    } else if (v.is<InstanceObject>() && rt.in.isInstance(v, rt.baseClass.get())) {
      gatherVars(rt, v, out, seen);
    } else if (auto *l = v.dyn<ListObject>()) {
      for (size_t i = 0; i < l->items.size(); ++i)
        visit(key + "." + std::to_string(i), l->items[i]);
    } else if (auto *t = v.dyn<TupleObject>()) {
      for (size_t i = 0; i < t->items.size(); ++i)
        visit(key + "." + std::to_string(i), t->items[i]);
    } else if (auto *d = v.dyn<DictObject>()) {
      for (const HashTable::Entry &e : d->table.rawEntries())
        if (e.live)
          visit(key + "." + rt.in.str(e.key), e.value);
    }
  };
  // Copy: visiting may set `name` on children, which does not touch `obj`.
  auto attrs = obj.dyn<InstanceObject>()->attrs.items();
  for (auto &[key, value] : attrs)
    visit(key, value);
}

void installBase(ArrayRuntime &rt) {
  Interp &in = rt.in;
  rt.baseClass = makeLibraryClass(in, "Base", in.types.object.get(), "brainpy");
  in.defineBuiltin(rt.baseClass->dict, "__init__", [&rt](Interp &in, CallArgs &args) {
    std::optional<Value> name = takeKeyword(args, "name");
    rejectKeywords(in, "__init__", args);
    auto *inst = args.positional[0].dyn<InstanceObject>();
    if (name && !name->isNone())
      inst->attrs.set("name", *name);
    else
      objectName(rt, args.positional[0]);
    return Value();
  }, true);
  in.defineBuiltin(rt.baseClass->dict, "vars", [&rt](Interp &, CallArgs &args) {
    std::vector<std::pair<std::string, Value>> items;
    llvm::SmallPtrSet<const Object *, 16> seen;
    gatherVars(rt, args.positional[0], items, seen);
    return makeCollector(rt, std::move(items));
  }, true);

  rt.collectorClass =
      makeLibraryClass(in, "ArrayCollector", in.types.object.get(), "brainpy.math");
  AttrDict &c = rt.collectorClass->dict;
  auto listOf = [](const CollectorState &s, int which) {
    std::vector<Value> out;
    for (auto &[k, v] : s.items)
      out.push_back(which == 0 ? makeStr(k) : which == 1 ? v : makeTuple({makeStr(k), v}));
    return makeList(std::move(out));
  };
  in.defineBuiltin(c, "keys", [listOf](Interp &, CallArgs &a) { return listOf(collector(a.positional[0]), 0); }, true);
  in.defineBuiltin(c, "values", [listOf](Interp &, CallArgs &a) { return listOf(collector(a.positional[0]), 1); }, true);
  in.defineBuiltin(c, "items", [listOf](Interp &, CallArgs &a) { return listOf(collector(a.positional[0]), 2); }, true);
  in.defineBuiltin(c, "__iter__", [listOf](Interp &in, CallArgs &a) {
    return in.getIter(listOf(collector(a.positional[0]), 0));
  }, true);
  in.defineBuiltin(c, "__len__", [](Interp &, CallArgs &a) {
    return Value::integer(collector(a.positional[0]).items.size());
  }, true);
  in.defineBuiltin(c, "__getitem__", [](Interp &in, CallArgs &a) {
    std::string key = expectStr(in, a.positional[1], "key");
    for (auto &[k, v] : collector(a.positional[0]).items)
      if (k == key)
        return v;
    in.raiseArgs(Exc::KeyError, {a.positional[1]});
  }, true);
  // `+` merges two collections; a key of the right side replaces the left's.
  in.defineBuiltin(c, "__add__", [&rt](Interp &in, CallArgs &a) {
    auto *other = a.positional[1].dyn<InstanceObject>();
    if (!other || !other->cls->isSubclassOf(rt.collectorClass.get()))
      return in.notImplemented;
    auto items = collector(a.positional[0]).items;
    for (auto &[k, v] : collector(a.positional[1]).items) {
      auto it = llvm::find_if(items, [&](auto &e) { return e.first == k; });
      if (it != items.end())
        it->second = v;
      else
        items.emplace_back(k, v);
    }
    return makeCollector(rt, std::move(items));
  }, true);
  // unique(): a Variable reached under two names is kept under the first.
  in.defineBuiltin(c, "unique", [&rt](Interp &, CallArgs &a) {
    std::vector<std::pair<std::string, Value>> items;
    llvm::SmallPtrSet<const Object *, 16> seen;
    for (auto &[k, v] : collector(a.positional[0]).items)
      if (seen.insert(v.getObject()).second)
        items.emplace_back(k, v);
    return makeCollector(rt, std::move(items));
  }, true);
  in.defineBuiltin(c, "__repr__", [](Interp &in, CallArgs &a) {
    std::string s = "{";
    for (auto &[k, v] : collector(a.positional[0]).items)
      s += (s.size() > 1 ? ", " : "") + in.repr(makeStr(k)) + ": " + in.repr(v);
    return makeStr(s + "}");
  }, true);
}

//===----------------------------------------------------------------------===//
// Variables
//===----------------------------------------------------------------------===//

void installVariables(ArrayRuntime &rt) {
  Interp &in = rt.in;
  rt.variableClass = makeLibraryClass(in, "Variable", rt.arrayClass.get(), "brainpy.math");
  in.defineBuiltin(rt.variableClass->dict, "__init__", [&rt](Interp &in, CallArgs &args) {
    std::optional<Value> dtype = takeKeyword(args, "dtype");
    rejectKeywords(in, "Variable", args);
    expectArgs(in, "Variable", args, 2, 2);
    if (rt.activeTrace)
      in.raise(Exc::NotImplementedError, "creating a Variable inside a jitted function");
    Value value = rt.toArray(args.positional[1]);
    if (dtype && !dtype->isNone())
      if (std::optional<DType> t = dtypeFromName(in.str(*dtype)))
        value = rt.applyOp("astype", {value}, ops::cast(*t));
    ArrayState &src = *rt.asArray(value);
    auto state = std::make_unique<ArrayState>();
    state->dtype = src.dtype;
    state->shape = src.shape;
    state->buffer = src.buffer; // shared until a jit call writes it in place
    args.positional[0].dyn<InstanceObject>()->native = std::move(state);
    return Value();
  }, true);
  rt.trainVarClass = makeLibraryClass(in, "TrainVar", rt.variableClass.get(), "brainpy.math");
}

//===----------------------------------------------------------------------===//
// brainpy.math functions
//===----------------------------------------------------------------------===//

void installFunctions(ArrayRuntime &rt, AttrDict &bm) {
  Interp &in = rt.in;
  auto fill = [&](const char *name, double value) {
    in.defineBuiltin(bm, name, [&rt, name, value](Interp &in, CallArgs &args) {
      std::optional<Value> dtype = takeKeyword(args, "dtype");
      rejectKeywords(in, name, args);
      expectArgs(in, name, args, 1, 2);
      if (args.positional.size() == 2)
        dtype = args.positional[1];
      return rt.applyOp(name, {}, ops::fill(value, dtypeArg(in, dtype, DType::F32),
                                            shapeArg(in, args.positional[0])));
    });
  };
  fill("zeros", 0);
  fill("ones", 1);
  struct UnaryFn {
    const char *name;
    ops::Unary op;
  };
  for (UnaryFn f : {UnaryFn{"exp", ops::Unary::Exp}, {"log", ops::Unary::Log},
                    {"tanh", ops::Unary::Tanh}, {"sqrt", ops::Unary::Sqrt},
                    {"abs", ops::Unary::Abs}, {"sin", ops::Unary::Sin}, {"cos", ops::Unary::Cos},
                    {"sigmoid", ops::Unary::Sigmoid}, {"logical_not", ops::Unary::Not}}) {
    in.defineBuiltin(bm, f.name, [&rt, f](Interp &in, CallArgs &args) {
      expectArgs(in, f.name, args, 1, 1);
      return rt.applyOp(f.name, {rt.toArray(args.positional[0])}, ops::unary(f.op));
    });
  }
  for (const char *name : {"dot", "matmul"})
    in.defineBuiltin(bm, name, [&rt, name](Interp &in, CallArgs &args) {
      expectArgs(in, name, args, 2, 2);
      // bm.dot agrees with matmul for ranks <= 2 (BPOps.td, bp.matmul).
      return rt.applyOp(name, {args.positional[0], args.positional[1]},
                        ops::binary(ast::BinOpKind::MatMult));
    });
  in.defineBuiltin(bm, "where", [&rt](Interp &in, CallArgs &args) {
    expectArgs(in, "where", args, 3, 3);
    return rt.applyOp("where", {rt.toArray(args.positional[0]), args.positional[1],
                                args.positional[2]},
                      ops::where());
  });
  for (const char *name : {"asarray", "array"})
    in.defineBuiltin(bm, name, [&rt, name](Interp &in, CallArgs &args) {
      expectArgs(in, name, args, 1, 1);
      return rt.toArray(args.positional[0]);
    });
  in.defineBuiltin(bm, "jit", [&rt](Interp &, CallArgs &args) { return makeJit(rt, args); });
  installMathFunctions(rt, bm);
  installGradFunctions(rt, bm);
  installControlFlowFunctions(rt, bm);
  for (DType t : {DType::F32, DType::F64, DType::I32, DType::I64})
    bm.set(dtypeName(t), makeStr(dtypeName(t).str()));
  bm.set("bool_", makeStr("bool"));
  bm.set("random", getRandomModule(rt));
  bm.set("Variable", Value(rt.variableClass));
  bm.set("TrainVar", Value(rt.trainVarClass));
  bm.set("JaxArray", Value(rt.arrayClass));
  bm.set("ndarray", Value(rt.arrayClass));
}

/// The library's classes, created once per interpreter.
ArrayRuntime &runtime(Interp &in) {
  ArrayRuntime &rt = in.arrayRuntime();
  if (!rt.arrayClass) {
    installArrayClass(rt);
    installVariables(rt);
    installBase(rt);
    installJitClass(rt);
  }
  return rt;
}

} // namespace

Value bpc::tracer::makeBrainPyModule(Interp &in, llvm::StringRef name, llvm::StringRef display) {
  ArrayRuntime &rt = runtime(in);
  if (name == "brainpy.math.random" || name == "brainpy.math.jax.random")
    return getRandomModule(rt);
  // Stub modules: whatever is not defined here raises NotImplementedError.
  auto *m = new ModuleObject(name == "brainpy.math.jax" ? "brainpy.math" : name.str(),
                             display.str(), /*stub=*/true);
  Value result(m);
  if (name == "brainpy") {
    m->attrs.set("Base", Value(rt.baseClass));
    m->attrs.set("BrainPyObject", Value(rt.baseClass));
  } else {
    installFunctions(rt, m->attrs);
  }
  return result;
}
