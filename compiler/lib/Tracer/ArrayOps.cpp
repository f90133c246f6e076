//===- ArrayOps.cpp - Emitters of bp ops for array operations -------------===//
//
// The single definition of what each array operation means: promotion,
// shape checks and the bp ops it becomes. Traced and eager code both call
// these emitters (ArrayRuntime::applyOp), so they cannot disagree.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/ArrayOps.h"

#include "bpc/Dialect/BP/IR/BPOps.h"
#include "bpc/Dialect/BP/IR/BPShapes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"

using namespace bpc;
using namespace bpc::tracer;
using namespace bpc::tracer::ops;
using mlir::RankedTensorType;
using mlir::ShapedType;

namespace {

RankedTensorType typeOf(mlir::Value v) { return llvm::cast<RankedTensorType>(v.getType()); }

DType dtypeOf(mlir::Value v) { return *fromMLIRType(typeOf(v).getElementType()); }

std::string describe(const Operand &o) {
  if (o.scalar)
    return std::string(dtypeName(o.type.dtype)) + " scalar";
  return describeType(o.value.getType());
}

llvm::ArrayRef<int64_t> shapeOf(const Operand &o) {
  return o.scalar ? llvm::ArrayRef<int64_t>() : typeOf(o.value).getShape();
}

/// A 0-d constant holding `v` as `dtype`.
mlir::Value scalarConstant(OpEnv &env, double v, DType dtype) {
  auto type = tensorType(env.builder.getContext(), dtype, {});
  mlir::Type elt = type.getElementType();
  mlir::DenseElementsAttr attr;
  if (isFloat(dtype))
    attr = mlir::DenseElementsAttr::get(type, mlir::FloatAttr::get(elt, v).getValue());
  else
    attr = mlir::DenseElementsAttr::get(
        type, mlir::APInt(elt.getIntOrFloatBitWidth(), static_cast<int64_t>(v), true));
  return env.builder.create<bp::ConstantOp>(env.loc, llvm::cast<mlir::ElementsAttr>(attr));
}

/// `o` as a tensor of element type `dtype`, inserting bp.cast when needed.
mlir::Value materialize(OpEnv &env, const Operand &o, DType dtype) {
  if (o.scalar)
    return scalarConstant(env, *o.scalar, dtype);
  if (dtypeOf(o.value) == dtype)
    return o.value;
  auto to = tensorType(env.builder.getContext(), dtype, typeOf(o.value).getShape());
  return env.builder.create<bp::CastOp>(env.loc, to, o.value);
}

/// NumPy's broadcasting of several operands, or a ValueError naming them.
llvm::SmallVector<int64_t> broadcastAll(OpEnv &env, llvm::ArrayRef<Operand> operands) {
  llvm::SmallVector<int64_t> shape;
  for (const Operand &o : operands) {
    llvm::SmallVector<int64_t> next;
    if (mlir::failed(bp::broadcastShapes(shape, shapeOf(o), next))) {
      std::string names;
      for (const Operand &p : operands)
        names += (names.empty() ? "" : " and ") + describe(p);
      env.in.raise(Exc::ValueError, "operands could not be broadcast together: " + names);
    }
    shape = next;
  }
  return shape;
}

DType promoteAll(llvm::ArrayRef<Operand> operands) {
  TypeClass t = operands.front().type;
  for (const Operand &o : operands.drop_front())
    t = promoteTypes(t, o.type);
  return t.dtype;
}

template <typename OpT>
mlir::Value createBinary(OpEnv &env, mlir::Value a, mlir::Value b, RankedTensorType type) {
  return env.builder.create<OpT>(env.loc, type, a, b);
}

} // namespace

EmitFn ops::binary(ast::BinOpKind op) {
  return [op](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    using K = ast::BinOpKind;
    mlir::MLIRContext *ctx = env.builder.getContext();
    if (op == K::MatMult) {
      DType t = promoteAll(xs);
      if (shapeOf(xs[0]).empty() || shapeOf(xs[1]).empty())
        env.in.raise(Exc::ValueError, "matmul: an operand is 0-d (" + describe(xs[0]) + " @ " +
                                          describe(xs[1]) + "); use * instead");
      auto ta = tensorType(ctx, t, shapeOf(xs[0])), tb = tensorType(ctx, t, shapeOf(xs[1]));
      llvm::SmallVector<int64_t> shape;
      std::string why;
      {
        mlir::ScopedDiagnosticHandler handler(ctx, [&](mlir::Diagnostic &d) {
          why = d.str();
          return mlir::success();
        });
        if (mlir::failed(bp::matmulShape(ta, tb, shape,
                                         [&] { return mlir::emitError(env.loc); })))
          env.in.raise(Exc::ValueError, "matmul: shapes " + describe(xs[0]) + " and " +
                                            describe(xs[1]) + " are not aligned" +
                                            (why.empty() ? "" : ": " + why));
      }
      mlir::Value a = materialize(env, xs[0], t), b = materialize(env, xs[1], t);
      return env.builder.create<bp::MatmulOp>(env.loc, tensorType(ctx, t, shape), a, b);
    }
    DType t = promoteAll(xs);
    bool bitwise = op == K::BitAnd || op == K::BitOr || op == K::BitXor;
    if (bitwise && isFloat(t))
      env.in.raise(Exc::TypeError, std::string("unsupported operand type for ") +
                                       ast::spelling(op) + ": " + describe(xs[0]) + " and " +
                                       describe(xs[1]));
    if (!bitwise && t == DType::Bool)
      t = DType::I32; // arithmetic on bools is integer arithmetic, as in JAX
    if (op == K::Div && !isFloat(t))
      t = DType::F32;
    if (op == K::LShift || op == K::RShift)
      env.in.raise(Exc::NotImplementedError, "shifts of arrays are not supported yet");
    llvm::SmallVector<int64_t> shape = broadcastAll(env, xs);
    mlir::Value a = materialize(env, xs[0], t), b = materialize(env, xs[1], t);
    auto type = tensorType(ctx, t, shape);
    switch (op) {
    case K::Add: return createBinary<bp::AddOp>(env, a, b, type);
    case K::Sub: return createBinary<bp::SubOp>(env, a, b, type);
    case K::Mult: return createBinary<bp::MulOp>(env, a, b, type);
    case K::Div: return createBinary<bp::DivOp>(env, a, b, type);
    case K::FloorDiv: return createBinary<bp::FloorDivOp>(env, a, b, type);
    case K::Mod: return createBinary<bp::RemOp>(env, a, b, type);
    case K::Pow: return createBinary<bp::PowOp>(env, a, b, type);
    case K::BitAnd: return createBinary<bp::AndOp>(env, a, b, type);
    case K::BitOr: return createBinary<bp::OrOp>(env, a, b, type);
    case K::BitXor: return createBinary<bp::XorOp>(env, a, b, type);
    default: break;
    }
    llvm_unreachable("handled above");
  };
}

