//===- StructuredOps.cpp - bp.matmul and reductions to linalg -------------===//

#include "Utils.h"

#include "bpc/Dialect/BP/IR/BPOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;

namespace bpc::lowering {
namespace {

Value createZero(OpBuilder &b, Location loc, Type type) {
  return createScalarConstant(b, loc, type, 0.0);
}

/// `a + x * y` on floats or integers: the body of a contraction.
Value multiplyAdd(OpBuilder &b, Location loc, Value x, Value y, Value acc) {
  if (isa<FloatType>(x.getType()))
    return b.create<arith::AddFOp>(loc, acc,
                                   b.create<arith::MulFOp>(loc, x, y));
  return b.create<arith::AddIOp>(loc, acc, b.create<arith::MulIOp>(loc, x, y));
}

/// NumPy matmul with broadcast batch dimensions as one linalg.generic over
/// (batch..., m?, n?, k); a 1-D operand has no m (lhs) or n (rhs) loop.
Value buildBatchedMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                         Value init) {
  MLIRContext *ctx = b.getContext();
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  auto resultType = cast<RankedTensorType>(init.getType());
  bool hasM = lhsType.getRank() >= 2, hasN = rhsType.getRank() >= 2;
  int64_t numBatch = resultType.getRank() - hasM - hasN;
  int64_t m = numBatch, n = numBatch + hasM, k = n + hasN;
  int64_t numLoops = k + 1;
  ArrayRef<int64_t> batchShape = resultType.getShape().take_front(numBatch);

  // Batch part of an operand's map: broadcast against the result's batch.
  auto operandMap = [&](RankedTensorType type, ArrayRef<int64_t> matrixDims) {
    SmallVector<AffineExpr> exprs;
    if (type.getRank() >= 2) {
      ArrayRef<int64_t> batch = type.getShape().drop_back(2);
      AffineMap broadcast = getBroadcastMap(ctx, batch, batchShape);
      llvm::append_range(exprs, broadcast.getResults());
    }
    for (int64_t d : matrixDims)
      exprs.push_back(getAffineDimExpr(d, ctx));
    return AffineMap::get(numLoops, 0, exprs, ctx);
  };
  SmallVector<int64_t> lhsDims, rhsDims, outDims;
  if (hasM)
    lhsDims.push_back(m);
  lhsDims.push_back(k);
  rhsDims.push_back(k);
  if (hasN)
    rhsDims.push_back(n);
  for (int64_t d = 0; d < numBatch; ++d)
    outDims.push_back(d);
  if (hasM)
    outDims.push_back(m);
  if (hasN)
    outDims.push_back(n);
  SmallVector<AffineExpr> outExprs;
  for (int64_t d : outDims)
    outExprs.push_back(getAffineDimExpr(d, ctx));
  SmallVector<AffineMap> maps = {operandMap(lhsType, lhsDims),
                                 operandMap(rhsType, rhsDims),
                                 AffineMap::get(numLoops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::parallel);
  iterators.back() = utils::IteratorType::reduction;
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{resultType}, ValueRange{lhs, rhs}, ValueRange{init},
          maps, iterators,
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            nb.create<linalg::YieldOp>(
                nloc, multiplyAdd(nb, nloc, args[0], args[1], args[2]));
          })
      .getResult(0);
}

