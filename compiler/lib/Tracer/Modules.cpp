//===- Modules.cpp - import: math, types, sys, time and array-library stubs ===//
//
// Only a few modules exist at this stage. brainpy, numpy and jax are bound
// to stub modules: their arrays are what the tracer will stage into IR, so
// until then touching any of their attributes raises a NotImplementedError
// at the use site (catchable by the script), never a made-up value. Parts of
// brainpy written in .bpm (brainpy.optimizers) come from stdlib/ (Stdlib.cpp).
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/ArrayRuntime.h"
#include "bpc/Tracer/Format.h"
#include "bpc/Tracer/Interp.h"

#include <chrono>
#include <ctime>
#include <cmath>
#include <numeric>

using namespace bpc;
using namespace bpc::tracer;

namespace {

/// Packages bpc implements only in part (what is missing raises), and the
/// submodules that
/// `import a.b` or attribute access may name.
bool isStubPackage(llvm::StringRef name) {
  llvm::StringRef top = name.split('.').first;
  return top == "brainpy" || top == "numpy" || top == "jax";
}

bool isKnownStubSubmodule(llvm::StringRef dotted) {
  static const char *known[] = {"brainpy.math", "brainpy.math.jax", "brainpy.math.numpy",
                                "brainpy.math.random", "brainpy.math.jax.random", "brainpy.dyn", "brainpy.nn",
                                "numpy.random", "numpy.linalg", "jax.numpy", "jax.random",
                                "jax.lax"};
  return llvm::is_contained(known, dotted);
}

double realArg(Interp &in, const Value &v) {
  if (v.isNumber())
    return v.toDouble();
  if (std::optional<Value> m = in.specialMethod(v, "__float__"))
    return in.call(*m, std::vector<Value>{}).toDouble();
  in.raise(Exc::TypeError, "must be real number, not " + in.typeName(v));
}

/// Wraps a libm function with CPython's math-module error rules: NaN from a
/// non-NaN argument is a domain error; an infinite result from finite input
/// is a range error, or a domain error for the poles of log-like functions.
BuiltinFn unary(const char *name, double (*fn)(double), bool poleIsDomain = false) {
  return [name, fn, poleIsDomain](Interp &in, CallArgs &args) {
    expectArgs(in, name, args, 1, 1);
    double x = realArg(in, args.positional[0]);
    double r = fn(x);
    if (std::isnan(r) && !std::isnan(x))
      in.raise(Exc::ValueError, "math domain error");
    if (std::isinf(r) && std::isfinite(x))
      in.raise(poleIsDomain ? Exc::ValueError : Exc::OverflowError,
               poleIsDomain ? "math domain error" : "math range error");
    return Value::real(r);
  };
}

/// floor/ceil/trunc return ints in Python 3.
BuiltinFn rounding(const char *name, double (*fn)(double)) {
  return [name, fn](Interp &in, CallArgs &args) {
    expectArgs(in, name, args, 1, 1);
    const Value &v = args.positional[0];
    if (v.isIntLike())
      return Value::integer(v.getInt());
    double r = fn(realArg(in, v));
    return in.call(Value(in.types.int_), std::vector<Value>{Value::real(r)});
  };
}

/// Shewchuk's exact summation, as CPython's math.fsum.
double exactSum(const std::vector<double> &xs) {
  std::vector<double> partials;
  for (double x : xs) {
    size_t i = 0;
    for (double y : partials) {
      if (std::fabs(x) < std::fabs(y))
        std::swap(x, y);
      double hi = x + y;
      double lo = y - (hi - x);
      if (lo != 0.0)
        partials[i++] = lo;
      x = hi;
    }
    partials.resize(i);
    partials.push_back(x);
  }
  double hi = 0.0;
  if (!partials.empty()) {
    size_t n = partials.size();
    hi = partials[--n];
    double lo = 0;
    while (n > 0) {
      double x = hi;
      double y = partials[--n];
      hi = x + y;
      double yr = hi - x;
      lo = y - yr;
      if (lo != 0.0)
        break;
    }
    if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
      double y = lo * 2;
      double x = hi + y;
      double yr = x - hi;
      if (y == yr)
        hi = x;
    }
  }
  return hi;
}

} // namespace