EmitFn ops::compare(ast::CmpOpKind op) {
  return [op](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    using K = ast::CmpOpKind;
    bp::CmpPredicate pred;
    switch (op) {
    case K::Eq: pred = bp::CmpPredicate::eq; break;
    case K::NotEq: pred = bp::CmpPredicate::ne; break;
    case K::Lt: pred = bp::CmpPredicate::lt; break;
    case K::LtE: pred = bp::CmpPredicate::le; break;
    case K::Gt: pred = bp::CmpPredicate::gt; break;
    case K::GtE: pred = bp::CmpPredicate::ge; break;
    default:
      env.in.raise(Exc::TypeError, std::string("'") + ast::spelling(op) +
                                       "' is not supported between arrays");
    }
    DType t = promoteAll(xs);
    llvm::SmallVector<int64_t> shape = broadcastAll(env, xs);
    mlir::Value a = materialize(env, xs[0], t), b = materialize(env, xs[1], t);
    return env.builder.create<bp::CmpOp>(
        env.loc, tensorType(env.builder.getContext(), DType::Bool, shape), pred, a, b);
  };
}

EmitFn ops::unary(Unary op) {
  return [op](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    DType t = xs[0].type.dtype;
    bool rounding = op == Unary::Floor || op == Unary::Ceil || op == Unary::Round ||
                    op == Unary::Trunc;
    if (rounding && !isFloat(t))
      return materialize(env, xs[0], t);
    bool floatOnly = op != Unary::Neg && op != Unary::Not && op != Unary::Abs;
    if (floatOnly && !isFloat(t))
      t = DType::F32; // jnp.exp(int) is float32 with 64-bit off
    if ((op == Unary::Neg || op == Unary::Abs) && t == DType::Bool)
      env.in.raise(Exc::TypeError, "the operand " + describe(xs[0]) +
                                       " is a bool array; use ~ or bm.logical_not");
    if (op == Unary::Not && isFloat(t))
      env.in.raise(Exc::TypeError, "bad operand type for unary ~: " + describe(xs[0]));
    mlir::Value x = materialize(env, xs[0], t);
    mlir::OpBuilder &b = env.builder;
    switch (op) {
    case Unary::Neg: return b.create<bp::NegOp>(env.loc, x);
    case Unary::Not: return b.create<bp::NotOp>(env.loc, x);
    case Unary::Exp: return b.create<bp::ExpOp>(env.loc, x);
    case Unary::Log: return b.create<bp::LogOp>(env.loc, x);
    case Unary::Tanh: return b.create<bp::TanhOp>(env.loc, x);
    case Unary::Sqrt: return b.create<bp::SqrtOp>(env.loc, x);
    case Unary::Abs: return b.create<bp::AbsOp>(env.loc, x);
    case Unary::Sin: return b.create<bp::SinOp>(env.loc, x);
    case Unary::Cos: return b.create<bp::CosOp>(env.loc, x);
    case Unary::Sigmoid: return b.create<bp::SigmoidOp>(env.loc, x);
    case Unary::Exp2: return b.create<bp::Exp2Op>(env.loc, x);
    case Unary::Expm1: return b.create<bp::Expm1Op>(env.loc, x);
    case Unary::Log2: return b.create<bp::Log2Op>(env.loc, x);
    case Unary::Log10: return b.create<bp::Log10Op>(env.loc, x);
    case Unary::Log1p: return b.create<bp::Log1pOp>(env.loc, x);
    case Unary::Tan: return b.create<bp::TanOp>(env.loc, x);
    case Unary::Asin: return b.create<bp::AsinOp>(env.loc, x);
    case Unary::Acos: return b.create<bp::AcosOp>(env.loc, x);
    case Unary::Atan: return b.create<bp::AtanOp>(env.loc, x);
    case Unary::Sinh: return b.create<bp::SinhOp>(env.loc, x);
    case Unary::Cosh: return b.create<bp::CoshOp>(env.loc, x);
    case Unary::Asinh: return b.create<bp::AsinhOp>(env.loc, x);
    case Unary::Acosh: return b.create<bp::AcoshOp>(env.loc, x);
    case Unary::Atanh: return b.create<bp::AtanhOp>(env.loc, x);
    case Unary::Cbrt: return b.create<bp::CbrtOp>(env.loc, x);
    case Unary::Floor: return b.create<bp::FloorOp>(env.loc, x);
    case Unary::Ceil: return b.create<bp::CeilOp>(env.loc, x);
    case Unary::Round: return b.create<bp::RoundOp>(env.loc, x);
    case Unary::Trunc: return b.create<bp::TruncOp>(env.loc, x);
    }
    llvm_unreachable("all unary ops handled");
  };
}

