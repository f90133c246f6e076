//===- VJPBuilder.cpp - bp op builders for gradient rules -----------------===//

#include "VJPBuilder.h"

#include "bpc/Dialect/BP/IR/BPShapes.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <numeric>

using namespace mlir;
using namespace bpc::bp;

static RankedTensorType tensorType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// The shape that `ops` builds for operands that the verifier accepted; a
/// failure here is a bug in a gradient rule, not a user error.
static void checkShapeRule(LogicalResult result) {
  assert(succeeded(result) && "gradient rule built an ill-shaped op");
  (void)result;
}

//===----------------------------------------------------------------------===//
// Constants and creation
//===----------------------------------------------------------------------===//

Value VJPBuilder::scalar(Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute element = isa<FloatType>(elementType)
                          ? Attribute(builder.getFloatAttr(elementType, value))
                          : Attribute(builder.getIntegerAttr(
                                elementType, static_cast<int64_t>(value)));
  return builder.create<ConstantOp>(
      loc, llvm::cast<ElementsAttr>(DenseElementsAttr::get(type, element)));
}

SmallVector<Value> VJPBuilder::dynamicDims(Value value) {
  SmallVector<Value> dims;
  RankedTensorType type = tensorType(value);
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      dims.push_back(
          builder.create<DimOp>(loc, builder.getIndexType(), value, i));
  return dims;
}

