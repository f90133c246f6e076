//===- Builtins.cpp - Built-in types and functions ------------------------===//
//
// The constructors of the built-in types (int('12'), list(range(3))) and the
// built-in functions, with CPython's argument checks and error messages.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/Format.h"
#include "bpc/Tracer/Interp.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cmath>

using namespace bpc;
using namespace bpc::tracer;

//===----------------------------------------------------------------------===//
// Argument helpers
//===----------------------------------------------------------------------===//

void bpc::tracer::expectArgs(Interp &in, llvm::StringRef name, const CallArgs &args,
                             unsigned min, unsigned max) {
  if (!args.keywords.empty())
    in.raise(Exc::TypeError, name + "() takes no keyword arguments");
  size_t n = args.positional.size();
  if (n >= min && n <= max)
    return;
  if (min == 1 && max == 1)
    in.raise(Exc::TypeError, name + "() takes exactly one argument (" + llvm::Twine(n) + " given)");
  if (min == max)
    in.raise(Exc::TypeError, name + " expected " + llvm::Twine(min) + " arguments, got " + llvm::Twine(n));
  if (n < min)
    in.raise(Exc::TypeError, name + " expected at least " + llvm::Twine(min) +
                                 (min == 1 ? " argument, got " : " arguments, got ") + llvm::Twine(n));
  in.raise(Exc::TypeError, name + " expected at most " + llvm::Twine(max) +
                               (max == 1 ? " argument, got " : " arguments, got ") + llvm::Twine(n));
}

std::optional<Value> bpc::tracer::takeKeyword(CallArgs &args, llvm::StringRef name) {
  for (auto it = args.keywords.begin(); it != args.keywords.end(); ++it)
    if (it->first == name) {
      Value v = std::move(it->second);
      args.keywords.erase(it);
      return v;
    }
  return std::nullopt;
}

std::vector<std::optional<Value>> bpc::tracer::bindArgs(Interp &in, llvm::StringRef fname,
                                                        const CallArgs &args,
                                                        llvm::ArrayRef<const char *> params,
                                                        size_t skip) {
  std::vector<std::optional<Value>> bound(params.size());
  size_t given = args.positional.size() - skip;
  if (given > params.size())
    in.raise(Exc::TypeError, fname + "() takes at most " + llvm::Twine(params.size()) +
                                 " positional arguments (" + llvm::Twine(given) + " given)");
  for (size_t i = 0; i < given; ++i)
    bound[i] = args.positional[skip + i];
  for (const auto &[name, value] : args.keywords) {
    auto it = llvm::find_if(params, [&](const char *p) { return name == p; });
    if (it == params.end())
      in.raise(Exc::TypeError, fname + "() got an unexpected keyword argument '" + name + "'");
    size_t i = it - params.begin();
    if (bound[i])
      in.raise(Exc::TypeError, fname + "() got multiple values for argument '" + name + "'");
    bound[i] = value;
  }
  return bound;
}

void bpc::tracer::rejectKeywords(Interp &in, llvm::StringRef fname, const CallArgs &args) {
  if (!args.keywords.empty())
    in.raise(Exc::TypeError, "'" + args.keywords.front().first +
                                 "' is an invalid keyword argument for " + fname + "()");
}

const std::string &bpc::tracer::expectStr(Interp &in, const Value &v, llvm::StringRef what) {
  if (auto *s = v.dyn<StrObject>())
    return s->value;
  in.raise(Exc::TypeError, what + " must be str, not " + in.typeName(v));
}

void Interp::defineBuiltin(AttrDict &dict, llvm::StringRef name, BuiltinFn fn, bool isMethod) {
  dict.set(name, Value(new BuiltinObject(name.str(), std::move(fn), isMethod)));
}

//===----------------------------------------------------------------------===//
// Conversions
//===----------------------------------------------------------------------===//

/// An int from a float, or CPython's error for inf/nan; out-of-range values
/// raise bpc's 64-bit OverflowError.
static int64_t floatToInt(Interp &in, double d) {
  if (std::isinf(d))
    in.raise(Exc::OverflowError, "cannot convert float infinity to integer");
  if (std::isnan(d))
    in.raise(Exc::ValueError, "cannot convert float NaN to integer");
  double t = std::trunc(d);
  if (t < -9223372036854775808.0 || t >= 9223372036854775808.0)
    in.raise(Exc::OverflowError, "float " + format::reprFloat(d) +
                                     " does not fit in an int: bpc ints are 64-bit");
  return static_cast<int64_t>(t);
}

