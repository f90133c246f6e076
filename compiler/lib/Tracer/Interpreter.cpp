//===- Interpreter.cpp - Statements, names and the `bpc run` entry point --===//
//
// Statements run in the scope of the innermost frame. Names are resolved the
// way CPython's compiler does: a function's locals are known statically
// (Scope.cpp), free names are found in enclosing function scopes, then in the
// module's globals and the builtins; class bodies are skipped by functions
// defined inside them.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/ArrayRuntime.h"
#include "bpc/Tracer/Interp.h"
#include "bpc/Tracer/Interpreter.h"

#include "llvm/Support/thread.h"

#include <exception>

using namespace bpc;
using namespace bpc::tracer;
using namespace bpc::ast;

Interp::Interp(const ast::Module &module, DiagnosticEngine &diags, const RunOptions &options,
               llvm::raw_ostream &out)
    : module(module), diags(diags), options(options), out(out) {
  notImplemented = Value(new SingletonObject("NotImplemented"));
  ellipsis = Value(new SingletonObject("Ellipsis"));
  for (int c = 0; c < 128; ++c)
    charCache.push_back(makeStr(std::string(1, static_cast<char>(c))));
  installTypes();
  installExceptions();
  installBuiltins();
  installMethods();
  globals = ScopeRef(new Scope(Scope::Kind::Module, nullptr, nullptr));
  globals->source = &module;
  // `bpc build` runs the module under another name, so the
  // `if __name__ == "__main__":` block only runs under `bpc run`.
  globals->vars.set("__name__", makeStr(options.moduleName));
  globals->vars.set("__file__", makeStr(module.filename));
  globals->vars.set("__doc__", Value());
  Frame top;
  top.name = "<module>";
  top.scope = globals;
  frames.push_back(std::move(top));
}

Interp::~Interp() = default; // ArrayRuntime is complete here

int Interp::run() {
  try {
    execBlock(module.body);
    out.flush();
    return 0;
  } catch (PyException &e) {
    if (isExceptionOf(e, Exc::SystemExit)) {
      // sys.exit(code): None is success, an int is the status, anything
      // else is printed and means failure, as in CPython.
      out.flush();
      auto &args = e.value.dyn<InstanceObject>()->exc->args.dyn<TupleObject>()->items;
      Value code = args.empty() ? Value() : args[0];
      if (code.isNone())
        return 0;
      if (code.isIntLike())
        return static_cast<int>(code.getInt());
      llvm::errs() << str(code) << "\n";
      return 1;
    }
    reportUncaught(e.value);
    return 1;
  }
}

int bpc::tracer::runModule(const ast::Module &module, DiagnosticEngine &diags,
                           const RunOptions &options, llvm::raw_ostream &out) {
  int status = 1;
  auto body = [&] {
    try {
      Interp interp(module, diags, options, out);
      status = interp.run();
      if (status == 0 && options.afterRun)
        status = options.afterRun(interp);
    } catch (std::exception &e) {
      out.flush();
      diags.error(llvm::Twine("internal error in the evaluator: ") + e.what());
      status = 2;
    } catch (...) {
      out.flush();
      diags.error("internal error in the evaluator");
      status = 2;
    }
  };
  // Python code may recurse 1000 frames deep, and each Python frame costs
  // several evaluator frames: run on a thread with a generous stack rather
  // than trusting the main thread's.
  llvm::thread worker(std::optional<unsigned>(1u << 29), body);
  worker.join();
  return status;
}

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

/// The scope that functions defined in `s` close over (class bodies are not
/// visible from their methods).
static ScopeRef enclosingFunctionScope(const ScopeRef &s) {
  ScopeRef cur = s;
  while (cur->kind == Scope::Kind::Class)
    cur = cur->parent;
  return cur;
}

Scope &Interp::moduleScope(Scope &s) {
  Scope *cur = &s;
  while (cur->parent)
    cur = cur->parent.get();
  return *cur;
}

const ast::Module &Interp::sourceOf(Scope &s) {
  const ast::Module *source = moduleScope(s).source;
  return source ? *source : module;
}

