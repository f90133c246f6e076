//===- Exceptions.cpp - Built-in exceptions, raising and tracebacks -------===//
//
// Python exceptions are instances of classes deriving from BaseException;
// the hierarchy below is the part of CPython's that scripts catch. An
// uncaught exception is printed as a traceback made of caret diagnostics:
// one note per calling frame (outermost first, as Python's "most recent call
// last"), then the error at the expression that raised.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/Interp.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace bpc;
using namespace bpc::tracer;

RecursionGuard::RecursionGuard(Interp &interp, const char *what) : interp(interp) {
  if (++interp.nestingDepth > interp.recursionLimit + 50) {
    --interp.nestingDepth;
    interp.raise(Exc::RecursionError, llvm::Twine("maximum recursion depth exceeded ") + what);
  }
}

void Interp::installExceptions() {
  struct Def {
    Exc kind;
    const char *name;
    Exc base;
  };
  static const Def defs[] = {
      {Exc::BaseException, "BaseException", Exc::ZZLast},
      {Exc::Exception, "Exception", Exc::BaseException},
      {Exc::ArithmeticError, "ArithmeticError", Exc::Exception},
      {Exc::ZeroDivisionError, "ZeroDivisionError", Exc::ArithmeticError},
      {Exc::OverflowError, "OverflowError", Exc::ArithmeticError},
      {Exc::ValueError, "ValueError", Exc::Exception},
      {Exc::TypeError, "TypeError", Exc::Exception},
      {Exc::LookupError, "LookupError", Exc::Exception},
      {Exc::KeyError, "KeyError", Exc::LookupError},
      {Exc::IndexError, "IndexError", Exc::LookupError},
      {Exc::NameError, "NameError", Exc::Exception},
      {Exc::UnboundLocalError, "UnboundLocalError", Exc::NameError},
      {Exc::AttributeError, "AttributeError", Exc::Exception},
      {Exc::AssertionError, "AssertionError", Exc::Exception},
      {Exc::RuntimeError, "RuntimeError", Exc::Exception},
      {Exc::RecursionError, "RecursionError", Exc::RuntimeError},
      {Exc::NotImplementedError, "NotImplementedError", Exc::RuntimeError},
      {Exc::StopIteration, "StopIteration", Exc::Exception},
      {Exc::ImportError, "ImportError", Exc::Exception},
      {Exc::ModuleNotFoundError, "ModuleNotFoundError", Exc::ImportError},
      {Exc::SystemExit, "SystemExit", Exc::BaseException},
      {Exc::KeyboardInterrupt, "KeyboardInterrupt", Exc::BaseException},
  };
  for (const Def &d : defs) {
    ClassObject *base = d.base == Exc::ZZLast ? types.object.get() : excClass(d.base);
    ClassRef cls = makeBuiltinClass(d.name, base);
    cls->isException = true;
    types.exceptions[static_cast<int>(d.kind)] = cls;
    builtins.set(d.name, Value(cls));
  }
  // BaseException.__init__ stores its arguments, so that a user exception
  // calling super().__init__(msg) gets args == (msg,).
  defineBuiltin(excClass(Exc::BaseException)->dict, "__init__",
                [](Interp &in, CallArgs &args) {
                  if (auto *inst = args.positional[0].dyn<InstanceObject>())
                    if (inst->exc)
                      inst->exc->args = makeTuple(std::vector<Value>(
                          args.positional.begin() + 1, args.positional.end()));
                  return Value();
                },
                /*isMethod=*/true);
}

Value Interp::newException(ClassObject *cls, std::vector<Value> args) {
  auto *inst = new InstanceObject(ClassRef(cls));
  inst->exc = std::make_unique<ExceptionState>();
  inst->exc->args = makeTuple(std::move(args));
  return Value(inst);
}

/// Throws `exc`, linking it to the exception being handled (__context__).
[[noreturn]] static void throwWithContext(Interp &interp, Value exc) {
  auto *inst = exc.dyn<InstanceObject>();
  if (inst && inst->exc && !interp.handling.empty() && inst->exc->context.isNone() &&
      interp.handling.back().getObject() != inst)
    inst->exc->context = interp.handling.back();
  throw PyException{std::move(exc)};
}

void Interp::raise(Exc kind, const llvm::Twine &message) {
  throwWithContext(*this, newException(excClass(kind), {makeStr(message.str())}));
}

void Interp::raiseArgs(Exc kind, std::vector<Value> args) {
  throwWithContext(*this, newException(excClass(kind), std::move(args)));
}

void Interp::raiseValue(const Value &exc) {
  Value instance = exc;
  if (auto *cls = exc.dyn<ClassObject>()) {
    if (!cls->isException)
      raise(Exc::TypeError, "exceptions must derive from BaseException");
    instance = call(exc, std::vector<Value>{});
  }
  auto *inst = instance.dyn<InstanceObject>();
  if (!inst || !inst->exc)
    raise(Exc::TypeError, "exceptions must derive from BaseException");
  // An explicit `raise e` starts a new traceback at the raise statement.
  inst->exc->traceback.clear();
  throwWithContext(*this, instance);
}