/// int(text, base) with CPython's syntax: whitespace, sign, underscores
/// between digits, and 0x/0o/0b prefixes when the base allows them.
static Value parseInt(Interp &in, const std::string &text, int64_t base) {
  auto fail = [&]() -> Value {
    in.raise(Exc::ValueError, "invalid literal for int() with base " + llvm::Twine(base) + ": " +
                                  format::reprStr(text));
  };
  if (base != 0 && (base < 2 || base > 36))
    in.raise(Exc::ValueError, "int() base must be >= 2 and <= 36, or 0");
  llvm::StringRef s = llvm::StringRef(text).trim();
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s = s.drop_front();
  }
  int64_t b = base;
  llvm::StringRef lower = s.size() >= 2 ? s.substr(0, 2) : "";
  auto prefixBase = [&]() -> int64_t {
    if (lower.equals_insensitive("0x")) return 16;
    if (lower.equals_insensitive("0o")) return 8;
    if (lower.equals_insensitive("0b")) return 2;
    return 0;
  };
  if (int64_t p = prefixBase(); p && (base == 0 || base == p)) {
    b = p;
    s = s.drop_front(2);
    if (s.consume_front("_") && s.empty())
      return fail();
  } else if (base == 0) {
    b = 10;
    if (s.size() > 1 && s[0] == '0' && s.find_first_not_of("0_") != llvm::StringRef::npos)
      return fail(); // CPython rejects leading zeros in base 0
  }
  if (s.empty() || s.front() == '_' || s.back() == '_' || s.contains("__"))
    return fail();
  uint64_t mag = 0;
  for (char c : s) {
    if (c == '_')
      continue;
    int d = llvm::isDigit(c) ? c - '0' : llvm::isAlpha(c) ? llvm::toLower(c) - 'a' + 10 : 99;
    if (d >= b)
      return fail();
    if (__builtin_mul_overflow(mag, static_cast<uint64_t>(b), &mag) ||
        __builtin_add_overflow(mag, static_cast<uint64_t>(d), &mag) ||
        mag > (negative ? uint64_t(1) << 63 : (uint64_t(1) << 63) - 1))
      in.raise(Exc::OverflowError, "int(" + format::reprStr(text) +
                                       ") does not fit: bpc ints are 64-bit");
  }
  return Value::integer(negative ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag));
}

static Value parseFloat(Interp &in, const std::string &text) {
  std::string s = llvm::StringRef(text).trim().str();
  auto fail = [&]() -> Value {
    in.raise(Exc::ValueError, "could not convert string to float: " + format::reprStr(text));
  };
  llvm::StringRef body = llvm::StringRef(s);
  llvm::StringRef unsignedBody = body;
  bool negative = unsignedBody.consume_front("-");
  if (!negative)
    unsignedBody.consume_front("+");
  if (unsignedBody.equals_insensitive("inf") || unsignedBody.equals_insensitive("infinity"))
    return Value::real(negative ? -INFINITY : INFINITY);
  if (unsignedBody.equals_insensitive("nan"))
    return Value::real(negative ? -NAN : NAN);
  std::string clean;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_') {
      // Underscores only between digits (PEP 515).
      if (i == 0 || i + 1 == s.size() || !llvm::isDigit(s[i - 1]) || !llvm::isDigit(s[i + 1]))
        return fail();
      continue;
    }
    if (!llvm::isDigit(c) && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-')
      return fail();
    clean.push_back(c);
  }
  if (clean.empty())
    return fail();
  char *end = nullptr;
  double d = std::strtod(clean.c_str(), &end);
  if (*end != '\0' || clean.find_first_of("0123456789") == std::string::npos)
    return fail();
  return Value::real(d);
}

static Value toInt(Interp &in, CallArgs &args) {
  std::optional<Value> baseArg = takeKeyword(args, "base");
  rejectKeywords(in, "int", args);
  if (args.positional.size() > 2)
    in.raise(Exc::TypeError, "int() takes at most 2 arguments (" +
                                 llvm::Twine(args.positional.size()) + " given)");
  if (args.positional.size() == 2)
    baseArg = args.positional[1];
  if (args.positional.empty())
    return Value::integer(0);
  const Value &v = args.positional[0];
  if (baseArg) {
    auto *s = v.dyn<StrObject>();
    if (!s)
      in.raise(Exc::TypeError, "int() can't convert non-string with explicit base");
    return parseInt(in, s->value, in.intArg(*baseArg));
  }
  if (v.isIntLike())
    return Value::integer(v.getInt());
  if (v.isFloat())
    return Value::integer(floatToInt(in, v.getFloat()));
  if (auto *s = v.dyn<StrObject>())
    return parseInt(in, s->value, 10);
  for (const char *name : {"__int__", "__index__", "__trunc__"})
    if (std::optional<Value> m = in.specialMethod(v, name))
      return in.call(*m, std::vector<Value>{});
  in.raise(Exc::TypeError, "int() argument must be a string, a bytes-like object or a real "
                           "number, not '" + in.typeName(v) + "'");
}

static Value toFloat(Interp &in, CallArgs &args) {
  expectArgs(in, "float", args, 0, 1);
  if (args.positional.empty())
    return Value::real(0.0);
  const Value &v = args.positional[0];
  if (v.isNumber())
    return Value::real(v.toDouble());
  if (auto *s = v.dyn<StrObject>())
    return parseFloat(in, s->value);
  if (std::optional<Value> m = in.specialMethod(v, "__float__"))
    return in.call(*m, std::vector<Value>{});
  in.raise(Exc::TypeError, "float() argument must be a string or a real number, not '" +
                               in.typeName(v) + "'");
}

