//===- RandomModule.cpp - brainpy.math.random ------------------------------===//
//
// BrainPy's RandomState is a Variable holding a jax.random key (here i32[2]
// with the bits of JAX's uint32[2]). Every draw splits the key as BrainPy's
// `split_key` does (`key, sub = split(key)`; the state keeps `key`, the draw
// uses `sub`) and hashes `sub` with one of the random ops of the bp dialect,
// so eager and jitted draws are the same numbers. Inside a jitted function a
// RandomState that is not a dyn var advances only within the trace
// (TraceContext::advanceRandomKey): every call then returns the same numbers,
// as the seed page shows for `bm.jit(f)` without `dyn_vars=bm.random.DEFAULT`.
//
// Defaults follow BrainPy with 64-bit off: floats are f32, ints i32.
// bm.random.DEFAULT starts from seed 0 (BrainPy seeds it randomly); call
// bm.random.seed() for a fresh seed.
//
//===----------------------------------------------------------------------===//

#include "bpc/Dialect/BP/IR/BPShapes.h"
#include "bpc/Tracer/ArrayOps.h"
#include "bpc/Tracer/TraceContext.h"

#include <cstring>
#include <random>

using namespace bpc;
using namespace bpc::tracer;

namespace {

bool given(const std::optional<Value> &v) { return v && !v->isNone(); }

/// BrainPy's `_size2shape`: None -> (), an int -> (n,), a sequence -> tuple.
std::vector<int64_t> sizeToShape(Interp &in, const Value &size) {
  return size.isNone() ? std::vector<int64_t>() : shapeArg(in, size);
}

/// The shape of a Python number or array operand.
llvm::SmallVector<int64_t> shapeOfValue(ArrayRuntime &rt, const Value &v) {
  if (ArrayState *a = rt.asArray(v))
    return {a->shape.begin(), a->shape.end()};
  return {};
}

/// `size`, or when it is None the broadcast of the parameters' shapes
/// (`lax.broadcast_shapes(jnp.shape(loc), jnp.shape(scale))`).
std::vector<int64_t> drawShape(ArrayRuntime &rt, const std::optional<Value> &size,
                               llvm::ArrayRef<Value> params) {
  if (given(size))
    return sizeToShape(rt.in, *size);
  llvm::SmallVector<int64_t> shape;
  for (const Value &p : params) {
    llvm::SmallVector<int64_t> next;
    if (mlir::failed(bp::broadcastShapes(shape, shapeOfValue(rt, p), next)))
      rt.in.raise(Exc::ValueError, "the distribution's parameters could not be broadcast "
                                   "together");
    shape = next;
  }
  return {shape.begin(), shape.end()};
}

/// A key array i32[2] from a seed: jax.random.PRNGKey(seed) = {seed >> 32,
/// seed & 0xFFFFFFFF}.
Value keyFromSeed(ArrayRuntime &rt, int64_t seed) {
  auto buffer = std::make_shared<Buffer>(2 * sizeof(int32_t));
  auto u = static_cast<uint64_t>(seed);
  int32_t words[2] = {static_cast<int32_t>(static_cast<uint32_t>(u >> 32)),
                      static_cast<int32_t>(static_cast<uint32_t>(u))};
  // JAX without x64 takes a negative seed as int32: {0, uint32(seed)}.
  if (seed < 0 && seed >= INT32_MIN)
    words[0] = 0;
  std::memcpy(buffer->data, words, sizeof(words));
  return rt.makeConcrete(DType::I32, {2}, buffer);
}

/// `seed_or_key` as a key: an int seed, or a key array (BrainPy's
/// `_formalize_key`).
Value toKey(ArrayRuntime &rt, const Value &seedOrKey) {
  if (seedOrKey.isIntLike())
    return keyFromSeed(rt, seedOrKey.getInt());
  Value key = rt.toArray(seedOrKey);
  ArrayState *a = rt.asArray(key);
  if (a->shape != llvm::ArrayRef<int64_t>{2} || !isInteger(a->dtype))
    rt.in.raise(Exc::ValueError, "a random key is an integer array of shape (2,), got " +
                                     describeType(a->dtype, a->shape));
  if (a->dtype != DType::I32)
    key = rt.applyOp("astype", {key}, ops::cast(DType::I32));
  return key;
}

int64_t freshSeed() {
  std::random_device device;
  return (static_cast<int64_t>(device()) << 31) ^ device();
}

/// Replaces the key of RandomState `rs`.
void setKey(ArrayRuntime &rt, const Value &rs, const Value &key, bool advance) {
  ArrayState &state = *rt.asArray(rs);
  ArrayState &k = *rt.asArray(key);
  if (rt.activeTrace) {
    mlir::Value v = rt.activeTrace->valueOf(key);
    if (advance)
      rt.activeTrace->advanceRandomKey(rs, v);
    else
      rt.activeTrace->writeVariable(rs, v);
    return;
  }
  state.buffer = k.buffer;
}

/// BrainPy's RandomState.split_key(): `key, sub = split(key)`; the state
/// keeps `key` and `sub` is returned.
Value splitKey(ArrayRuntime &rt, const Value &rs) {
  Value next = rt.applyOp("split_key", {rs}, ops::randomSplit(2, 0, 1, true));
  Value sub = rt.applyOp("split_key", {rs}, ops::randomSplit(2, 1, 2, true));
  setKey(rt, rs, next, /*advance=*/true);
  return sub;
}

/// The key a draw uses: `key=` when given, else a split of the state.
Value drawKey(ArrayRuntime &rt, const Value &rs, const std::optional<Value> &key) {
  if (given(key))
    return toKey(rt, *key);
  return splitKey(rt, rs);
}

/// `dtype=` of randint: int/None/int32 -> i32; int64 -> i64 (drawn as i32).
DType intDType(Interp &in, const std::optional<Value> &dtype) {
  if (!given(dtype) || (dtype->isObject() && dtype->getObject() == in.types.int_.get()))
    return DType::I32;
  std::optional<DType> t = dtypeFromName(in.str(*dtype));
  if (!t || !isInteger(*t))
    in.raise(Exc::TypeError, "randint: unsupported dtype " + in.repr(*dtype) +
                                 "; use an integer dtype such as bm.int32");
  return *t;
}

Value uniformDraw(ArrayRuntime &rt, const Value &key, std::vector<int64_t> shape, DType dtype,
                  const Value &low, const Value &high) {
  return rt.applyOp("uniform", {key, low, high}, ops::randomUniform(std::move(shape), dtype));
}

Value normalDraw(ArrayRuntime &rt, const Value &key, std::vector<int64_t> shape) {
  return rt.applyOp("normal", {key}, ops::randomNormal(std::move(shape)));
}

/// BrainPy's `_loc_scale`: value * scale + loc, each only when given.
Value locScale(ArrayRuntime &rt, Value value, const std::optional<Value> &loc,
               const std::optional<Value> &scale) {
  if (given(scale))
    value = rt.applyOp("mul", {value, *scale}, ops::binary(ast::BinOpKind::Mult));
  if (given(loc))
    value = rt.applyOp("add", {value, *loc}, ops::binary(ast::BinOpKind::Add));
  return value;
}

/// `*dn` of rand/randn: ints, or one tuple.
std::vector<int64_t> dimsArgs(Interp &in, CallArgs &args, size_t skip) {
  std::vector<int64_t> shape;
  if (args.positional.size() == skip + 1 && !args.positional[skip].isIntLike())
    return sizeToShape(in, args.positional[skip]);
  for (size_t i = skip; i < args.positional.size(); ++i) {
    int64_t d = in.intArg(args.positional[i]);
    if (d < 0)
      in.raise(Exc::ValueError, "negative dimensions are not allowed");
    shape.push_back(d);
  }
  return shape;
}

/// The draw methods of RandomState. Each takes the RandomState first (a
/// method's self; the module's functions pass DEFAULT).
using DrawFn = std::function<Value(ArrayRuntime &, const Value &rs, CallArgs &, size_t skip)>;

std::vector<std::pair<const char *, DrawFn>> drawFunctions() {
  std::vector<std::pair<const char *, DrawFn>> fns;
  auto uniform01 = [](const char *name) {
    return [name](ArrayRuntime &rt, const Value &rs, CallArgs &args, size_t skip) {
      auto p = bindArgs(rt.in, name, args, {"size", "key"}, skip);
      std::vector<int64_t> shape = drawShape(rt, p[0], {});
      Value key = drawKey(rt, rs, p[1]);
      return uniformDraw(rt, key, shape, DType::F32, Value::real(0.0), Value::real(1.0));
    };
  };
  for (const char *name : {"random", "random_sample", "ranf", "sample"})
    fns.emplace_back(name, uniform01(name));
  fns.emplace_back("rand", [](ArrayRuntime &rt, const Value &rs, CallArgs &args, size_t skip) {
    std::optional<Value> key = takeKeyword(args, "key");
    rejectKeywords(rt.in, "rand", args);
    std::vector<int64_t> shape = dimsArgs(rt.in, args, skip);
    return uniformDraw(rt, drawKey(rt, rs, key), shape, DType::F32, Value::real(0.0),
                       Value::real(1.0));
  });
  fns.emplace_back("randn", [](ArrayRuntime &rt, const Value &rs, CallArgs &args, size_t skip) {
    std::optional<Value> key = takeKeyword(args, "key");
    rejectKeywords(rt.in, "randn", args);
    std::vector<int64_t> shape = dimsArgs(rt.in, args, skip);
    return normalDraw(rt, drawKey(rt, rs, key), shape);
  });
  fns.emplace_back("uniform", [](ArrayRuntime &rt, const Value &rs, CallArgs &args, size_t skip) {
    auto p = bindArgs(rt.in, "uniform", args, {"low", "high", "size", "key"}, skip);
    Value low = given(p[0]) ? *p[0] : Value::real(0.0);
    Value high = given(p[1]) ? *p[1] : Value::real(1.0);
    std::vector<int64_t> shape = drawShape(rt, p[2], {low, high});
    return uniformDraw(rt, drawKey(rt, rs, p[3]), shape, DType::F32, low, high);
  });
  fns.emplace_back("normal", [](ArrayRuntime &rt, const Value &rs, CallArgs &args, size_t skip) {
    auto p = bindArgs(rt.in, "normal", args, {"loc", "scale", "size", "key"}, skip);
    std::vector<Value> params;
    for (int i : {0, 1})
      if (given(p[i]))
        params.push_back(*p[i]);
    std::vector<int64_t> shape = drawShape(rt, p[2], params);
    return locScale(rt, normalDraw(rt, drawKey(rt, rs, p[3]), shape), p[0], p[1]);
  });
  fns.emplace_back("standard_normal",
                   [](ArrayRuntime &rt, const Value &rs, CallArgs &args, size_t skip) {
                     auto p = bindArgs(rt.in, "standard_normal", args, {"size", "key"}, skip);
                     std::vector<int64_t> shape = drawShape(rt, p[0], {});
                     return normalDraw(rt, drawKey(rt, rs, p[1]), shape);
                   });
  fns.emplace_back("randint", [](ArrayRuntime &rt, const Value &rs, CallArgs &args, size_t skip) {
    auto p = bindArgs(rt.in, "randint", args, {"low", "high", "size", "dtype", "key"}, skip);
    if (!given(p[0]))
      rt.in.raise(Exc::TypeError, "randint() missing required argument 'low'");
    Value low = *p[0], high;
    if (given(p[1])) {
      high = *p[1];
    } else {
      high = low;
      low = Value::integer(0);
    }
    DType dtype = intDType(rt.in, p[3]);
    std::vector<int64_t> shape = drawShape(rt, p[2], {low, high});
    Value r = rt.applyOp("randint", {drawKey(rt, rs, p[4]), low, high}, ops::randomInt(shape));
    if (dtype != DType::I32)
      r = rt.applyOp("astype", {r}, ops::cast(dtype));
    return r;
  });
  fns.emplace_back("bernoulli", [](ArrayRuntime &rt, const Value &rs, CallArgs &args, size_t skip) {
    auto p = bindArgs(rt.in, "bernoulli", args, {"p", "size", "key"}, skip);
    Value prob = given(p[0]) ? *p[0] : Value::real(0.5);
    std::vector<int64_t> shape = drawShape(rt, p[1], {prob});
    // jax.random.bernoulli: uniform(key, shape) < p.
    Value u = uniformDraw(rt, drawKey(rt, rs, p[2]), shape, DType::F32, Value::real(0.0),
                          Value::real(1.0));
    return rt.applyOp("bernoulli", {u, prob}, ops::compare(ast::CmpOpKind::Lt));
  });
  return fns;
}

/// RandomState.seed(seed_or_key=None): a fresh random seed when None.
void seedState(ArrayRuntime &rt, const Value &rs, CallArgs &args, size_t skip) {
  auto p = bindArgs(rt.in, "seed", args, {"seed_or_key", "seed"}, skip);
  std::optional<Value> seed = given(p[0]) ? p[0] : p[1];
  Value key = given(seed) ? toKey(rt, *seed) : keyFromSeed(rt, freshSeed());
  setKey(rt, rs, key, /*advance=*/false);
}

/// bm.random.DEFAULT as the module holds it now.
Value defaultState(ArrayRuntime &rt) {
  return *llvm::cast<ModuleObject>(rt.randomModule.getObject())->attrs.lookup("DEFAULT");
}

void installRandomState(ArrayRuntime &rt) {
  Interp &in = rt.in;
  rt.randomStateClass =
      makeLibraryClass(in, "RandomState", rt.variableClass.get(), "brainpy.math.random");
  AttrDict &d = rt.randomStateClass->dict;
  in.defineBuiltin(d, "__init__", [&rt](Interp &in, CallArgs &args) {
    auto p = bindArgs(in, "RandomState", args, {"seed_or_key", "seed"}, 1);
    if (rt.activeTrace)
      in.raise(Exc::NotImplementedError, "creating a RandomState inside a jitted function");
    std::optional<Value> seed = given(p[0]) ? p[0] : p[1];
    Value key = given(seed) ? toKey(rt, *seed) : keyFromSeed(rt, freshSeed());
    ArrayState &k = *rt.asArray(key);
    auto state = std::make_unique<ArrayState>();
    state->dtype = DType::I32;
    state->shape = {2};
    state->buffer = k.buffer;
    args.positional[0].dyn<InstanceObject>()->native = std::move(state);
    return Value();
  }, true);
  in.defineBuiltin(d, "seed", [&rt](Interp &, CallArgs &args) {
    seedState(rt, args.positional[0], args, 1);
    return Value();
  }, true);
  in.defineBuiltin(d, "split_key", [&rt](Interp &in, CallArgs &args) {
    expectArgs(in, "split_key", args, 1, 1);
    return splitKey(rt, args.positional[0]);
  }, true);
  // split_keys(n): `keys = split(key, n + 1)`; the state keeps keys[0].
  in.defineBuiltin(d, "split_keys", [&rt](Interp &in, CallArgs &args) {
    expectArgs(in, "split_keys", args, 2, 2);
    int64_t n = in.intArg(args.positional[1]);
    if (n < 1)
      in.raise(Exc::ValueError, "split_keys: n must be at least 1");
    const Value &rs = args.positional[0];
    Value next = rt.applyOp("split_keys", {rs}, ops::randomSplit(n + 1, 0, 1, true));
    Value keys = rt.applyOp("split_keys", {rs}, ops::randomSplit(n + 1, 1, n + 1, false));
    setKey(rt, rs, next, /*advance=*/true);
    return keys;
  }, true);
  for (auto &[name, fn] : drawFunctions()) {
    DrawFn draw = fn;
    in.defineBuiltin(d, name, [&rt, draw](Interp &, CallArgs &args) {
      Value rs = args.positional[0];
      return draw(rt, rs, args, 1);
    }, true);
  }
}

} // namespace

