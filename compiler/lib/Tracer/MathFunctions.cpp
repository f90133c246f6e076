//===- MathFunctions.cpp - brainpy.math array functions and methods -------===//
//
// NumPy's surface as brainpy.math offers it: creation (full, arange,
// linspace, eye, *_like), elementwise functions (maximum, clip, square...),
// reductions (sum, mean, max, min, argmax, any, all, var, std) and shape
// functions (reshape, transpose, concatenate, stack, expand_dims, squeeze).
// Each is one definition used by both `bm.f(x, ...)` and the method
// `x.f(...)`, and lowers through the emitters of ArrayOps.h, so eager and
// jitted calls agree. Dtype defaults follow BrainPy with 64-bit off.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/ArrayOps.h"

#include <cmath>

using namespace bpc;
using namespace bpc::tracer;

std::vector<int64_t> bpc::tracer::shapeArg(Interp &in, const Value &v) {
  std::vector<int64_t> shape;
  if (v.isIntLike()) {
    shape.push_back(v.getInt());
  } else {
    in.forEach(v, [&](const Value &d) {
      shape.push_back(in.intArg(d));
      return true;
    });
  }
  for (int64_t d : shape)
    if (d < 0)
      in.raise(Exc::ValueError, "negative dimensions are not allowed");
  return shape;
}

DType bpc::tracer::dtypeArg(Interp &in, const std::optional<Value> &v, DType dflt) {
  if (!v || v->isNone())
    return dflt;
  if (v->isObject()) {
    const Object *o = v->getObject();
    if (o == in.types.int_.get())
      return DType::I32;
    if (o == in.types.float_.get())
      return DType::F32;
    if (o == in.types.bool_.get())
      return DType::Bool;
  }
  std::optional<DType> t = dtypeFromName(in.str(*v));
  if (!t)
    in.raise(Exc::TypeError, "unsupported dtype " + in.repr(*v) +
                                 "; bpc supports float32, float64, int32, int64 and bool");
  return *t;
}

