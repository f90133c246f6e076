//===- Calls.cpp - Attributes, calls, argument binding and classes --------===//
//
// Attribute lookup follows CPython's descriptor rules for the descriptors
// scripts use: functions bind to instances, staticmethod/classmethod/property
// behave as in Python, and special methods are looked up on the class.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/Interp.h"

#include "llvm/ADT/STLExtras.h"

using namespace bpc;
using namespace bpc::tracer;

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

/// What a class attribute becomes when read through `instance` (or through
/// the class itself when `instance` is None and `cls` is given).
static Value bindAttribute(Interp &in, const Value &attr, const Value &instance, ClassObject *cls) {
  if (auto *sm = attr.dyn<StaticMethodObject>())
    return sm->func;
  if (auto *cm = attr.dyn<ClassMethodObject>())
    return Value(new BoundMethodObject(Value(cls), cm->func));
  if (instance.isNone())
    return attr;
  if (attr.is<FunctionObject>())
    return Value(new BoundMethodObject(instance, attr));
  if (auto *b = attr.dyn<BuiltinObject>())
    if (b->isMethod)
      return Value(new BoundMethodObject(instance, attr));
  if (auto *p = attr.dyn<PropertyObject>()) {
    if (p->fget.isNone())
      in.raise(Exc::AttributeError, "property object has no getter");
    return in.call(p->fget, std::vector<Value>{instance});
  }
  return attr;
}

std::optional<Value> Interp::specialMethod(const Value &obj, llvm::StringRef name) {
  auto *inst = obj.dyn<InstanceObject>();
  if (!inst)
    return std::nullopt;
  Value *attr = inst->cls->lookup(name);
  if (!attr)
    return std::nullopt;
  return bindAttribute(*this, *attr, obj, inst->cls.get());
}

/// Attributes every object of a built-in type answers.
static std::optional<Value> builtinValueAttr(Interp &in, const Value &obj, llvm::StringRef name) {
  if (obj.isNumber()) {
    if (name == "real")
      return obj.isBool() ? Value::integer(obj.getInt()) : obj;
    if (name == "imag")
      return obj.isFloat() ? Value::real(0.0) : Value::integer(0);
  }
  if (auto *r = obj.dyn<RangeObject>()) {
    if (name == "start") return Value::integer(r->start);
    if (name == "stop") return Value::integer(r->stop);
    if (name == "step") return Value::integer(r->step);
  }
  if (auto *s = obj.dyn<SliceObject>()) {
    if (name == "start") return s->start;
    if (name == "stop") return s->stop;
    if (name == "step") return s->step;
  }
  if (auto *f = obj.dyn<FunctionObject>()) {
    if (name == "__name__") return makeStr(f->name);
    if (name == "__qualname__") return makeStr(f->qualname);
    if (name == "__module__" && f->closure)
      if (Value *n = Interp::moduleScope(*f->closure).vars.lookup("__name__"))
        return *n;
    if (name == "__doc__") return Value();
    if (Value *v = f->attrs.lookup(name)) return *v;
  }
  if (auto *b = obj.dyn<BuiltinObject>()) {
    if (name == "__name__" || name == "__qualname__") return makeStr(b->name);
  }
  if (auto *m = obj.dyn<BoundMethodObject>()) {
    if (name == "__self__") return m->self;
    if (name == "__func__") return m->func;
    return in.getAttrOpt(m->func, name);
  }
  if (auto *p = obj.dyn<PropertyObject>()) {
    if (name == "fget") return p->fget;
    if (name == "fset") return p->fset;
    if (name == "setter" || name == "getter" || name == "deleter") {
      ObjRef keep(p);
      std::string which = name.str();
      return Value(new BuiltinObject(which, [keep, which](Interp &, CallArgs &args) {
        auto *old = llvm::cast<PropertyObject>(keep.get());
        auto *copy = new PropertyObject();
        Value result(copy);
        copy->fget = old->fget;
        copy->fset = old->fset;
        copy->fdel = old->fdel;
        Value fn = args.positional.empty() ? Value() : args.positional[0];
        (which == "setter" ? copy->fset : which == "getter" ? copy->fget : copy->fdel) = fn;
        return result;
      }));
    }
  }
  return std::nullopt;
}