Value bpc::tracer::getRandomModule(ArrayRuntime &rt) {
  if (!rt.randomModule.isNone())
    return rt.randomModule;
  Interp &in = rt.in;
  installRandomState(rt);
  auto *m = new ModuleObject("brainpy.math.random", "brainpy.math.random", /*stub=*/true);
  rt.randomModule = Value(m);
  m->attrs.set("RandomState", Value(rt.randomStateClass));
  m->attrs.set("DEFAULT",
               in.call(Value(rt.randomStateClass), std::vector<Value>{Value::integer(0)}));
  for (auto &[name, fn] : drawFunctions()) {
    DrawFn draw = fn;
    in.defineBuiltin(m->attrs, name, [&rt, draw](Interp &, CallArgs &args) {
      return draw(rt, defaultState(rt), args, 0);
    });
  }
  in.defineBuiltin(m->attrs, "seed", [&rt](Interp &, CallArgs &args) {
    seedState(rt, defaultState(rt), args, 0);
    return Value();
  });
  in.defineBuiltin(m->attrs, "split_key", [&rt](Interp &in, CallArgs &args) {
    expectArgs(in, "split_key", args, 0, 0);
    return splitKey(rt, defaultState(rt));
  });
  in.defineBuiltin(m->attrs, "default_rng", [&rt](Interp &in, CallArgs &args) {
    auto p = bindArgs(in, "default_rng", args, {"seed_or_key", "seed"});
    std::vector<Value> ctorArgs;
    if (given(p[0]) || given(p[1]))
      ctorArgs.push_back(given(p[0]) ? *p[0] : *p[1]);
    return in.call(Value(rt.randomStateClass), ctorArgs);
  });
  return rt.randomModule;
}