/// CPython's suggestion distance (Python/suggestions.c): a case change
/// costs 1, any other edit 2.
static size_t editDistance(llvm::StringRef a, llvm::StringRef b, size_t maxCost) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j * 2;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0], best = row[0] = i * 2;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t subst = a[i - 1] == b[j - 1] ? 0 : llvm::toLower(a[i - 1]) == llvm::toLower(b[j - 1]) ? 1 : 2;
      size_t next = std::min({diag + subst, row[j] + 2, row[j - 1] + 2});
      diag = row[j];
      row[j] = next;
      best = std::min(best, next);
    }
    if (best > maxCost)
      return maxCost + 1;
  }
  return row[b.size()];
}

static std::string closestName(llvm::StringRef name, const std::vector<std::string> &candidates) {
  if (name.size() > 40)
    return "";
  std::string best;
  size_t bestDistance = SIZE_MAX;
  for (const std::string &c : llvm::ArrayRef(candidates).take_front(750)) {
    if (c == name)
      continue;
    size_t maxDistance = std::min((name.size() + c.size() + 3) * 2 / 6, bestDistance - 1);
    size_t d = editDistance(name, c, maxDistance);
    if (d <= maxDistance && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

void Interp::raiseMissingName(Exc kind, const llvm::Twine &message, llvm::StringRef name,
                              llvm::ArrayRef<std::vector<std::string>> candidates) {
  Value exc = newException(excClass(kind), {makeStr(message.str())});
  // Like CPython, try each group in turn (locals, globals, builtins).
  for (const std::vector<std::string> &group : candidates) {
    std::string s = closestName(name, group);
    if (!s.empty()) {
      exc.dyn<InstanceObject>()->exc->suggestion = s;
      break;
    }
  }
  throwWithContext(*this, exc);
}

bool Interp::exceptionMatches(const Value &exc, const Value &filter) {
  if (auto *tuple = filter.dyn<TupleObject>()) {
    for (const Value &item : tuple->items)
      if (exceptionMatches(exc, item))
        return true;
    return false;
  }
  auto *cls = filter.dyn<ClassObject>();
  if (!cls || !cls->isException)
    raise(Exc::TypeError,
          "catching classes that do not inherit from BaseException is not allowed");
  return isInstance(exc, cls);
}

bool Interp::isExceptionOf(const PyException &e, Exc kind) {
  return isInstance(e.value, excClass(kind));
}

void Interp::annotate(PyException &e, ast::Loc loc) {
  auto *inst = e.value.dyn<InstanceObject>();
  if (!inst || !inst->exc)
    return;
  auto &tb = inst->exc->traceback;
  // The innermost expression of each frame is recorded once: unwinding
  // reaches the deepest frame first, so a frame is new when it is shallower.
  if (tb.empty() || tb.back().depth > depth())
    tb.push_back({depth(), loc, frames.back().name, currentSource().bufferId});
}

std::string Interp::exceptionMessage(const Value &exc) {
  ClassObject *cls = typeOf(exc);
  // Like CPython's traceback: the module is shown except for builtins and
  // the main script.
  bool bare = cls->module == "builtins" || cls->module == "__main__";
  std::string name = bare ? cls->qualname : cls->module + "." + cls->qualname;
  std::string text = str(exc);
  return text.empty() ? name : name + ": " + text;
}

void Interp::reportUncaught(const Value &exc) {
  out.flush();
  auto *inst = exc.dyn<InstanceObject>();
  std::string message = exceptionMessage(exc);
  if (!inst || !inst->exc || inst->exc->traceback.empty()) {
    diags.error(message);
    return;
  }
  const auto &tb = inst->exc->traceback;
  // Outer frames first; a run of identical frames (deep recursion) is
  // shown three times and then summarised, as CPython does.
  for (size_t i = tb.size(); i-- > 1;) {
    size_t run = 1;
    while (i >= run + 1 && tb[i - run].loc.begin == tb[i].loc.begin &&
           tb[i - run].function == tb[i].function)
      ++run;
    if (run > 3) {
      for (int k = 0; k < 3; ++k)
        diags.note(tb[i].bufferId, tb[i].loc, "in " + tb[i].function);
      diags.note(tb[i].bufferId, tb[i].loc,
                 "in " + tb[i].function + ": the call above repeats " +
                     llvm::Twine(run - 3) + " more times");
      i -= run - 1;
      continue;
    }
    diags.note(tb[i].bufferId, tb[i].loc, "in " + tb[i].function);
  }
  diags.error(tb[0].bufferId, tb[0].loc, message);
  if (!inst->exc->suggestion.empty())
    diags.note(tb[0].bufferId, tb[0].loc, "did you mean '" + inst->exc->suggestion + "'?");
  // Chained exceptions: say what caused this one, where it was raised.
  Value link = inst->exc->cause.isNone() ? (inst->exc->suppressContext ? Value() : inst->exc->context)
                                         : inst->exc->cause;
  bool direct = !inst->exc->cause.isNone();
  for (unsigned hops = 0; !link.isNone() && hops < 8; ++hops) {
    auto *prev = link.dyn<InstanceObject>();
    if (!prev || !prev->exc)
      break;
    std::string what = direct ? "this exception was directly caused by "
                              : "this exception was raised while handling ";
    if (prev->exc->traceback.empty())
      break;
    const TraceEntry &origin = prev->exc->traceback.front();
    diags.note(origin.bufferId, origin.loc, what + exceptionMessage(link));
    direct = !prev->exc->cause.isNone();
    link = direct ? prev->exc->cause : (prev->exc->suppressContext ? Value() : prev->exc->context);
  }
}