EmitFn ops::atan2() {
  return [](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    DType t = promoteAll(xs);
    if (!isFloat(t))
      t = DType::F32;
    llvm::SmallVector<int64_t> shape = broadcastAll(env, xs);
    mlir::Value y = materialize(env, xs[0], t), x = materialize(env, xs[1], t);
    return env.builder.create<bp::Atan2Op>(
        env.loc, tensorType(env.builder.getContext(), t, shape), y, x);
  };
}

EmitFn ops::where() {
  return [](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    DType t = promoteAll(xs.drop_front());
    llvm::SmallVector<int64_t> shape = broadcastAll(env, xs);
    mlir::Value c = materialize(env, xs[0], DType::Bool);
    mlir::Value a = materialize(env, xs[1], t), b = materialize(env, xs[2], t);
    return env.builder.create<bp::WhereOp>(env.loc,
                                           tensorType(env.builder.getContext(), t, shape), c, a, b);
  };
}

EmitFn ops::cast(DType to) {
  return [to](OpEnv &env, llvm::ArrayRef<Operand> xs) { return materialize(env, xs[0], to); };
}

namespace {
/// Normalises `axis` against `rank` (negative counts from the end).
int64_t normaliseAxis(OpEnv &env, int64_t axis, int64_t rank, const Operand &of) {
  if (axis < -rank || axis >= rank)
    env.in.raise(Exc::ValueError,
                 "axis " + llvm::Twine(axis) + " is out of bounds for " + describe(of));
  return axis < 0 ? axis + rank : axis;
}
} // namespace

EmitFn ops::reduce(Reduction kind, std::vector<int64_t> axes, bool all, bool keepdims) {
  return [=](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    llvm::ArrayRef<int64_t> in = shapeOf(xs[0]);
    int64_t rank = in.size();
    llvm::SmallVector<int64_t> norm;
    if (all) {
      for (int64_t i = 0; i < rank; ++i)
        norm.push_back(i);
    } else {
      for (int64_t a : axes)
        norm.push_back(normaliseAxis(env, a, rank, xs[0]));
      llvm::sort(norm);
      if (std::adjacent_find(norm.begin(), norm.end()) != norm.end())
        env.in.raise(Exc::ValueError, "duplicate value in 'axis'");
    }
    DType t = xs[0].type.dtype;
    bool extremum = kind == Reduction::Max || kind == Reduction::Min;
    if (extremum) {
      for (int64_t a : norm)
        if (in[a] == 0)
          env.in.raise(Exc::ValueError, "zero-size array to reduction operation " +
                                            std::string(kind == Reduction::Max ? "maximum"
                                                                               : "minimum") +
                                            " which has no identity");
    }
    if (kind == Reduction::Mean && !isFloat(t))
      t = DType::F32; // mean of ints is f32 (JAX, 64-bit off)
    if (kind == Reduction::Sum && t == DType::Bool)
      t = DType::I32; // sum of bools is i32
    // max/min of bools: computed on i32 and cast back (any/all).
    DType work = extremum && t == DType::Bool ? DType::I32 : t;
    mlir::Value x = materialize(env, xs[0], work);
    llvm::SmallVector<int64_t> shape;
    if (mlir::failed(bp::reductionShape(in, norm, keepdims, shape,
                                        [&] { return mlir::emitError(env.loc); })))
      env.in.raise(Exc::ValueError, "cannot reduce " + describe(xs[0]));
    auto type = tensorType(env.builder.getContext(), work, shape);
    mlir::Value r;
    switch (kind) {
    case Reduction::Sum: r = env.builder.create<bp::SumOp>(env.loc, type, x, norm, keepdims); break;
    case Reduction::Mean: r = env.builder.create<bp::MeanOp>(env.loc, type, x, norm, keepdims); break;
    case Reduction::Max: r = env.builder.create<bp::ReduceMaxOp>(env.loc, type, x, norm, keepdims); break;
    case Reduction::Min: r = env.builder.create<bp::ReduceMinOp>(env.loc, type, x, norm, keepdims); break;
    }
    if (work != t)
      r = env.builder.create<bp::CastOp>(env.loc, tensorType(env.builder.getContext(), t, shape), r);
    return r;
  };
}

EmitFn ops::argReduce(bool max, std::optional<int64_t> axis, bool keepdims) {
  return [=](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    mlir::MLIRContext *ctx = env.builder.getContext();
    DType t = xs[0].type.dtype == DType::Bool ? DType::I32 : xs[0].type.dtype;
    mlir::Value x = materialize(env, xs[0], t);
    llvm::SmallVector<int64_t> in(shapeOf(xs[0]));
    int64_t a = 0;
    if (axis) {
      a = normaliseAxis(env, *axis, in.size(), xs[0]);
    } else {
      // Over the flattened array (NumPy's default axis=None).
      int64_t count = 1;
      for (int64_t d : in)
        count = ShapedType::isDynamic(d) || ShapedType::isDynamic(count) ? ShapedType::kDynamic
                                                                          : count * d;
      x = env.builder.create<bp::ReshapeOp>(env.loc, tensorType(ctx, t, {count}), x);
      in = {count};
    }
    if (in[a] == 0)
      env.in.raise(Exc::ValueError, std::string("attempt to get ") + (max ? "argmax" : "argmin") +
                                        " of an empty sequence");
    llvm::SmallVector<int64_t> shape;
    if (mlir::failed(bp::reductionShape(in, {a}, keepdims && axis, shape,
                                        [&] { return mlir::emitError(env.loc); })))
      env.in.raise(Exc::ValueError, "cannot reduce " + describe(xs[0]));
    auto type = tensorType(ctx, DType::I32, shape);
    if (max)
      return env.builder.create<bp::ArgMaxOp>(env.loc, type, x, a, keepdims && axis);
    return env.builder.create<bp::ArgMinOp>(env.loc, type, x, a, keepdims && axis);
  };
}

