//===- ShapeOps.cpp - bp shape and creation ops to tensor/linalg ----------===//

#include "Utils.h"

#include "bpc/Dialect/BP/IR/BPOps.h"
#include "bpc/Dialect/BP/IR/BPShapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace bpc::lowering {
namespace {

struct DimLowering : OpConversionPattern<bp::DimOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(bp::DimOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<tensor::DimOp>(op, adaptor.getInput(),
                                               op.getAxis());
    return success();
  }
};

struct BroadcastToLowering : OpConversionPattern<bp::BroadcastToOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(bp::BroadcastToOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Value init =
        createEmpty(rewriter, op.getLoc(), resultType, adaptor.getDims());
    rewriter.replaceOp(
        op, buildBroadcastGeneric(
                rewriter, op.getLoc(), adaptor.getInput(), init,
                [](OpBuilder &, Location, ValueRange args) { return args[0]; }));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<bp::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(bp::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    SmallVector<OpFoldResult> inputDims =
        getDims(rewriter, loc, adaptor.getInput());
    SmallVector<Value> dynDims;
    for (auto [i, axis] : llvm::enumerate(op.getPermutation()))
      if (resultType.isDynamicDim(i))
        dynDims.push_back(
            getValueOrCreateConstantIndexOp(rewriter, loc, inputDims[axis]));
    Value init = createEmpty(rewriter, loc, resultType, dynDims);
    rewriter.replaceOpWithNewOp<linalg::TransposeOp>(
        op, adaptor.getInput(), init, op.getPermutation());
    return success();
  }
};

/// Row-major reshape through a shape tensor; a `?` result size is the
/// element count divided by the product of the static sizes.
struct ReshapeLowering : OpConversionPattern<bp::ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(bp::ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Value count = rewriter.create<arith::ConstantIndexOp>(loc, 1);
    for (OpFoldResult dim : getDims(rewriter, loc, adaptor.getInput()))
      count = rewriter.create<arith::MulIOp>(
          loc, count, getValueOrCreateConstantIndexOp(rewriter, loc, dim));
    int64_t staticProduct = 1;
    for (int64_t size : resultType.getShape())
      if (!ShapedType::isDynamic(size))
        staticProduct *= size;
    SmallVector<Value> sizes;
    for (int64_t size : resultType.getShape()) {
      if (ShapedType::isDynamic(size))
        sizes.push_back(rewriter.create<arith::DivUIOp>(
            loc, count,
            rewriter.create<arith::ConstantIndexOp>(loc, staticProduct)));
      else
        sizes.push_back(rewriter.create<arith::ConstantIndexOp>(loc, size));
    }
    Value shape = rewriter.create<tensor::FromElementsOp>(loc, sizes);
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, resultType,
                                                   adaptor.getInput(), shape);
    return success();
  }
};

/// Offsets, sizes and strides of a normalised bp slice of `source`.
void getSliceParams(OpBuilder &b, Location loc, Value source,
                    ArrayRef<int64_t> starts, ArrayRef<int64_t> stops,
                    ArrayRef<int64_t> steps,
                    SmallVectorImpl<OpFoldResult> &offsets,
                    SmallVectorImpl<OpFoldResult> &sizes,
                    SmallVectorImpl<OpFoldResult> &strides) {
  auto type = cast<RankedTensorType>(source.getType());
  for (int64_t i = 0; i < type.getRank(); ++i) {
    offsets.push_back(b.getIndexAttr(starts[i]));
    strides.push_back(b.getIndexAttr(steps[i]));
    int64_t size =
        bp::sliceSize(type.getDimSize(i), starts[i], stops[i], steps[i]);
    if (!ShapedType::isDynamic(size)) {
      sizes.push_back(b.getIndexAttr(size));
      continue;
    }
    // (stop - start + step - 1) / step with stop the run-time size (a stop
    // past the start is guaranteed by the tracer's normalisation).
    Value stop = b.create<tensor::DimOp>(loc, source, i);
    Value span = b.create<arith::SubIOp>(
        loc, stop,
        b.create<arith::ConstantIndexOp>(loc, starts[i] - steps[i] + 1));
    sizes.push_back(
        b.create<arith::DivUIOp>(loc, span,
                                 b.create<arith::ConstantIndexOp>(loc, steps[i]))
            .getResult());
  }
}

struct SliceLowering : OpConversionPattern<bp::SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(bp::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<OpFoldResult> offsets, sizes, strides;
    getSliceParams(rewriter, op.getLoc(), adaptor.getInput(), op.getStarts(),
                   op.getStops(), op.getSteps(), offsets, sizes, strides);
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, cast<RankedTensorType>(op.getType()), adaptor.getInput(), offsets,
        sizes, strides);
    return success();
  }
};