static Value makeMath(Interp &in) {
  auto *m = new ModuleObject("math", "math", false);
  Value result(m);
  AttrDict &a = m->attrs;
  a.set("pi", Value::real(M_PI));
  a.set("e", Value::real(M_E));
  a.set("tau", Value::real(2 * M_PI));
  a.set("inf", Value::real(INFINITY));
  a.set("nan", Value::real(NAN));
  struct Fn {
    const char *name;
    double (*fn)(double);
    bool pole;
  };
  static const Fn fns[] = {
      {"sqrt", [](double x) { return std::sqrt(x); }, false},
      {"exp", [](double x) { return std::exp(x); }, false},
      {"expm1", [](double x) { return std::expm1(x); }, false},
      {"log2", [](double x) { return std::log2(x); }, true},
      {"log10", [](double x) { return std::log10(x); }, true},
      {"log1p", [](double x) { return std::log1p(x); }, true},
      {"sin", [](double x) { return std::sin(x); }, false},
      {"cos", [](double x) { return std::cos(x); }, false},
      {"tan", [](double x) { return std::tan(x); }, false},
      {"asin", [](double x) { return std::asin(x); }, false},
      {"acos", [](double x) { return std::acos(x); }, false},
      {"atan", [](double x) { return std::atan(x); }, false},
      {"sinh", [](double x) { return std::sinh(x); }, false},
      {"cosh", [](double x) { return std::cosh(x); }, false},
      {"tanh", [](double x) { return std::tanh(x); }, false},
      {"asinh", [](double x) { return std::asinh(x); }, false},
      {"acosh", [](double x) { return std::acosh(x); }, false},
      {"atanh", [](double x) { return std::atanh(x); }, true},
      {"fabs", [](double x) { return std::fabs(x); }, false},
      {"erf", [](double x) { return std::erf(x); }, false},
      {"erfc", [](double x) { return std::erfc(x); }, false},
      {"gamma", [](double x) { return std::tgamma(x); }, true},
      {"lgamma", [](double x) { return std::lgamma(x); }, true},
      {"degrees", [](double x) { return x * (180.0 / M_PI); }, false},
      {"radians", [](double x) { return x * (M_PI / 180.0); }, false},
  };
  for (const Fn &f : fns)
    in.defineBuiltin(a, f.name, unary(f.name, f.fn, f.pole));
  in.defineBuiltin(a, "floor", rounding("floor", [](double x) { return std::floor(x); }));
  in.defineBuiltin(a, "ceil", rounding("ceil", [](double x) { return std::ceil(x); }));
  in.defineBuiltin(a, "trunc", rounding("trunc", [](double x) { return std::trunc(x); }));
  in.defineBuiltin(a, "log", [](Interp &in, CallArgs &args) {
    expectArgs(in, "log", args, 1, 2);
    auto ln = [&](const Value &v) {
      double x = realArg(in, v);
      if (x <= 0 || std::isnan(x))
        in.raise(Exc::ValueError, "math domain error");
      return std::log(x);
    };
    double r = ln(args.positional[0]);
    if (args.positional.size() == 2) {
      double base = ln(args.positional[1]);
      if (base == 0)
        in.raise(Exc::ZeroDivisionError, "float division by zero");
      r /= base;
    }
    return Value::real(r);
  });
  auto binary = [&](const char *name, double (*fn)(double, double)) {
    in.defineBuiltin(a, name, [name, fn](Interp &in, CallArgs &args) {
      expectArgs(in, name, args, 2, 2);
      double x = realArg(in, args.positional[0]), y = realArg(in, args.positional[1]);
      double r = fn(x, y);
      if (std::isnan(r) && !std::isnan(x) && !std::isnan(y))
        in.raise(Exc::ValueError, "math domain error");
      if (std::isinf(r) && std::isfinite(x) && std::isfinite(y))
        in.raise(Exc::OverflowError, "math range error");
      return Value::real(r);
    });
  };
  binary("pow", [](double x, double y) { return std::pow(x, y); });
  binary("atan2", [](double x, double y) { return std::atan2(x, y); });
  binary("hypot", [](double x, double y) { return std::hypot(x, y); });
  binary("copysign", [](double x, double y) { return std::copysign(x, y); });
  binary("fmod", [](double x, double y) { return std::fmod(x, y); });
  for (auto [name, test] : {std::pair<const char *, bool (*)(double)>{"isnan", [](double x) { return std::isnan(x); }},
                            {"isinf", [](double x) { return std::isinf(x); }},
                            {"isfinite", [](double x) { return std::isfinite(x); }}}) {
    const char *fname = name;
    bool (*fn)(double) = test;
    in.defineBuiltin(a, fname, [fname, fn](Interp &in, CallArgs &args) {
      expectArgs(in, fname, args, 1, 1);
      return Value::boolean(fn(realArg(in, args.positional[0])));
    });
  }
  in.defineBuiltin(a, "isclose", [](Interp &in, CallArgs &args) {
    std::optional<Value> rel = takeKeyword(args, "rel_tol"), abs = takeKeyword(args, "abs_tol");
    rejectKeywords(in, "isclose", args);
    if (args.positional.size() != 2)
      in.raise(Exc::TypeError, "isclose() takes exactly 2 positional arguments (" +
                                   llvm::Twine(args.positional.size()) + " given)");
    double x = realArg(in, args.positional[0]), y = realArg(in, args.positional[1]);
    double relTol = rel ? realArg(in, *rel) : 1e-9, absTol = abs ? realArg(in, *abs) : 0.0;
    if (relTol < 0 || absTol < 0)
      in.raise(Exc::ValueError, "tolerances must be non-negative");
    if (x == y)
      return Value::boolean(true);
    if (std::isinf(x) || std::isinf(y))
      return Value::boolean(false);
    double diff = std::fabs(y - x);
    return Value::boolean(diff <= std::fabs(relTol * y) || diff <= std::fabs(relTol * x) ||
                          diff <= absTol);
  });
  in.defineBuiltin(a, "fsum", [](Interp &in, CallArgs &args) {
    expectArgs(in, "fsum", args, 1, 1);
    std::vector<double> xs;
    in.forEach(args.positional[0], [&](const Value &v) {
      xs.push_back(realArg(in, v));
      return true;
    });
    return Value::real(exactSum(xs));
  });
  in.defineBuiltin(a, "factorial", [](Interp &in, CallArgs &args) {
    expectArgs(in, "factorial", args, 1, 1);
    if (args.positional[0].isFloat())
      in.raise(Exc::TypeError, "'float' object cannot be interpreted as an integer");
    int64_t n = in.intArg(args.positional[0]), r = 1;
    if (n < 0)
      in.raise(Exc::ValueError, "factorial() not defined for negative values");
    for (int64_t i = 2; i <= n; ++i)
      if (__builtin_mul_overflow(r, i, &r))
        in.raise(Exc::OverflowError, "factorial(" + llvm::Twine(n) + ") overflows: bpc ints are 64-bit");
    return Value::integer(r);
  });
  in.defineBuiltin(a, "gcd", [](Interp &in, CallArgs &args) {
    int64_t g = 0;
    for (const Value &v : args.positional)
      g = std::gcd(g, in.intArg(v));
    return Value::integer(std::abs(g));
  });
  in.defineBuiltin(a, "prod", [](Interp &in, CallArgs &args) {
    std::optional<Value> start = takeKeyword(args, "start");
    expectArgs(in, "prod", args, 1, 1);
    Value acc = start ? *start : Value::integer(1);
    in.forEach(args.positional[0], [&](const Value &v) {
      acc = in.binaryOp(ast::BinOpKind::Mult, acc, v);
      return true;
    });
    return acc;
  });
  return result;
}