namespace {

bool given(const std::optional<Value> &v) { return v && !v->isNone(); }

/// `axis=`: None, an int or a tuple of ints.
std::optional<Value> axisOf(const std::optional<Value> &v) {
  return given(v) ? v : std::nullopt;
}

/// An int argument that may be absent.
std::optional<int64_t> optionalInt(Interp &in, const std::optional<Value> &v) {
  if (!given(v))
    return std::nullopt;
  return in.intArg(*v);
}

/// The dtype of a value as an array would have it (Python floats are f32).
DType dtypeOfValue(ArrayRuntime &rt, const Value &v) {
  if (ArrayState *a = rt.asArray(v))
    return a->dtype;
  if (v.isBool())
    return DType::Bool;
  if (v.isIntLike())
    return DType::I32;
  return DType::F32;
}

/// Like shapeArg, but negative entries are kept (-1 in reshape, axes).
std::vector<int64_t> shapeArgSigned(Interp &in, const Value &v) {
  std::vector<int64_t> shape;
  if (v.isIntLike())
    shape.push_back(v.getInt());
  else
    in.forEach(v, [&](const Value &d) {
      shape.push_back(in.intArg(d));
      return true;
    });
  return shape;
}

/// A function of brainpy.math that is also a method of arrays (the array
/// is then the first parameter): `bm.max(x, axis)` and `x.max(axis)`.
struct Function {
  const char *name;
  std::vector<const char *> params; // the first is the array
  std::function<Value(ArrayRuntime &, std::vector<std::optional<Value>> &)> body;
  bool method = true;
};

Value need(Interp &in, const char *fname, const std::optional<Value> &v, const char *param) {
  if (!v)
    in.raise(Exc::TypeError,
             std::string(fname) + "() missing required argument '" + param + "'");
  return *v;
}

std::vector<Function> functions() {
  using R = ops::Reduction;
  std::vector<Function> fns;
  auto reduction = [&](const char *name, R kind) {
    fns.push_back({name, {"a", "axis", "keepdims"},
                   [kind, name](ArrayRuntime &rt, auto &p) {
                     return reduceArray(rt, kind, need(rt.in, name, p[0], "a"), axisOf(p[1]),
                                        given(p[2]) && rt.in.truthy(*p[2]));
                   }});
  };
  reduction("sum", R::Sum);
  reduction("mean", R::Mean);
  reduction("max", R::Max);
  reduction("min", R::Min);
  reduction("amax", R::Max);
  reduction("amin", R::Min);
  // any/all: max/min of the array as bool.
  for (bool any : {true, false}) {
    const char *name = any ? "any" : "all";
    fns.push_back({name, {"a", "axis", "keepdims"}, [any, name](ArrayRuntime &rt, auto &p) {
                     Value b = rt.applyOp("astype", {rt.toArray(need(rt.in, name, p[0], "a"))},
                                          ops::cast(DType::Bool));
                     return reduceArray(rt, any ? R::Max : R::Min, b, axisOf(p[1]),
                                        given(p[2]) && rt.in.truthy(*p[2]));
                   }});
  }
  for (bool max : {true, false}) {
    const char *name = max ? "argmax" : "argmin";
    fns.push_back({name, {"a", "axis", "keepdims"}, [max, name](ArrayRuntime &rt, auto &p) {
                     return rt.applyOp(name, {rt.toArray(need(rt.in, name, p[0], "a"))},
                                       ops::argReduce(max, optionalInt(rt.in, p[1]),
                                                      given(p[2]) && rt.in.truthy(*p[2])));
                   }});
  }
  // var/std as jnp computes them: sum(|x - mean(x)|^2) / (n - ddof).
  for (bool isStd : {false, true}) {
    const char *name = isStd ? "std" : "var";
    fns.push_back({name, {"a", "axis", "ddof", "keepdims"}, [isStd, name](ArrayRuntime &rt,
                                                                          auto &p) {
                     Value x = rt.toArray(need(rt.in, name, p[0], "a"));
                     bool keep = given(p[3]) && rt.in.truthy(*p[3]);
                     Value mu = reduceArray(rt, R::Mean, x, axisOf(p[1]), true);
                     Value d = rt.applyOp("sub", {x, mu}, ops::binary(ast::BinOpKind::Sub));
                     Value sq = rt.applyOp("mul", {d, d}, ops::binary(ast::BinOpKind::Mult));
                     Value total = reduceArray(rt, R::Sum, sq, axisOf(p[1]), keep);
                     int64_t n = rt.asArray(x)->numElements() /
                                 std::max<int64_t>(1, rt.asArray(mu)->numElements());
                     int64_t ddof = optionalInt(rt.in, p[2]).value_or(0);
                     Value v = rt.applyOp("div", {total, Value::real(double(n - ddof))},
                                          ops::binary(ast::BinOpKind::Div));
                     if (isStd)
                       v = rt.applyOp("sqrt", {v}, ops::unary(ops::Unary::Sqrt));
                     return v;
                   }});
  }
  fns.push_back({"reshape", {"a", "newshape"}, [](ArrayRuntime &rt, auto &p) {
                   return rt.applyOp("reshape", {rt.toArray(need(rt.in, "reshape", p[0], "a"))},
                                     ops::reshape(shapeArgSigned(rt.in, need(rt.in, "reshape", p[1],
                                                                             "newshape"))));
                 }, /*method=*/false});
  fns.push_back({"transpose", {"a", "axes"}, [](ArrayRuntime &rt, auto &p) {
                   std::vector<int64_t> axes;
                   if (given(p[1]))
                     axes = shapeArgSigned(rt.in, *p[1]);
                   return rt.applyOp("transpose",
                                     {rt.toArray(need(rt.in, "transpose", p[0], "a"))},
                                     ops::transpose(axes));
                 }, /*method=*/false});
  for (const char *name : {"ravel", "flatten"})
    fns.push_back({name, {"a"}, [name](ArrayRuntime &rt, auto &p) {
                     return rt.applyOp(name, {rt.toArray(need(rt.in, name, p[0], "a"))},
                                       ops::reshape({-1}));
                   }});
  fns.push_back({"expand_dims", {"a", "axis"}, [](ArrayRuntime &rt, auto &p) {
                   Value x = rt.toArray(need(rt.in, "expand_dims", p[0], "a"));
                   llvm::SmallVector<int64_t, 4> shape(rt.asArray(x)->shape);
                   int64_t rank = shape.size() + 1;
                   int64_t axis = rt.in.intArg(need(rt.in, "expand_dims", p[1], "axis"));
                   if (axis < -rank || axis >= rank)
                     rt.in.raise(Exc::ValueError, "axis " + llvm::Twine(axis) +
                                                      " is out of bounds for array of dimension " +
                                                      llvm::Twine(rank));
                   shape.insert(shape.begin() + (axis < 0 ? axis + rank : axis), 1);
                   return rt.applyOp("expand_dims", {x},
                                     ops::reshape({shape.begin(), shape.end()}));
                 }, /*method=*/false});
  fns.push_back({"squeeze", {"a", "axis"}, [](ArrayRuntime &rt, auto &p) {
                   Value x = rt.toArray(need(rt.in, "squeeze", p[0], "a"));
                   llvm::SmallVector<int64_t, 4> in(rt.asArray(x)->shape);
                   int64_t rank = in.size();
                   llvm::SmallVector<bool> drop(rank, false);
                   if (given(p[1])) {
                     for (int64_t a : shapeArgSigned(rt.in, *p[1])) {
                       if (a < -rank || a >= rank)
                         rt.in.raise(Exc::ValueError, "axis " + llvm::Twine(a) +
                                                          " is out of bounds for array of "
                                                          "dimension " + llvm::Twine(rank));
                       a = a < 0 ? a + rank : a;
                       if (in[a] != 1)
                         rt.in.raise(Exc::ValueError, "cannot select an axis to squeeze out "
                                                      "which has size not equal to one");
                       drop[a] = true;
                     }
                   } else {
                     for (int64_t d = 0; d < rank; ++d)
                       drop[d] = in[d] == 1;
                   }
                   std::vector<int64_t> out;
                   for (int64_t d = 0; d < rank; ++d)
                     if (!drop[d])
                       out.push_back(in[d]);
                   return rt.applyOp("squeeze", {x}, ops::reshape(out));
                 }});
  fns.push_back({"clip", {"a", "a_min", "a_max"}, [](ArrayRuntime &rt, auto &p) {
                   Value x = rt.toArray(need(rt.in, "clip", p[0], "a"));
                   if (given(p[1]))
                     x = rt.applyOp("maximum", {x, *p[1]}, ops::extremum(true));
                   if (given(p[2]))
                     x = rt.applyOp("minimum", {x, *p[2]}, ops::extremum(false));
                   return x;
                 }});
  // round(a, decimals): halves to even, as NumPy; decimals scale by 10^d.
  for (const char *name : {"round", "around", "round_"})
    fns.push_back({name, {"a", "decimals"}, [name](ArrayRuntime &rt, auto &p) {
                     Value x = rt.toArray(need(rt.in, name, p[0], "a"));
                     int64_t decimals = optionalInt(rt.in, p[1]).value_or(0);
                     if (decimals == 0 || !isFloat(rt.asArray(x)->dtype))
                       return rt.applyOp(name, {x}, ops::unary(ops::Unary::Round));
                     Value scale = Value::real(std::pow(10.0, double(decimals)));
                     Value scaled = rt.applyOp("mul", {x, scale}, ops::binary(ast::BinOpKind::Mult));
                     Value rounded = rt.applyOp(name, {scaled}, ops::unary(ops::Unary::Round));
                     return rt.applyOp("div", {rounded, scale}, ops::binary(ast::BinOpKind::Div));
                   }});
  fns.push_back({"square", {"x"}, [](ArrayRuntime &rt, auto &p) {
                   Value x = rt.toArray(need(rt.in, "square", p[0], "x"));
                   return rt.applyOp("square", {x, x}, ops::binary(ast::BinOpKind::Mult));
                 }, /*method=*/false});
  fns.push_back({"copy", {"a"}, [](ArrayRuntime &rt, auto &p) {
                   Value x = rt.toArray(need(rt.in, "copy", p[0], "a"));
                   ArrayState &a = *rt.asArray(x);
                   if (a.isSymbolic())
                     return x;
                   auto buffer = std::make_shared<Buffer>(a.buffer->bytes);
                   std::memcpy(buffer->data, a.buffer->data, a.buffer->bytes);
                   return rt.makeConcrete(a.dtype, a.shape, buffer);
                 }});
  return fns;
}


/// The arrays of a sequence argument (concatenate, stack).
std::vector<Value> arraysOf(ArrayRuntime &rt, const Value &seq) {
  std::vector<Value> out;
  rt.in.forEach(seq, [&](const Value &v) {
    out.push_back(rt.toArray(v));
    return true;
  });
  return out;
}

/// NumPy's arange length: ceil((stop - start) / step), at least 0.
int64_t arangeLength(Interp &in, double start, double stop, double step) {
  if (step == 0)
    in.raise(Exc::ZeroDivisionError, "division by zero");
  double n = std::ceil((stop - start) / step);
  return n > 0 ? static_cast<int64_t>(n) : 0;
}

void installCreation(ArrayRuntime &rt, AttrDict &bm) {
  Interp &in = rt.in;
  in.defineBuiltin(bm, "full", [&rt](Interp &in, CallArgs &args) {
    auto p = bindArgs(in, "full", args, {"shape", "fill_value", "dtype"});
    Value v = need(in, "full", p[1], "fill_value");
    std::optional<DType> dtype;
    if (given(p[2]))
      dtype = dtypeArg(in, p[2], DType::F32);
    else if (!rt.asArray(v))
      dtype = dtypeOfValue(rt, v);
    return rt.applyOp("full", {v}, ops::fullOf(shapeArg(in, need(in, "full", p[0], "shape")),
                                               dtype));
  });
  in.defineBuiltin(bm, "empty", [&rt](Interp &in, CallArgs &args) {
    auto p = bindArgs(in, "empty", args, {"shape", "dtype"});
    return rt.applyOp("empty", {}, ops::fill(0, dtypeArg(in, p[1], DType::F32),
                                             shapeArg(in, need(in, "empty", p[0], "shape"))));
  });
  struct Like {
    const char *name;
    double value; // NaN: the fill_value argument
  };
  for (Like like : {Like{"zeros_like", 0}, {"ones_like", 1}, {"empty_like", 0},
                    {"full_like", NAN}}) {
    in.defineBuiltin(bm, like.name, [&rt, like](Interp &in, CallArgs &args) {
      bool full = std::isnan(like.value);
      auto p = full ? bindArgs(in, like.name, args, {"a", "fill_value", "dtype"})
                    : bindArgs(in, like.name, args, {"a", "dtype"});
      Value a = rt.toArray(need(in, like.name, p[0], "a"));
      ArrayState &s = *rt.asArray(a);
      DType dtype = dtypeArg(in, full ? p[2] : p[1], s.dtype);
      std::vector<int64_t> shape(s.shape.begin(), s.shape.end());
      if (full)
        return rt.applyOp(like.name, {need(in, like.name, p[1], "fill_value")},
                          ops::fullOf(shape, dtype));
      return rt.applyOp(like.name, {}, ops::fill(like.value, dtype, shape));
    });
  }
  in.defineBuiltin(bm, "arange", [&rt](Interp &in, CallArgs &args) {
    auto p = bindArgs(in, "arange", args, {"start", "stop", "step", "dtype"});
    Value first = need(in, "arange", p[0], "start");
    // arange(stop) / arange(start, stop[, step]).
    Value start = given(p[1]) ? first : Value::integer(0);
    Value stop = given(p[1]) ? *p[1] : first;
    Value step = given(p[2]) ? *p[2] : Value::integer(1);
    for (const Value &v : {start, stop, step})
      if (!v.isNumber())
        in.raise(Exc::TypeError, "arange: start, stop and step must be numbers, got " +
                                     in.typeName(v));
    bool ints = start.isIntLike() && stop.isIntLike() && step.isIntLike();
    DType dtype = dtypeArg(in, p[3], ints ? DType::I32 : DType::F32);
    int64_t n = arangeLength(in, start.toDouble(), stop.toDouble(), step.toDouble());
    return rt.applyOp("arange", {},
                      ops::arange(start.toDouble(), step.toDouble(), n, dtype));
  });
  in.defineBuiltin(bm, "linspace", [&rt](Interp &in, CallArgs &args) {
    auto p = bindArgs(in, "linspace", args, {"start", "stop", "num", "endpoint", "dtype"});
    double start = need(in, "linspace", p[0], "start").toDouble();
    double stop = need(in, "linspace", p[1], "stop").toDouble();
    int64_t num = given(p[2]) ? in.intArg(*p[2]) : 50;
    if (num < 0)
      in.raise(Exc::ValueError, "Number of samples, " + llvm::Twine(num) +
                                    ", must be non-negative.");
    bool endpoint = !given(p[3]) || in.truthy(*p[3]);
    return rt.applyOp("linspace", {}, ops::linspace(start, stop, num, endpoint,
                                                    dtypeArg(in, p[4], DType::F32)));
  });
  in.defineBuiltin(bm, "eye", [&rt](Interp &in, CallArgs &args) {
    auto p = bindArgs(in, "eye", args, {"N", "M", "k", "dtype"});
    int64_t n = in.intArg(need(in, "eye", p[0], "N"));
    int64_t m = given(p[1]) ? in.intArg(*p[1]) : n;
    if (n < 0 || m < 0)
      in.raise(Exc::ValueError, "negative dimensions are not allowed");
    return rt.applyOp("eye", {}, ops::eye(n, m, given(p[2]) ? in.intArg(*p[2]) : 0,
                                          dtypeArg(in, p[3], DType::F32)));
  });
  in.defineBuiltin(bm, "identity", [&rt](Interp &in, CallArgs &args) {
    auto p = bindArgs(in, "identity", args, {"n", "dtype"});
    int64_t n = in.intArg(need(in, "identity", p[0], "n"));
    if (n < 0)
      in.raise(Exc::ValueError, "negative dimensions are not allowed");
    return rt.applyOp("identity", {}, ops::eye(n, n, 0, dtypeArg(in, p[1], DType::F32)));
  });
}

void installElementwise(ArrayRuntime &rt, AttrDict &bm) {
  Interp &in = rt.in;
  using K = ast::BinOpKind;
  struct Binary {
    const char *name;
    K op;
  };
  for (Binary b : {Binary{"add", K::Add}, {"subtract", K::Sub}, {"multiply", K::Mult},
                   {"divide", K::Div}, {"true_divide", K::Div}, {"floor_divide", K::FloorDiv},
                   {"mod", K::Mod}, {"remainder", K::Mod}, {"power", K::Pow},
                   {"bitwise_and", K::BitAnd}, {"bitwise_or", K::BitOr},
                   {"bitwise_xor", K::BitXor}}) {
    in.defineBuiltin(bm, b.name, [&rt, b](Interp &in, CallArgs &args) {
      expectArgs(in, b.name, args, 2, 2);
      return rt.applyOp(b.name, {rt.toArray(args.positional[0]), args.positional[1]},
                        ops::binary(b.op));
    });
  }
  // Logical ops: on bools `and`/`or`/`xor` are the bitwise ones.
  struct Logical {
    const char *name;
    K op;
  };
  for (Logical l : {Logical{"logical_and", K::BitAnd}, {"logical_or", K::BitOr},
                    {"logical_xor", K::BitXor}}) {
    in.defineBuiltin(bm, l.name, [&rt, l](Interp &in, CallArgs &args) {
      expectArgs(in, l.name, args, 2, 2);
      Value a = rt.applyOp("astype", {rt.toArray(args.positional[0])}, ops::cast(DType::Bool));
      Value b = rt.applyOp("astype", {rt.toArray(args.positional[1])}, ops::cast(DType::Bool));
      return rt.applyOp(l.name, {a, b}, ops::binary(l.op));
    });
  }
  using C = ast::CmpOpKind;
  struct Compare {
    const char *name;
    C op;
  };
  for (Compare c : {Compare{"equal", C::Eq}, {"not_equal", C::NotEq}, {"less", C::Lt},
                    {"less_equal", C::LtE}, {"greater", C::Gt}, {"greater_equal", C::GtE}}) {
    in.defineBuiltin(bm, c.name, [&rt, c](Interp &in, CallArgs &args) {
      expectArgs(in, c.name, args, 2, 2);
      return rt.applyOp(c.name, {rt.toArray(args.positional[0]), args.positional[1]},
                        ops::compare(c.op));
    });
  }
  for (bool max : {true, false}) {
    const char *name = max ? "maximum" : "minimum";
    in.defineBuiltin(bm, name, [&rt, max, name](Interp &in, CallArgs &args) {
      expectArgs(in, name, args, 2, 2);
      return rt.applyOp(name, {rt.toArray(args.positional[0]), args.positional[1]},
                        ops::extremum(max));
    });
  }
  in.defineBuiltin(bm, "negative", [&rt](Interp &in, CallArgs &args) {
    expectArgs(in, "negative", args, 1, 1);
    return rt.applyOp("negative", {rt.toArray(args.positional[0])}, ops::unary(ops::Unary::Neg));
  });
  in.defineBuiltin(bm, "absolute", [&rt](Interp &in, CallArgs &args) {
    expectArgs(in, "absolute", args, 1, 1);
    return rt.applyOp("absolute", {rt.toArray(args.positional[0])}, ops::unary(ops::Unary::Abs));
  });
  // relu(x) = maximum(x, 0), as brainpy.math.relu (jax.nn.relu).
  in.defineBuiltin(bm, "relu", [&rt](Interp &in, CallArgs &args) {
    expectArgs(in, "relu", args, 1, 1);
    return rt.applyOp("relu", {rt.toArray(args.positional[0]), Value::integer(0)},
                      ops::extremum(true));
  });
  // sign(x): 1, -1 or 0 (NaN stays NaN through the comparisons' where).
  in.defineBuiltin(bm, "sign", [&rt](Interp &in, CallArgs &args) {
    expectArgs(in, "sign", args, 1, 1);
    Value x = rt.toArray(args.positional[0]);
    Value pos = rt.applyOp("gt", {x, Value::integer(0)}, ops::compare(C::Gt));
    Value neg = rt.applyOp("lt", {x, Value::integer(0)}, ops::compare(C::Lt));
    Value p = rt.applyOp("astype", {pos}, ops::cast(rt.asArray(x)->dtype));
    Value n = rt.applyOp("astype", {neg}, ops::cast(rt.asArray(x)->dtype));
    Value s = rt.applyOp("sub", {p, n}, ops::binary(K::Sub));
    if (isFloat(rt.asArray(x)->dtype)) // keep NaN: x where x != x
      s = rt.applyOp("where", {rt.applyOp("ne", {x, x}, ops::compare(C::NotEq)), x, s},
                     ops::where());
    return s;
  });
  in.defineBuiltin(bm, "outer", [&rt](Interp &in, CallArgs &args) {
    expectArgs(in, "outer", args, 2, 2);
    Value a = rt.applyOp("ravel", {rt.toArray(args.positional[0])}, ops::reshape({-1, 1}));
    Value b = rt.applyOp("ravel", {rt.toArray(args.positional[1])}, ops::reshape({-1}));
    return rt.applyOp("outer", {a, b}, ops::binary(K::Mult));
  });
  in.defineBuiltin(bm, "concatenate", [&rt](Interp &in, CallArgs &args) {
    auto p = bindArgs(in, "concatenate", args, {"arrays", "axis"});
    std::vector<Value> arrays = arraysOf(rt, need(in, "concatenate", p[0], "arrays"));
    return rt.applyOp("concatenate", arrays,
                      ops::concatenate(given(p[1]) ? in.intArg(*p[1]) : 0));
  });
  in.defineBuiltin(bm, "stack", [&rt](Interp &in, CallArgs &args) {
    auto p = bindArgs(in, "stack", args, {"arrays", "axis"});
    std::vector<Value> arrays = arraysOf(rt, need(in, "stack", p[0], "arrays"));
    return rt.applyOp("stack", arrays, ops::stack(given(p[1]) ? in.intArg(*p[1]) : 0));
  });
  for (const char *name : {"shape", "ndim", "size"})
    in.defineBuiltin(bm, name, [&rt, name](Interp &in, CallArgs &args) {
      expectArgs(in, name, args, 1, 1);
      return in.getAttr(rt.toArray(args.positional[0]), name);
    });
}

/// Methods whose Python signature differs from the function's: `x.reshape(2,
/// 3)`, `x.transpose(1, 0)`, `x.T`, `x.item()`, `x.numpy()`, `x.dot(y)`.
void installMethods(ArrayRuntime &rt) {
  Interp &in = rt.in;
  AttrDict &dict = rt.arrayClass->dict;
  auto dims = [&in](CallArgs &args) {
    // f(2, 3) or f((2, 3)).
    if (args.positional.size() == 2 && !args.positional[1].isIntLike())
      return shapeArgSigned(in, args.positional[1]);
    std::vector<int64_t> out;
    for (size_t i = 1; i < args.positional.size(); ++i)
      out.push_back(in.intArg(args.positional[i]));
    return out;
  };
  in.defineBuiltin(dict, "reshape", [&rt, dims](Interp &in, CallArgs &args) {
    std::optional<Value> order = takeKeyword(args, "order");
    rejectKeywords(in, "reshape", args);
    if (order && in.str(*order) != "C")
      in.raise(Exc::NotImplementedError, "reshape: only order='C' is supported");
    return rt.applyOp("reshape", {args.positional[0]}, ops::reshape(dims(args)));
  }, true);
  in.defineBuiltin(dict, "transpose", [&rt, dims](Interp &in, CallArgs &args) {
    rejectKeywords(in, "transpose", args);
    return rt.applyOp("transpose", {args.positional[0]}, ops::transpose(dims(args)));
  }, true);
  in.defineBuiltin(dict, "dot", [&rt](Interp &in, CallArgs &args) {
    expectArgs(in, "dot", args, 2, 2);
    return rt.applyOp("dot", {args.positional[0], args.positional[1]},
                      ops::binary(ast::BinOpKind::MatMult));
  }, true);
  in.defineBuiltin(dict, "numpy", [](Interp &in, CallArgs &args) {
    expectArgs(in, "numpy", args, 1, 1);
    return args.positional[0];
  }, true);
  in.defineBuiltin(dict, "item", [](Interp &in, CallArgs &args) {
    expectArgs(in, "item", args, 1, 1);
    // A size-1 array's single number, as float()/int()/bool() would give it.
    Value r = in.call(in.getAttr(args.positional[0], "tolist"), std::vector<Value>{});
    while (auto *l = r.dyn<ListObject>()) {
      if (l->items.size() != 1)
        in.raise(Exc::ValueError, "can only convert an array of size 1 to a Python scalar");
      r = l->items[0];
    }
    return r;
  }, true);
  auto *t = new PropertyObject();
  t->fget = Value(new BuiltinObject("T", [&rt](Interp &, CallArgs &args) {
    return rt.applyOp("transpose", {args.positional[0]}, ops::transpose({}));
  }));
  dict.set("T", Value(t));
}

} // namespace

