//===- Jit.cpp - bm.jit objects and tracing them into bp.func -------------===//

#include "bpc/Tracer/Jit.h"

#include "bpc/Tracer/EagerExecutor.h"
#include "bpc/Tracer/TraceContext.h"

#include "llvm/ADT/SmallPtrSet.h"

using namespace bpc;
using namespace bpc::tracer;

JitState *bpc::tracer::asJit(const Value &v) {
  auto *inst = v.dyn<InstanceObject>();
  return inst && inst->native ? dynamic_cast<JitState *>(inst->native.get()) : nullptr;
}

std::vector<Value> bpc::tracer::collectVariables(ArrayRuntime &rt, const Value &v) {
  std::vector<Value> out;
  llvm::SmallPtrSet<const Object *, 16> seen;
  std::function<void(const Value &)> walk = [&](const Value &x) {
    if (rt.isVariable(x)) {
      if (seen.insert(x.getObject()).second)
        out.push_back(x);
      return;
    }
    if (x.is<ListObject>() || x.is<TupleObject>() || x.is<DictObject>() ||
        x.is<DictViewObject>()) {
      Value items = x;
      if (auto *d = x.dyn<DictObject>()) {
        for (const HashTable::Entry &e : d->table.rawEntries())
          if (e.live)
            walk(e.value);
        return;
      }
      rt.in.forEach(items, [&](const Value &e) {
        walk(e);
        return true;
      });
      return;
    }
    if (auto *inst = x.dyn<InstanceObject>(); inst && rt.collectorClass &&
                                              inst->cls->isSubclassOf(rt.collectorClass.get())) {
      walk(rt.in.call(rt.in.getAttr(x, "values"), std::vector<Value>{}));
      return;
    }
    rt.in.raise(Exc::TypeError, "dyn_vars must be Variables or collections of them, not " +
                                    rt.in.typeName(x));
  };
  if (!v.isNone())
    walk(v);
  return out;
}