Value Interp::getAttr(const Value &obj, llvm::StringRef name) {
  Object *o = obj.getObject();
  if (auto *inst = llvm::dyn_cast_or_null<InstanceObject>(o)) {
    if (name == "__class__")
      return Value(inst->cls);
    if (name == "__dict__") {
      auto *d = new DictObject();
      Value result(d);
      for (auto &[key, value] : inst->attrs.items())
        d->table.insert(*this, makeStr(key), value);
      return result;
    }
    Value *classAttr = inst->cls->lookup(name);
    if (classAttr && classAttr->is<PropertyObject>())
      return bindAttribute(*this, *classAttr, obj, inst->cls.get());
    if (Value *v = inst->attrs.lookup(name))
      return *v;
    if (inst->exc) {
      if (name == "args") return inst->exc->args;
      if (name == "__cause__") return inst->exc->cause;
      if (name == "__context__") return inst->exc->context;
      if (name == "__traceback__") return Value();
    }
    if (classAttr)
      return bindAttribute(*this, *classAttr, obj, inst->cls.get());
    if (Value *getattr = inst->cls->lookup("__getattr__"))
      return call(bindAttribute(*this, *getattr, obj, inst->cls.get()),
                  std::vector<Value>{makeStr(name.str())});
    std::vector<std::string> names;
    for (auto &entry : inst->attrs.items())
      names.push_back(entry.first);
    for (ClassObject *c : inst->cls->mro)
      for (auto &entry : c->dict.items())
        names.push_back(entry.first);
    llvm::sort(names); // dir() order, as CPython searches it
    raiseMissingName(Exc::AttributeError,
                     "'" + inst->cls->name + "' object has no attribute '" + name + "'", name, {names});
  }
  if (auto *cls = llvm::dyn_cast_or_null<ClassObject>(o)) {
    if (name == "__name__") return makeStr(cls->name);
    if (name == "__qualname__") return makeStr(cls->qualname);
    if (name == "__module__") return makeStr(cls->module);
    if (name == "__doc__" && !cls->lookup(name)) return Value();
    if (name == "__mro__" || name == "__bases__") {
      std::vector<Value> items;
      if (name == "__mro__")
        for (ClassObject *c : cls->mro)
          items.push_back(Value(c));
      else
        for (auto &b : cls->bases)
          items.push_back(Value(b));
      return makeTuple(std::move(items));
    }
    if (Value *v = cls->lookup(name))
      return bindAttribute(*this, *v, Value(), cls);
    raise(Exc::AttributeError, "type object '" + cls->name + "' has no attribute '" + name + "'");
  }
  if (auto *mod = llvm::dyn_cast_or_null<ModuleObject>(o)) {
    if (name == "__name__")
      return makeStr(mod->name);
    if (Value *v = mod->attrs.lookup(name))
      return *v;
    if (mod->stub)
      return stubAttribute(*mod, name);
    std::vector<std::string> names;
    for (auto &entry : mod->attrs.items())
      names.push_back(entry.first);
    llvm::sort(names);
    raiseMissingName(Exc::AttributeError, "module '" + mod->name + "' has no attribute '" + name + "'",
                     name, {names});
  }
  if (auto *sup = llvm::dyn_cast_or_null<SuperObject>(o)) {
    auto &mro = sup->selfClass->mro;
    auto it = std::find(mro.begin(), mro.end(), sup->start);
    if (it != mro.end())
      for (++it; it != mro.end(); ++it)
        if (Value *v = (*it)->dict.lookup(name)) {
          if (sup->self.is<ClassObject>())
            return bindAttribute(*this, *v, Value(), sup->selfClass);
          return bindAttribute(*this, *v, sup->self, sup->selfClass);
        }
    raise(Exc::AttributeError, "'super' object has no attribute '" + name + "'");
  }
  if (std::optional<Value> v = builtinValueAttr(*this, obj, name))
    return *v;
  ClassObject *cls = typeOf(obj);
  if (name == "__class__")
    return Value(cls);
  if (Value *v = cls->lookup(name))
    return bindAttribute(*this, *v, obj, cls);
  raise(Exc::AttributeError, "'" + cls->name + "' object has no attribute '" + name + "'");
}

