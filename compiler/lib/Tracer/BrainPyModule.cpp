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
  /// An object's implicit Variables (no attribute holds them otherwise).
  bool ownsItems = false;
  const std::vector<std::pair<std::string, Value>> *ownedChildren() const override {
    return ownsItems ? &items : nullptr;
  }
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

bool isCollector(ArrayRuntime &rt, const Value &v) {
  auto *inst = v.dyn<InstanceObject>();
  return inst && inst->native && inst->cls->isSubclassOf(rt.collectorClass.get());
}

/// BrainPy's ArrayCollector.__setitem__: a name stands for one Variable.
void collectorSet(Interp &in, CollectorState &s, const std::string &key, const Value &v) {
  for (auto &[k, old] : s.items)
    if (k == key) {
      if (old.getObject() != v.getObject())
        in.raise(Exc::ValueError, "Name \"" + key + "\" conflicts: it already names another Variable.");
      return;
    }
  s.items.emplace_back(key, v);
}

/// The (name, value) pairs of a dict with str keys or of a collection.
std::vector<std::pair<std::string, Value>> namedItems(ArrayRuntime &rt, const Value &v,
                                                      llvm::StringRef what) {
  if (isCollector(rt, v))
    return collector(v).items;
  std::vector<std::pair<std::string, Value>> items;
  if (auto *d = v.dyn<DictObject>()) {
    for (const HashTable::Entry &e : d->table.rawEntries())
      if (e.live)
        items.emplace_back(expectStr(rt.in, e.key, "a Variable's name"), e.value);
    return items;
  }
  rt.in.raise(Exc::TypeError, llvm::Twine(what) + " expects a dict or an ArrayCollector, not '" +
                                  rt.in.typeName(v) + "'");
}

/// Where bp.Base keeps the Variables given to register_implicit_vars (BrainPy's
/// attribute name): vars() lists them as `<object name>.<key>`.
constexpr const char *kImplicitVars = "_implicit_vars";