static Value makeDict(Interp &in, CallArgs &args) {
  if (args.positional.size() > 1)
    in.raise(Exc::TypeError, "dict expected at most 1 argument, got " +
                                 llvm::Twine(args.positional.size()));
  auto *d = new DictObject();
  Value result(d);
  if (!args.positional.empty()) {
    const Value &src = args.positional[0];
    if (auto *other = src.dyn<DictObject>()) {
      d->table = other->table;
    } else {
      size_t i = 0;
      in.forEach(src, [&](const Value &item) {
        if (!item.is<ListObject>() && !item.is<TupleObject>() && !item.is<StrObject>())
          in.raise(Exc::TypeError, "cannot convert dictionary update sequence element #" +
                                       llvm::Twine(i) + " to a sequence");
        std::vector<Value> pair = in.toVector(item);
        if (pair.size() != 2)
          in.raise(Exc::ValueError, "dictionary update sequence element #" + llvm::Twine(i) +
                                        " has length " + llvm::Twine(pair.size()) + "; 2 is required");
        d->table.insert(in, pair[0], pair[1]);
        ++i;
        return true;
      });
    }
  }
  for (auto &[key, value] : args.keywords)
    d->table.insert(in, makeStr(key), value);
  return result;
}

static Value makeSet(Interp &in, const Value *src) {
  auto *s = new SetObject();
  Value result(s);
  if (auto *other = src ? src->dyn<SetObject>() : nullptr)
    s->table.merge(in, other->table);
  else if (src)
    in.forEach(*src, [&](const Value &v) {
      s->table.insert(in, v, Value());
      return true;
    });
  return result;
}

static Value makeRange(Interp &in, CallArgs &args) {
  expectArgs(in, "range", args, 1, 3);
  int64_t n[3] = {0, 0, 1};
  for (size_t i = 0; i < args.positional.size(); ++i)
    n[i] = in.intArg(args.positional[i]);
  if (args.positional.size() == 1)
    return Value(new RangeObject(0, n[0], 1));
  if (n[2] == 0)
    in.raise(Exc::ValueError, "range() arg 3 must not be zero");
  return Value(new RangeObject(n[0], n[1], n[2]));
}

static Value makeSuper(Interp &in, CallArgs &args) {
  expectArgs(in, "super", args, 0, 2);
  ClassObject *start = nullptr;
  Value self;
  if (args.positional.empty()) {
    // Zero-argument super(): the calling method's class and first argument.
    Interp::Frame &frame = in.frames.back();
    if (!frame.function || !frame.function->ownerClass)
      in.raise(Exc::RuntimeError, "super(): __class__ cell not found");
    if (frame.function->params->empty())
      in.raise(Exc::RuntimeError, "super(): no arguments");
    start = frame.function->ownerClass;
    self = frame.firstArg;
  } else {
    start = args.positional[0].dyn<ClassObject>();
    if (!start)
      in.raise(Exc::TypeError, "super() argument 1 must be a type, not " +
                                   in.typeName(args.positional[0]));
    if (args.positional.size() < 2)
      in.raise(Exc::NotImplementedError, "unbound super objects are not supported");
    self = args.positional[1];
  }
  ClassObject *selfClass = self.is<ClassObject>() ? self.dyn<ClassObject>() : in.typeOf(self);
  if (!selfClass->isSubclassOf(start))
    in.raise(Exc::TypeError, "super(type, obj): obj must be an instance or subtype of type");
  return Value(new SuperObject(start, self, selfClass));
}