struct MatmulLowering : OpConversionPattern<bp::MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(bp::MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t lhsRank = lhsType.getRank(), rhsRank = rhsType.getRank();

    // The result's `?` sizes: batch dimensions broadcast, then m from lhs and
    // n from rhs.
    bool hasM = lhsRank >= 2, hasN = rhsRank >= 2;
    int64_t numBatch = resultType.getRank() - hasM - hasN;
    SmallVector<Value> dynDims;
    for (int64_t i = 0; i < numBatch; ++i) {
      if (!resultType.isDynamicDim(i))
        continue;
      for (auto [value, type] : {std::pair{lhs, lhsType}, {rhs, rhsType}}) {
        int64_t j = i - (numBatch - std::max<int64_t>(type.getRank() - 2, 0));
        if (type.getRank() >= 2 && j >= 0 && type.isDynamicDim(j)) {
          dynDims.push_back(rewriter.create<tensor::DimOp>(loc, value, j));
          break;
        }
      }
    }
    if (hasM && resultType.isDynamicDim(numBatch))
      dynDims.push_back(rewriter.create<tensor::DimOp>(loc, lhs, lhsRank - 2));
    if (hasN && resultType.isDynamicDim(resultType.getRank() - 1))
      dynDims.push_back(rewriter.create<tensor::DimOp>(loc, rhs, rhsRank - 1));

    // Products accumulate into the result, so it starts at zero.
    Value init = createFilled(rewriter, loc, resultType, dynDims,
                              createZero(rewriter, loc,
                                         resultType.getElementType()));
    SmallVector<Value, 2> ins = {lhs, rhs};
    Value result;
    if (lhsRank == 1 && rhsRank == 1)
      result = rewriter.create<linalg::DotOp>(loc, ins, init).getResult(0);
    else if (lhsRank == 2 && rhsRank == 1)
      result = rewriter.create<linalg::MatvecOp>(loc, ins, init).getResult(0);
    else if (lhsRank == 1 && rhsRank == 2)
      result = rewriter.create<linalg::VecmatOp>(loc, ins, init).getResult(0);
    else if (lhsRank == 2 && rhsRank == 2)
      result = rewriter.create<linalg::MatmulOp>(loc, ins, init).getResult(0);
    else
      result = buildBatchedMatmul(rewriter, loc, lhs, rhs, init);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// The input shape without the reduced axes.
RankedTensorType getReducedType(RankedTensorType input, ArrayRef<int64_t> axes,
                                Type elementType) {
  SmallVector<int64_t> shape;
  for (auto [i, size] : llvm::enumerate(input.getShape()))
    if (!llvm::is_contained(axes, static_cast<int64_t>(i)))
      shape.push_back(size);
  return RankedTensorType::get(shape, elementType);
}

/// The `?` sizes of the input's kept dimensions.
SmallVector<Value> getReducedDynamicDims(OpBuilder &b, Location loc,
                                         Value input, ArrayRef<int64_t> axes) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<Value> dims;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i) && !llvm::is_contained(axes, i))
      dims.push_back(b.create<tensor::DimOp>(loc, input, i));
  return dims;
}