namespace {

/// An array parameter's type from its annotation `f32[n, d]`.
struct ParamType {
  mlir::Type type;
  llvm::SmallVector<std::string, 4> dims;
};

std::optional<ParamType> parseAnnotation(ArrayRuntime &rt, const ast::Expr &e) {
  const ast::Expr *base = &e;
  llvm::SmallVector<const ast::Expr *> dims;
  if (auto *s = llvm::dyn_cast<ast::SubscriptExpr>(&e)) {
    base = s->value.get();
    if (auto *t = llvm::dyn_cast<ast::TupleExpr>(s->slice.get()))
      for (const ast::ExprPtr &d : t->elts)
        dims.push_back(d.get());
    else
      dims.push_back(s->slice.get());
  }
  auto *name = llvm::dyn_cast<ast::NameExpr>(base);
  std::optional<DType> dtype = name ? dtypeFromShortName(name->id) : std::nullopt;
  if (!dtype)
    return std::nullopt;
  ParamType p;
  llvm::SmallVector<int64_t> shape;
  for (const ast::Expr *d : dims) {
    if (auto *n = llvm::dyn_cast<ast::NameExpr>(d)) {
      shape.push_back(mlir::ShapedType::kDynamic);
      p.dims.push_back(n->id);
    } else if (auto *c = llvm::dyn_cast<ast::ConstantExpr>(d);
               c && c->type == ast::ConstantExpr::Type::Int) {
      shape.push_back(c->intValue);
      p.dims.push_back("");
    } else {
      rt.in.currentLoc = d->getLoc();
      rt.in.raise(Exc::TypeError, "a dimension in an array annotation is a name or an integer");
    }
  }
  p.type = tensorType(&rt.context, *dtype, shape);
  return p;
}

/// Traces one specialisation. `actual` holds the call's arguments (`bpc
/// run`) or is null (`bpc build`: types from annotations). Returns the
/// Variables it froze (TraceContext::frozenVariables()).
/// `bpc build` passes the static parameters' values in `staticValues` and
/// receives the traced parameters' indices in `tracedParams`.
std::vector<Value> traceOnce(ArrayRuntime &rt, JitState &jit, mlir::ModuleOp module,
                             llvm::StringRef name, const CallArgs *actual, bool *returnsTuple,
                             llvm::ArrayRef<std::optional<Value>> staticValues,
                             std::vector<size_t> *tracedParams, llvm::StringRef exportedName) {
  Interp &in = rt.in;
  auto *fn = jit.function.dyn<FunctionObject>();
  const std::vector<ast::Param> &params = *fn->params;
  size_t first = jit.self.isNone() ? 0 : 1;
  if (actual && actual->positional.size() + first > params.size())
    in.raise(Exc::TypeError, jit.name + "() takes " + llvm::Twine(params.size() - first) +
                                 " positional arguments but " +
                                 llvm::Twine(actual->positional.size()) + " were given");
  // Each parameter after `self` is traced (an array argument or annotation),
  // static (a non-array argument) or left to its default.
  struct Binding {
    enum { Traced, Static, Default } kind;
    Value value;
  };
  llvm::SmallVector<mlir::Type> argTypes;
  llvm::SmallVector<llvm::SmallVector<std::string, 4>> argDims;
  std::vector<Binding> bindings;
  for (size_t i = first; i < params.size(); ++i) {
    const ast::Param &p = params[i];
    size_t k = i - first;
    if (actual) {
      if (k >= actual->positional.size()) {
        bindings.push_back({Binding::Default, {}}); // a default or a keyword
        continue;
      }
      const Value &v = actual->positional[k];
      ArrayState *a = rt.asArray(v);
      if (!a) {
        bindings.push_back({Binding::Static, v});
        continue;
      }
      argTypes.push_back(tensorType(&rt.context, a->dtype, a->shape));
      argDims.emplace_back(a->shape.size(), "");
      bindings.push_back({Binding::Traced, {}});
      continue;
    }
    if (auto it = llvm::find(jit.staticParams, i); it != jit.staticParams.end()) {
      const std::optional<Value> &v = staticValues[it - jit.staticParams.begin()];
      // A value left out takes the default, which a static parameter
      // without one cannot (the caller checked).
      bindings.push_back({Binding::Static, v ? *v : *fn->defaults[i]});
      continue;
    }
    std::optional<ParamType> t = p.annotation ? parseAnnotation(rt, *p.annotation) : std::nullopt;
    if (t) {
      argTypes.push_back(t->type);
      argDims.push_back(t->dims);
      bindings.push_back({Binding::Traced, {}});
      if (tracedParams)
        tracedParams->push_back(i);
      continue;
    }
    if (!p.defaultValue) {
      in.currentLoc = p.loc;
      try {
        in.raise(Exc::TypeError, "parameter '" + p.name + "' of exported function '" + exportedName +
                                     "' needs an array annotation such as `" + p.name +
                                     ": f32[n]`, or to be named in static_argnames: bpc "
                                     "build does not guess argument types");
      } catch (PyException &e) {
        in.annotate(e, p.loc);
        throw;
      }
    }
    bindings.push_back({Binding::Default, {}});
  }

  TraceContext tc(rt, module, name, argTypes, argDims, jit.dynVars,
                  rt.loc(fn->body && !fn->body->empty() ? fn->body->front()->getLoc()
                                                        : ast::Loc(),
                         &in.sourceOf(*fn->closure)));
  ActiveTrace active(rt, &tc);
  CallArgs call;
  if (first)
    call.positional.push_back(jit.self);
  unsigned nextArg = 0;
  bool afterDefault = false;
  for (size_t k = 0; k < bindings.size(); ++k) {
    const Binding &b = bindings[k];
    if (b.kind == Binding::Default) {
      afterDefault = true; // this parameter takes its default
      continue;
    }
    Value v = b.kind == Binding::Static ? b.value : rt.makeSymbolic(tc, tc.argument(nextArg++));
    // After a parameter left to its default, the later ones go by name.
    if (afterDefault)
      call.keywords.push_back({params[first + k].name, v});
    else
      call.positional.push_back(v);
  }
  if (actual)
    for (const auto &kw : actual->keywords)
      call.keywords.push_back(kw);
  Value result;
  if (jit.callee.isNone()) {
    result = in.call(jit.function, call);
  } else {
    call.positional.erase(call.positional.begin(), call.positional.begin() + first);
    result = in.call(jit.callee, call);
  }

  llvm::SmallVector<mlir::Value> results;
  auto addResult = [&](const Value &v) {
    if (!rt.asArray(v))
      in.raise(Exc::TypeError, "a jitted function returns arrays, not " + in.typeName(v));
    results.push_back(tc.valueOf(v));
  };
  if (returnsTuple)
    *returnsTuple = result.is<TupleObject>();
  if (auto *t = result.dyn<TupleObject>())
    for (const Value &v : t->items)
      addResult(v);
  else if (!result.isNone())
    addResult(result.isNumber() ? rt.toArray(result) : result);
  tc.finish(results);
  std::vector<Value> frozen;
  for (InstanceObject *var : tc.frozenVariables())
    frozen.push_back(Value(var));
  return frozen;
}

/// One argument as a specialisation sees it: its array type or its value.
std::string describeArgument(ArrayRuntime &rt, const Value &v) {
  if (ArrayState *a = rt.asArray(v))
    return describeType(a->dtype, a->shape);
  return rt.in.typeName(v) + " " + rt.in.repr(v);
}

/// --explain-recompile: which arguments made this call a new specialisation.
void explainRecompile(ArrayRuntime &rt, JitState &jit, const CallArgs &args) {
  Interp &in = rt.in;
  const std::vector<ast::Param> &params = *jit.function.dyn<FunctionObject>()->params;
  size_t first = jit.self.isNone() ? 0 : 1;
  std::vector<std::string> now;
  for (const Value &v : args.positional)
    now.push_back(describeArgument(rt, v));
  auto [line, col] = in.diags.lineCol(in.module.bufferId, in.currentLoc.begin);
  std::string where = in.module.filename + ":" + std::to_string(line) + ":" + std::to_string(col);
  auto paramName = [&](size_t i) {
    return first + i < params.size() ? params[first + i].name : "#" + std::to_string(i);
  };
  std::string msg;
  if (jit.lastSignature.empty() && jit.specialisations.size() <= 1) {
    msg = "bpc: compiling " + jit.name + " at " + where + " (first call):";
    for (size_t i = 0; i < now.size(); ++i)
      msg += (i ? ", " : " ") + paramName(i) + ": " + now[i];
  } else {
    msg = "bpc: recompiling " + jit.name + " at " + where + ":";
    bool any = false;
    for (size_t i = 0; i < std::max(now.size(), jit.lastSignature.size()); ++i) {
      std::string before = i < jit.lastSignature.size() ? jit.lastSignature[i] : "absent";
      std::string after = i < now.size() ? now[i] : "absent";
      if (before == after)
        continue;
      msg += std::string(any ? "," : "") + " argument '" + paramName(i) + "' changed from " +
             before + " to " + after;
      any = true;
    }
    if (!any)
      msg += " the arguments match an evicted specialisation";
  }
  llvm::errs() << msg << "\n";
  jit.lastSignature = std::move(now);
}

std::string signature(ArrayRuntime &rt, const CallArgs &args) {
  std::string s;
  for (const Value &v : args.positional) {
    if (ArrayState *a = rt.asArray(v))
      s += describeType(a->dtype, a->shape);
    else
      s += rt.in.typeName(v) + ":" + rt.in.repr(v);
    s += ";";
  }
  return s;
}

/// Moves keyword arguments to their positions (`f_jit(x=1.)`), so that a
/// specialisation's signature is its positional arguments.
void bindKeywords(ArrayRuntime &rt, JitState &jit, CallArgs &args) {
  const std::vector<ast::Param> &params = *jit.function.dyn<FunctionObject>()->params;
  size_t first = jit.self.isNone() ? 0 : 1;
  for (size_t i = first + args.positional.size(); i < params.size() && !args.keywords.empty();
       ++i) {
    auto it = llvm::find_if(args.keywords, [&](auto &kw) { return kw.first == params[i].name; });
    if (it == args.keywords.end())
      break; // later parameters keep their defaults
    args.positional.push_back(it->second);
    args.keywords.erase(it);
  }
  if (!args.keywords.empty())
    rt.in.raise(Exc::TypeError, jit.name + "() got an unexpected keyword argument '" +
                                    args.keywords.front().first + "'");
}

/// Remembers the static values of a new specialisation: `bpc build`
/// exports the specialisations that the module's own calls compiled.
void recordStaticValues(ArrayRuntime &rt, JitState &jit, const CallArgs &args) {
  if (jit.staticParams.empty())
    return;
  size_t first = jit.self.isNone() ? 0 : 1;
  JitState::RecordedCall call;
  for (size_t p : jit.staticParams) {
    size_t k = p - first;
    call.values.push_back(k < args.positional.size() ? std::optional<Value>(args.positional[k])
                                                     : std::nullopt);
  }
  call.bufferId = rt.in.currentSource().bufferId;
  call.loc = rt.in.currentLoc;
  jit.recordedCalls.push_back(std::move(call));
}

/// Traces one specialisation (traceOnce); a Variable that the function
/// writes without having it among its dyn vars joins them, and the function
/// is traced again from the start.
std::vector<Value> trace(ArrayRuntime &rt, JitState &jit, mlir::ModuleOp module,
                         llvm::StringRef name, const CallArgs *actual,
                         bool *returnsTuple = nullptr,
                         llvm::ArrayRef<std::optional<Value>> staticValues = {},
                         std::vector<size_t> *tracedParams = nullptr,
                         llvm::StringRef exportedName = {}) {
  for (;;) {
    try {
      if (tracedParams)
        tracedParams->clear();
      return traceOnce(rt, jit, module, name, actual, returnsTuple, staticValues, tracedParams,
                       exportedName);
    } catch (UndeclaredVariableWrite &write) {
      if (llvm::any_of(jit.dynVars, [&](const Value &v) { return v.getObject() == write.var; }))
        throw; // a dyn var cannot be undeclared: a bug, not a user error
      jit.dynVars.push_back(Value(write.var));
    }
  }
}

/// `bpc run`: traces on the first call with these argument types (freezing
/// non-dyn Variables now, as BrainPy does), then runs the compiled code.
Value callJit(ArrayRuntime &rt, JitState &jit, CallArgs &args) {
  if (rt.activeTrace) {
    // A jitted function called inside another is inlined into its trace.
    CallArgs inner = args;
    if (!jit.callee.isNone())
      return rt.in.call(jit.callee, inner);
    if (!jit.self.isNone())
      inner.positional.insert(inner.positional.begin(), jit.self);
    return rt.in.call(jit.function, inner);
  }
  bindKeywords(rt, jit, args);
  std::string key = signature(rt, args);
  JitSpecialisation &spec = jit.specialisations[key];
  if (!spec.module) {
    if (rt.in.options.explainRecompile)
      explainRecompile(rt, jit, args);
    recordStaticValues(rt, jit, args);
    mlir::OwningOpRef<mlir::ModuleOp> fresh = mlir::ModuleOp::create(rt.currentLoc());
    trace(rt, jit, *fresh, "jit", &args, &spec.returnsTuple);
    spec.module = std::move(fresh);
  }
  // The kernel is found by the specialisation, not by printing its module
  // again; only after the executor unloaded it is it looked up by text.
  std::shared_ptr<EagerKernel> kernel = spec.kernel.lock();
  if (!kernel) {
    kernel = rt.eager->kernel(*spec.module, "jit");
    spec.kernel = kernel;
  }
  llvm::SmallVector<ArrayState *, 8> inputs;
  for (const Value &v : args.positional)
    if (ArrayState *a = rt.asArray(v))
      inputs.push_back(a);
  for (const Value &v : jit.dynVars)
    inputs.push_back(rt.asArray(v));
  std::vector<Value> results = rt.eager->run(*kernel, inputs, jit.dynVars.size());
  if (spec.returnsTuple)
    return makeTuple(std::move(results));
  if (results.empty())
    return Value();
  return results.front();
}

} // namespace