EmitFn ops::extremum(bool max) {
  return [max](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    DType t = promoteAll(xs);
    llvm::SmallVector<int64_t> shape = broadcastAll(env, xs);
    mlir::Value a = materialize(env, xs[0], t), b = materialize(env, xs[1], t);
    auto type = tensorType(env.builder.getContext(), t, shape);
    // On bools maximum is `or` and minimum is `and`.
    if (t == DType::Bool)
      return max ? createBinary<bp::OrOp>(env, a, b, type) : createBinary<bp::AndOp>(env, a, b, type);
    return max ? createBinary<bp::MaxOp>(env, a, b, type) : createBinary<bp::MinOp>(env, a, b, type);
  };
}

EmitFn ops::reshape(std::vector<int64_t> shape) {
  return [shape](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    llvm::ArrayRef<int64_t> in = shapeOf(xs[0]);
    bool staticIn = llvm::none_of(in, ShapedType::isDynamic);
    int64_t count = 1;
    for (int64_t d : in)
      count *= staticIn ? d : 1;
    int64_t known = 1, inferred = -1;
    for (size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] == -1) {
        if (inferred >= 0)
          env.in.raise(Exc::ValueError, "can only specify one unknown dimension");
        inferred = i;
      } else if (shape[i] < 0) {
        env.in.raise(Exc::ValueError, "negative dimensions are not allowed");
      } else {
        known *= shape[i];
      }
    }
    llvm::SmallVector<int64_t> out(shape.begin(), shape.end());
    std::string target = "(";
    for (size_t i = 0; i < shape.size(); ++i)
      target += (i ? ", " : "") + std::to_string(shape[i]) + (shape.size() == 1 ? "," : "");
    target += ")";
    if (staticIn) {
      if (inferred >= 0) {
        if (known == 0 || count % known != 0)
          env.in.raise(Exc::ValueError, "cannot reshape array of size " + llvm::Twine(count) +
                                            " into shape " + target);
        out[inferred] = count / known;
      } else if (known != count) {
        env.in.raise(Exc::ValueError, "cannot reshape array of size " + llvm::Twine(count) +
                                          " into shape " + target);
      }
    } else {
      if (inferred < 0)
        env.in.raise(Exc::ValueError, "reshaping " + describe(xs[0]) +
                                          ", whose size is only known at run time, needs a -1 "
                                          "dimension in " + target);
      out[inferred] = ShapedType::kDynamic;
    }
    DType t = xs[0].type.dtype;
    return env.builder.create<bp::ReshapeOp>(
        env.loc, tensorType(env.builder.getContext(), t, out), materialize(env, xs[0], t));
  };
}

EmitFn ops::transpose(std::vector<int64_t> perm) {
  return [perm](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    llvm::ArrayRef<int64_t> in = shapeOf(xs[0]);
    int64_t rank = in.size();
    llvm::SmallVector<int64_t> p;
    if (perm.empty()) {
      for (int64_t i = rank - 1; i >= 0; --i)
        p.push_back(i);
    } else {
      if (static_cast<int64_t>(perm.size()) != rank)
        env.in.raise(Exc::ValueError, "axes don't match array " + describe(xs[0]));
      for (int64_t a : perm)
        p.push_back(normaliseAxis(env, a, rank, xs[0]));
      llvm::SmallVector<int64_t> sorted(p);
      llvm::sort(sorted);
      if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
        env.in.raise(Exc::ValueError, "repeated axis in transpose");
    }
    llvm::SmallVector<int64_t> out;
    for (int64_t a : p)
      out.push_back(in[a]);
    DType t = xs[0].type.dtype;
    return env.builder.create<bp::TransposeOp>(
        env.loc, tensorType(env.builder.getContext(), t, out), materialize(env, xs[0], t), p);
  };
}

EmitFn ops::concatenate(int64_t axis) {
  return [axis](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    if (xs.empty())
      env.in.raise(Exc::ValueError, "need at least one array to concatenate");
    DType t = promoteAll(xs);
    int64_t rank = shapeOf(xs[0]).size();
    if (rank == 0)
      env.in.raise(Exc::ValueError, "zero-dimensional arrays cannot be concatenated");
    int64_t a = normaliseAxis(env, axis, rank, xs[0]);
    llvm::SmallVector<int64_t> out(shapeOf(xs[0]));
    out[a] = 0;
    llvm::SmallVector<mlir::Value> inputs;
    for (const Operand &o : xs) {
      llvm::ArrayRef<int64_t> s = shapeOf(o);
      if (static_cast<int64_t>(s.size()) != rank)
        env.in.raise(Exc::ValueError, "all the input arrays must have the same number of "
                                      "dimensions: " + describe(xs[0]) + " and " + describe(o));
      for (int64_t d = 0; d < rank; ++d) {
        if (d == a) {
          out[d] = ShapedType::isDynamic(s[d]) || ShapedType::isDynamic(out[d])
                       ? ShapedType::kDynamic
                       : out[d] + s[d];
        } else if (s[d] != out[d]) {
          if (ShapedType::isDynamic(out[d]) || ShapedType::isDynamic(s[d]))
            out[d] = ShapedType::isDynamic(out[d]) ? s[d] : out[d];
          else
            env.in.raise(Exc::ValueError,
                         "all the input array dimensions except for the concatenation axis "
                         "must match exactly: " + describe(xs[0]) + " and " + describe(o));
        }
      }
      inputs.push_back(materialize(env, o, t));
    }
    return env.builder.create<bp::ConcatenateOp>(
        env.loc, tensorType(env.builder.getContext(), t, out), inputs, a);
  };
}