/// Maps of a reduction over `axes`: identity for the input, kept dims for
/// each of `numOutputs` outputs; iterators mark the axes as reductions.
void getReductionMaps(MLIRContext *ctx, int64_t rank, ArrayRef<int64_t> axes,
                      unsigned numOutputs, SmallVectorImpl<AffineMap> &maps,
                      SmallVectorImpl<utils::IteratorType> &iterators) {
  SmallVector<AffineExpr> kept;
  for (int64_t i = 0; i < rank; ++i) {
    bool reduced = llvm::is_contained(axes, i);
    iterators.push_back(reduced ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
    if (!reduced)
      kept.push_back(getAffineDimExpr(i, ctx));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  for (unsigned i = 0; i < numOutputs; ++i)
    maps.push_back(AffineMap::get(rank, 0, kept, ctx));
}

/// keepdims: reinserts the reduced axes as size-1 dimensions. Each size-1
/// dimension joins the group of the kept dimension before it (the first
/// group for leading ones).
Value expandReduced(OpBuilder &b, Location loc, Value reduced,
                    RankedTensorType resultType, ArrayRef<int64_t> axes) {
  if (reduced.getType() == resultType)
    return reduced;
  SmallVector<ReassociationIndices> groups;
  SmallVector<int64_t> pending;
  for (int64_t i = 0; i < resultType.getRank(); ++i) {
    if (llvm::is_contained(axes, i)) {
      if (groups.empty())
        pending.push_back(i);
      else
        groups.back().push_back(i);
      continue;
    }
    ReassociationIndices group(pending.begin(), pending.end());
    pending.clear();
    group.push_back(i);
    groups.push_back(group);
  }
  // A full reduction to 0-d expands with no groups at all.
  return b.create<tensor::ExpandShapeOp>(loc, resultType, reduced, groups);
}

/// The initial accumulator of a reduction kind.
enum class ReduceKind { Sum, Max, Min };

Value createReductionInit(OpBuilder &b, Location loc, Type type,
                          ReduceKind kind) {
  if (kind == ReduceKind::Sum)
    return createZero(b, loc, type);
  bool isMax = kind == ReduceKind::Max;
  if (auto floatType = dyn_cast<FloatType>(type))
    return b.create<arith::ConstantOp>(
        loc, b.getFloatAttr(floatType,
                            isMax ? -std::numeric_limits<double>::infinity()
                                  : std::numeric_limits<double>::infinity()));
  unsigned width = type.getIntOrFloatBitWidth();
  APInt value = isMax ? APInt::getSignedMinValue(width)
                      : APInt::getSignedMaxValue(width);
  return b.create<arith::ConstantOp>(loc, b.getIntegerAttr(type, value));
}

Value combine(OpBuilder &b, Location loc, ReduceKind kind, Value x,
              Value acc) {
  bool isFloat = isa<FloatType>(x.getType());
  switch (kind) {
  case ReduceKind::Sum:
    return isFloat ? b.create<arith::AddFOp>(loc, x, acc).getResult()
                   : b.create<arith::AddIOp>(loc, x, acc).getResult();
  case ReduceKind::Max:
    return isFloat ? b.create<arith::MaximumFOp>(loc, x, acc).getResult()
                   : b.create<arith::MaxSIOp>(loc, x, acc).getResult();
  case ReduceKind::Min:
    return isFloat ? b.create<arith::MinimumFOp>(loc, x, acc).getResult()
                   : b.create<arith::MinSIOp>(loc, x, acc).getResult();
  }
  llvm_unreachable("unknown reduction");
}

/// sum / mean / reduce_max / reduce_min.
template <typename OpTy, ReduceKind Kind, bool IsMean = false>
struct ReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elementType = resultType.getElementType();
    ArrayRef<int64_t> axes = op.getAxes();

    RankedTensorType reducedType =
        getReducedType(inputType, axes, elementType);
    SmallVector<Value> dynDims =
        getReducedDynamicDims(rewriter, loc, input, axes);
    Value init = createFilled(
        rewriter, loc, reducedType, dynDims,
        createReductionInit(rewriter, loc, elementType, Kind));
    SmallVector<AffineMap> maps;
    SmallVector<utils::IteratorType> iterators;
    getReductionMaps(rewriter.getContext(), inputType.getRank(), axes, 1,
                     maps, iterators);
    Value reduced =
        rewriter
            .create<linalg::GenericOp>(
                loc, TypeRange{reducedType}, ValueRange{input},
                ValueRange{init}, maps, iterators,
                [&](OpBuilder &b, Location nloc, ValueRange args) {
                  b.create<linalg::YieldOp>(
                      nloc, combine(b, nloc, Kind, args[0], args[1]));
                })
            .getResult(0);
    if (IsMean) {
      // Divide by the number of reduced elements, counted in index.
      Value count = rewriter.create<arith::ConstantIndexOp>(loc, 1);
      SmallVector<OpFoldResult> dims = getDims(rewriter, loc, input);
      for (int64_t axis : axes)
        count = rewriter.create<arith::MulIOp>(
            loc, count,
            getValueOrCreateConstantIndexOp(rewriter, loc, dims[axis]));
      Value count64 = rewriter.create<arith::IndexCastOp>(
          loc, rewriter.getI64Type(), count);
      Value divisor =
          rewriter.create<arith::SIToFPOp>(loc, elementType, count64);
      reduced = buildElementwise(
          rewriter, loc, reducedType, reduced,
          [&](OpBuilder &b, Location nloc, ValueRange args) {
            return b.create<arith::DivFOp>(nloc, args[0], divisor);
          });
    }
    rewriter.replaceOp(op,
                       expandReduced(rewriter, loc, reduced, resultType, axes));
    return success();
  }
};