Value Interp::loadName(const std::string &name, ast::Loc) {
  Scope *s = frames.back().scope.get();
  bool global = false;
  if (s->kind == Scope::Kind::Function) {
    const ScopeInfo *info = s->info;
    if (info->locals.count(name)) {
      if (Value *v = s->vars.lookup(name))
        return *v;
      raise(Exc::UnboundLocalError,
            "cannot access local variable '" + name + "' where it is not associated with a value");
    }
    global = info->globals.count(name);
    if (!global)
      if (Value *v = s->vars.lookup(name))
        return *v;
    s = s->parent.get();
  } else if (s->kind == Scope::Kind::Class) {
    if (Value *v = s->vars.lookup(name))
      return *v;
    s = s->parent.get();
  }
  for (; !global && s && s->kind != Scope::Kind::Module; s = s->parent.get()) {
    if (s->kind != Scope::Kind::Function || !s->info->locals.count(name))
      continue;
    if (Value *v = s->vars.lookup(name))
      return *v;
    raise(Exc::NameError, "cannot access free variable '" + name +
                              "' where it is not associated with a value in enclosing scope");
  }
  // Functions of a stdlib module see that module's globals, not the script's.
  Scope &moduleGlobals = moduleScope(*frames.back().scope);
  if (Value *v = moduleGlobals.vars.lookup(name))
    return *v;
  if (Value *v = builtins.lookup(name))
    return *v;
  auto keys = [](const AttrDict &d) {
    std::vector<std::string> names;
    for (auto &entry : d.items())
      names.push_back(entry.first);
    return names;
  };
  const Scope &local = *frames.back().scope;
  std::vector<std::string> locals = &local == &moduleGlobals ? std::vector<std::string>() : keys(local.vars);
  raiseMissingName(Exc::NameError, "name '" + name + "' is not defined", name,
                   {locals, keys(moduleGlobals.vars), keys(builtins)});
}

/// The scope that binds `name` when the current frame assigns it.
static Scope *bindingScope(Interp &in, const std::string &name) {
  Scope *s = in.frames.back().scope.get();
  if (s->kind != Scope::Kind::Function)
    return s;
  if (s->info->globals.count(name))
    return &Interp::moduleScope(*s);
  if (s->info->nonlocals.count(name))
    for (Scope *p = s->parent.get(); p && p->kind != Scope::Kind::Module; p = p->parent.get())
      if (p->kind == Scope::Kind::Function && p->info->locals.count(name))
        return p;
  return s;
}

void Interp::storeName(const std::string &name, Value value) {
  Scope *scope = bindingScope(*this, name);
  if (scope != frames.back().scope.get())
    needsUnrollInTrial(); // a global or nonlocal: state outside the loop's frame
  scope->vars.set(name, std::move(value));
}

void Interp::deleteName(const std::string &name) {
  if (bindingScope(*this, name) != frames.back().scope.get())
    needsUnrollInTrial();
  if (!bindingScope(*this, name)->vars.erase(name))
    raise(Exc::NameError, "name '" + name + "' is not defined");
}

//===----------------------------------------------------------------------===//
// Assignment targets
//===----------------------------------------------------------------------===//

/// `a, *b, c = value`.
static void unpack(Interp &in, const ExprList &targets, const Value &value) {
  if (!value.is<ListObject>() && !value.is<TupleObject>() && !value.is<StrObject>() &&
      !value.is<RangeObject>() && !value.is<DictObject>() && !value.is<SetObject>() &&
      !value.is<IteratorObject>() && !value.is<DictViewObject>() && !value.is<InstanceObject>())
    in.raise(Exc::TypeError, "cannot unpack non-iterable " + in.typeName(value) + " object");
  std::vector<Value> items = in.toVector(value);
  long star = -1;
  for (size_t i = 0; i < targets.size(); ++i)
    if (llvm::isa<StarredExpr>(*targets[i]))
      star = i;
  size_t n = targets.size();
  if (star < 0) {
    if (items.size() < n)
      in.raise(Exc::ValueError, "not enough values to unpack (expected " + llvm::Twine(n) +
                                    ", got " + llvm::Twine(items.size()) + ")");
    if (items.size() > n)
      in.raise(Exc::ValueError, "too many values to unpack (expected " + llvm::Twine(n) + ")");
    for (size_t i = 0; i < n; ++i)
      in.assign(*targets[i], items[i]);
    return;
  }
  if (items.size() < n - 1)
    in.raise(Exc::ValueError, "not enough values to unpack (expected at least " +
                                  llvm::Twine(n - 1) + ", got " + llvm::Twine(items.size()) + ")");
  size_t after = n - star - 1;
  for (long i = 0; i < star; ++i)
    in.assign(*targets[i], items[i]);
  std::vector<Value> middle(items.begin() + star, items.end() - after);
  in.assign(*llvm::cast<StarredExpr>(*targets[star]).value, makeList(std::move(middle)));
  for (size_t i = 0; i < after; ++i)
    in.assign(*targets[star + 1 + i], items[items.size() - after + i]);
}