EmitFn ops::stack(int64_t axis) {
  return [axis](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    if (xs.empty())
      env.in.raise(Exc::ValueError, "need at least one array to stack");
    llvm::SmallVector<int64_t> first(shapeOf(xs[0]));
    int64_t rank = first.size() + 1;
    if (axis < -rank || axis >= rank)
      env.in.raise(Exc::ValueError, "axis " + llvm::Twine(axis) + " is out of bounds for the " +
                                        llvm::Twine(rank) + "-d result");
    int64_t a = axis < 0 ? axis + rank : axis;
    DType t = promoteAll(xs);
    llvm::SmallVector<Operand> expanded;
    for (const Operand &o : xs) {
      llvm::SmallVector<int64_t> s(shapeOf(o));
      if (s != first)
        env.in.raise(Exc::ValueError, "all input arrays must have the same shape: " +
                                          describe(xs[0]) + " and " + describe(o));
      s.insert(s.begin() + a, 1);
      mlir::Value v = env.builder.create<bp::ReshapeOp>(
          env.loc, tensorType(env.builder.getContext(), t, s), materialize(env, o, t));
      expanded.push_back(Operand{v, {t, false}, std::nullopt});
    }
    if (expanded.size() == 1)
      return expanded[0].value;
    return concatenate(a)(env, expanded);
  };
}

EmitFn ops::arange(double start, double step, int64_t count, DType dtype) {
  return [=](OpEnv &env, llvm::ArrayRef<Operand>) -> mlir::Value {
    return env.builder.create<bp::ArangeOp>(
        env.loc, tensorType(env.builder.getContext(), dtype, {count}),
        env.builder.getF64FloatAttr(start), env.builder.getF64FloatAttr(step));
  };
}

EmitFn ops::linspace(double start, double stop, int64_t num, bool endpoint, DType dtype) {
  return [=](OpEnv &env, llvm::ArrayRef<Operand>) -> mlir::Value {
    return env.builder.create<bp::LinspaceOp>(
        env.loc, tensorType(env.builder.getContext(), dtype, {num}),
        env.builder.getF64FloatAttr(start), env.builder.getF64FloatAttr(stop),
        endpoint ? mlir::UnitAttr() : env.builder.getUnitAttr());
  };
}

EmitFn ops::eye(int64_t n, int64_t m, int64_t k, DType dtype) {
  return [=](OpEnv &env, llvm::ArrayRef<Operand>) -> mlir::Value {
    return env.builder.create<bp::EyeOp>(env.loc,
                                         tensorType(env.builder.getContext(), dtype, {n, m}),
                                         k ? env.builder.getI64IntegerAttr(k) : mlir::IntegerAttr());
  };
}

EmitFn ops::fullOf(std::vector<int64_t> shape, std::optional<DType> dtype) {
  return [=](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    if (!shapeOf(xs[0]).empty())
      env.in.raise(Exc::NotImplementedError,
                   "bm.full with an array fill value " + describe(xs[0]) +
                       " is not supported yet; use a number or a 0-d array");
    DType t = dtype ? *dtype : (xs[0].scalar && xs[0].type.weak && xs[0].type.dtype == DType::I32
                                    ? DType::I32
                                    : xs[0].type.dtype);
    auto type = tensorType(env.builder.getContext(), t, shape);
    if (xs[0].scalar && *xs[0].scalar == 0)
      return env.builder.create<bp::ZerosOp>(env.loc, type, mlir::ValueRange());
    return env.builder.create<bp::FullOp>(env.loc, type, materialize(env, xs[0], t),
                                          mlir::ValueRange());
  };
}

EmitFn ops::fill(double value, DType dtype, std::vector<int64_t> shape) {
  return [=](OpEnv &env, llvm::ArrayRef<Operand>) -> mlir::Value {
    auto type = tensorType(env.builder.getContext(), dtype, shape);
    if (value == 0)
      return env.builder.create<bp::ZerosOp>(env.loc, type, mlir::ValueRange());
    if (value == 1)
      return env.builder.create<bp::OnesOp>(env.loc, type, mlir::ValueRange());
    mlir::Value v = scalarConstant(env, value, dtype);
    return env.builder.create<bp::FullOp>(env.loc, type, v, mlir::ValueRange());
  };
}

//===----------------------------------------------------------------------===//
// Indexing
//===----------------------------------------------------------------------===//

