//===- ArrayMethods.cpp - Operators, properties and methods of arrays -----===//
//
// brainpy.math's array class and Variable. Every operator becomes one
// ArrayRuntime::applyOp with an emitter from ArrayOps.h; in-place updates of
// Variables go through TraceContext inside jit (dyn or an error) and replace
// the host buffer outside.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/ArrayFormat.h"
#include "bpc/Tracer/ArrayOps.h"
#include "bpc/Tracer/TraceContext.h"

using namespace bpc;
using namespace bpc::tracer;
using ast::BinOpKind;
using ast::CmpOpKind;

namespace {

ArrayState &self(ArrayRuntime &rt, CallArgs &args) { return *rt.asArray(args.positional[0]); }

/// Replaces the contents of `target` (a Variable or array) by `value`.
void assignArray(ArrayRuntime &rt, const Value &target, const Value &value) {
  ArrayState &t = *rt.asArray(target);
  ArrayState &v = *rt.asArray(value);
  if (rt.activeTrace) {
    if (rt.isVariable(target)) {
      rt.activeTrace->writeVariable(target, v.value);
      return;
    }
    if (t.trace != rt.activeTrace || t.traceId != rt.activeTrace->id)
      rt.in.raise(Exc::RuntimeError,
                  "in-place update of an array created outside the jitted function; make it "
                  "a Variable and pass it in dyn_vars (BrainPy's MathError)");
    if (t.value.getParentBlock() != rt.activeTrace->builder.getInsertionBlock()) {
      // Made before the `if`/loop whose body this is: each path (and each
      // iteration) must start from the same array, which an in-place change
      // of the shared object would break. A range() loop unrolls instead.
      rt.in.needsUnrollInTrial();
      rt.in.raise(Exc::NotImplementedError,
                  "in-place update, inside an `if` or loop on a traced value, of an array "
                  "made before it; make the array inside the body, or make it a Variable "
                  "and pass it in dyn_vars");
    }
    t.value = v.value;
    return;
  }
  t.buffer = v.buffer;
}

/// One element of a concrete array as a Python number.
Value element(ArrayRuntime &rt, const ArrayState &a, int64_t i) {
  const void *p = static_cast<const char *>(a.buffer->data) + i * byteWidth(a.dtype);
  switch (a.dtype) {
  case DType::Bool: return Value::boolean(*static_cast<const uint8_t *>(p));
  case DType::I32: return Value::integer(*static_cast<const int32_t *>(p));
  case DType::I64: return Value::integer(*static_cast<const int64_t *>(p));
  case DType::F32: return Value::real(*static_cast<const float *>(p));
  case DType::F64: return Value::real(*static_cast<const double *>(p));
  }
  return Value();
}

/// The single value of a size-1 concrete array (float(x), bool(x)).
Value scalarValue(ArrayRuntime &rt, const ArrayState &a, llvm::StringRef what) {
  if (a.isSymbolic())
    rt.in.needsUnrollInTrial();
  if (a.isSymbolic())
    rt.in.raise(Exc::TypeError,
                what + " of a traced array " + describeType(a.dtype, a.shape) +
                    ": its value is not known while tracing; use bm.where, or make the "
                    "argument static (static_argnames)");
  if (a.numElements() != 1)
    rt.in.raise(Exc::ValueError, what + " of an array with " + llvm::Twine(a.numElements()) +
                                     " elements is ambiguous");
  return element(rt, a, 0);
}

/// The host buffer of a concrete array as the printers read it.
format::ArrayView printable(const ArrayState &a) { return {a.dtype, a.shape, a.buffer->data}; }

/// NumPy's `tolist()`: nested lists of Python numbers (a scalar for 0-d).
Value toList(ArrayRuntime &rt, const ArrayState &a, size_t dim = 0, int64_t offset = 0) {
  if (dim == a.shape.size())
    return element(rt, a, offset);
  int64_t stride = 1;
  for (size_t d = dim + 1; d < a.shape.size(); ++d)
    stride *= a.shape[d];
  std::vector<Value> items;
  for (int64_t i = 0; i < a.shape[dim]; ++i)
    items.push_back(toList(rt, a, dim + 1, offset + i * stride));
  return makeList(std::move(items));
}

/// A subscript made of Python ints, slices, None and at least one traced 0-d
/// array (`x[i]` or `x[i, 1:3]` with `i` traced, e.g. a loop counter): the
/// indices and their axes, and the slices of the remaining dimensions.
struct TracedIndex {
  std::vector<Value> indices;
  std::vector<int64_t> axes;
  std::vector<ops::IndexItem> rest;
};

/// The traced subscript of array `a`, or nullopt for any other subscript
/// (no traced index, or an Ellipsis), which normaliseIndex handles.
std::optional<TracedIndex> tracedIndex(ArrayRuntime &rt, const ArrayState &a,
                                       const Value &index) {
  std::vector<Value> items;
  if (auto *t = index.dyn<TupleObject>())
    items = t->items;
  else
    items.push_back(index);
  bool anyTraced = false;
  TracedIndex traced;
  std::vector<Value> slices;
  std::vector<int64_t> restShape;
  size_t d = 0; // the dimension the next item indexes; None consumes none
  for (const Value &v : items) {
    ArrayState *i = rt.asArray(v);
    if (v.isNone()) {
      slices.push_back(v);
      continue;
    }
    if (i && i->isSymbolic() && i->shape.empty())
      anyTraced = true;
    else if (v.is<SliceObject>() && d < a.shape.size()) {
      slices.push_back(v);
      restShape.push_back(a.shape[d++]);
      continue;
    } else if (!v.isIntLike() || v.isBool())
      return std::nullopt;
    traced.indices.push_back(v);
    traced.axes.push_back(static_cast<int64_t>(d++));
  }
  if (!anyTraced)
    return std::nullopt;
  for (; d < a.shape.size(); ++d)
    restShape.push_back(a.shape[d]);
  traced.rest = ops::normaliseIndex(rt.in, makeTuple(std::move(slices)), restShape);
  return traced;
}

/// A copy of array `x` whose `x[index]` is `value` (cast to x's dtype, as
/// NumPy's assignment does); `x` itself is unchanged.
Value withItemSet(ArrayRuntime &rt, const Value &x, const Value &index, const Value &value) {
  ArrayState &a = *rt.asArray(x);
  if (std::optional<TracedIndex> traced = tracedIndex(rt, a, index)) {
    std::vector<Value> operands = {x, value};
    operands.insert(operands.end(), traced->indices.begin(), traced->indices.end());
    return rt.applyOp("setitem", operands, ops::setItemDynamic(traced->axes, traced->rest),
                      /*updatesFirst=*/true);
  }
  return rt.applyOp("setitem", {x, value},
                    ops::setItem(ops::normaliseIndex(rt.in, index, a.shape)),
                    /*updatesFirst=*/true);
}

/// The array (and index) an `x.at` / `x.at[idx]` object holds.
std::pair<Value, Value> indexUpdateOperands(const CallArgs &args) {
  AttrDict &attrs = args.positional[0].dyn<InstanceObject>()->attrs;
  const Value *index = attrs.lookup("index");
  return {*attrs.lookup("array"), index ? *index : Value()};
}

/// JAX's options change how indices are checked or sorted, not the result
/// of an in-range update, so they are accepted and dropped.
void dropIndexUpdateOptions(CallArgs &args) {
  llvm::erase_if(args.keywords, [](const auto &kw) {
    return kw.first == "indices_are_sorted" || kw.first == "unique_indices" ||
           kw.first == "mode" || kw.first == "fill_value";
  });
}

/// JAX's functional index updates, which BrainPy arrays have:
/// `x.at[idx].set(v)`, `.add(v)`, `.multiply(v)`, `.divide(v)`, `.power(v)`,
/// `.min(v)`, `.max(v)`, `.apply(f)` and `.get()` return a new array and
/// leave `x` (a Variable too) as it was. `x.at` holds x; `x.at[idx]` holds x
/// and idx. Out-of-range indices follow bpc's indexing rules.
void installIndexUpdates(ArrayRuntime &rt) {
  Interp &in = rt.in;
  const char *module = "jax._src.numpy.array_methods";
  ClassRef helper = makeLibraryClass(in, "_IndexUpdateHelper", in.types.object.get(), module);
  ClassRef ref = makeLibraryClass(in, "_IndexUpdateRef", in.types.object.get(), module);
  auto def = [&](ClassObject &c, llvm::StringRef name, BuiltinFn fn) {
    in.defineBuiltin(c.dict, name, std::move(fn), /*isMethod=*/true);
  };
  def(*helper, "__getitem__", [ref](Interp &in, CallArgs &args) {
    expectArgs(in, "__getitem__", args, 2, 2);
    auto *r = new InstanceObject(ref);
    r->attrs.set("array", indexUpdateOperands(args).first);
    r->attrs.set("index", args.positional[1]);
    return Value(r);
  });
  def(*helper, "__repr__", [](Interp &in, CallArgs &args) {
    return makeStr("_IndexUpdateHelper(" + in.repr(indexUpdateOperands(args).first) + ")");
  });
  def(*ref, "get", [](Interp &in, CallArgs &args) {
    dropIndexUpdateOptions(args);
    expectArgs(in, "get", args, 1, 1);
    auto [x, index] = indexUpdateOperands(args);
    return in.getItem(x, index);
  });
  def(*ref, "set", [&rt](Interp &in, CallArgs &args) {
    dropIndexUpdateOptions(args);
    expectArgs(in, "set", args, 2, 2);
    auto [x, index] = indexUpdateOperands(args);
    return withItemSet(rt, x, index, rt.toArray(args.positional[1]));
  });
  def(*ref, "apply", [&rt](Interp &in, CallArgs &args) {
    dropIndexUpdateOptions(args);
    expectArgs(in, "apply", args, 2, 2);
    auto [x, index] = indexUpdateOperands(args);
    Value updated = in.call(args.positional[1], std::vector<Value>{in.getItem(x, index)});
    return withItemSet(rt, x, index, rt.toArray(updated));
  });
  // x.at[idx].op(v) is x[idx] = x[idx] op v on a copy.
  using Combine = std::function<Value(Interp &, const Value &, const Value &)>;
  auto combine = [&](llvm::StringRef name, Combine op) {
    def(*ref, name, [&rt, name = name.str(), op](Interp &in, CallArgs &args) {
      dropIndexUpdateOptions(args);
      expectArgs(in, name, args, 2, 2);
      auto [x, index] = indexUpdateOperands(args);
      Value current = in.getItem(x, index);
      return withItemSet(rt, x, index, rt.toArray(op(in, current, args.positional[1])));
    });
  };
  auto binary = [](ast::BinOpKind kind) -> Combine {
    return [kind](Interp &in, const Value &a, const Value &b) { return in.binaryOp(kind, a, b); };
  };
  combine("add", binary(ast::BinOpKind::Add));
  combine("multiply", binary(ast::BinOpKind::Mult));
  combine("mul", binary(ast::BinOpKind::Mult));
  combine("divide", binary(ast::BinOpKind::Div));
  combine("power", binary(ast::BinOpKind::Pow));
  auto mathFunction = [](const char *fn) -> Combine {
    return [fn](Interp &in, const Value &a, const Value &b) {
      Value bm = in.importModule("brainpy.math", "bm");
      return in.call(in.getAttr(bm, fn), std::vector<Value>{a, b});
    };
  };
  combine("min", mathFunction("minimum"));
  combine("max", mathFunction("maximum"));

  auto *at = new PropertyObject();
  at->fget = Value(new BuiltinObject("at", [helper](Interp &, CallArgs &args) {
    auto *h = new InstanceObject(helper);
    h->attrs.set("array", args.positional[0]);
    return Value(h);
  }));
  rt.arrayClass->dict.set("at", Value(at));
}

} // namespace