void bpc::tracer::installMathFunctions(ArrayRuntime &rt, AttrDict &bm) {
  Interp &in = rt.in;
  for (Function &f : functions()) {
    Function fn = f;
    in.defineBuiltin(bm, fn.name, [&rt, fn](Interp &in, CallArgs &args) {
      auto p = bindArgs(in, fn.name, args, fn.params);
      return fn.body(rt, p);
    });
    // Methods are installed once, on the shared array class.
    if (fn.method && !rt.arrayClass->dict.lookup(fn.name))
      in.defineBuiltin(rt.arrayClass->dict, fn.name, [&rt, fn](Interp &in, CallArgs &args) {
        auto p = bindArgs(in, fn.name, args,
                          llvm::ArrayRef<const char *>(fn.params).drop_front(), 1);
        p.insert(p.begin(), args.positional[0]);
        return fn.body(rt, p);
      }, true);
  }
  // Array methods whose function is written in .bpm (stdlib/brainpy/math/
  // compat_numpy.bpm): `x.cumsum(axis)` calls `bm.cumsum(x, axis)`.
  for (const char *name : {"cumsum", "cumprod", "prod", "argsort", "ptp", "trace",
                           "diagonal", "repeat", "swapaxes", "nonzero"})
    if (!rt.arrayClass->dict.lookup(name))
      in.defineBuiltin(rt.arrayClass->dict, name, [name](Interp &in, CallArgs &args) {
        std::optional<Value> fn = in.libraryFallback("brainpy.math", name);
        if (!fn)
          in.raise(Exc::NotImplementedError,
                   "bpc's stdlib has no brainpy.math." + llvm::Twine(name) + ": bpc is broken");
        return in.call(*fn, args);
      }, true);
  installCreation(rt, bm);
  installElementwise(rt, bm);
  if (!rt.arrayClass->dict.lookup("T"))
    installMethods(rt);
}