std::vector<IndexItem> ops::normaliseIndex(Interp &in, const Value &index,
                                           llvm::ArrayRef<int64_t> shape) {
  std::vector<Value> given;
  if (auto *t = index.dyn<TupleObject>())
    given = t->items;
  else
    given.push_back(index);
  auto isEllipsis = [&](const Value &v) { return v.getObject() == in.ellipsis.getObject(); };
  // The Ellipsis stands for as many full slices as the other entries leave
  // dimensions; None consumes no dimension.
  size_t consuming = 0, ellipses = 0;
  for (const Value &v : given) {
    if (v.isObject() && isEllipsis(v))
      ++ellipses;
    else if (!v.isNone())
      ++consuming;
  }
  if (ellipses > 1)
    in.raise(Exc::IndexError, "an index can only have a single ellipsis ('...')");
  if (consuming > shape.size())
    in.raise(Exc::IndexError, "too many indices for array: array is " +
                                  llvm::Twine(shape.size()) + "-dimensional, but " +
                                  llvm::Twine(consuming) + " were indexed");
  std::vector<Value> parts;
  for (const Value &v : given) {
    if (v.isObject() && isEllipsis(v))
      parts.insert(parts.end(), shape.size() - consuming,
                   Value(new SliceObject(Value(), Value(), Value())));
    else
      parts.push_back(v);
  }
  std::vector<IndexItem> items;
  size_t d = 0;
  for (size_t p = 0; d < shape.size() || p < parts.size(); ++p) {
    if (p < parts.size() && parts[p].isNone()) {
      IndexItem item;
      item.isSlice = false;
      item.isNewAxis = true;
      items.push_back(item);
      continue;
    }
    int64_t size = shape[d];
    IndexItem item;
    item.stop = size;
    if (p < parts.size() && !parts[p].is<SliceObject>()) {
      if (!parts[p].isIntLike())
        in.raise(Exc::IndexError,
                 "only integers, slices (`:`), ellipsis (`...`) and None (`bm.newaxis`) are "
                 "valid array indices, not " + in.typeName(parts[p]));
      item.isSlice = false;
      item.index = parts[p].getInt();
      if (size != ShapedType::kDynamic) {
        if (item.index < -size || item.index >= size)
          in.raise(Exc::IndexError, "index " + llvm::Twine(item.index) +
                                        " is out of bounds for axis " + llvm::Twine(d) +
                                        " with size " + llvm::Twine(size));
        if (item.index < 0)
          item.index += size;
      }
    } else if (p < parts.size()) {
      auto *s = parts[p].dyn<SliceObject>();
      auto get = [&](const Value &v, int64_t dflt) { return v.isNone() ? dflt : in.intArg(v); };
      item.step = get(s->step, 1);
      if (item.step == 0)
        in.raise(Exc::ValueError, "slice step cannot be zero");
      if (item.step < 0)
        in.raise(Exc::NotImplementedError,
                 "array slices with a negative step are not supported yet; index with a "
                 "positive step and reverse the order another way (e.g. bm.flip)");
      if (size == ShapedType::kDynamic) {
        item.start = get(s->start, 0);
        item.stop = s->stop.isNone() ? ShapedType::kDynamic : in.intArg(s->stop);
        if (item.start < 0 || (item.stop != ShapedType::kDynamic && item.stop < 0))
          in.raise(Exc::NotImplementedError,
                   "negative slice bounds on a dimension of unknown size are not supported");
      } else {
        auto clamp = [&](int64_t v) {
          if (v < 0)
            v += size;
          return std::clamp<int64_t>(v, 0, size);
        };
        item.start = clamp(get(s->start, 0));
        item.stop = std::max(item.start, clamp(get(s->stop, size)));
      }
    } else if (size == ShapedType::kDynamic) {
      item.stop = ShapedType::kDynamic;
    }
    items.push_back(item);
    ++d;
  }
  return items;
}

namespace {
struct SplitIndex {
  llvm::SmallVector<int64_t> starts, stops, steps, sliced, axes, intIndices;
  /// The shape NumPy gives `x[index]`: the sliced dimensions, without the
  /// integer-indexed ones, with a 1 at each new axis.
  llvm::SmallVector<int64_t> selected;
  bool anyInt = false, fullSlices = true, anyNewAxis = false;
};

SplitIndex split(const std::vector<IndexItem> &items, llvm::ArrayRef<int64_t> shape) {
  SplitIndex s;
  for (size_t p = 0, d = 0; p < items.size(); ++p) {
    const IndexItem &it = items[p];
    if (it.isNewAxis) {
      s.anyNewAxis = true;
      s.selected.push_back(1);
      continue;
    }
    if (it.isSlice) {
      s.starts.push_back(it.start);
      s.stops.push_back(it.stop);
      s.steps.push_back(it.step);
      s.sliced.push_back(bp::sliceSize(shape[d], it.start, it.stop, it.step));
      s.selected.push_back(s.sliced.back());
      if (!(it.start == 0 && it.step == 1 && it.stop == shape[d]))
        s.fullSlices = false;
    } else {
      s.anyInt = true;
      s.starts.push_back(0);
      s.stops.push_back(shape[d]);
      s.steps.push_back(1);
      s.sliced.push_back(shape[d]);
      s.axes.push_back(d);
      s.intIndices.push_back(it.index);
    }
    ++d;
  }
  return s;
}

/// `x` (whose shape is `shape` with the new axes left out) reshaped to
/// `shape`, which puts a 1 at each new axis. A reshape can infer only one
/// `?` dimension.
mlir::Value withNewAxes(OpEnv &env, mlir::Value x, llvm::ArrayRef<int64_t> shape) {
  if (llvm::count(shape, ShapedType::kDynamic) > 1)
    env.in.raise(Exc::NotImplementedError,
                 "None (bm.newaxis) in the subscript of an array with more than one dimension "
                 "of unknown size is not supported");
  return env.builder.create<bp::ReshapeOp>(
      env.loc, tensorType(env.builder.getContext(), dtypeOf(x), shape), x);
}

llvm::SmallVector<mlir::Value> indexValues(OpEnv &env, llvm::ArrayRef<int64_t> indices) {
  llvm::SmallVector<mlir::Value> vs;
  for (int64_t i : indices)
    vs.push_back(scalarConstant(env, static_cast<double>(i), DType::I32));
  return vs;
}
} // namespace