void Interp::installTypes() {
  types.object = makeBuiltinClass("object", nullptr);
  defineBuiltin(types.object->dict, "__init__", [](Interp &, CallArgs &) { return Value(); },
                /*isMethod=*/true);
  llvm::cast<BuiltinObject>(types.object->dict.lookup("__init__")->getObject())->name =
      "object.__init__";
  ClassObject *object = types.object.get();
  auto make = [&](ClassRef &slot, const char *name, BuiltinFn ctor, bool expose,
                  ClassObject *base = nullptr) {
    slot = makeBuiltinClass(name, base ? base : object);
    slot->constructor = std::move(ctor);
    if (expose)
      builtins.set(name, Value(slot));
  };
  make(types.type, "type", [](Interp &in, CallArgs &args) {
    if (args.positional.size() != 1)
      in.raise(Exc::TypeError, "type() takes 1 or 3 arguments");
    return Value(in.typeOf(args.positional[0]));
  }, true);
  make(types.int_, "int", toInt, true);
  make(types.bool_, "bool", [](Interp &in, CallArgs &args) {
    expectArgs(in, "bool", args, 0, 1);
    return Value::boolean(!args.positional.empty() && in.truthy(args.positional[0]));
  }, true, types.int_.get());
  make(types.float_, "float", toFloat, true);
  make(types.str, "str", [](Interp &in, CallArgs &args) {
    expectArgs(in, "str", args, 0, 1);
    return args.positional.empty() ? makeStr("") : makeStr(in.str(args.positional[0]));
  }, true);
  make(types.list, "list", [](Interp &in, CallArgs &args) {
    expectArgs(in, "list", args, 0, 1);
    return makeList(args.positional.empty() ? std::vector<Value>() : in.toVector(args.positional[0]));
  }, true);
  make(types.tuple, "tuple", [](Interp &in, CallArgs &args) {
    expectArgs(in, "tuple", args, 0, 1);
    if (!args.positional.empty() && args.positional[0].is<TupleObject>())
      return args.positional[0];
    return makeTuple(args.positional.empty() ? std::vector<Value>() : in.toVector(args.positional[0]));
  }, true);
  make(types.dict, "dict", makeDict, true);
  make(types.set, "set", [](Interp &in, CallArgs &args) {
    expectArgs(in, "set", args, 0, 1);
    return makeSet(in, args.positional.empty() ? nullptr : &args.positional[0]);
  }, true);
  make(types.range, "range", makeRange, true);
  make(types.slice, "slice", [](Interp &in, CallArgs &args) {
    expectArgs(in, "slice", args, 1, 3);
    auto &p = args.positional;
    if (p.size() == 1)
      return Value(new SliceObject(Value(), p[0], Value()));
    return Value(new SliceObject(p[0], p[1], p.size() > 2 ? p[2] : Value()));
  }, true);
  make(types.noneType, "NoneType", nullptr, false);
  make(types.function, "function", nullptr, false);
  make(types.builtinFunction, "builtin_function_or_method", nullptr, false);
  make(types.method, "method", [](Interp &in, CallArgs &args) {
    expectArgs(in, "method", args, 2, 2);
    return Value(new BoundMethodObject(args.positional[1], args.positional[0]));
  }, false);
  make(types.module, "module", nullptr, false);
  make(types.property, "property", [](Interp &in, CallArgs &args) {
    auto *p = new PropertyObject();
    Value result(p);
    Value *slots[] = {&p->fget, &p->fset, &p->fdel};
    for (size_t i = 0; i < std::min<size_t>(3, args.positional.size()); ++i)
      *slots[i] = args.positional[i];
    if (std::optional<Value> v = takeKeyword(args, "fget")) p->fget = *v;
    if (std::optional<Value> v = takeKeyword(args, "fset")) p->fset = *v;
    if (std::optional<Value> v = takeKeyword(args, "fdel")) p->fdel = *v;
    takeKeyword(args, "doc");
    rejectKeywords(in, "property", args);
    return result;
  }, true);
  make(types.staticmethod, "staticmethod", [](Interp &in, CallArgs &args) {
    expectArgs(in, "staticmethod", args, 1, 1);
    return Value(new StaticMethodObject(args.positional[0]));
  }, true);
  make(types.classmethod, "classmethod", [](Interp &in, CallArgs &args) {
    expectArgs(in, "classmethod", args, 1, 1);
    return Value(new ClassMethodObject(args.positional[0]));
  }, true);
  make(types.super_, "super", makeSuper, true);
  make(types.dictKeys, "dict_keys", nullptr, false);
  make(types.dictValues, "dict_values", nullptr, false);
  make(types.dictItems, "dict_items", nullptr, false);
  make(types.notImplementedType, "NotImplementedType", nullptr, false);
  make(types.ellipsisType, "ellipsis", nullptr, false);
  builtins.set("object", Value(types.object));
}

//===----------------------------------------------------------------------===//
// Built-in functions
//===----------------------------------------------------------------------===//

Value Interp::sorted(std::vector<Value> items, const Value &key, bool reverse) {
  std::vector<Value> keys;
  if (!key.isNone())
    for (const Value &v : items)
      keys.push_back(call(key, std::vector<Value>{v}));
  else
    keys = items;
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  // Stable in both directions, like CPython's reverse=True.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return reverse ? lessThan(keys[b], keys[a]) : lessThan(keys[a], keys[b]);
  });
  std::vector<Value> out;
  out.reserve(items.size());
  for (size_t i : order)
    out.push_back(items[i]);
  return makeList(std::move(out));
}

/// min() and max(): one iterable or several arguments, key= and default=.
static Value minMax(Interp &in, CallArgs &args, bool isMax) {
  const char *name = isMax ? "max" : "min";
  std::optional<Value> key = takeKeyword(args, "key");
  std::optional<Value> dflt = takeKeyword(args, "default");
  rejectKeywords(in, name, args);
  if (args.positional.empty())
    in.raise(Exc::TypeError, llvm::Twine(name) + " expected at least 1 argument, got 0");
  std::vector<Value> items;
  if (args.positional.size() == 1) {
    items = in.toVector(args.positional[0]);
  } else {
    if (dflt)
      in.raise(Exc::TypeError, llvm::Twine("Cannot specify a default for ") + name +
                                   "() with multiple positional arguments");
    items.assign(args.positional.begin(), args.positional.end());
  }
  if (items.empty()) {
    if (dflt)
      return *dflt;
    in.raise(Exc::ValueError, llvm::Twine(name) + "() arg is an empty sequence");
  }
  bool useKey = key && !key->isNone();
  Value best = items[0];
  Value bestKey = useKey ? in.call(*key, std::vector<Value>{best}) : best;
  for (size_t i = 1; i < items.size(); ++i) {
    Value k = useKey ? in.call(*key, std::vector<Value>{items[i]}) : items[i];
    bool better = in.truthy(in.compare(isMax ? ast::CmpOpKind::Gt : ast::CmpOpKind::Lt, k, bestKey));
    if (better) {
      best = items[i];
      bestKey = k;
    }
  }
  return best;
}

