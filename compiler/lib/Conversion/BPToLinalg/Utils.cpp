//===- Utils.cpp - Shared builders of the bp to linalg lowering -----------===//

#include "Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace bpc::lowering {

SmallVector<Value> getBroadcastDynamicDims(OpBuilder &b, Location loc,
                                           RankedTensorType resultType,
                                           ValueRange inputs) {
  SmallVector<Value> dims;
  int64_t rank = resultType.getRank();
  for (int64_t i = 0; i < rank; ++i) {
    if (!resultType.isDynamicDim(i))
      continue;
    for (Value input : inputs) {
      auto type = cast<RankedTensorType>(input.getType());
      int64_t j = i - (rank - type.getRank());
      if (j >= 0 && type.isDynamicDim(j)) {
        dims.push_back(b.create<tensor::DimOp>(loc, input, j));
        break;
      }
    }
    // The verifier guarantees that a `?` result dimension comes from a `?`
    // operand dimension.
    assert(dims.size() == static_cast<size_t>(llvm::count_if(
                              resultType.getShape().take_front(i + 1),
                              ShapedType::isDynamic)) &&
           "no operand gives the size of a ? dimension");
  }
  return dims;
}

AffineMap getBroadcastMap(MLIRContext *ctx, ArrayRef<int64_t> input,
                          ArrayRef<int64_t> result) {
  int64_t offset = result.size() - input.size();
  SmallVector<AffineExpr> exprs;
  for (auto [j, size] : llvm::enumerate(input)) {
    int64_t i = offset + j;
    if (size == 1 && result[i] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(i, ctx));
  }
  return AffineMap::get(result.size(), 0, exprs, ctx);
}

Value createEmpty(OpBuilder &b, Location loc, RankedTensorType type,
                  ValueRange dynDims) {
  return b.create<tensor::EmptyOp>(loc, type.getShape(), type.getElementType(),
                                   dynDims);
}

Value createFilled(OpBuilder &b, Location loc, RankedTensorType type,
                   ValueRange dynDims, Value value) {
  Value empty = createEmpty(b, loc, type, dynDims);
  return b.create<linalg::FillOp>(loc, value, empty).getResult(0);
}

Value createScalarConstant(OpBuilder &b, Location loc, Type type,
                           double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return b.create<arith::ConstantOp>(loc, b.getFloatAttr(floatType, value));
  return b.create<arith::ConstantOp>(
      loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

Value buildParallelGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                           ArrayRef<AffineMap> inputMaps, Value init,
                           BodyFn body) {
  auto initType = cast<RankedTensorType>(init.getType());
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(initType.getRank()));
  SmallVector<utils::IteratorType> iterators(initType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{initType}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        nb.create<linalg::YieldOp>(nloc, body(nb, nloc, args));
      });
  return generic.getResult(0);
}

Value buildBroadcastGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                            Value init, BodyFn body) {
  auto initType = cast<RankedTensorType>(init.getType());
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(getBroadcastMap(
        b.getContext(), cast<RankedTensorType>(input.getType()).getShape(),
        initType.getShape()));
  return buildParallelGeneric(b, loc, inputs, maps, init, body);
}

Value buildIndexedGeneric(OpBuilder &b, Location loc, Value init,
                          IndexedBodyFn body) {
  int64_t rank = cast<RankedTensorType>(init.getType()).getRank();
  return buildParallelGeneric(
      b, loc, ValueRange{}, {}, init,
      [&](OpBuilder &nb, Location nloc, ValueRange) {
        SmallVector<Value> indices;
        for (int64_t d = 0; d < rank; ++d)
          indices.push_back(nb.create<linalg::IndexOp>(nloc, d));
        return body(nb, nloc, indices);
      });
}

Value insertIntoSubset(OpBuilder &b, Location loc, Value update,
                       AffineMap updateMap, Value dest,
                       ArrayRef<OpFoldResult> offsets,
                       ArrayRef<OpFoldResult> sizes,
                       ArrayRef<OpFoldResult> strides) {
  auto destType = cast<RankedTensorType>(dest.getType());
  auto subsetType =
      RankedTensorType::get(getStaticShape(sizes), destType.getElementType());
  Value subset = b.create<tensor::ExtractSliceOp>(loc, subsetType, dest,
                                                  offsets, sizes, strides);
  // Neither form reads the subset's old elements, so bufferization does not
  // either. An identity copy is a linalg.copy: canonicalization erases an
  // identity linalg.generic (EraseIdentityGenericOp), which would leave
  // exactly the memref.copy this function exists to avoid.
  Value written =
      updateMap.isIdentity()
          ? b.create<linalg::CopyOp>(loc, update, subset).getResult(0)
          : buildParallelGeneric(
                b, loc, update, updateMap, subset,
                [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  return b.create<tensor::InsertSliceOp>(loc, written, dest, offsets, sizes,
                                         strides);
}

SmallVector<int64_t> getStaticShape(ArrayRef<OpFoldResult> sizes) {
  return llvm::map_to_vector(sizes, [](OpFoldResult size) {
    return getConstantIntValue(size).value_or(ShapedType::kDynamic);
  });
}

Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange inputs, BodyFn body) {
  Value init = createEmpty(
      b, loc, resultType, getBroadcastDynamicDims(b, loc, resultType, inputs));
  return buildBroadcastGeneric(b, loc, inputs, init, body);
}

SmallVector<OpFoldResult> getDims(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<OpFoldResult> dims;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (type.isDynamicDim(i))
      dims.push_back(b.create<tensor::DimOp>(loc, value, i).getResult());
    else
      dims.push_back(b.getIndexAttr(type.getDimSize(i)));
  }
  return dims;
}

SmallVector<Value> getDynamicDims(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<Value> dims;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      dims.push_back(b.create<tensor::DimOp>(loc, value, i));
  return dims;
}

Value convertScalar(OpBuilder &b, Location loc, Value value, Type to) {
  Type from = value.getType();
  if (from == to)
    return value;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  // To bool: compare with zero (NaN is true, as `bool(nan)` in Python).
  if (to.isInteger(1)) {
    Value zero = createScalarConstant(b, loc, from, 0.0);
    if (fromFloat)
      return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNE, value,
                                     zero);
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, value, zero);
  }
  if (fromFloat && toFloat) {
    if (fromFloat.getWidth() < toFloat.getWidth())
      return b.create<arith::ExtFOp>(loc, to, value);
    return b.create<arith::TruncFOp>(loc, to, value);
  }
  if (fromFloat)
    return b.create<arith::FPToSIOp>(loc, to, value);
  // From bool: 0 or 1, so the extension is unsigned.
  bool isBool = from.isInteger(1);
  if (toFloat)
    return isBool ? b.create<arith::UIToFPOp>(loc, to, value).getResult()
                  : b.create<arith::SIToFPOp>(loc, to, value).getResult();
  if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
    return isBool ? b.create<arith::ExtUIOp>(loc, to, value).getResult()
                  : b.create<arith::ExtSIOp>(loc, to, value).getResult();
  return b.create<arith::TruncIOp>(loc, to, value);
}

} // namespace bpc::lowering