/// A reduction over `axis`: None, an int or a tuple of ints.
Value bpc::tracer::reduceArray(ArrayRuntime &rt, ops::Reduction kind, const Value &x,
                               const std::optional<Value> &axis, bool keepdims) {
  std::vector<int64_t> axes;
  bool all = !axis || axis->isNone();
  if (!all) {
    if (auto *t = axis->dyn<TupleObject>())
      for (const Value &a : t->items)
        axes.push_back(rt.in.intArg(a));
    else
      axes.push_back(rt.in.intArg(*axis));
  }
  return rt.applyOp("reduce", {rt.toArray(x)}, ops::reduce(kind, axes, all, keepdims));
}

void bpc::tracer::installArrayClass(ArrayRuntime &rt) {
  Interp &in = rt.in;
  rt.arrayClass = makeLibraryClass(in, "Array", in.types.object.get(), "brainpy.math");
  ClassObject &cls = *rt.arrayClass;
  auto def = [&](AttrDict &dict, llvm::StringRef name, BuiltinFn fn) {
    in.defineBuiltin(dict, name, std::move(fn), /*isMethod=*/true);
  };
  auto binary = [&](BinOpKind op, llvm::StringRef name) {
    def(cls.dict, ("__" + name + "__").str(), [&rt, op](Interp &, CallArgs &args) {
      return rt.applyOp(ast::spelling(op), {args.positional[0], args.positional[1]},
                        ops::binary(op));
    });
    def(cls.dict, ("__r" + name + "__").str(), [&rt, op](Interp &, CallArgs &args) {
      return rt.applyOp(ast::spelling(op), {args.positional[1], args.positional[0]},
                        ops::binary(op));
    });
    // `v += e` updates a Variable in place; a plain array rebinds the name.
    def(cls.dict, ("__i" + name + "__").str(), [&rt, op](Interp &in, CallArgs &args) {
      if (!rt.isVariable(args.positional[0]))
        return in.notImplemented;
      Value r = rt.applyOp(ast::spelling(op), {args.positional[0], args.positional[1]},
                           ops::binary(op));
      Value full = rt.applyOp("update", {args.positional[0], r},
                              ops::setItem(ops::normaliseIndex(in, makeTuple(),
                                                               rt.asArray(args.positional[0])->shape)),
                              /*updatesFirst=*/true);
      assignArray(rt, args.positional[0], full);
      return args.positional[0];
    });
  };
  binary(BinOpKind::Add, "add");
  binary(BinOpKind::Sub, "sub");
  binary(BinOpKind::Mult, "mul");
  binary(BinOpKind::Div, "truediv");
  binary(BinOpKind::FloorDiv, "floordiv");
  binary(BinOpKind::Mod, "mod");
  binary(BinOpKind::Pow, "pow");
  binary(BinOpKind::MatMult, "matmul");
  binary(BinOpKind::BitAnd, "and");
  binary(BinOpKind::BitOr, "or");
  binary(BinOpKind::BitXor, "xor");
  auto compare = [&](CmpOpKind op, llvm::StringRef name) {
    def(cls.dict, name, [&rt, op](Interp &, CallArgs &args) {
      return rt.applyOp(ast::spelling(op), {args.positional[0], args.positional[1]},
                        ops::compare(op));
    });
  };
  compare(CmpOpKind::Eq, "__eq__");
  compare(CmpOpKind::NotEq, "__ne__");
  compare(CmpOpKind::Lt, "__lt__");
  compare(CmpOpKind::LtE, "__le__");
  compare(CmpOpKind::Gt, "__gt__");
  compare(CmpOpKind::GtE, "__ge__");
  auto unary = [&](llvm::StringRef name, ops::Unary op) {
    def(cls.dict, name, [&rt, op, name](Interp &, CallArgs &args) {
      return rt.applyOp(name, {args.positional[0]}, ops::unary(op));
    });
  };
  unary("__neg__", ops::Unary::Neg);
  unary("__invert__", ops::Unary::Not);
  unary("__abs__", ops::Unary::Abs);
  def(cls.dict, "__pos__", [](Interp &, CallArgs &args) { return args.positional[0]; });
  // Identity hashing keeps Variables usable in sets and as dict keys.
  def(cls.dict, "__hash__", [](Interp &, CallArgs &args) {
    return Value::integer(reinterpret_cast<intptr_t>(args.positional[0].getObject()) >> 4);
  });
  def(cls.dict, "__getitem__", [&rt](Interp &in, CallArgs &args) {
    ArrayState &a = self(rt, args);
    if (std::optional<TracedIndex> traced = tracedIndex(rt, a, args.positional[1])) {
      std::vector<Value> operands = {args.positional[0]};
      operands.insert(operands.end(), traced->indices.begin(), traced->indices.end());
      return rt.applyOp("getitem", operands, ops::getItemDynamic(traced->axes, traced->rest));
    }
    return rt.applyOp("getitem", {args.positional[0]},
                      ops::getItem(ops::normaliseIndex(in, args.positional[1], a.shape)));
  });
  def(cls.dict, "__setitem__", [&rt](Interp &, CallArgs &args) {
    self(rt, args);
    assignArray(rt, args.positional[0],
                withItemSet(rt, args.positional[0], args.positional[1], args.positional[2]));
    return Value();
  });
  installIndexUpdates(rt);
  def(cls.dict, "__bool__", [&rt](Interp &in, CallArgs &args) {
    return Value::boolean(in.truthy(scalarValue(rt, self(rt, args), "the truth value")));
  });
  def(cls.dict, "__float__", [&rt](Interp &, CallArgs &args) {
    return Value::real(scalarValue(rt, self(rt, args), "float()").toDouble());
  });
  def(cls.dict, "__int__", [&rt](Interp &, CallArgs &args) {
    return Value::integer(static_cast<int64_t>(scalarValue(rt, self(rt, args), "int()").toDouble()));
  });
  def(cls.dict, "__len__", [&rt](Interp &in, CallArgs &args) {
    ArrayState &a = self(rt, args);
    if (a.shape.empty())
      in.raise(Exc::TypeError, "len() of unsized object");
    return Value::integer(a.shape[0]);
  });
  // repr follows BrainPy (a 0-d plain array is what BrainPy's functions
  // return: a jax.Array); str and print follow NumPy; format() of a 0-d array
  // formats its Python scalar, as jax.Array and NumPy do (so f'{x}' of a
  // float32 shows the double's digits while print(x) shows the float's).
  def(cls.dict, "__repr__", [&rt](Interp &in, CallArgs &args) {
    ArrayState &a = self(rt, args);
    if (a.isSymbolic())
      return makeStr("Traced<" + describeType(a.dtype, a.shape) + ">");
    ClassObject *cls = args.positional[0].dyn<InstanceObject>()->cls.get();
    if (a.shape.empty() && cls == rt.arrayClass.get())
      return makeStr(format::jaxArrayRepr(printable(a)));
    return makeStr(format::brainpyArrayRepr(printable(a), in.typeName(args.positional[0])));
  });
  def(cls.dict, "__str__", [&rt](Interp &in, CallArgs &args) {
    ArrayState &a = self(rt, args);
    if (a.isSymbolic())
      return makeStr(in.repr(args.positional[0]));
    return makeStr(format::arrayStr(printable(a)));
  });
  def(cls.dict, "__format__", [&rt](Interp &in, CallArgs &args) {
    expectArgs(in, "__format__", args, 2, 2);
    ArrayState &a = self(rt, args);
    std::string spec = in.str(args.positional[1]);
    if (spec.empty() && (a.isSymbolic() || !a.shape.empty()))
      return makeStr(in.str(args.positional[0]));
    if (!a.shape.empty())
      in.raise(Exc::TypeError, "unsupported format string passed to numpy.ndarray.__format__");
    return makeStr(in.formatValue(scalarValue(rt, a, "format()"), spec));
  });
  def(cls.dict, "tolist", [&rt](Interp &in, CallArgs &args) {
    expectArgs(in, "tolist", args, 1, 1);
    ArrayState &a = self(rt, args);
    if (a.isSymbolic())
      in.raise(Exc::TypeError, "tolist() of a traced array " + describeType(a.dtype, a.shape) +
                                   ": its values are not known while tracing");
    return toList(rt, a);
  });
  def(cls.dict, "astype", [&rt](Interp &in, CallArgs &args) {
    expectArgs(in, "astype", args, 2, 2);
    std::optional<DType> t = dtypeFromName(in.str(args.positional[1]));
    if (!t)
      in.raise(Exc::TypeError, "unsupported dtype " + in.repr(args.positional[1]));
    return rt.applyOp("astype", {args.positional[0]}, ops::cast(*t));
  });
  auto property = [&](llvm::StringRef name, BuiltinFn get, BuiltinFn set = nullptr) {
    auto *p = new PropertyObject();
    p->fget = Value(new BuiltinObject(name.str(), std::move(get)));
    if (set)
      p->fset = Value(new BuiltinObject(name.str(), std::move(set)));
    cls.dict.set(name, Value(p));
  };
  property("shape", [&rt](Interp &, CallArgs &args) {
    std::vector<Value> dims;
    for (int64_t d : self(rt, args).shape)
      dims.push_back(Value::integer(d));
    return makeTuple(std::move(dims));
  });
  property("ndim", [&rt](Interp &, CallArgs &args) {
    return Value::integer(self(rt, args).shape.size());
  });
  property("size", [&rt](Interp &, CallArgs &args) {
    return Value::integer(self(rt, args).numElements());
  });
  property("dtype", [&rt](Interp &, CallArgs &args) {
    return makeStr(dtypeName(self(rt, args).dtype).str());
  });
  // `v.value` reads the current value; `v.value = e` replaces it in place.
  property(
      "value",
      [&rt](Interp &, CallArgs &args) {
        ArrayState &a = self(rt, args);
        if (rt.activeTrace && rt.isVariable(args.positional[0]))
          return rt.makeSymbolic(*rt.activeTrace, rt.activeTrace->valueOf(args.positional[0]));
        if (a.isSymbolic())
          return args.positional[0];
        return rt.makeConcrete(a.dtype, a.shape, a.buffer);
      },
      [&rt](Interp &in, CallArgs &args) {
        ArrayState &a = self(rt, args);
        Value r = rt.applyOp("value", {args.positional[0], args.positional[1]},
                             ops::setItem(ops::normaliseIndex(in, makeTuple(), a.shape)),
                             /*updatesFirst=*/true);
        assignArray(rt, args.positional[0], r);
        return Value();
      });
}