EmitFn ops::getItem(std::vector<IndexItem> items) {
  return [items](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    mlir::Value x = xs[0].value;
    RankedTensorType type = typeOf(x);
    SplitIndex s = split(items, type.getShape());
    mlir::MLIRContext *ctx = env.builder.getContext();
    DType t = dtypeOf(x);
    if (!s.fullSlices)
      x = env.builder.create<bp::SliceOp>(env.loc, tensorType(ctx, t, s.sliced), x, s.starts,
                                          s.stops, s.steps);
    if (s.anyInt) {
      llvm::SmallVector<int64_t> kept;
      for (size_t d = 0; d < s.sliced.size(); ++d)
        if (!llvm::is_contained(s.axes, static_cast<int64_t>(d)))
          kept.push_back(s.sliced[d]);
      x = env.builder.create<bp::IndexOp>(env.loc, tensorType(ctx, t, kept), x,
                                          indexValues(env, s.intIndices), s.axes);
    }
    return s.anyNewAxis ? withNewAxes(env, x, s.selected) : x;
  };
}

EmitFn ops::setItem(std::vector<IndexItem> items) {
  return [items](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    mlir::Value dest = xs[0].value;
    RankedTensorType type = typeOf(dest);
    SplitIndex s = split(items, type.getShape());
    DType t = dtypeOf(dest);
    // The update broadcasts to the selected region and takes dest's type.
    llvm::SmallVector<int64_t> region;
    for (size_t d = 0; d < s.sliced.size(); ++d)
      if (!llvm::is_contained(s.axes, static_cast<int64_t>(d)))
        region.push_back(s.sliced[d]);
    // With new axes the update broadcasts to the selected shape, whose 1s
    // at the new axes are then dropped from it.
    llvm::ArrayRef<int64_t> target = s.anyNewAxis ? s.selected : region;
    llvm::SmallVector<int64_t> joined;
    if (mlir::failed(bp::broadcastShapes(target, shapeOf(xs[1]), joined)) ||
        joined.size() != target.size())
      env.in.raise(Exc::ValueError, "could not broadcast " + describe(xs[1]) +
                                        " into the selected region " +
                                        describeType(t, target) + " of " + describeType(type));
    mlir::Value update = materialize(env, xs[1], t);
    if (s.anyNewAxis) {
      llvm::ArrayRef<int64_t> given = shapeOf(xs[1]);
      llvm::SmallVector<int64_t> padded(target.size() - given.size(), 1);
      padded.append(given.begin(), given.end());
      llvm::SmallVector<int64_t> dropped;
      size_t p = 0;
      for (const IndexItem &it : items) {
        if (it.isNewAxis) {
          ++p;
        } else if (it.isSlice) {
          dropped.push_back(padded[p++]);
        }
      }
      if (llvm::ArrayRef<int64_t>(dropped) != given)
        update = withNewAxes(env, update, dropped);
    }
    if (s.anyInt) {
      llvm::SmallVector<mlir::Value> indices = indexValues(env, s.intIndices);
      if (!s.fullSlices) {
        // `v[i, a:b] = e`: the sub-array v[i] with its slice replaced by e,
        // written back at i.
        llvm::SmallVector<int64_t> keptShape, starts, stops, steps;
        for (size_t d = 0; d < s.starts.size(); ++d) {
          if (llvm::is_contained(s.axes, static_cast<int64_t>(d)))
            continue;
          keptShape.push_back(type.getDimSize(d));
          starts.push_back(s.starts[d]);
          stops.push_back(s.stops[d]);
          steps.push_back(s.steps[d]);
        }
        auto keptType = tensorType(env.builder.getContext(), t, keptShape);
        mlir::Value sub =
            env.builder.create<bp::IndexOp>(env.loc, keptType, dest, indices, s.axes);
        update = env.builder.create<bp::UpdateSliceOp>(env.loc, keptType, update, sub, starts,
                                                       stops, steps);
      }
      return env.builder.create<bp::UpdateIndexOp>(env.loc, type, update, dest, indices,
                                                   s.axes);
    }
    return env.builder.create<bp::UpdateSliceOp>(env.loc, type, update, dest, s.starts, s.stops,
                                                 s.steps);
  };
}

namespace {
/// The indices of a dynamic subscript as i32 0-d tensors, and the shape
/// left after dropping their axes.
llvm::SmallVector<mlir::Value> dynamicIndices(OpEnv &env, llvm::ArrayRef<Operand> indices,
                                              llvm::ArrayRef<int64_t> axes,
                                              llvm::ArrayRef<int64_t> shape,
                                              llvm::SmallVector<int64_t> &rest) {
  if (axes.size() > shape.size() || (!axes.empty() && axes.back() >= (int64_t)shape.size()))
    env.in.raise(Exc::IndexError, "too many indices for array: array is " +
                                      llvm::Twine(shape.size()) + "-dimensional, but " +
                                      llvm::Twine(axes.back() + 1) + " were indexed");
  llvm::SmallVector<mlir::Value> values;
  for (const Operand &o : indices) {
    if (isFloat(o.type.dtype) || o.type.dtype == DType::Bool || !shapeOf(o).empty())
      env.in.raise(Exc::IndexError, "only integers, slices and 0-d integer arrays are valid "
                                    "indices here, not " + describe(o));
    values.push_back(materialize(env, o, DType::I32));
  }
  rest.clear();
  for (size_t d = 0; d < shape.size(); ++d)
    if (!llvm::is_contained(axes, static_cast<int64_t>(d)))
      rest.push_back(shape[d]);
  return values;
}
} // namespace