static Value roundBuiltin(Interp &in, CallArgs &args) {
  std::optional<Value> nd = takeKeyword(args, "ndigits");
  rejectKeywords(in, "round", args);
  if (args.positional.empty() || args.positional.size() > 2)
    in.raise(Exc::TypeError, "round() takes at most 2 arguments (" +
                                 llvm::Twine(args.positional.size()) + " given)");
  if (args.positional.size() == 2)
    nd = args.positional[1];
  const Value &x = args.positional[0];
  bool hasDigits = nd && !nd->isNone();
  int64_t digits = hasDigits ? in.intArg(*nd)
                             : 0;
  if (x.isIntLike()) {
    int64_t v = x.getInt();
    if (!hasDigits || digits >= 0)
      return Value::integer(v);
    if (digits < -18)
      return Value::integer(0);
    // Round half to even at 10**-digits, exactly, in integers.
    int64_t p = 1;
    for (int64_t i = 0; i < -digits; ++i)
      p *= 10;
    int64_t q = v / p, r = v % p;
    if (r < 0) {
      r += p;
      --q;
    }
    if (2 * static_cast<__int128>(r) > p || (2 * static_cast<__int128>(r) == p && (q & 1)))
      ++q;
    int64_t out;
    if (__builtin_mul_overflow(q, p, &out))
      in.raise(Exc::OverflowError, "round() result does not fit: bpc ints are 64-bit");
    return Value::integer(out);
  }
  if (x.isFloat()) {
    double d = x.getFloat();
    if (!hasDigits)
      return Value::integer(floatToInt(in, std::nearbyint(d)));
    double r = format::roundFloat(d, digits);
    if (std::isinf(r) && std::isfinite(d))
      in.raise(Exc::OverflowError, "rounded value too large to represent");
    return Value::real(r);
  }
  if (std::optional<Value> m = in.specialMethod(x, "__round__"))
    return in.call(*m, hasDigits ? std::vector<Value>{*nd} : std::vector<Value>{});
  in.raise(Exc::TypeError, "type " + in.typeName(x) + " doesn't define __round__ method");
}

static Value printBuiltin(Interp &in, CallArgs &args) {
  in.needsUnrollInTrial(); // a compiled loop would print once, not once per iteration
  std::optional<Value> sep = takeKeyword(args, "sep");
  std::optional<Value> end = takeKeyword(args, "end");
  takeKeyword(args, "file"); // output always goes to the script's stdout
  takeKeyword(args, "flush");
  rejectKeywords(in, "print", args);
  auto text = [&](const std::optional<Value> &v, const char *dflt, const char *what) {
    if (!v || v->isNone())
      return std::string(dflt);
    if (auto *s = v->dyn<StrObject>())
      return s->value;
    in.raise(Exc::TypeError, llvm::Twine(what) + " must be None or a string, not " + in.typeName(*v));
  };
  std::string sepText = text(sep, " ", "sep"), endText = text(end, "\n", "end");
  std::string line;
  for (size_t i = 0; i < args.positional.size(); ++i) {
    if (i)
      line += sepText;
    line += in.str(args.positional[i]);
  }
  in.print(line + endText);
  return Value();
}

static Value makeIterator(const char *name, std::vector<Value> items) {
  return Value(new IteratorObject(name, makeList(std::move(items))));
}