std::vector<Value> bpc::tracer::traceForExport(ArrayRuntime &rt, const Value &jitValue,
                                               llvm::StringRef exportedName,
                                               llvm::StringRef name, mlir::ModuleOp module,
                                               llvm::ArrayRef<std::optional<Value>> staticValues,
                                               std::vector<size_t> &tracedParams) {
  return trace(rt, *asJit(jitValue), module, name, nullptr, nullptr, staticValues,
               &tracedParams, exportedName);
}

namespace {

/// The parameter indices that static_argnames (a str or a sequence of
/// them) and static_argnums (an int or a sequence of them, counting the
/// call's positional arguments, negative from the end) name. A name that is
/// no parameter is ignored, as JAX does with a warning.
std::vector<size_t> staticParamIndices(ArrayRuntime &rt, const JitState &jit,
                                       const std::optional<Value> &names,
                                       const std::optional<Value> &nums) {
  Interp &in = rt.in;
  const std::vector<ast::Param> &params = *jit.function.dyn<FunctionObject>()->params;
  size_t first = jit.self.isNone() ? 0 : 1;
  std::vector<size_t> out;
  auto items = [&](const Value &v) {
    return v.is<ListObject>() || v.is<TupleObject>() ? in.toVector(v) : std::vector<Value>{v};
  };
  if (names && !names->isNone())
    for (const Value &n : items(*names)) {
      auto *s = n.dyn<StrObject>();
      if (!s)
        in.raise(Exc::TypeError, "static_argnames must be strings, not " + in.typeName(n));
      for (size_t i = first; i < params.size(); ++i)
        if (params[i].name == s->value && !llvm::is_contained(out, i))
          out.push_back(i);
    }
  if (nums && !nums->isNone())
    for (const Value &n : items(*nums)) {
      if (!n.isIntLike() || n.isBool())
        in.raise(Exc::TypeError, "static_argnums must be integers, not " + in.typeName(n));
      int64_t k = n.getInt();
      int64_t count = static_cast<int64_t>(params.size() - first);
      if (k < 0)
        k += count;
      if (k < 0 || k >= count)
        in.raise(Exc::ValueError, "static_argnums " + std::to_string(n.getInt()) +
                                      " is out of range for " + jit.name + ", which takes " +
                                      std::to_string(count) + " arguments");
      if (!llvm::is_contained(out, first + k))
        out.push_back(first + k);
    }
  llvm::sort(out);
  return out;
}

} // namespace