Value VJPBuilder::zerosLike(Value value) {
  return builder.create<ZerosOp>(loc, value.getType(), dynamicDims(value));
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

template <typename OpTy>
Value VJPBuilder::elementwise(Value lhs, Value rhs) {
  SmallVector<int64_t> shape;
  checkShapeRule(broadcastShapes(tensorType(lhs).getShape(),
                                 tensorType(rhs).getShape(), shape));
  auto type = RankedTensorType::get(shape, tensorType(lhs).getElementType());
  return builder.create<OpTy>(loc, type, lhs, rhs);
}

template <typename OpTy> Value VJPBuilder::unary(Value x) {
  return builder.create<OpTy>(loc, x.getType(), x);
}

Value VJPBuilder::add(Value lhs, Value rhs) {
  return elementwise<AddOp>(lhs, rhs);
}
Value VJPBuilder::sub(Value lhs, Value rhs) {
  return elementwise<SubOp>(lhs, rhs);
}
Value VJPBuilder::mul(Value lhs, Value rhs) {
  return elementwise<MulOp>(lhs, rhs);
}
Value VJPBuilder::div(Value lhs, Value rhs) {
  return elementwise<DivOp>(lhs, rhs);
}
Value VJPBuilder::floorDiv(Value lhs, Value rhs) {
  return elementwise<FloorDivOp>(lhs, rhs);
}
Value VJPBuilder::pow(Value lhs, Value rhs) {
  return elementwise<PowOp>(lhs, rhs);
}
Value VJPBuilder::neg(Value x) { return unary<NegOp>(x); }
Value VJPBuilder::log(Value x) { return unary<LogOp>(x); }
Value VJPBuilder::sin(Value x) { return unary<SinOp>(x); }
Value VJPBuilder::cos(Value x) { return unary<CosOp>(x); }
Value VJPBuilder::sqrt(Value x) { return unary<SqrtOp>(x); }
Value VJPBuilder::sinh(Value x) { return unary<SinhOp>(x); }
Value VJPBuilder::cosh(Value x) { return unary<CoshOp>(x); }

Value VJPBuilder::cmp(CmpPredicate predicate, Value lhs, Value rhs) {
  SmallVector<int64_t> shape;
  checkShapeRule(broadcastShapes(tensorType(lhs).getShape(),
                                 tensorType(rhs).getShape(), shape));
  auto type = RankedTensorType::get(shape, builder.getI1Type());
  return builder.create<CmpOp>(loc, type, predicate, lhs, rhs);
}

Value VJPBuilder::where(Value condition, Value ifTrue, Value ifFalse) {
  SmallVector<int64_t> partial, shape;
  checkShapeRule(broadcastShapes(tensorType(condition).getShape(),
                                 tensorType(ifTrue).getShape(), partial));
  checkShapeRule(
      broadcastShapes(partial, tensorType(ifFalse).getShape(), shape));
  auto type =
      RankedTensorType::get(shape, tensorType(ifTrue).getElementType());
  return builder.create<WhereOp>(loc, type, condition, ifTrue, ifFalse);
}

Value VJPBuilder::cast(Value x, Type elementType) {
  if (tensorType(x).getElementType() == elementType)
    return x;
  return builder.create<CastOp>(loc, tensorType(x).clone(elementType), x);
}

//===----------------------------------------------------------------------===//
// Structured and shape ops
//===----------------------------------------------------------------------===//

Value VJPBuilder::matmul(Value lhs, Value rhs) {
  SmallVector<int64_t> shape;
  checkShapeRule(matmulShape(tensorType(lhs), tensorType(rhs), shape,
                             [&] { return emitError(loc); }));
  return builder.create<MatmulOp>(loc, tensorType(lhs).clone(shape), lhs, rhs);
}

Value VJPBuilder::sum(Value x, ArrayRef<int64_t> axes, bool keepDims) {
  if (axes.empty())
    return x;
  SmallVector<int64_t> shape;
  checkShapeRule(reductionShape(tensorType(x).getShape(), axes, keepDims,
                                shape, [&] { return emitError(loc); }));
  return builder.create<SumOp>(loc, tensorType(x).clone(shape), x, axes,
                               keepDims);
}

Value VJPBuilder::sumAll(Value x) {
  SmallVector<int64_t> axes(tensorType(x).getRank());
  std::iota(axes.begin(), axes.end(), 0);
  return sum(x, axes, /*keepDims=*/false);
}

Value VJPBuilder::transpose(Value x, ArrayRef<int64_t> permutation) {
  if (llvm::equal(permutation, llvm::seq<int64_t>(0, permutation.size())))
    return x;
  ArrayRef<int64_t> shape = tensorType(x).getShape();
  SmallVector<int64_t> permuted =
      llvm::map_to_vector(permutation, [&](int64_t d) { return shape[d]; });
  return builder.create<TransposeOp>(loc, tensorType(x).clone(permuted), x,
                                     permutation);
}

Value VJPBuilder::transposeLastTwo(Value x) {
  int64_t rank = tensorType(x).getRank();
  SmallVector<int64_t> permutation(rank);
  std::iota(permutation.begin(), permutation.end(), 0);
  std::swap(permutation[rank - 1], permutation[rank - 2]);
  return transpose(x, permutation);
}

Value VJPBuilder::reshape(Value x, RankedTensorType type) {
  if (x.getType() == type)
    return x;
  return builder.create<ReshapeOp>(loc, type, x);
}

/// bp.reshape infers at most one `?` size; with more, other ops must move
/// the unit dimension.
static bool canReshapeTo(ArrayRef<int64_t> shape) {
  return llvm::count_if(shape, ShapedType::isDynamic) <= 1;
}

Value VJPBuilder::insertUnitDim(Value x, int64_t pos) {
  RankedTensorType type = tensorType(x);
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + pos, 1);
  if (canReshapeTo(shape))
    return reshape(x, type.clone(shape));
  // broadcast_to adds the unit dimension in front, the transpose moves it.
  SmallVector<int64_t> leading{1};
  llvm::append_range(leading, type.getShape());
  Value front = builder.create<BroadcastToOp>(loc, type.clone(leading), x,
                                              dynamicDims(x));
  SmallVector<int64_t> permutation;
  for (int64_t i = 0; i <= type.getRank(); ++i)
    permutation.push_back(i < pos ? i + 1 : i == pos ? 0 : i);
  return transpose(front, permutation);
}

Value VJPBuilder::dropUnitDim(Value x, int64_t pos) {
  RankedTensorType type = tensorType(x);
  SmallVector<int64_t> shape(type.getShape());
  shape.erase(shape.begin() + pos);
  if (canReshapeTo(shape))
    return reshape(x, type.clone(shape));
  // Summing one element is exact (up to the sign of a zero).
  return sum(x, {pos}, /*keepDims=*/false);
}

Value VJPBuilder::broadcastLike(Value x, Value like) {
  if (x.getType() == like.getType())
    return x;
  return builder.create<BroadcastToOp>(loc, like.getType(), x,
                                       dynamicDims(like));
}

/// The shape of a normalised slice of `type` (the verifier's rule).
static SmallVector<int64_t> sliceShape(RankedTensorType type,
                                       ArrayRef<int64_t> starts,
                                       ArrayRef<int64_t> stops,
                                       ArrayRef<int64_t> steps) {
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < type.getRank(); ++i)
    shape.push_back(
        sliceSize(type.getDimSize(i), starts[i], stops[i], steps[i]));
  return shape;
}

Value VJPBuilder::slice(Value x, ArrayRef<int64_t> starts,
                        ArrayRef<int64_t> stops, ArrayRef<int64_t> steps) {
  RankedTensorType type = tensorType(x);
  return builder.create<SliceOp>(
      loc, type.clone(sliceShape(type, starts, stops, steps)), x, starts,
      stops, steps);
}