std::optional<Value> Interp::getAttrOpt(const Value &obj, llvm::StringRef name) {
  try {
    return getAttr(obj, name);
  } catch (PyException &e) {
    if (isExceptionOf(e, Exc::AttributeError))
      return std::nullopt;
    throw;
  }
}

void Interp::setAttr(const Value &obj, llvm::StringRef name, Value value) {
  Object *o = obj.getObject();
  if (auto *inst = llvm::dyn_cast_or_null<InstanceObject>(o)) {
    if (Value *classAttr = inst->cls->lookup(name))
      if (auto *p = classAttr->dyn<PropertyObject>()) {
        if (p->fset.isNone())
          raise(Exc::AttributeError, "property '" + name + "' of '" + inst->cls->name +
                                         "' object has no setter");
        call(p->fset, std::vector<Value>{obj, value});
        return;
      }
    needsUnrollInTrial();
    if (inst->exc && name == "args") {
      inst->exc->args = makeTuple(toVector(value));
      return;
    }
    if (inst->exc && name == "__cause__") {
      inst->exc->cause = value;
      return;
    }
    inst->attrs.set(name, std::move(value));
    return;
  }
  needsUnrollInTrial();
  if (auto *cls = llvm::dyn_cast_or_null<ClassObject>(o)) {
    if (cls->isBuiltin)
      raise(Exc::TypeError, "cannot set '" + name + "' attribute of immutable type '" + cls->name + "'");
    cls->dict.set(name, std::move(value));
    return;
  }
  if (auto *mod = llvm::dyn_cast_or_null<ModuleObject>(o)) {
    mod->attrs.set(name, std::move(value));
    return;
  }
  if (auto *fn = llvm::dyn_cast_or_null<FunctionObject>(o)) {
    fn->attrs.set(name, std::move(value));
    return;
  }
  raise(Exc::AttributeError, "'" + typeName(obj) + "' object has no attribute '" + name + "'");
}