Value bpc::tracer::makeJit(ArrayRuntime &rt, CallArgs &args) {
  Interp &in = rt.in;
  std::optional<Value> dyn = takeKeyword(args, "dyn_vars");
  // `bpc run` specialises on every non-array argument by value already
  // (signature()); `bpc build` needs to know which parameters are static.
  std::optional<Value> staticNames = takeKeyword(args, "static_argnames");
  std::optional<Value> staticNums = takeKeyword(args, "static_argnums");
  rejectKeywords(in, "jit", args);
  expectArgs(in, "jit", args, 1, 1);
  Value target = args.positional[0];
  auto state = std::make_unique<JitState>();
  if (auto *m = target.dyn<BoundMethodObject>()) {
    state->function = m->func;
    state->self = m->self;
    state->name = in.callableName(m->func);
  } else if (target.is<FunctionObject>()) {
    state->function = target;
    state->name = target.dyn<FunctionObject>()->name;
  } else if (auto *b = target.dyn<BuiltinObject>(); b && !b->wrapped.isNone()) {
    // A transformation of a script function (bm.grad(f)): traced from f's
    // parameters, run through the transformation.
    if (auto *m = b->wrapped.dyn<BoundMethodObject>()) {
      state->function = m->func;
      state->self = m->self;
    } else {
      state->function = b->wrapped;
    }
    state->callee = target;
    state->name = b->name;
  } else if (rt.baseClass && in.isInstance(target, rt.baseClass.get())) {
    // bm.jit(obj) compiles obj.__call__ with obj.vars() as dyn vars.
    Value *call = in.typeOf(target)->lookup("__call__");
    if (!call || !call->is<FunctionObject>())
      in.raise(Exc::TypeError, "bm.jit(obj) needs a __call__ method on " + in.typeName(target));
    state->function = *call;
    state->self = target;
    state->name = in.typeName(target) + ".__call__";
    if (!dyn)
      dyn = in.call(in.getAttr(target, "vars"), std::vector<Value>{});
  } else {
    in.raise(Exc::TypeError, "bm.jit expects a function, a method or a bp.Base object, not " +
                                 in.typeName(target));
  }
  if (!state->function.is<FunctionObject>())
    in.raise(Exc::TypeError, "bm.jit expects a function defined in the script");
  state->dynVars = collectVariables(rt, dyn.value_or(Value()));
  state->staticParams = staticParamIndices(rt, *state, staticNames, staticNums);
  auto *inst = new InstanceObject(rt.jitClass);
  inst->native = std::move(state);
  return Value(inst);
}

void bpc::tracer::installJitClass(ArrayRuntime &rt) {
  Interp &in = rt.in;
  rt.jitClass = makeLibraryClass(in, "JitFunction", in.types.function.get(), "brainpy.math");
  in.defineBuiltin(rt.jitClass->dict, "__call__", [&rt](Interp &, CallArgs &args) {
    Value self = args.positional[0];
    args.positional.erase(args.positional.begin());
    return callJit(rt, *asJit(self), args);
  }, true);
  in.defineBuiltin(rt.jitClass->dict, "__repr__", [](Interp &, CallArgs &args) {
    return makeStr("<jitted function " + asJit(args.positional[0])->name + ">");
  }, true);
}