Value VJPBuilder::updateSlice(Value update, Value dest,
                              ArrayRef<int64_t> starts,
                              ArrayRef<int64_t> stops,
                              ArrayRef<int64_t> steps) {
  return builder.create<UpdateSliceOp>(loc, dest.getType(), update, dest,
                                       starts, stops, steps);
}

Value VJPBuilder::index(Value x, ValueRange indices, ArrayRef<int64_t> axes) {
  SmallVector<int64_t> shape;
  checkShapeRule(reductionShape(tensorType(x).getShape(), axes,
                                /*keepDims=*/false, shape,
                                [&] { return emitError(loc); }));
  return builder.create<IndexOp>(loc, tensorType(x).clone(shape), x, indices,
                                 axes);
}

Value VJPBuilder::updateIndex(Value update, Value dest, ValueRange indices,
                              ArrayRef<int64_t> axes) {
  return builder.create<UpdateIndexOp>(loc, dest.getType(), update, dest,
                                       indices, axes);
}

//===----------------------------------------------------------------------===//
// Undoing broadcasts and reductions
//===----------------------------------------------------------------------===//

Value VJPBuilder::unbroadcast(Value ct, Value operand) {
  if (ct.getType() == operand.getType())
    return ct;
  RankedTensorType target = tensorType(operand);
  int64_t leading = tensorType(ct).getRank() - target.getRank();
  assert(leading >= 0 && "operand has more dimensions than the result");
  SmallVector<int64_t> leadingAxes(leading);
  std::iota(leadingAxes.begin(), leadingAxes.end(), 0);
  // Two sums because bp.sum has one keepdims flag: the leading dimensions
  // go, the stretched unit dimensions stay.
  Value summed = sum(ct, leadingAxes, /*keepDims=*/false);
  SmallVector<int64_t> unitAxes;
  for (int64_t i = 0; i < target.getRank(); ++i)
    if (target.getDimSize(i) == 1 && tensorType(summed).getDimSize(i) != 1)
      unitAxes.push_back(i);
  summed = sum(summed, unitAxes, /*keepDims=*/true);
  return broadcastLike(summed, operand);
}

Value VJPBuilder::unreduce(Value ct, Value input, ArrayRef<int64_t> axes,
                           bool keepDims) {
  if (keepDims || axes.empty())
    return broadcastLike(ct, input);
  // Broadcasting adds the reduced dimensions in front of the kept ones; a
  // transpose puts them back in place. This needs no reshape, which could
  // not express several `?` dimensions.
  RankedTensorType inputType = tensorType(input);
  SmallVector<int64_t> shape, permutation(inputType.getRank());
  SmallVector<Value> dims;
  auto appendDim = [&](int64_t dim) {
    shape.push_back(inputType.getDimSize(dim));
    if (inputType.isDynamicDim(dim))
      dims.push_back(
          builder.create<DimOp>(loc, builder.getIndexType(), input, dim));
  };
  for (auto [i, axis] : llvm::enumerate(axes)) {
    appendDim(axis);
    permutation[axis] = i;
  }
  int64_t next = axes.size();
  for (int64_t dim = 0; dim < inputType.getRank(); ++dim) {
    if (llvm::is_contained(axes, dim))
      continue;
    appendDim(dim);
    permutation[dim] = next++;
  }
  Value front = builder.create<BroadcastToOp>(loc, inputType.clone(shape), ct,
                                              dims);
  return transpose(front, permutation);
}

Value VJPBuilder::count(Value input, ArrayRef<int64_t> axes,
                        Type elementType) {
  RankedTensorType inputType = tensorType(input);
  SmallVector<int64_t> shape;
  SmallVector<Value> dims;
  int64_t staticCount = 1;
  for (int64_t axis : axes) {
    shape.push_back(inputType.getDimSize(axis));
    if (inputType.isDynamicDim(axis))
      dims.push_back(
          builder.create<DimOp>(loc, builder.getIndexType(), input, axis));
    else
      staticCount *= inputType.getDimSize(axis);
  }
  if (dims.empty())
    return scalar(elementType, static_cast<double>(staticCount));
  // bp has no op from `index` to an array, so a run-time count is the sum of
  // ones of the reduced shape: O(count), no more than the broadcast that the
  // rule needs anyway.
  Value ones = builder.create<OnesOp>(
      loc, RankedTensorType::get(shape, elementType), dims);
  return sumAll(ones);
}