/// argmax / argmin: a (value, index) accumulator pair. The strict comparison
/// keeps the first extremum on ties; a NaN wins over any number and the first
/// NaN stays, as in NumPy.
template <typename OpTy, bool IsMax>
struct ArgReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type valueType = inputType.getElementType();
    Type indexType = resultType.getElementType();
    int64_t axis = op.getAxis();

    RankedTensorType valuesType = getReducedType(inputType, axis, valueType);
    RankedTensorType indicesType = getReducedType(inputType, axis, indexType);
    SmallVector<Value> dynDims =
        getReducedDynamicDims(rewriter, loc, input, axis);
    Value values = createFilled(
        rewriter, loc, valuesType, dynDims,
        createReductionInit(rewriter, loc, valueType,
                            IsMax ? ReduceKind::Max : ReduceKind::Min));
    Value indices = createFilled(rewriter, loc, indicesType, dynDims,
                                 createZero(rewriter, loc, indexType));
    SmallVector<AffineMap> maps;
    SmallVector<utils::IteratorType> iterators;
    getReductionMaps(rewriter.getContext(), inputType.getRank(), axis, 2,
                     maps, iterators);
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{valuesType, indicesType}, ValueRange{input},
        ValueRange{values, indices}, maps, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value better;
          if (isa<FloatType>(valueType)) {
            better = b.create<arith::CmpFOp>(
                nloc,
                IsMax ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT,
                x, best);
            Value xNaN = b.create<arith::CmpFOp>(
                nloc, arith::CmpFPredicate::UNO, x, x);
            Value bestNumber = b.create<arith::CmpFOp>(
                nloc, arith::CmpFPredicate::ORD, best, best);
            Value firstNaN = b.create<arith::AndIOp>(nloc, xNaN, bestNumber);
            better = b.create<arith::OrIOp>(nloc, better, firstNaN);
          } else {
            better = b.create<arith::CmpIOp>(
                nloc,
                IsMax ? arith::CmpIPredicate::sgt : arith::CmpIPredicate::slt,
                x, best);
          }
          Value index = b.create<arith::IndexCastOp>(
              nloc, indexType, b.create<linalg::IndexOp>(nloc, axis));
          Value newBest = b.create<arith::SelectOp>(nloc, better, x, best);
          Value newIndex =
              b.create<arith::SelectOp>(nloc, better, index, bestIndex);
          b.create<linalg::YieldOp>(nloc, ValueRange{newBest, newIndex});
        });
    rewriter.replaceOp(op, expandReduced(rewriter, loc, generic.getResult(1),
                                         resultType, axis));
    return success();
  }
};

} // namespace

void populateStructuredPatterns(RewritePatternSet &patterns) {
  patterns.add<MatmulLowering, ReduceLowering<bp::SumOp, ReduceKind::Sum>,
               ReduceLowering<bp::MeanOp, ReduceKind::Sum, /*IsMean=*/true>,
               ReduceLowering<bp::ReduceMaxOp, ReduceKind::Max>,
               ReduceLowering<bp::ReduceMinOp, ReduceKind::Min>,
               ArgReduceLowering<bp::ArgMaxOp, /*IsMax=*/true>,
               ArgReduceLowering<bp::ArgMinOp, /*IsMax=*/false>>(
      patterns.getContext());
}

} // namespace bpc::lowering