void Interp::assign(const Expr &target, const Value &value) {
  switch (target.getKind()) {
  case Expr::Kind::Name:
    storeName(llvm::cast<NameExpr>(target).id, value);
    return;
  case Expr::Kind::Attribute: {
    auto &a = llvm::cast<AttributeExpr>(target);
    Value obj = eval(*a.value);
    currentLoc = target.getLoc();
    try {
      setAttr(obj, a.attr, value);
    } catch (PyException &e) {
      annotate(e, target.getLoc());
      throw;
    }
    return;
  }
  case Expr::Kind::Subscript: {
    auto &s = llvm::cast<SubscriptExpr>(target);
    Value obj = eval(*s.value);
    Value index = eval(*s.slice);
    currentLoc = target.getLoc();
    try {
      setItem(obj, index, value);
    } catch (PyException &e) {
      annotate(e, target.getLoc());
      throw;
    }
    return;
  }
  case Expr::Kind::Tuple:
    unpack(*this, llvm::cast<TupleExpr>(target).elts, value);
    return;
  case Expr::Kind::List:
    unpack(*this, llvm::cast<ListExpr>(target).elts, value);
    return;
  default:
    raise(Exc::NotImplementedError, "cannot assign to this expression");
  }
}

static void deleteTarget(Interp &in, const Expr &target) {
  if (auto *n = llvm::dyn_cast<NameExpr>(&target)) {
    in.deleteName(n->id);
  } else if (auto *a = llvm::dyn_cast<AttributeExpr>(&target)) {
    in.delAttr(in.eval(*a->value), a->attr);
  } else if (auto *s = llvm::dyn_cast<SubscriptExpr>(&target)) {
    Value obj = in.eval(*s->value);
    in.delItem(obj, in.eval(*s->slice));
  } else if (auto *t = llvm::dyn_cast<TupleExpr>(&target)) {
    for (const ExprPtr &e : t->elts)
      deleteTarget(in, *e);
  } else if (auto *l = llvm::dyn_cast<ListExpr>(&target)) {
    for (const ExprPtr &e : l->elts)
      deleteTarget(in, *e);
  }
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

Flow Interp::execBlock(const StmtList &body) {
  size_t level = blockStack.size();
  blockStack.push_back({BlockPosition::Block, &body, 0, {}});
  struct Pop {
    std::vector<BlockPosition> &stack;
    size_t level;
    ~Pop() { stack.resize(level); }
  } pop{blockStack, level};
  for (size_t i = 0; i < body.size(); ++i) {
    restOfBlock = {&body, i + 1};
    blockStack[level].next = i + 1;
    Flow f = exec(*body[i]);
    if (f != Flow::Normal)
      return f;
  }
  return Flow::Normal;
}

/// Runs a loop body; returns whether the loop should go on, and sets `out`
/// when the body returned (or broke, which ends the loop without `else`).
static bool loopStep(Interp &in, const StmtList &body, Flow &out) {
  Interp::BlockMarker barrier(in, Interp::BlockPosition::Barrier);
  Flow f = in.execBlock(body);
  if (f == Flow::Break || f == Flow::Return) {
    out = f;
    return false;
  }
  return true;
}

static Value makeFunction(Interp &in, const std::string &name, const std::vector<Param> &params,
                          const void *key, const StmtList *body, const Expr *lambdaBody) {
  auto *fn = new FunctionObject();
  Value result(fn);
  fn->name = name;
  fn->qualname = in.frames.back().qualPrefix + name;
  fn->params = &params;
  fn->body = body;
  fn->lambdaBody = lambdaBody;
  fn->info = &in.functionInfo(key, params, body, lambdaBody);
  fn->closure = enclosingFunctionScope(in.frames.back().scope);
  // Defaults are evaluated once, at definition time; annotations are not
  // evaluated at all: in .bpm they are shape types (f32[n, d]) for the
  // tracer, not Python expressions.
  for (const Param &p : params)
    fn->defaults.push_back(p.defaultValue ? std::optional<Value>(in.eval(*p.defaultValue))
                                          : std::nullopt);
  return result;
}

static Value applyDecorators(Interp &in, const std::vector<Value> &decorators, Value target) {
  for (auto it = decorators.rbegin(); it != decorators.rend(); ++it)
    target = in.call(*it, std::vector<Value>{target});
  return target;
}

static Flow execTry(Interp &in, const TryStmt &s) {
  Interp::BlockMarker barrier(in, Interp::BlockPosition::TryBarrier);
  auto bodyAndHandlers = [&]() -> Flow {
    Flow flow;
    try {
      flow = in.execBlock(s.body);
    } catch (PyException &e) {
      for (const ExceptHandler &h : s.handlers) {
        if (h.type && !in.exceptionMatches(e.value, in.eval(*h.type)))
          continue;
        Value caught = e.value;
        in.handling.push_back(caught);
        struct Pop {
          Interp &in;
          ~Pop() { in.handling.pop_back(); }
        } pop{in};
        if (!h.name.empty())
          in.storeName(h.name, caught);
        Flow f = in.execBlock(h.body);
        // CPython deletes the `as` name so the traceback cycle dies.
        if (!h.name.empty())
          try {
            in.deleteName(h.name);
          } catch (PyException &) {
          }
        return f;
      }
      throw;
    }
    if (flow == Flow::Normal)
      flow = in.execBlock(s.orelse);
    return flow;
  };
  if (s.finalbody.empty())
    return bodyAndHandlers();
  Flow flow;
  try {
    flow = bodyAndHandlers();
  } catch (PyException &e) {
    Value pending = e.value;
    in.handling.push_back(pending);
    Flow f;
    {
      struct Pop {
        Interp &in;
        ~Pop() { in.handling.pop_back(); }
      } pop{in};
      f = in.execBlock(s.finalbody);
    }
    if (f != Flow::Normal)
      return f; // return/break in `finally` discards the exception
    throw;
  }
  Value saved = in.frames.back().returnValue;
  Flow f = in.execBlock(s.finalbody);
  if (f != Flow::Normal)
    return f;
  in.frames.back().returnValue = saved;
  return flow;
}

[[noreturn]] static void execRaise(Interp &in, const RaiseStmt &s) {
  if (!s.exc) {
    if (in.handling.empty())
      in.raise(Exc::RuntimeError, "No active exception to reraise");
    throw PyException{in.handling.back()};
  }
  Value exc = in.eval(*s.exc);
  if (auto *cls = exc.dyn<ClassObject>()) {
    if (!cls->isException)
      in.raise(Exc::TypeError, "exceptions must derive from BaseException");
    exc = in.call(exc, std::vector<Value>{});
  }
  auto *inst = exc.dyn<InstanceObject>();
  if (!inst || !inst->exc)
    in.raise(Exc::TypeError, "exceptions must derive from BaseException");
  if (s.cause) {
    Value cause = in.eval(*s.cause);
    if (auto *cls = cause.dyn<ClassObject>())
      if (cls->isException)
        cause = in.call(cause, std::vector<Value>{});
    auto *ci = cause.dyn<InstanceObject>();
    if (!cause.isNone() && (!ci || !ci->exc))
      in.raise(Exc::TypeError, "exception causes must derive from BaseException");
    inst->exc->cause = cause;
    inst->exc->suppressContext = true;
  }
  in.raiseValue(exc);
}

static void execImport(Interp &in, const ImportStmt &s) {
  for (const Alias &a : s.names) {
    if (!a.asname.empty()) {
      in.storeName(a.asname, in.importModule(a.name, a.asname));
      continue;
    }
    // `import a.b.c` binds `a`; the submodules are reached as attributes.
    in.importModule(a.name, a.name);
    std::string top = llvm::StringRef(a.name).split('.').first.str();
    in.storeName(top, in.importModule(top, top));
  }
}

static void execImportFrom(Interp &in, const ImportFromStmt &s) {
  if (s.level > 0)
    in.raise(Exc::ImportError, "relative imports are not supported: a .bpm module is self-contained");
  Value mod = in.importModule(s.module, s.module);
  for (const Alias &a : s.names) {
    if (a.name == "*") {
      for (auto &[key, value] : mod.dyn<ModuleObject>()->attrs.items())
        if (!llvm::StringRef(key).starts_with("_"))
          in.storeName(key, value);
      continue;
    }
    auto *m = mod.dyn<ModuleObject>();
    Value v;
    if (m->stub) {
      v = in.getAttr(mod, a.name); // a stub raises NotImplementedError here
      // A stub submodule is named after its local alias in messages.
      if (auto *sub = v.dyn<ModuleObject>())
        v = in.importModule(sub->name, a.asname.empty() ? a.name : a.asname);
    } else if (std::optional<Value> found = in.getAttrOpt(mod, a.name)) {
      v = *found;
    } else {
      in.raise(Exc::ImportError, "cannot import name '" + a.name + "' from '" + s.module + "'");
    }
    in.storeName(a.asname.empty() ? a.name : a.asname, v);
  }
}

Flow Interp::exec(const Stmt &s) {
  try {
    switch (s.getKind()) {
    case Stmt::Kind::Expr:
      eval(*llvm::cast<ExprStmt>(s).value);
      return Flow::Normal;
    case Stmt::Kind::Assign: {
      auto &a = llvm::cast<AssignStmt>(s);
      Value v = eval(*a.value);
      for (const ExprPtr &t : a.targets)
        assign(*t, v);
      return Flow::Normal;
    }
    case Stmt::Kind::AugAssign: {
      auto &a = llvm::cast<AugAssignStmt>(s);
      // Array updates (`v += e`) take their location from the statement.
      currentLoc = a.target->getLoc();
      if (auto *n = llvm::dyn_cast<NameExpr>(a.target.get())) {
        Value old = loadName(n->id, n->getLoc());
        Value rhs = eval(*a.value);
        storeName(n->id, binaryOp(a.op, old, rhs, /*inPlace=*/true));
      } else if (auto *at = llvm::dyn_cast<AttributeExpr>(a.target.get())) {
        Value obj = eval(*at->value);
        Value old = getAttr(obj, at->attr);
        Value rhs = eval(*a.value);
        setAttr(obj, at->attr, binaryOp(a.op, old, rhs, true));
      } else if (auto *sub = llvm::dyn_cast<SubscriptExpr>(a.target.get())) {
        Value obj = eval(*sub->value);
        Value index = eval(*sub->slice);
        Value old = getItem(obj, index);
        Value rhs = eval(*a.value);
        setItem(obj, index, binaryOp(a.op, old, rhs, true));
      } else {
        raise(Exc::NotImplementedError, "cannot augment-assign this expression");
      }
      return Flow::Normal;
    }
    case Stmt::Kind::AnnAssign: {
      auto &a = llvm::cast<AnnAssignStmt>(s);
      if (a.value)
        assign(*a.target, eval(*a.value));
      return Flow::Normal;
    }
    case Stmt::Kind::If: {
      auto &i = llvm::cast<IfStmt>(s);
      Value test = eval(*i.test);
      if (arrays)
        if (std::optional<Flow> f = execTracedIf(*this, i, test))
          return *f;
      return execBlock(truthy(test) ? i.body : i.orelse);
    }
    case Stmt::Kind::While: {
      auto &w = llvm::cast<WhileStmt>(s);
      Flow out = Flow::Normal;
      Value test = eval(*w.test);
      if (arrays)
        if (std::optional<Flow> f = execTracedWhile(*this, w, test))
          return *f;
      for (; truthy(test); test = eval(*w.test))
        if (!loopStep(*this, w.body, out))
          break;
      if (out == Flow::Return)
        return out;
      if (out == Flow::Break)
        return Flow::Normal;
      return execBlock(w.orelse);
    }
    case Stmt::Kind::For: {
      auto &f = llvm::cast<ForStmt>(s);
      Value iterable = eval(*f.iter);
      if (arrays)
        if (std::optional<Flow> traced = execTracedFor(*this, f, iterable))
          return *traced;
      Flow out = Flow::Normal;
      forEach(iterable, [&](const Value &v) {
        assign(*f.target, v);
        return loopStep(*this, f.body, out);
      });
      if (out == Flow::Return)
        return out;
      if (out == Flow::Break)
        return Flow::Normal;
      return execBlock(f.orelse);
    }
    case Stmt::Kind::Return: {
      auto &r = llvm::cast<ReturnStmt>(s);
      frames.back().returnValue = r.value ? eval(*r.value) : Value();
      return Flow::Return;
    }
    case Stmt::Kind::Pass:
    case Stmt::Kind::Global:
    case Stmt::Kind::Nonlocal:
      return Flow::Normal;
    case Stmt::Kind::Break:
      return Flow::Break;
    case Stmt::Kind::Continue:
      return Flow::Continue;
    case Stmt::Kind::FunctionDef: {
      auto &d = llvm::cast<FunctionDefStmt>(s);
      std::vector<Value> decorators;
      for (const ExprPtr &e : d.decorators)
        decorators.push_back(eval(*e));
      Value fn = makeFunction(*this, d.name, d.params, &d, &d.body, nullptr);
      storeName(d.name, applyDecorators(*this, decorators, fn));
      return Flow::Normal;
    }
    case Stmt::Kind::ClassDef: {
      auto &c = llvm::cast<ClassDefStmt>(s);
      std::vector<Value> decorators;
      for (const ExprPtr &e : c.decorators)
        decorators.push_back(eval(*e));
      std::vector<Value> bases;
      for (const ExprPtr &e : c.bases)
        bases.push_back(eval(*e));
      if (!c.keywords.empty())
        raise(Exc::NotImplementedError, "class keywords (such as metaclass=) are not supported yet");
      ScopeRef body(new Scope(Scope::Kind::Class, nullptr, frames.back().scope));
      Frame frame;
      frame.name = c.name;
      frame.scope = body;
      frame.qualPrefix = frames.back().qualPrefix + c.name + ".";
      // `__module__` is the defining module's `__name__` (a stdlib class's
      // is brainpy.optimizers); a class body may assign another.
      Value moduleName = makeStr(options.moduleName);
      if (Value *n = moduleScope(*frames.back().scope).vars.lookup("__name__"))
        moduleName = *n;
      body->vars.set("__module__", moduleName);
      body->vars.set("__qualname__", makeStr(frames.back().qualPrefix + c.name));
      frames.push_back(std::move(frame));
      {
        struct Pop {
          std::vector<Frame> &frames;
          ~Pop() { frames.pop_back(); }
        } pop{frames};
        execBlock(c.body);
      }
      Value cls = makeClass(c.name, std::move(bases), *body);
      storeName(c.name, applyDecorators(*this, decorators, cls));
      return Flow::Normal;
    }
    case Stmt::Kind::Delete:
      for (const ExprPtr &t : llvm::cast<DeleteStmt>(s).targets)
        deleteTarget(*this, *t);
      return Flow::Normal;
    case Stmt::Kind::Raise:
      execRaise(*this, llvm::cast<RaiseStmt>(s));
    case Stmt::Kind::Try:
      return execTry(*this, llvm::cast<TryStmt>(s));
    case Stmt::Kind::Assert: {
      auto &a = llvm::cast<AssertStmt>(s);
      if (!truthy(eval(*a.test))) {
        std::vector<Value> args;
        if (a.msg)
          args.push_back(eval(*a.msg));
        // Point at the failed condition, as CPython does.
        try {
          raiseArgs(Exc::AssertionError, std::move(args));
        } catch (PyException &e) {
          annotate(e, a.test->getLoc());
          throw;
        }
      }
      return Flow::Normal;
    }
    case Stmt::Kind::Import:
      execImport(*this, llvm::cast<ImportStmt>(s));
      return Flow::Normal;
    case Stmt::Kind::ImportFrom:
      execImportFrom(*this, llvm::cast<ImportFromStmt>(s));
      return Flow::Normal;
    case Stmt::Kind::With:
      raise(Exc::NotImplementedError, "the `with` statement is not supported yet");
    }
  } catch (PyException &e) {
    annotate(e, s.getLoc());
    throw;
  }
  return Flow::Normal;
}