void Interp::delAttr(const Value &obj, llvm::StringRef name) {
  needsUnrollInTrial();
  Object *o = obj.getObject();
  bool erased = false;
  if (auto *inst = llvm::dyn_cast_or_null<InstanceObject>(o))
    erased = inst->attrs.erase(name);
  else if (auto *cls = llvm::dyn_cast_or_null<ClassObject>(o))
    erased = !cls->isBuiltin && cls->dict.erase(name);
  else if (auto *mod = llvm::dyn_cast_or_null<ModuleObject>(o))
    erased = mod->attrs.erase(name);
  else if (auto *fn = llvm::dyn_cast_or_null<FunctionObject>(o))
    erased = fn->attrs.erase(name);
  if (!erased)
    raise(Exc::AttributeError, "'" + typeName(obj) + "' object has no attribute '" + name + "'");
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

std::string Interp::callableName(const Value &callee) {
  if (auto *f = callee.dyn<FunctionObject>())
    return f->qualname;
  if (auto *b = callee.dyn<BuiltinObject>())
    return b->name;
  if (auto *m = callee.dyn<BoundMethodObject>())
    return callableName(m->func);
  if (auto *c = callee.dyn<ClassObject>())
    return c->name;
  return typeName(callee);
}

Value Interp::call(const Value &callee, std::vector<Value> positional) {
  CallArgs args;
  args.positional.assign(positional.begin(), positional.end());
  return call(callee, args);
}

/// Creates an instance of a user class and runs its __init__.
static Value construct(Interp &in, ClassObject *cls, CallArgs &args) {
  auto *inst = new InstanceObject(ClassRef(cls));
  Value self(inst);
  if (cls->isException) {
    // BaseException.__new__ records the arguments even when a user
    // __init__ does not call super().__init__.
    inst->exc = std::make_unique<ExceptionState>();
    inst->exc->args = makeTuple(std::vector<Value>(args.positional.begin(), args.positional.end()));
  }
  Value *init = cls->lookup("__init__");
  auto *builtinInit = init ? init->dyn<BuiltinObject>() : nullptr;
  if (builtinInit && builtinInit->name == "object.__init__") {
    if (!args.positional.empty() || !args.keywords.empty())
      in.raise(Exc::TypeError, cls->name + "() takes no arguments");
    return self;
  }
  if (init) {
    Value result = in.call(bindAttribute(in, *init, self, cls), args);
    if (!result.isNone())
      in.raise(Exc::TypeError, "__init__() should return None, not '" + in.typeName(result) + "'");
  }
  return self;
}

Value Interp::call(const Value &callee, CallArgs &args) {
  Object *o = callee.getObject();
  if (o) {
    switch (o->getKind()) {
    case Object::Kind::Function:
      return callFunction(*llvm::cast<FunctionObject>(o), args);
    case Object::Kind::Builtin: {
      ObjRef keep(o);
      return llvm::cast<BuiltinObject>(o)->fn(*this, args);
    }
    case Object::Kind::BoundMethod: {
      auto *m = llvm::cast<BoundMethodObject>(o);
      ObjRef keep(m);
      args.positional.insert(args.positional.begin(), m->self);
      return call(m->func, args);
    }
    case Object::Kind::Class: {
      auto *cls = llvm::cast<ClassObject>(o);
      ObjRef keep(cls);
      if (cls->constructor)
        return cls->constructor(*this, args);
      return construct(*this, cls, args);
    }
    case Object::Kind::StaticMethod:
      return call(llvm::cast<StaticMethodObject>(o)->func, args);
    case Object::Kind::Instance:
      if (std::optional<Value> m = specialMethod(callee, "__call__"))
        return call(*m, args);
      break;
    case Object::Kind::Module:
      if (llvm::cast<ModuleObject>(o)->stub)
        stubAttribute(*llvm::cast<ModuleObject>(o), "__call__");
      break;
    default:
      break;
    }
  }
  raise(Exc::TypeError, "'" + typeName(callee) + "' object is not callable");
}

/// "'a'", "'a' and 'b'", "'a', 'b', and 'c'" as CPython lists missing names.
static std::string listNames(const std::vector<std::string> &names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i)
      s += names.size() == 2 ? " and " : i + 1 == names.size() ? ", and " : ", ";
    s += "'" + names[i] + "'";
  }
  return s;
}