static Value makeTypes(Interp &in) {
  auto *m = new ModuleObject("types", "types", false);
  Value result(m);
  m->attrs.set("FunctionType", Value(in.types.function));
  m->attrs.set("LambdaType", Value(in.types.function));
  m->attrs.set("MethodType", Value(in.types.method));
  m->attrs.set("BuiltinFunctionType", Value(in.types.builtinFunction));
  m->attrs.set("ModuleType", Value(in.types.module));
  m->attrs.set("NoneType", Value(in.types.noneType));
  // SimpleNamespace: keyword arguments become attributes.
  ClassRef ns(new ClassObject("SimpleNamespace", "types"));
  ns->qualname = "SimpleNamespace";
  ns->bases.push_back(in.types.object);
  ns->mro = {ns.get(), in.types.object.get()};
  in.defineBuiltin(ns->dict, "__init__", [](Interp &in, CallArgs &args) {
    if (args.positional.size() > 1)
      in.raise(Exc::TypeError, "no positional arguments expected");
    for (auto &[key, value] : args.keywords)
      in.setAttr(args.positional[0], key, value);
    return Value();
  }, true);
  in.defineBuiltin(ns->dict, "__repr__", [](Interp &in, CallArgs &args) {
    std::string s = "namespace(";
    bool first = true;
    for (auto &[key, value] : args.positional[0].dyn<InstanceObject>()->attrs.items()) {
      s += (first ? "" : ", ") + key + "=" + in.repr(value);
      first = false;
    }
    return makeStr(s + ")");
  }, true);
  in.defineBuiltin(ns->dict, "__eq__", [](Interp &in, CallArgs &args) {
    auto *a = args.positional[0].dyn<InstanceObject>(), *b = args.positional[1].dyn<InstanceObject>();
    if (!b || b->cls != a->cls)
      return in.notImplemented;
    if (a->attrs.size() != b->attrs.size())
      return Value::boolean(false);
    for (auto &[key, value] : a->attrs.items()) {
      const Value *other = b->attrs.lookup(key);
      if (!other || !in.equals(value, *other))
        return Value::boolean(false);
    }
    return Value::boolean(true);
  }, true);
  m->attrs.set("SimpleNamespace", Value(ns));
  return result;
}