EmitFn ops::getItemDynamic(std::vector<int64_t> axes, std::vector<IndexItem> restItems) {
  return [axes, restItems](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    mlir::Value x = xs[0].value;
    llvm::SmallVector<int64_t> rest;
    auto indices = dynamicIndices(env, xs.slice(1, axes.size()), axes, typeOf(x).getShape(), rest);
    mlir::Value picked = env.builder.create<bp::IndexOp>(
        env.loc, tensorType(env.builder.getContext(), dtypeOf(x), rest), x, indices, axes);
    return ops::getItem(restItems)(env, {Operand{picked, xs[0].type, std::nullopt}});
  };
}

EmitFn ops::setItemDynamic(std::vector<int64_t> axes, std::vector<IndexItem> restItems) {
  return [axes, restItems](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    mlir::Value dest = xs[0].value;
    RankedTensorType type = typeOf(dest);
    llvm::SmallVector<int64_t> rest;
    auto indices = dynamicIndices(env, xs.slice(2, axes.size()), axes, type.getShape(), rest);
    auto restType = tensorType(env.builder.getContext(), dtypeOf(dest), rest);
    // The sub-array dest[i] with its slices replaced by the update, written
    // back at i.
    mlir::Value sub = env.builder.create<bp::IndexOp>(env.loc, restType, dest, indices, axes);
    mlir::Value updated = ops::setItem(restItems)(env, {Operand{sub, xs[0].type, std::nullopt}, xs[1]});
    return env.builder.create<bp::UpdateIndexOp>(env.loc, type, updated, dest, indices, axes);
  };
}

//===----------------------------------------------------------------------===//
// Random numbers
//===----------------------------------------------------------------------===//

namespace {
/// The key operand, which must be a Threefry key (i32[2]).
mlir::Value keyOperand(OpEnv &env, const Operand &o) {
  if (o.scalar || dtypeOf(o.value) != DType::I32 ||
      typeOf(o.value).getShape() != llvm::ArrayRef<int64_t>{2})
    env.in.raise(Exc::TypeError, "a random key is an int32 array of shape (2,) (a "
                                 "RandomState's value or a key from split_key()), got " +
                                     describe(o));
  return o.value;
}

/// A bound of a draw as a 0-d tensor or one of `shape`, of type `dtype`.
mlir::Value boundOperand(OpEnv &env, const Operand &o, DType dtype,
                         llvm::ArrayRef<int64_t> shape, llvm::StringRef name) {
  mlir::Value v = materialize(env, o, dtype);
  llvm::ArrayRef<int64_t> from = typeOf(v).getShape();
  if (from.empty() || from == shape)
    return v;
  llvm::SmallVector<int64_t> joined;
  if (mlir::failed(bp::broadcastShapes(from, shape, joined)) ||
      llvm::ArrayRef<int64_t>(joined) != shape)
    env.in.raise(Exc::ValueError, name + " of shape " + describe(o) +
                                      " cannot be broadcast to the requested size " +
                                      describeType(dtype, shape));
  return env.builder.create<bp::BroadcastToOp>(
      env.loc, tensorType(env.builder.getContext(), dtype, shape), v, mlir::ValueRange());
}
} // namespace

EmitFn ops::randomSplit(int64_t count, int64_t first, int64_t last, bool squeeze) {
  return [=](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    mlir::MLIRContext *ctx = env.builder.getContext();
    mlir::Value key = keyOperand(env, xs[0]);
    mlir::Value keys = env.builder.create<bp::RandomSplitOp>(
        env.loc, tensorType(ctx, DType::I32, {count, 2}), key);
    if (first == 0 && last == count && !squeeze)
      return keys;
    mlir::Value rows = env.builder.create<bp::SliceOp>(
        env.loc, tensorType(ctx, DType::I32, {last - first, 2}), keys,
        llvm::ArrayRef<int64_t>{first, 0}, llvm::ArrayRef<int64_t>{last, 2},
        llvm::ArrayRef<int64_t>{1, 1});
    if (!squeeze)
      return rows;
    return env.builder.create<bp::ReshapeOp>(env.loc, tensorType(ctx, DType::I32, {2}), rows);
  };
}

EmitFn ops::randomBits(std::vector<int64_t> shape) {
  return [=](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    return env.builder.create<bp::RandomBitsOp>(
        env.loc, tensorType(env.builder.getContext(), DType::I32, shape), keyOperand(env, xs[0]));
  };
}

EmitFn ops::randomUniform(std::vector<int64_t> shape, DType dtype) {
  return [=](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    mlir::Value key = keyOperand(env, xs[0]);
    mlir::Value lo = boundOperand(env, xs[1], dtype, shape, "minval");
    mlir::Value hi = boundOperand(env, xs[2], dtype, shape, "maxval");
    return env.builder.create<bp::RandomUniformOp>(
        env.loc, tensorType(env.builder.getContext(), dtype, shape), key, lo, hi);
  };
}

EmitFn ops::randomNormal(std::vector<int64_t> shape) {
  return [=](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    return env.builder.create<bp::RandomNormalOp>(
        env.loc, tensorType(env.builder.getContext(), DType::F32, shape), keyOperand(env, xs[0]));
  };
}

EmitFn ops::randomInt(std::vector<int64_t> shape) {
  return [=](OpEnv &env, llvm::ArrayRef<Operand> xs) -> mlir::Value {
    mlir::Value key = keyOperand(env, xs[0]);
    mlir::Value lo = boundOperand(env, xs[1], DType::I32, shape, "low");
    mlir::Value hi = boundOperand(env, xs[2], DType::I32, shape, "high");
    return env.builder.create<bp::RandomIntOp>(
        env.loc, tensorType(env.builder.getContext(), DType::I32, shape), key, lo, hi);
  };
}