void Interp::installBuiltins() {
  AttrDict &b = builtins;
  b.set("NotImplemented", notImplemented);
  b.set("Ellipsis", ellipsis);
  defineBuiltin(b, "print", printBuiltin);
  defineBuiltin(b, "len", [](Interp &in, CallArgs &args) {
    expectArgs(in, "len", args, 1, 1);
    return Value::integer(in.length(args.positional[0]));
  });
  defineBuiltin(b, "repr", [](Interp &in, CallArgs &args) {
    expectArgs(in, "repr", args, 1, 1);
    return makeStr(in.repr(args.positional[0]));
  });
  defineBuiltin(b, "ascii", [](Interp &in, CallArgs &args) {
    expectArgs(in, "ascii", args, 1, 1);
    return makeStr(in.repr(args.positional[0]));
  });
  defineBuiltin(b, "format", [](Interp &in, CallArgs &args) {
    expectArgs(in, "format", args, 1, 2);
    std::string spec = args.positional.size() > 1
                           ? expectStr(in, args.positional[1], "format() argument 2")
                           : "";
    return makeStr(in.formatValue(args.positional[0], spec));
  });
  defineBuiltin(b, "abs", [](Interp &in, CallArgs &args) {
    expectArgs(in, "abs", args, 1, 1);
    const Value &v = args.positional[0];
    if (v.isIntLike()) {
      if (v.getInt() == INT64_MIN)
        in.raise(Exc::OverflowError, "integer overflow in abs(): bpc ints are 64-bit");
      return Value::integer(std::abs(v.getInt()));
    }
    if (v.isFloat())
      return Value::real(std::fabs(v.getFloat()));
    if (std::optional<Value> m = in.specialMethod(v, "__abs__"))
      return in.call(*m, std::vector<Value>{});
    in.raise(Exc::TypeError, "bad operand type for abs(): '" + in.typeName(v) + "'");
  });
  defineBuiltin(b, "min", [](Interp &in, CallArgs &args) { return minMax(in, args, false); });
  defineBuiltin(b, "max", [](Interp &in, CallArgs &args) { return minMax(in, args, true); });
  defineBuiltin(b, "sum", [](Interp &in, CallArgs &args) {
    std::optional<Value> start = takeKeyword(args, "start");
    rejectKeywords(in, "sum", args);
    if (args.positional.empty() || args.positional.size() > 2)
      in.raise(Exc::TypeError, "sum() takes at most 2 arguments (" +
                                   llvm::Twine(args.positional.size()) + " given)");
    if (args.positional.size() == 2)
      start = args.positional[1];
    Value acc = start ? *start : Value::integer(0);
    if (acc.is<StrObject>())
      in.raise(Exc::TypeError, "sum() can't sum strings [use ''.join(seq) instead]");
    in.forEach(args.positional[0], [&](const Value &v) {
      acc = in.binaryOp(ast::BinOpKind::Add, acc, v);
      return true;
    });
    return acc;
  });
  defineBuiltin(b, "round", roundBuiltin);
  defineBuiltin(b, "sorted", [](Interp &in, CallArgs &args) {
    std::optional<Value> key = takeKeyword(args, "key");
    std::optional<Value> reverse = takeKeyword(args, "reverse");
    rejectKeywords(in, "sort", args);
    expectArgs(in, "sorted", args, 1, 1);
    return in.sorted(in.toVector(args.positional[0]), key ? *key : Value(),
                     reverse && in.truthy(*reverse));
  });
  defineBuiltin(b, "reversed", [](Interp &in, CallArgs &args) {
    expectArgs(in, "reversed", args, 1, 1);
    const Value &v = args.positional[0];
    if (std::optional<Value> m = in.specialMethod(v, "__reversed__"))
      return in.call(*m, std::vector<Value>{});
    if (v.is<SetObject>() || v.is<IteratorObject>() || v.isNumber() || v.isNone())
      in.raise(Exc::TypeError, "'" + in.typeName(v) + "' object is not reversible");
    std::vector<Value> items = in.toVector(v);
    std::reverse(items.begin(), items.end());
    return makeIterator(v.is<ListObject>() ? "list_reverseiterator" : "reversed", std::move(items));
  });
  defineBuiltin(b, "enumerate", [](Interp &in, CallArgs &args) {
    std::optional<Value> start = takeKeyword(args, "start");
    rejectKeywords(in, "enumerate", args);
    expectArgs(in, "enumerate", args, 1, 2);
    if (args.positional.size() == 2)
      start = args.positional[1];
    int64_t i = start ? in.intArg(*start)
                      : 0;
    std::vector<Value> items;
    in.forEach(args.positional[0], [&](const Value &v) {
      items.push_back(makeTuple({Value::integer(i++), v}));
      return true;
    });
    return makeIterator("enumerate", std::move(items));
  });
  defineBuiltin(b, "zip", [](Interp &in, CallArgs &args) {
    std::optional<Value> strict = takeKeyword(args, "strict");
    rejectKeywords(in, "zip", args);
    std::vector<std::vector<Value>> columns;
    size_t n = SIZE_MAX;
    for (const Value &v : args.positional) {
      columns.push_back(in.toVector(v));
      n = std::min(n, columns.back().size());
    }
    if (columns.empty())
      n = 0;
    if (strict && in.truthy(*strict))
      for (size_t c = 1; c < columns.size(); ++c)
        if (columns[c].size() != columns[0].size())
          in.raise(Exc::ValueError, "zip() argument " + llvm::Twine(c + 1) + " is " +
                                        (columns[c].size() < columns[0].size() ? "shorter" : "longer") +
                                        " than argument 1");
    std::vector<Value> rows;
    for (size_t i = 0; i < n; ++i) {
      std::vector<Value> row;
      for (auto &col : columns)
        row.push_back(col[i]);
      rows.push_back(makeTuple(std::move(row)));
    }
    return makeIterator("zip", std::move(rows));
  });
  defineBuiltin(b, "map", [](Interp &in, CallArgs &args) {
    rejectKeywords(in, "map", args);
    if (args.positional.size() < 2)
      in.raise(Exc::TypeError, "map() must have at least two arguments.");
    std::vector<std::vector<Value>> columns;
    size_t n = SIZE_MAX;
    for (size_t i = 1; i < args.positional.size(); ++i) {
      columns.push_back(in.toVector(args.positional[i]));
      n = std::min(n, columns.back().size());
    }
    std::vector<Value> out;
    for (size_t i = 0; i < n; ++i) {
      std::vector<Value> callArgs;
      for (auto &col : columns)
        callArgs.push_back(col[i]);
      out.push_back(in.call(args.positional[0], std::move(callArgs)));
    }
    return makeIterator("map", std::move(out));
  });
  defineBuiltin(b, "filter", [](Interp &in, CallArgs &args) {
    expectArgs(in, "filter", args, 2, 2);
    std::vector<Value> out;
    const Value &f = args.positional[0];
    in.forEach(args.positional[1], [&](const Value &v) {
      if (in.truthy(f.isNone() ? v : in.call(f, std::vector<Value>{v})))
        out.push_back(v);
      return true;
    });
    return makeIterator("filter", std::move(out));
  });
  defineBuiltin(b, "any", [](Interp &in, CallArgs &args) {
    expectArgs(in, "any", args, 1, 1);
    bool found = false;
    in.forEach(args.positional[0], [&](const Value &v) { return !(found = in.truthy(v)); });
    return Value::boolean(found);
  });
  defineBuiltin(b, "all", [](Interp &in, CallArgs &args) {
    expectArgs(in, "all", args, 1, 1);
    bool ok = true;
    in.forEach(args.positional[0], [&](const Value &v) { return ok = in.truthy(v); });
    return Value::boolean(ok);
  });
  defineBuiltin(b, "isinstance", [](Interp &in, CallArgs &args) {
    expectArgs(in, "isinstance", args, 2, 2);
    std::function<bool(const Value &)> check = [&](const Value &c) -> bool {
      if (auto *cls = c.dyn<ClassObject>())
        return in.isInstance(args.positional[0], cls);
      if (auto *t = c.dyn<TupleObject>())
        return llvm::any_of(t->items, check);
      in.raise(Exc::TypeError, "isinstance() arg 2 must be a type, a tuple of types, or a union");
    };
    return Value::boolean(check(args.positional[1]));
  });
  defineBuiltin(b, "issubclass", [](Interp &in, CallArgs &args) {
    expectArgs(in, "issubclass", args, 2, 2);
    auto *sub = args.positional[0].dyn<ClassObject>();
    if (!sub)
      in.raise(Exc::TypeError, "issubclass() arg 1 must be a class");
    std::function<bool(const Value &)> check = [&](const Value &c) -> bool {
      if (auto *cls = c.dyn<ClassObject>())
        return sub->isSubclassOf(cls);
      if (auto *t = c.dyn<TupleObject>())
        return llvm::any_of(t->items, check);
      in.raise(Exc::TypeError, "issubclass() arg 2 must be a class, a tuple of classes, or a union");
    };
    return Value::boolean(check(args.positional[1]));
  });
  defineBuiltin(b, "hasattr", [](Interp &in, CallArgs &args) {
    expectArgs(in, "hasattr", args, 2, 2);
    const std::string &name = expectStr(in, args.positional[1], "attribute name");
    return Value::boolean(in.getAttrOpt(args.positional[0], name).has_value());
  });
  defineBuiltin(b, "getattr", [](Interp &in, CallArgs &args) {
    expectArgs(in, "getattr", args, 2, 3);
    const std::string &name = expectStr(in, args.positional[1], "attribute name");
    if (args.positional.size() == 3) {
      std::optional<Value> v = in.getAttrOpt(args.positional[0], name);
      return v ? *v : args.positional[2];
    }
    return in.getAttr(args.positional[0], name);
  });
  defineBuiltin(b, "setattr", [](Interp &in, CallArgs &args) {
    expectArgs(in, "setattr", args, 3, 3);
    in.setAttr(args.positional[0], expectStr(in, args.positional[1], "attribute name"),
               args.positional[2]);
    return Value();
  });
  defineBuiltin(b, "delattr", [](Interp &in, CallArgs &args) {
    expectArgs(in, "delattr", args, 2, 2);
    in.delAttr(args.positional[0], expectStr(in, args.positional[1], "attribute name"));
    return Value();
  });
  defineBuiltin(b, "callable", [](Interp &in, CallArgs &args) {
    expectArgs(in, "callable", args, 1, 1);
    const Value &v = args.positional[0];
    bool ok = v.is<FunctionObject>() || v.is<BuiltinObject>() || v.is<BoundMethodObject>() ||
              v.is<ClassObject>() || v.is<StaticMethodObject>() ||
              (v.is<InstanceObject>() && in.specialMethod(v, "__call__"));
    return Value::boolean(ok);
  });
  defineBuiltin(b, "divmod", [](Interp &in, CallArgs &args) {
    expectArgs(in, "divmod", args, 2, 2);
    const Value &x = args.positional[0], &y = args.positional[1];
    if (x.isNumber() && y.isNumber() && (x.isFloat() || y.isFloat()) && y.toDouble() == 0)
      in.raise(Exc::ZeroDivisionError, "float divmod()");
    if (x.isIntLike() && y.isIntLike() && y.getInt() == 0)
      in.raise(Exc::ZeroDivisionError, "integer division or modulo by zero");
    return makeTuple({in.binaryOp(ast::BinOpKind::FloorDiv, x, y),
                      in.binaryOp(ast::BinOpKind::Mod, x, y)});
  });
  defineBuiltin(b, "pow", [](Interp &in, CallArgs &args) {
    std::optional<Value> mod = takeKeyword(args, "mod");
    rejectKeywords(in, "pow", args);
    expectArgs(in, "pow", args, 2, 3);
    if (args.positional.size() == 3)
      mod = args.positional[2];
    const Value &x = args.positional[0], &y = args.positional[1];
    if (!mod || mod->isNone())
      return in.binaryOp(ast::BinOpKind::Pow, x, y);
    if (!x.isIntLike() || !y.isIntLike() || !mod->isIntLike())
      in.raise(Exc::TypeError, "pow() 3rd argument not allowed unless all arguments are integers");
    int64_t m = mod->getInt(), e = y.getInt();
    if (m == 0)
      in.raise(Exc::ValueError, "pow() 3rd argument cannot be 0");
    if (e < 0)
      in.raise(Exc::NotImplementedError, "pow() with a negative exponent and a modulus is not supported");
    __int128 result = 1 % m, base = ((x.getInt() % m) + m) % m;
    for (; e; e >>= 1) {
      if (e & 1)
        result = (result * base) % m;
      base = (base * base) % m;
    }
    int64_t r = static_cast<int64_t>(result);
    if (r != 0 && (r < 0) != (m < 0))
      r += m;
    return Value::integer(r);
  });
  defineBuiltin(b, "hash", [](Interp &in, CallArgs &args) {
    expectArgs(in, "hash", args, 1, 1);
    return Value::integer(in.hash(args.positional[0]));
  });
  defineBuiltin(b, "id", [](Interp &in, CallArgs &args) {
    expectArgs(in, "id", args, 1, 1);
    const Value &v = args.positional[0];
    if (v.isObject())
      return Value::integer(static_cast<int64_t>(reinterpret_cast<uintptr_t>(v.getObject())));
    return Value::integer(in.hash(v));
  });
  defineBuiltin(b, "iter", [](Interp &in, CallArgs &args) {
    expectArgs(in, "iter", args, 1, 1);
    return in.getIter(args.positional[0]);
  });
  defineBuiltin(b, "next", [](Interp &in, CallArgs &args) {
    expectArgs(in, "next", args, 1, 2);
    if (std::optional<Value> v = in.next(args.positional[0]))
      return *v;
    if (args.positional.size() == 2)
      return args.positional[1];
    in.raiseArgs(Exc::StopIteration, {});
  });
  defineBuiltin(b, "chr", [](Interp &in, CallArgs &args) {
    expectArgs(in, "chr", args, 1, 1);
    int64_t cp = in.toIndex(args.positional[0], "an integer is required");
    if (cp < 0 || cp > 0x10ffff)
      in.raise(Exc::ValueError, "chr() arg not in range(0x110000)");
    return makeStr(format::encodeUtf8(static_cast<uint32_t>(cp)));
  });
  defineBuiltin(b, "ord", [](Interp &in, CallArgs &args) {
    expectArgs(in, "ord", args, 1, 1);
    auto *s = args.positional[0].dyn<StrObject>();
    if (!s)
      in.raise(Exc::TypeError, "ord() expected string of length 1, but " +
                                   in.typeName(args.positional[0]) + " found");
    std::vector<size_t> offs = format::codePointOffsets(s->value);
    if (offs.size() != 2)
      in.raise(Exc::TypeError, "ord() expected a character, but string of length " +
                                   llvm::Twine(offs.size() - 1) + " found");
    uint32_t cp = static_cast<unsigned char>(s->value[0]);
    unsigned len = s->value.size();
    if (len > 1) {
      cp &= 0x7f >> len;
      for (unsigned k = 1; k < len; ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(s->value[k]) & 0x3f);
    }
    return Value::integer(cp);
  });
  for (auto [name, spec] : {std::pair{"bin", "#b"}, {"oct", "#o"}, {"hex", "#x"}}) {
    std::string fname = name, fspec = spec;
    defineBuiltin(b, name, [fname, fspec](Interp &in, CallArgs &args) {
      expectArgs(in, fname, args, 1, 1);
      int64_t v = in.intArg(args.positional[0]);
      return makeStr(format::formatInt(v, fspec).text);
    });
  }
  defineBuiltin(b, "vars", [](Interp &in, CallArgs &args) {
    expectArgs(in, "vars", args, 1, 1);
    return in.getAttr(args.positional[0], "__dict__");
  });
  defineBuiltin(b, "input", [](Interp &in, CallArgs &) -> Value {
    in.raise(Exc::NotImplementedError, "input() is not supported: scripts run without a terminal");
  });
  defineBuiltin(b, "open", [](Interp &in, CallArgs &) -> Value {
    in.raise(Exc::NotImplementedError, "open() is not supported yet: file I/O is not part of .bpm");
  });
}