CollectorState &implicitVars(ArrayRuntime &rt, const Value &obj) {
  auto *inst = obj.dyn<InstanceObject>();
  Value *v = inst->attrs.lookup(kImplicitVars);
  if (!v || !isCollector(rt, *v)) {
    inst->attrs.set(kImplicitVars, makeCollector(rt, {}));
    v = inst->attrs.lookup(kImplicitVars);
    collector(*v).ownsItems = true;
  }
  return collector(*v);
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
  for (auto &[key, value] : attrs) {
    if (key == kImplicitVars && isCollector(rt, value)) {
      for (auto &[name, var] : collector(value).items)
        out.emplace_back(prefix + "." + name, var);
      continue;
    }
    visit(key, value);
  }
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
  // train_vars(): the TrainVars among vars().
  in.defineBuiltin(rt.baseClass->dict, "train_vars", [&rt](Interp &in, CallArgs &args) {
    expectArgs(in, "train_vars", args, 1, 1);
    Value all = in.call(in.getAttr(args.positional[0], "vars"), std::vector<Value>{});
    std::vector<std::pair<std::string, Value>> items;
    for (auto &[k, v] : collector(all).items)
      if (in.isInstance(v, rt.trainVarClass.get()))
        items.emplace_back(k, v);
    return makeCollector(rt, std::move(items));
  }, true);
  // register_implicit_vars(*vars, **named): Variables that vars() lists
  // although no attribute holds them (an optimizer's moments); a Variable
  // given alone is named `var<id>`, as in BrainPy.
  in.defineBuiltin(rt.baseClass->dict, "register_implicit_vars", [&rt](Interp &in, CallArgs &args) {
    CollectorState &implicit = implicitVars(rt, args.positional[0]);
    auto add = [&](const std::string &key, const Value &v) {
      if (!rt.isVariable(v))
        in.raise(Exc::ValueError, "Must be instance of Variable, but we got " + in.typeName(v));
      collectorSet(in, implicit, key, v);
    };
    auto anonymous = [&](const Value &v) {
      add("var" + std::to_string(reinterpret_cast<uintptr_t>(v.getObject())), v);
    };
    for (size_t i = 1; i < args.positional.size(); ++i) {
      const Value &v = args.positional[i];
      if (rt.isVariable(v))
        anonymous(v);
      else if (v.is<ListObject>() || v.is<TupleObject>())
        in.forEach(v, [&](const Value &item) {
          anonymous(item);
          return true;
        });
      else if (v.is<DictObject>() || isCollector(rt, v))
        for (auto &[k, item] : namedItems(rt, v, "register_implicit_vars"))
          add(k, item);
      else
        in.raise(Exc::ValueError, "Unknown type: " + in.typeName(v));
    }
    for (auto &[k, v] : args.keywords)
      add(k, v);
    return Value();
  }, true);
  auto *implicitProperty = new PropertyObject();
  implicitProperty->fget = Value(new BuiltinObject("implicit_vars", [&rt](Interp &, CallArgs &args) {
    implicitVars(rt, args.positional[0]);
    return *args.positional[0].dyn<InstanceObject>()->attrs.lookup(kImplicitVars);
  }));
  rt.baseClass->dict.set("implicit_vars", Value(implicitProperty));

  rt.collectorClass =
      makeLibraryClass(in, "ArrayCollector", in.types.object.get(), "brainpy.math");
  AttrDict &c = rt.collectorClass->dict;
  // ArrayCollector(), ArrayCollector(dict_or_collector, **named).
  in.defineBuiltin(c, "__init__", [&rt](Interp &in, CallArgs &a) {
    if (a.positional.size() > 2)
      in.raise(Exc::TypeError, "ArrayCollector expected at most 1 argument, got " +
                                   llvm::Twine(a.positional.size() - 1));
    auto state = std::make_unique<CollectorState>();
    if (a.positional.size() == 2)
      for (auto &[k, v] : namedItems(rt, a.positional[1], "ArrayCollector()"))
        collectorSet(in, *state, k, v);
    for (auto &[k, v] : a.keywords)
      collectorSet(in, *state, k, v);
    a.positional[0].dyn<InstanceObject>()->native = std::move(state);
    return Value();
  }, true);
  in.defineBuiltin(c, "__setitem__", [](Interp &in, CallArgs &a) {
    expectArgs(in, "__setitem__", a, 3, 3);
    collectorSet(in, collector(a.positional[0]), expectStr(in, a.positional[1], "key"), a.positional[2]);
    return Value();
  }, true);
  in.defineBuiltin(c, "update", [&rt](Interp &in, CallArgs &a) {
    if (a.positional.size() > 2)
      in.raise(Exc::TypeError, "update expected at most 1 argument, got " +
                                   llvm::Twine(a.positional.size() - 1));
    CollectorState &self = collector(a.positional[0]);
    if (a.positional.size() == 2)
      for (auto &[k, v] : namedItems(rt, a.positional[1], "ArrayCollector.update()"))
        collectorSet(in, self, k, v);
    for (auto &[k, v] : a.keywords)
      collectorSet(in, self, k, v);
    return Value();
  }, true);
  in.defineBuiltin(c, "__contains__", [](Interp &in, CallArgs &a) {
    expectArgs(in, "__contains__", a, 2, 2);
    auto *key = a.positional[1].dyn<StrObject>();
    return Value::boolean(key && llvm::any_of(collector(a.positional[0]).items,
                                              [&](auto &e) { return e.first == key->value; }));
  }, true);
  in.defineBuiltin(c, "get", [](Interp &in, CallArgs &a) {
    expectArgs(in, "get", a, 2, 3);
    if (auto *key = a.positional[1].dyn<StrObject>())
      for (auto &[k, v] : collector(a.positional[0]).items)
        if (k == key->value)
          return v;
    return a.positional.size() == 3 ? a.positional[2] : Value();
  }, true);
  // subset(cls): the entries whose value is an instance of `cls`.
  in.defineBuiltin(c, "subset", [&rt](Interp &in, CallArgs &a) {
    expectArgs(in, "subset", a, 2, 2);
    auto *cls = a.positional[1].dyn<ClassObject>();
    if (!cls)
      in.raise(Exc::TypeError, "subset() expects a class, such as bm.TrainVar");
    std::vector<std::pair<std::string, Value>> items;
    for (auto &[k, v] : collector(a.positional[0]).items)
      if (in.isInstance(v, cls))
        items.emplace_back(k, v);
    return makeCollector(rt, std::move(items));
  }, true);
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

/// bm.cls_jit(f): a method that, called on an instance, runs
/// bm.jit(instance.f) (one jit object per instance, made on its first call),
/// so the instance's Variables are found as bm.jit finds them. cls_jit's
/// static_argnums count `self` (it compiles the function, not a bound
/// method), bm.jit's of a bound method do not: they are shifted down.
Value makeMethodJit(ArrayRuntime &rt, Interp &in, CallArgs args) {
  Value method = args.positional[0];
  auto perInstance = std::make_shared<llvm::DenseMap<const Object *, Value>>();
  auto keywords = args.keywords;
  for (auto &[name, value] : keywords) {
    if (name != "static_argnums" || value.isNone())
      continue;
    std::vector<Value> shifted;
    auto shift = [&](const Value &n) {
      int64_t k = in.intArg(n);
      if (k > 0)
        shifted.push_back(Value::integer(k - 1));
      else if (k < 0)
        shifted.push_back(n); // counted from the end: the same parameter
      return true;
    };
    if (value.isIntLike())
      shift(value);
    else
      in.forEach(value, shift);
    value = makeTuple(std::move(shifted));
  }
  return Value(new BuiltinObject(
      "cls_jit",
      [&rt, method, perInstance, keywords](Interp &in, CallArgs &call) {
        if (call.positional.empty() || !call.positional[0].isObject())
          in.raise(Exc::TypeError, "a bm.cls_jit method must be called on an instance");
        Value self = call.positional[0];
        Value &jitted = (*perInstance)[self.getObject()];
        if (jitted.isNone()) {
          CallArgs make;
          make.positional.push_back(Value(new BoundMethodObject(self, method)));
          make.keywords.assign(keywords.begin(), keywords.end());
          jitted = makeJit(rt, make);
        }
        call.positional.erase(call.positional.begin());
        return in.call(jitted, call);
      },
      /*isMethod=*/true));
}

/// bm.jit(f, ...) and bm.cls_jit(f, ...); without `f`
/// (`@bm.jit(static_argnums=1)`) a decorator that applies them with the
/// given options. Options of BrainPy/JAX that only change how XLA compiles
/// (inline, donate_argnums, device, keep_unused, abstracted_axes) are
/// accepted and have no effect.
Value jitOrDecorator(ArrayRuntime &rt, Interp &in, CallArgs &args, const std::string &name) {
  llvm::erase_if(args.keywords, [](const auto &kw) {
    return kw.first == "inline" || kw.first == "donate_argnums" || kw.first == "device" ||
           kw.first == "keep_unused" || kw.first == "abstracted_axes";
  });
  auto func = llvm::find_if(args.keywords, [](const auto &kw) { return kw.first == "func"; });
  if (func != args.keywords.end() && args.positional.empty()) {
    args.positional.push_back(func->second);
    args.keywords.erase(func);
  }
  if (args.positional.empty() || (args.positional.size() == 1 && args.positional[0].isNone())) {
    auto keywords = args.keywords;
    return Value(new BuiltinObject(name, [&rt, keywords, name](Interp &in, CallArgs &call) {
      expectArgs(in, name, call, 1, 1);
      CallArgs full = call;
      full.keywords.append(keywords.begin(), keywords.end());
      return jitOrDecorator(rt, in, full, name);
    }));
  }
  if (name == "cls_jit") {
    if (args.positional.size() != 1)
      in.raise(Exc::TypeError, "cls_jit() takes one method to compile");
    return makeMethodJit(rt, in, args);
  }
  return makeJit(rt, args);
}

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
                    {"sigmoid", ops::Unary::Sigmoid}, {"bitwise_not", ops::Unary::Not}, {"invert", ops::Unary::Not},
                    {"exp2", ops::Unary::Exp2}, {"expm1", ops::Unary::Expm1},
                    {"log2", ops::Unary::Log2}, {"log10", ops::Unary::Log10},
                    {"log1p", ops::Unary::Log1p}, {"tan", ops::Unary::Tan},
                    {"arcsin", ops::Unary::Asin}, {"arccos", ops::Unary::Acos},
                    {"arctan", ops::Unary::Atan}, {"sinh", ops::Unary::Sinh},
                    {"cosh", ops::Unary::Cosh}, {"arcsinh", ops::Unary::Asinh},
                    {"arccosh", ops::Unary::Acosh}, {"arctanh", ops::Unary::Atanh},
                    {"cbrt", ops::Unary::Cbrt}, {"floor", ops::Unary::Floor},
                    {"ceil", ops::Unary::Ceil}, {"rint", ops::Unary::Round},
                    {"fix", ops::Unary::Trunc}, {"trunc", ops::Unary::Trunc}}) {
    in.defineBuiltin(bm, f.name, [&rt, f](Interp &in, CallArgs &args) {
      expectArgs(in, f.name, args, 1, 1);
      return rt.applyOp(f.name, {rt.toArray(args.positional[0])}, ops::unary(f.op));
    });
  }
  // logical_not(x): not of x as bool (on integers ~ would be bitwise).
  in.defineBuiltin(bm, "logical_not", [&rt](Interp &in, CallArgs &args) {
    expectArgs(in, "logical_not", args, 1, 1);
    Value b = rt.applyOp("astype", {rt.toArray(args.positional[0])}, ops::cast(DType::Bool));
    return rt.applyOp("logical_not", {b}, ops::unary(ops::Unary::Not));
  });
  in.defineBuiltin(bm, "arctan2", [&rt](Interp &in, CallArgs &args) {
    expectArgs(in, "arctan2", args, 2, 2);
    return rt.applyOp("arctan2", {rt.toArray(args.positional[0]), args.positional[1]},
                      ops::atan2());
  });
  for (const char *name : {"dot", "matmul"})
    in.defineBuiltin(bm, name, [&rt, name](Interp &in, CallArgs &args) {
      expectArgs(in, name, args, 2, 2);
      // bm.dot agrees with matmul for ranks <= 2 (BPOps.td, bp.matmul).
      return rt.applyOp(name, {args.positional[0], args.positional[1]},
                        ops::binary(ast::BinOpKind::MatMult));
    });
  in.defineBuiltin(bm, "where", [&rt](Interp &in, CallArgs &args) {
    if (args.positional.size() == 1 && args.keywords.empty())
      in.raise(Exc::NotImplementedError,
               "bm.where(condition) returns the indices where condition holds, an array whose "
               "shape depends on the values of its input, which bpc cannot compile; use "
               "bm.where(condition, x, y)");
    expectArgs(in, "where", args, 3, 3);
    return rt.applyOp("where", {rt.toArray(args.positional[0]), args.positional[1],
                                args.positional[2]},
                      ops::where());
  });
  // asarray(a, dtype=None), array(a, dtype=None, copy=True): a copy is
  // never needed, arrays being immutable.
  for (const char *name : {"asarray", "array"})
    in.defineBuiltin(bm, name, [&rt, name](Interp &in, CallArgs &args) {
      std::optional<Value> dtype = takeKeyword(args, "dtype");
      takeKeyword(args, "copy");
      rejectKeywords(in, name, args);
      expectArgs(in, name, args, 1, 2);
      if (args.positional.size() == 2)
        dtype = args.positional[1];
      Value a = rt.toArray(args.positional[0]);
      if (dtype && !dtype->isNone())
        a = rt.applyOp("astype", {a}, ops::cast(dtypeArg(in, dtype, DType::F32)));
      return a;
    });
  in.defineBuiltin(bm, "jit", [&rt](Interp &in, CallArgs &args) {
    return jitOrDecorator(rt, in, args, "jit");
  });
  in.defineBuiltin(bm, "cls_jit", [&rt](Interp &in, CallArgs &args) {
    return jitOrDecorator(rt, in, args, "cls_jit");
  });
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
  bm.set("ArrayCollector", Value(rt.collectorClass));
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
    m->attrs.set("ArrayCollector", Value(rt.collectorClass));
  } else {
    installFunctions(rt, m->attrs);
  }
  return result;
}