static std::string plural(size_t n, const char *word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

/// Binds a call's arguments to a function's parameters in `scope`, raising
/// TypeError with CPython's messages for every mismatch.
static void bindArguments(Interp &in, FunctionObject &fn, CallArgs &args, Scope &scope) {
  using Kind = ast::Param::Kind;
  const auto &params = *fn.params;
  std::vector<std::optional<Value>> bound(params.size());
  std::vector<size_t> positional;
  long varArgs = -1, varKw = -1;
  for (size_t i = 0; i < params.size(); ++i) {
    Kind k = params[i].kind;
    if (k == Kind::PositionalOnly || k == Kind::Positional)
      positional.push_back(i);
    else if (k == Kind::VarPositional)
      varArgs = i;
    else if (k == Kind::VarKeyword)
      varKw = i;
  }
  const std::string &name = fn.qualname;
  size_t given = args.positional.size();
  for (size_t i = 0; i < std::min(given, positional.size()); ++i)
    bound[positional[i]] = args.positional[i];
  if (varArgs >= 0) {
    std::vector<Value> rest;
    if (given > positional.size())
      rest.assign(args.positional.begin() + positional.size(), args.positional.end());
    bound[varArgs] = makeTuple(std::move(rest));
  } else if (given > positional.size()) {
    size_t withDefault = llvm::count_if(positional, [&](size_t i) { return fn.defaults[i].has_value(); });
    size_t kwGiven = llvm::count_if(args.keywords, [&](auto &kw) {
      return llvm::any_of(params, [&](const ast::Param &p) {
        return p.kind == Kind::KeywordOnly && p.name == kw.first;
      });
    });
    std::string takes = withDefault ? "from " + std::to_string(positional.size() - withDefault) +
                                          " to " + std::to_string(positional.size())
                                    : std::to_string(positional.size());
    std::string what = withDefault ? takes + " positional arguments"
                                   : plural(positional.size(), "positional argument");
    std::string was = kwGiven ? plural(given, "positional argument") + " (and " +
                                    plural(kwGiven, "keyword-only argument") + ")"
                              : std::to_string(given);
    in.raise(Exc::TypeError, name + "() takes " + what + " but " + was +
                                 (given == 1 && !kwGiven ? " was" : " were") + " given");
  }
  auto *kwDict = varKw >= 0 ? new DictObject() : nullptr;
  if (kwDict)
    bound[varKw] = Value(kwDict);
  for (auto &[key, value] : args.keywords) {
    long idx = -1;
    for (size_t i = 0; i < params.size(); ++i)
      if ((params[i].kind == Kind::Positional || params[i].kind == Kind::KeywordOnly) &&
          params[i].name == key)
        idx = i;
    if (idx >= 0) {
      if (bound[idx])
        in.raise(Exc::TypeError, name + "() got multiple values for argument '" + key + "'");
      bound[idx] = value;
    } else if (kwDict) {
      kwDict->table.insert(in, makeStr(key), value);
    } else if (llvm::any_of(params, [&](const ast::Param &p) {
                 return p.kind == Kind::PositionalOnly && p.name == key;
               })) {
      in.raise(Exc::TypeError, name + "() got some positional-only arguments passed as "
                                      "keyword arguments: '" + key + "'");
    } else {
      in.raise(Exc::TypeError, name + "() got an unexpected keyword argument '" + key + "'");
    }
  }
  std::vector<std::string> missingPos, missingKw;
  for (size_t i = 0; i < params.size(); ++i) {
    if (bound[i])
      continue;
    if (fn.defaults[i]) {
      bound[i] = fn.defaults[i];
      continue;
    }
    if (params[i].kind == Kind::KeywordOnly)
      missingKw.push_back(params[i].name);
    else
      missingPos.push_back(params[i].name);
  }
  if (!missingPos.empty())
    in.raise(Exc::TypeError, name + "() missing " +
                                 plural(missingPos.size(), "required positional argument") + ": " +
                                 listNames(missingPos));
  if (!missingKw.empty())
    in.raise(Exc::TypeError, name + "() missing " +
                                 plural(missingKw.size(), "required keyword-only argument") +
                                 ": " + listNames(missingKw));
  for (size_t i = 0; i < params.size(); ++i)
    scope.vars.set(params[i].name, std::move(*bound[i]));
}

Value Interp::callFunction(FunctionObject &fn, CallArgs &args) {
  ObjRef keep(&fn);
  if (frames.size() >= recursionLimit)
    raise(Exc::RecursionError, "maximum recursion depth exceeded");
  if (fn.info->hasYield)
    raise(Exc::NotImplementedError, "generator functions (`yield`) are not supported yet");
  ScopeRef scope(new Scope(Scope::Kind::Function, fn.info, fn.closure));
  bindArguments(*this, fn, args, *scope);
  Frame frame;
  frame.name = fn.qualname;
  frame.function = &fn;
  frame.scope = scope;
  frame.firstArg = args.positional.empty() ? Value() : args.positional[0];
  frame.qualPrefix = fn.qualname + ".<locals>.";
  frame.callLoc = currentLoc;
  frames.push_back(std::move(frame));
  struct Pop {
    std::vector<Frame> &frames;
    ~Pop() { frames.pop_back(); }
  } pop{frames};
  BlockMarker barrier(*this, BlockPosition::Barrier); // `break` never crosses a call
  if (fn.lambdaBody)
    return eval(*fn.lambdaBody);
  if (execBlock(*fn.body) == Flow::Return)
    return std::move(frames.back().returnValue);
  return Value();
}

//===----------------------------------------------------------------------===//
// Classes
//===----------------------------------------------------------------------===//

ClassRef Interp::makeBuiltinClass(llvm::StringRef name, ClassObject *base) {
  ClassRef cls(new ClassObject(name.str(), "builtins"));
  cls->qualname = name.str();
  cls->isBuiltin = true;
  cls->mro.push_back(cls.get());
  if (base) {
    cls->bases.push_back(ClassRef(base));
    cls->mro.insert(cls->mro.end(), base->mro.begin(), base->mro.end());
  }
  return cls;
}

/// C3 linearisation, as CPython computes __mro__.
static std::vector<ClassObject *> linearize(Interp &in, ClassObject *cls) {
  std::vector<std::vector<ClassObject *>> seqs;
  for (auto &b : cls->bases)
    seqs.push_back(b->mro);
  std::vector<ClassObject *> direct;
  for (auto &b : cls->bases)
    direct.push_back(b.get());
  seqs.push_back(direct);
  std::vector<ClassObject *> result{cls};
  while (true) {
    llvm::erase_if(seqs, [](auto &s) { return s.empty(); });
    if (seqs.empty())
      return result;
    ClassObject *candidate = nullptr;
    for (auto &s : seqs) {
      ClassObject *head = s.front();
      bool inTail = llvm::any_of(seqs, [&](auto &t) {
        return std::find(t.begin() + 1, t.end(), head) != t.end();
      });
      if (!inTail) {
        candidate = head;
        break;
      }
    }
    if (!candidate) {
      std::string names;
      for (auto &b : cls->bases)
        names += (names.empty() ? "" : ", ") + b->name;
      in.raise(Exc::TypeError,
               "Cannot create a consistent method resolution order (MRO) for bases " + names);
    }
    result.push_back(candidate);
    for (auto &s : seqs)
      if (s.front() == candidate)
        s.erase(s.begin());
  }
}

Value Interp::makeClass(const std::string &name, std::vector<Value> bases, Scope &body) {
  const Value *moduleName = body.vars.lookup("__module__");
  ClassRef cls(new ClassObject(name, moduleName && moduleName->is<StrObject>()
                                         ? moduleName->dyn<StrObject>()->value
                                         : options.moduleName));
  cls->qualname = frames.back().qualPrefix + name;
  if (bases.empty())
    bases.push_back(Value(types.object));
  for (const Value &b : bases) {
    auto *base = b.dyn<ClassObject>();
    if (!base)
      raise(Exc::TypeError, "a class can only derive from classes, not from a '" + typeName(b) + "'");
    if (base->isBuiltin && !base->isException && base != types.object.get())
      raise(Exc::NotImplementedError,
            "subclassing the built-in type '" + base->name + "' is not supported yet");
    cls->bases.push_back(ClassRef(base));
    cls->isException |= base->isException;
  }
  cls->mro = linearize(*this, cls.get());
  for (auto &[key, value] : body.vars.items()) {
    cls->dict.set(key, value);
    // Give methods their __class__ for zero-argument super().
    Value fn = value;
    if (auto *w = value.dyn<StaticMethodObject>()) fn = w->func;
    if (auto *w = value.dyn<ClassMethodObject>()) fn = w->func;
    if (auto *p = value.dyn<PropertyObject>()) fn = p->fget;
    if (auto *f = fn.dyn<FunctionObject>())
      if (!f->ownerClass)
        f->ownerClass = cls.get();
    if (auto *p = value.dyn<PropertyObject>())
      for (Value *acc : {&p->fset, &p->fdel})
        if (auto *f = acc->dyn<FunctionObject>())
          if (!f->ownerClass)
            f->ownerClass = cls.get();
  }
  return Value(cls);
}
