//===- GradientOpInterfaceImpl.cpp - Gradient rules of bp ops -------------===//
//
// One rule per differentiable op: given the cotangent `ct` of the op's
// (single) result, each rule sets `out[i]` to the cotangent of operand `i`,
// in the operand order of the op's ODS definition, and leaves non-float
// operands (indices, conditions, keys, `dims`) null. The formulas are JAX's
// (jax/_src/lax/lax.py), so gradients agree with BrainPy's.
//
// Ops whose results are never floats (cmp, argmax/argmin, and/or/xor/not,
// random_split/bits/int, dim) get no rule: a cotangent never reaches them,
// and the driver skips them (Autodiff.cpp). Creation ops (constant, frozen,
// zeros, ones, arange, linspace, eye, random_normal) have no array operand
// to pass a cotangent to.
//
//===----------------------------------------------------------------------===//

#include "bpc/Dialect/BP/Transforms/GradientOpInterfaceImpl.h"

#include "VJPBuilder.h"

#include "bpc/Dialect/BP/IR/BPGradientInterface.h"
#include "bpc/Dialect/BP/IR/BPOps.h"

#include <cmath>

using namespace mlir;
using namespace bpc::bp;

namespace {

RankedTensorType tensorType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

Type elementType(Value value) { return tensorType(value).getElementType(); }

using Out = MutableArrayRef<Value>;

//===----------------------------------------------------------------------===//
// Elementwise binary ops: (lhs, rhs)
//===----------------------------------------------------------------------===//

LogicalResult rule(AddOp op, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.unbroadcast(ct, op.getLhs());
  out[1] = b.unbroadcast(ct, op.getRhs());
  return success();
}

LogicalResult rule(SubOp op, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.unbroadcast(ct, op.getLhs());
  // Negating after the sum touches fewer elements.
  out[1] = b.neg(b.unbroadcast(ct, op.getRhs()));
  return success();
}

LogicalResult rule(MulOp op, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.unbroadcast(b.mul(ct, op.getRhs()), op.getLhs());
  out[1] = b.unbroadcast(b.mul(ct, op.getLhs()), op.getRhs());
  return success();
}

/// d(x/y) = dx / y - dy * (x/y) / y, sharing ct / y.
LogicalResult rule(DivOp op, VJPBuilder &b, Value ct, Out out) {
  Value ctOverRhs = b.div(ct, op.getRhs());
  out[0] = b.unbroadcast(ctOverRhs, op.getLhs());
  out[1] = b.unbroadcast(b.neg(b.mul(ctOverRhs, op.getResult())), op.getRhs());
  return success();
}

/// floor(x / y) is piecewise constant: zero almost everywhere, as in JAX.
LogicalResult rule(FloorDivOp, VJPBuilder &, Value, Out) { return success(); }

/// Python's remainder is x - floor(x / y) * y, so the partials are 1 and
/// -floor(x / y) (JAX's rem rule composed with jnp.remainder's select).
LogicalResult rule(RemOp op, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.unbroadcast(ct, op.getLhs());
  Value quotient = b.floorDiv(op.getLhs(), op.getRhs());
  out[1] = b.unbroadcast(b.neg(b.mul(ct, quotient)), op.getRhs());
  return success();
}

/// JAX's _pow_jvp_lhs / _pow_jvp_rhs: the partial in x is 0 where y == 0
/// (so that 0 ** 0 has gradient 0, not NaN), and the partial in y uses
/// log(x) with x == 0 replaced by 1.
LogicalResult rule(PowOp op, VJPBuilder &b, Value ct, Out out) {
  Value x = op.getLhs(), y = op.getRhs();
  Type type = elementType(x);
  Value zero = b.scalar(type, 0.0), one = b.scalar(type, 1.0);
  Value dx = b.where(b.cmp(CmpPredicate::eq, y, zero), zero,
                     b.mul(y, b.pow(x, b.sub(y, one))));
  out[0] = b.unbroadcast(b.mul(ct, dx), x);
  Value safeX = b.where(b.cmp(CmpPredicate::eq, x, zero), one, x);
  out[1] = b.unbroadcast(b.mul(ct, b.mul(b.log(safeX), op.getResult())), y);
  return success();
}

/// JAX's _balanced_eq: the operand equal to the result takes the cotangent,
/// and a tie splits it in halves.
template <typename OpTy>
LogicalResult chooserRule(OpTy op, VJPBuilder &b, Value ct, Out out) {
  Value x = op.getLhs(), y = op.getRhs(), result = op.getResult();
  Type type = elementType(x);
  Value zero = b.scalar(type, 0.0), half = b.scalar(type, 0.5),
        one = b.scalar(type, 1.0);
  Value xChosen = b.cmp(CmpPredicate::eq, x, result);
  Value yChosen = b.cmp(CmpPredicate::eq, y, result);
  Value xShare = b.where(xChosen, b.where(yChosen, half, one), zero);
  Value yShare = b.where(yChosen, b.where(xChosen, half, one), zero);
  out[0] = b.unbroadcast(b.mul(ct, xShare), x);
  out[1] = b.unbroadcast(b.mul(ct, yShare), y);
  return success();
}

LogicalResult rule(MaxOp op, VJPBuilder &b, Value ct, Out out) {
  return chooserRule(op, b, ct, out);
}

LogicalResult rule(MinOp op, VJPBuilder &b, Value ct, Out out) {
  return chooserRule(op, b, ct, out);
}

/// atan2(y, x): dy = x / (x^2 + y^2), dx = -y / (x^2 + y^2).
LogicalResult rule(Atan2Op op, VJPBuilder &b, Value ct, Out out) {
  Value y = op.getLhs(), x = op.getRhs();
  Value denominator = b.add(b.mul(x, x), b.mul(y, y));
  Value scaled = b.div(ct, denominator);
  out[0] = b.unbroadcast(b.mul(scaled, x), y);
  out[1] = b.unbroadcast(b.neg(b.mul(scaled, y)), x);
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops: (operand); the result has the operand's type
//===----------------------------------------------------------------------===//

LogicalResult rule(NegOp, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.neg(ct);
  return success();
}

LogicalResult rule(ExpOp op, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.mul(ct, op.getResult());
  return success();
}

LogicalResult rule(LogOp op, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.div(ct, op.getOperand());
  return success();
}

/// tanh' = 1 - tanh^2, from the result.
LogicalResult rule(TanhOp op, VJPBuilder &b, Value ct, Out out) {
  Value r = op.getResult();
  Value one = b.scalar(elementType(r), 1.0);
  out[0] = b.mul(ct, b.sub(one, b.mul(r, r)));
  return success();
}

LogicalResult rule(SinOp op, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.mul(ct, b.cos(op.getOperand()));
  return success();
}

LogicalResult rule(CosOp op, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.neg(b.mul(ct, b.sin(op.getOperand())));
  return success();
}

/// sqrt' = 0.5 / sqrt, from the result (JAX's rule).
LogicalResult rule(SqrtOp op, VJPBuilder &b, Value ct, Out out) {
  Value r = op.getResult();
  out[0] = b.mul(ct, b.div(b.scalar(elementType(r), 0.5), r));
  return success();
}

/// JAX's _abs_jvp_rule for reals: select(x >= 0, g, -g), so abs'(0) = 1.
LogicalResult rule(AbsOp op, VJPBuilder &b, Value ct, Out out) {
  Value x = op.getOperand();
  Value nonNegative =
      b.cmp(CmpPredicate::ge, x, b.scalar(elementType(x), 0.0));
  out[0] = b.where(nonNegative, ct, b.neg(ct));
  return success();
}

/// 2^x' = 2^x * ln 2, from the result.
LogicalResult rule(Exp2Op op, VJPBuilder &b, Value ct, Out out) {
  Value r = op.getResult();
  out[0] = b.mul(ct, b.mul(r, b.scalar(elementType(r), M_LN2)));
  return success();
}

/// expm1' = e^x = expm1(x) + 1, from the result.
LogicalResult rule(Expm1Op op, VJPBuilder &b, Value ct, Out out) {
  Value r = op.getResult();
  out[0] = b.mul(ct, b.add(r, b.scalar(elementType(r), 1.0)));
  return success();
}

LogicalResult rule(Log2Op op, VJPBuilder &b, Value ct, Out out) {
  Value x = op.getOperand();
  out[0] = b.div(ct, b.mul(x, b.scalar(elementType(x), M_LN2)));
  return success();
}

LogicalResult rule(Log10Op op, VJPBuilder &b, Value ct, Out out) {
  Value x = op.getOperand();
  out[0] = b.div(ct, b.mul(x, b.scalar(elementType(x), M_LN10)));
  return success();
}

LogicalResult rule(Log1pOp op, VJPBuilder &b, Value ct, Out out) {
  Value x = op.getOperand();
  out[0] = b.div(ct, b.add(x, b.scalar(elementType(x), 1.0)));
  return success();
}

/// tan' = 1 + tan^2, from the result.
LogicalResult rule(TanOp op, VJPBuilder &b, Value ct, Out out) {
  Value r = op.getResult();
  out[0] = b.mul(ct, b.add(b.scalar(elementType(r), 1.0), b.mul(r, r)));
  return success();
}

/// sqrt(1 - x^2) (arcsin, arccos) or sqrt(x^2 + sign) (arcsinh, arccosh).
Value sqrtOfSquarePlus(VJPBuilder &b, Value x, double square, double plus) {
  Type t = elementType(x);
  return b.sqrt(b.add(b.mul(b.scalar(t, square), b.mul(x, x)), b.scalar(t, plus)));
}

LogicalResult rule(AsinOp op, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.div(ct, sqrtOfSquarePlus(b, op.getOperand(), -1.0, 1.0));
  return success();
}

LogicalResult rule(AcosOp op, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.neg(b.div(ct, sqrtOfSquarePlus(b, op.getOperand(), -1.0, 1.0)));
  return success();
}

LogicalResult rule(AtanOp op, VJPBuilder &b, Value ct, Out out) {
  Value x = op.getOperand();
  out[0] = b.div(ct, b.add(b.scalar(elementType(x), 1.0), b.mul(x, x)));
  return success();
}

LogicalResult rule(SinhOp op, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.mul(ct, b.cosh(op.getOperand()));
  return success();
}

LogicalResult rule(CoshOp op, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.mul(ct, b.sinh(op.getOperand()));
  return success();
}

LogicalResult rule(AsinhOp op, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.div(ct, sqrtOfSquarePlus(b, op.getOperand(), 1.0, 1.0));
  return success();
}

LogicalResult rule(AcoshOp op, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.div(ct, sqrtOfSquarePlus(b, op.getOperand(), 1.0, -1.0));
  return success();
}

LogicalResult rule(AtanhOp op, VJPBuilder &b, Value ct, Out out) {
  Value x = op.getOperand();
  out[0] = b.div(ct, b.sub(b.scalar(elementType(x), 1.0), b.mul(x, x)));
  return success();
}

/// cbrt' = 1 / (3 cbrt^2), from the result.
LogicalResult rule(CbrtOp op, VJPBuilder &b, Value ct, Out out) {
  Value r = op.getResult();
  out[0] = b.div(ct, b.mul(b.scalar(elementType(r), 3.0), b.mul(r, r)));
  return success();
}

/// Rounding is piecewise constant: zero almost everywhere, as in JAX.
template <typename OpTy>
LogicalResult roundingRule(OpTy op, VJPBuilder &b, Value, Out out) {
  out[0] = b.zerosLike(op.getOperand());
  return success();
}
LogicalResult rule(FloorOp op, VJPBuilder &b, Value ct, Out out) {
  return roundingRule(op, b, ct, out);
}
LogicalResult rule(CeilOp op, VJPBuilder &b, Value ct, Out out) {
  return roundingRule(op, b, ct, out);
}
LogicalResult rule(RoundOp op, VJPBuilder &b, Value ct, Out out) {
  return roundingRule(op, b, ct, out);
}
LogicalResult rule(TruncOp op, VJPBuilder &b, Value ct, Out out) {
  return roundingRule(op, b, ct, out);
}

/// sigmoid' = s * (1 - s), from the result (the reason bp.sigmoid is one op).
LogicalResult rule(SigmoidOp op, VJPBuilder &b, Value ct, Out out) {
  Value s = op.getResult();
  Value one = b.scalar(elementType(s), 1.0);
  out[0] = b.mul(ct, b.mul(s, b.sub(one, s)));
  return success();
}

//===----------------------------------------------------------------------===//
// where, cast
//===----------------------------------------------------------------------===//

/// (condition, true_value, false_value): each branch gets the cotangent
/// where it was selected and zero elsewhere.
LogicalResult rule(WhereOp op, VJPBuilder &b, Value ct, Out out) {
  Value zero = b.scalar(elementType(ct), 0.0);
  out[1] = b.unbroadcast(b.where(op.getCondition(), ct, zero),
                         op.getTrueValue());
  out[2] = b.unbroadcast(b.where(op.getCondition(), zero, ct),
                         op.getFalseValue());
  return success();
}

/// Between float types the cotangent converts back; from an integer or a
/// bool there is nothing to differentiate.
LogicalResult rule(CastOp op, VJPBuilder &b, Value ct, Out out) {
  Type from = elementType(op.getInput());
  if (isa<FloatType>(from) && isa<FloatType>(elementType(ct)))
    out[0] = b.cast(ct, from);
  return success();
}

//===----------------------------------------------------------------------===//
// matmul: (lhs, rhs)
//===----------------------------------------------------------------------===//

/// NumPy promotes a 1-D lhs to a row [1, k] and a 1-D rhs to a column
/// [k, 1], and drops those unit dimensions from the result. With both
/// operands as (batched) matrices, d lhs = ct @ rhs^T and d rhs = lhs^T @ ct,
/// summed over the batch dimensions each operand was broadcast along; the
/// unit dimensions then go again. This covers vec·vec, mat·vec, vec·mat,
/// mat·mat and batched operands with one formula.
LogicalResult rule(MatmulOp op, VJPBuilder &b, Value ct, Out out) {
  Value lhs = op.getLhs(), rhs = op.getRhs();
  bool lhsVector = tensorType(lhs).getRank() == 1;
  bool rhsVector = tensorType(rhs).getRank() == 1;
  Value lhsMatrix = lhsVector ? b.insertUnitDim(lhs, 0) : lhs;
  Value rhsMatrix = rhsVector ? b.insertUnitDim(rhs, 1) : rhs;
  Value ctMatrix = ct;
  if (lhsVector) // The row dimension sat before the columns (if any).
    ctMatrix = b.insertUnitDim(
        ctMatrix, tensorType(ctMatrix).getRank() - (rhsVector ? 0 : 1));
  if (rhsVector)
    ctMatrix = b.insertUnitDim(ctMatrix, tensorType(ctMatrix).getRank());

  Value dLhs = b.unbroadcast(
      b.matmul(ctMatrix, b.transposeLastTwo(rhsMatrix)), lhsMatrix);
  Value dRhs = b.unbroadcast(
      b.matmul(b.transposeLastTwo(lhsMatrix), ctMatrix), rhsMatrix);
  out[0] = lhsVector ? b.dropUnitDim(dLhs, 0) : dLhs;
  out[1] = rhsVector ? b.dropUnitDim(dRhs, 1) : dRhs;
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions: (input)
//===----------------------------------------------------------------------===//

LogicalResult rule(SumOp op, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.unreduce(ct, op.getInput(), op.getAxes(), op.getKeepdims());
  return success();
}

LogicalResult rule(MeanOp op, VJPBuilder &b, Value ct, Out out) {
  Value input = op.getInput();
  Value n = b.count(input, op.getAxes(), elementType(input));
  out[0] = b.unreduce(b.div(ct, n), input, op.getAxes(), op.getKeepdims());
  return success();
}

/// JAX's _reduce_chooser_jvp_rule: every element equal to the extremum of
/// its group gets the group's cotangent divided by the number of such
/// elements (ties share equally).
template <typename OpTy>
LogicalResult reduceChooserRule(OpTy op, VJPBuilder &b, Value ct, Out out) {
  Value input = op.getInput();
  ArrayRef<int64_t> axes = op.getAxes();
  bool keepDims = op.getKeepdims();
  Value extremum = b.unreduce(op.getResult(), input, axes, keepDims);
  Value chosen =
      b.cast(b.cmp(CmpPredicate::eq, input, extremum), elementType(input));
  Value counts = b.sum(chosen, axes, keepDims);
  out[0] = b.mul(chosen, b.unreduce(b.div(ct, counts), input, axes, keepDims));
  return success();
}

LogicalResult rule(ReduceMaxOp op, VJPBuilder &b, Value ct, Out out) {
  return reduceChooserRule(op, b, ct, out);
}

LogicalResult rule(ReduceMinOp op, VJPBuilder &b, Value ct, Out out) {
  return reduceChooserRule(op, b, ct, out);
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

/// (input, dims...)
LogicalResult rule(BroadcastToOp op, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.unbroadcast(ct, op.getInput());
  return success();
}

/// (input): the reshape back. bp.reshape infers at most one `?` size, so an
/// input with more (`x.reshape(-1)` of an `f32[n, d]`) cannot be restored.
LogicalResult rule(ReshapeOp op, VJPBuilder &b, Value ct, Out out) {
  RankedTensorType inputType = op.getInput().getType();
  if (inputType.getNumDynamicDims() > 1)
    return op.emitOpError()
           << "cannot be differentiated: its gradient would reshape back to "
           << inputType
           << ", but bp.reshape can infer only one '?' dimension";
  out[0] = b.reshape(ct, inputType);
  return success();
}

/// (input): the inverse permutation.
LogicalResult rule(TransposeOp op, VJPBuilder &b, Value ct, Out out) {
  ArrayRef<int64_t> permutation = op.getPermutation();
  SmallVector<int64_t> inverse(permutation.size());
  for (auto [i, dim] : llvm::enumerate(permutation))
    inverse[dim] = i;
  out[0] = b.transpose(ct, inverse);
  return success();
}

/// (input): the cotangent written into zeros at the slice.
LogicalResult rule(SliceOp op, VJPBuilder &b, Value ct, Out out) {
  Value input = op.getInput();
  out[0] = b.updateSlice(ct, b.zerosLike(input), op.getStarts(),
                         op.getStops(), op.getSteps());
  return success();
}

/// (update, dest): the update gets the slice of the cotangent (summed over
/// its own broadcast), dest gets the cotangent with the slice zeroed.
LogicalResult rule(UpdateSliceOp op, VJPBuilder &b, Value ct, Out out) {
  Value slice = b.slice(ct, op.getStarts(), op.getStops(), op.getSteps());
  out[0] = b.unbroadcast(slice, op.getUpdate());
  out[1] = b.updateSlice(b.scalar(elementType(ct), 0.0), ct, op.getStarts(),
                         op.getStops(), op.getSteps());
  return success();
}

/// (input, indices...): as slice, with the indexed positions.
LogicalResult rule(IndexOp op, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.updateIndex(ct, b.zerosLike(op.getInput()), op.getIndices(),
                         op.getAxes());
  return success();
}

/// (update, dest, indices...): as update_slice.
LogicalResult rule(UpdateIndexOp op, VJPBuilder &b, Value ct, Out out) {
  Value selected = b.index(ct, op.getIndices(), op.getAxes());
  out[0] = b.unbroadcast(selected, op.getUpdate());
  out[1] = b.updateIndex(b.scalar(elementType(ct), 0.0), ct, op.getIndices(),
                         op.getAxes());
  return success();
}

/// (inputs...): each input gets its slice of the cotangent. Slice bounds are
/// static, so every input but the last needs a static size along the axis.
LogicalResult rule(ConcatenateOp op, VJPBuilder &b, Value ct, Out out) {
  int64_t axis = op.getAxis(), rank = tensorType(ct).getRank();
  int64_t offset = 0;
  for (auto [i, input] : llvm::enumerate(op.getInputs())) {
    int64_t size = tensorType(input).getDimSize(axis);
    bool last = i + 1 == op.getInputs().size();
    if (ShapedType::isDynamic(size) && !last)
      return op.emitOpError()
             << "cannot be differentiated: input #" << i << " has a '?' size "
             << "along axis " << axis
             << ", so the inputs after it start at unknown offsets";
    SmallVector<int64_t> starts(rank, 0), steps(rank, 1),
        stops(rank, ShapedType::kDynamic);
    starts[axis] = offset;
    if (!ShapedType::isDynamic(size))
      stops[axis] = offset + size;
    out[i] = b.broadcastLike(b.slice(ct, starts, stops, steps), input);
    offset += ShapedType::isDynamic(size) ? 0 : size;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Creation and random ops
//===----------------------------------------------------------------------===//

/// (value, dims...): every element is the value.
LogicalResult rule(FullOp, VJPBuilder &b, Value ct, Out out) {
  out[0] = b.sumAll(ct);
  return success();
}

/// (key, minval, maxval): the result is minval + u * (maxval - minval) for
/// the key's u in [0, 1), which random_uniform with bounds 0 and 1 gives
/// exactly, so the partials are 1 - u and u (JAX differentiates its
/// uniform the same way). The clamp at minval only acts on rounding.
LogicalResult rule(RandomUniformOp op, VJPBuilder &b, Value ct, Out out) {
  Type type = elementType(ct);
  Value one = b.scalar(type, 1.0);
  Value u = b.getBuilder().create<RandomUniformOp>(
      b.getLoc(), ct.getType(), op.getKey(), b.scalar(type, 0.0), one);
  out[1] = b.unbroadcast(b.mul(ct, b.sub(one, u)), op.getMinval());
  out[2] = b.unbroadcast(b.mul(ct, u), op.getMaxval());
  return success();
}

//===----------------------------------------------------------------------===//
// The external model
//===----------------------------------------------------------------------===//

/// Every differentiable bp op has one result; the model hands its cotangent
/// to the op's rule above.
template <typename OpTy>
struct GradientModel
    : GradientOpInterface::ExternalModel<GradientModel<OpTy>, OpTy> {
  LogicalResult buildVJP(Operation *op, OpBuilder &builder,
                         ArrayRef<Value> resultCotangents,
                         SmallVectorImpl<Value> &operandCotangents) const {
    assert(resultCotangents.size() == 1 && resultCotangents.front() &&
           "bp ops have one result, and a rule runs only when it has a "
           "cotangent");
    operandCotangents.assign(op->getNumOperands(), Value());
    VJPBuilder b(builder, op->getLoc());
    return rule(cast<OpTy>(op), b, resultCotangents.front(),
                operandCotangents);
  }
};

template <typename... OpTys> void attach(MLIRContext *ctx) {
  (OpTys::template attachInterface<GradientModel<OpTys>>(*ctx), ...);
}

} // namespace

void bpc::bp::registerGradientOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, BPDialect *) {
    attach<AddOp, SubOp, MulOp, DivOp, FloorDivOp, RemOp, PowOp, MaxOp, MinOp,
           NegOp, ExpOp, LogOp, TanhOp, SinOp, CosOp, SqrtOp, AbsOp,
           SigmoidOp, Exp2Op, Expm1Op, Log2Op, Log10Op, Log1pOp, TanOp, AsinOp,
           AcosOp, AtanOp, SinhOp, CoshOp, AsinhOp, AcoshOp, AtanhOp, CbrtOp,
           FloorOp, CeilOp, RoundOp, TruncOp, Atan2Op, WhereOp, CastOp, MatmulOp, SumOp, MeanOp, ReduceMaxOp,
           ReduceMinOp, BroadcastToOp, ReshapeOp, TransposeOp, SliceOp,
           UpdateSliceOp, IndexOp, UpdateIndexOp, ConcatenateOp, FullOp,
           RandomUniformOp>(ctx);
  });
}