struct UpdateSliceLowering : OpConversionPattern<bp::UpdateSliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(bp::UpdateSliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value dest = adaptor.getDest(), update = adaptor.getUpdate();
    auto destType = cast<RankedTensorType>(dest.getType());
    SmallVector<OpFoldResult> offsets, sizes, strides;
    getSliceParams(rewriter, loc, dest, op.getStarts(), op.getStops(),
                   op.getSteps(), offsets, sizes, strides);
    bool full = llvm::all_of(op.getStarts(), [](int64_t s) { return s == 0; }) &&
                llvm::all_of(op.getSteps(), [](int64_t s) { return s == 1; }) &&
                llvm::all_of(llvm::enumerate(op.getStops()), [&](auto it) {
                  return ShapedType::isDynamic(it.value()) ||
                         it.value() == destType.getDimSize(it.index());
                });
    // `v[:] = e` with `e` of `v`'s type is `e` itself. Keeping no
    // insert_slice lets the return retarget e's destination to the Variable
    // (an insert_slice would copy e into it).
    if (full && update.getType() == destType) {
      rewriter.replaceOp(op, update);
      return success();
    }
    AffineMap updateMap = getBroadcastMap(
        rewriter.getContext(),
        cast<RankedTensorType>(update.getType()).getShape(),
        getStaticShape(sizes));
    rewriter.replaceOp(op, insertIntoSubset(rewriter, loc, update, updateMap,
                                            dest, offsets, sizes, strides));
    return success();
  }
};

/// zeros / ones: a fill with a constant.
template <typename OpTy, int Value_>
struct ConstantFillLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value value = createScalarConstant(rewriter, op.getLoc(),
                                       type.getElementType(), Value_);
    rewriter.replaceOp(op, createFilled(rewriter, op.getLoc(), type,
                                        adaptor.getDims(), value));
    return success();
  }
};

struct FullLowering : OpConversionPattern<bp::FullOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(bp::FullOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value scalar = rewriter.create<tensor::ExtractOp>(
        op.getLoc(), adaptor.getValue(), ValueRange{});
    scalar = convertScalar(rewriter, op.getLoc(), scalar,
                           type.getElementType());
    rewriter.replaceOp(op, createFilled(rewriter, op.getLoc(), type,
                                        adaptor.getDims(), scalar));
    return success();
  }
};

/// A static-shaped tensor whose element is computed from its indices, for
/// arange, linspace and eye.
Value buildFromIndices(OpBuilder &b, Location loc, RankedTensorType type,
                       IndexedBodyFn body) {
  return buildIndexedGeneric(b, loc, createEmpty(b, loc, type, {}), body);
}

/// An index as f64, for arange/linspace's arithmetic.
Value indexToF64(OpBuilder &b, Location loc, Value index) {
  Value i64 = b.create<arith::IndexCastOp>(loc, b.getI64Type(), index);
  return b.create<arith::SIToFPOp>(loc, b.getF64Type(), i64);
}

/// `start + i * step` in f64, converted to the element type.
Value linearValue(OpBuilder &b, Location loc, Value index, double start,
                  double step, Type elementType) {
  Value x = b.create<arith::MulFOp>(
      loc, indexToF64(b, loc, index),
      createScalarConstant(b, loc, b.getF64Type(), step));
  x = b.create<arith::AddFOp>(
      loc, x, createScalarConstant(b, loc, b.getF64Type(), start));
  return convertScalar(b, loc, x, elementType);
}

/// Replaces a 1-D creation op by `start + i * step` over its indices
/// (arange and linspace differ only in how they get `step`).
void replaceWithLinear(ConversionPatternRewriter &rewriter, Operation *op, double start,
                       double step) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  rewriter.replaceOp(op, buildFromIndices(rewriter, op->getLoc(), type,
                                          [&](OpBuilder &b, Location loc, ArrayRef<Value> idx) {
                                            return linearValue(b, loc, idx[0], start, step,
                                                               type.getElementType());
                                          }));
}

struct ArangeLowering : OpConversionPattern<bp::ArangeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(bp::ArangeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    replaceWithLinear(rewriter, op, op.getStart().convertToDouble(),
                      op.getStep().convertToDouble());
    return success();
  }
};

struct LinspaceLowering : OpConversionPattern<bp::LinspaceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(bp::LinspaceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    double start = op.getStart().convertToDouble();
    double stop = op.getStop().convertToDouble();
    int64_t num = type.getDimSize(0);
    int64_t divisions = op.getExclusive() ? num : num - 1;
    // One value (or none): NumPy gives `start`.
    double step = divisions > 0 ? (stop - start) / divisions : 0.0;
    replaceWithLinear(rewriter, op, start, step);
    return success();
  }
};

struct EyeLowering : OpConversionPattern<bp::EyeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(bp::EyeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    int64_t k = op.getDiagonal().value_or(0);
    rewriter.replaceOp(
        op, buildFromIndices(
                rewriter, op.getLoc(), type,
                [&](OpBuilder &b, Location loc, ArrayRef<Value> idx) {
                  // On the diagonal when j - i == k.
                  Value diff = b.create<arith::SubIOp>(loc, idx[1], idx[0]);
                  Value onDiagonal = b.create<arith::CmpIOp>(
                      loc, arith::CmpIPredicate::eq, diff,
                      b.create<arith::ConstantIndexOp>(loc, k));
                  return convertScalar(b, loc, onDiagonal,
                                       type.getElementType());
                }));
    return success();
  }
};

} // namespace

void populateShapePatterns(RewritePatternSet &patterns) {
  patterns.add<DimLowering, BroadcastToLowering, TransposeLowering,
               ReshapeLowering, SliceLowering, UpdateSliceLowering,
               ConstantFillLowering<bp::ZerosOp, 0>,
               ConstantFillLowering<bp::OnesOp, 1>, FullLowering,
               ArangeLowering, LinspaceLowering, EyeLowering>(
      patterns.getContext());
  populateIndexPatterns(patterns);
}

} // namespace bpc::lowering