static Value makeSys(Interp &in) {
  auto *m = new ModuleObject("sys", "sys", false);
  Value result(m);
  std::vector<Value> argv;
  for (const std::string &arg : in.options.argv)
    argv.push_back(makeStr(arg));
  if (argv.empty())
    argv.push_back(makeStr(in.module.filename));
  m->attrs.set("argv", makeList(std::move(argv)));
  m->attrs.set("maxsize", Value::integer(INT64_MAX));
  m->attrs.set("version", makeStr("3.11 (bpc)"));
  in.defineBuiltin(m->attrs, "exit", [](Interp &in, CallArgs &args) -> Value {
    expectArgs(in, "exit", args, 0, 1);
    in.raiseArgs(Exc::SystemExit, std::vector<Value>(args.positional.begin(), args.positional.end()));
  });
  in.defineBuiltin(m->attrs, "getrecursionlimit", [](Interp &in, CallArgs &args) {
    expectArgs(in, "getrecursionlimit", args, 0, 0);
    return Value::integer(in.recursionLimit);
  });
  in.defineBuiltin(m->attrs, "setrecursionlimit", [](Interp &in, CallArgs &args) {
    expectArgs(in, "setrecursionlimit", args, 1, 1);
    int64_t n = in.toIndex(args.positional[0], "an integer is required");
    if (n < 1)
      in.raise(Exc::ValueError, "recursion limit must be greater or equal than 1");
    // The evaluator's stack is sized for this many frames.
    if (n > 20000)
      in.raise(Exc::ValueError, "bpc supports a recursion limit of at most 20000");
    in.recursionLimit = static_cast<unsigned>(n);
    return Value();
  });
  return result;
}

/// time: clocks for scripts that time themselves (bench/).
static Value makeTime(Interp &in) {
  auto *m = new ModuleObject("time", "time", false);
  Value result(m);
  auto nanos = [](auto clock) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               decltype(clock)::now().time_since_epoch())
        .count();
  };
  in.defineBuiltin(m->attrs, "perf_counter", [nanos](Interp &in, CallArgs &args) {
    expectArgs(in, "perf_counter", args, 0, 0);
    return Value::real(nanos(std::chrono::steady_clock()) * 1e-9);
  });
  in.defineBuiltin(m->attrs, "perf_counter_ns", [nanos](Interp &in, CallArgs &args) {
    expectArgs(in, "perf_counter_ns", args, 0, 0);
    return Value::integer(nanos(std::chrono::steady_clock()));
  });
  in.defineBuiltin(m->attrs, "monotonic", [nanos](Interp &in, CallArgs &args) {
    expectArgs(in, "monotonic", args, 0, 0);
    return Value::real(nanos(std::chrono::steady_clock()) * 1e-9);
  });
  // CPU time of the process (user + system), as CPython's: benchmarks on a
  // shared machine count only their own work (bench/README.md).
  auto processNanos = [] {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
  };
  in.defineBuiltin(m->attrs, "process_time", [processNanos](Interp &in, CallArgs &args) {
    expectArgs(in, "process_time", args, 0, 0);
    return Value::real(processNanos() * 1e-9);
  });
  in.defineBuiltin(m->attrs, "process_time_ns", [processNanos](Interp &in, CallArgs &args) {
    expectArgs(in, "process_time_ns", args, 0, 0);
    return Value::integer(processNanos());
  });
  in.defineBuiltin(m->attrs, "time", [nanos](Interp &in, CallArgs &args) {
    expectArgs(in, "time", args, 0, 0);
    return Value::real(nanos(std::chrono::system_clock()) * 1e-9);
  });
  return result;
}

Value Interp::importModule(const std::string &name, const std::string &display) {
  // Modules written in .bpm (stdlib/): brainpy.optimizers and its aliases.
  if (std::optional<Value> library = importLibraryModule(name))
    return *library;
  // brainpy and brainpy.math (also spelled brainpy.math.jax) have arrays now.
  if (name == "brainpy" || name == "brainpy.math" || name == "brainpy.math.jax" ||
      name == "brainpy.math.random" || name == "brainpy.math.jax.random") {
    Value &slot = moduleCache["brainpy:" + display];
    if (slot.isNone())
      slot = makeBrainPyModule(*this, name, display);
    return slot;
  }
  if (isStubPackage(name)) {
    if (name.find('.') != std::string::npos && !isKnownStubSubmodule(name))
      raise(Exc::ModuleNotFoundError, "No module named '" + name + "'");
    Value &slot = moduleCache["stub:" + display];
    if (slot.isNone())
      slot = Value(new ModuleObject(name, display, /*stub=*/true));
    return slot;
  }
  Value &slot = moduleCache[name];
  if (!slot.isNone())
    return slot;
  if (name == "math")
    slot = makeMath(*this);
  else if (name == "types")
    slot = makeTypes(*this);
  else if (name == "sys")
    slot = makeSys(*this);
  else if (name == "time")
    slot = makeTime(*this);
  else
    raise(Exc::ModuleNotFoundError, "No module named '" + name + "'");
  return slot;
}

Value Interp::stubAttribute(ModuleObject &module, llvm::StringRef name) {
  std::string dotted = module.name + "." + name.str();
  if (std::optional<Value> library = importLibraryModule(dotted))
    return *library;
  if (isKnownStubSubmodule(dotted))
    return importModule(dotted, module.displayName + "." + name.str());
  if (std::optional<Value> v = libraryFallback(module.name, name))
    return *v;
  raise(Exc::NotImplementedError, "`" + module.displayName + "." + name +
                                      "` is not supported by bpc yet");
}
