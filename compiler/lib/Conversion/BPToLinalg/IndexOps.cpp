//===- IndexOps.cpp - bp.index, bp.update_index, bp.concatenate -----------===//
//
// Integer indexing and concatenation. None of them returns a view of its
// input: a view that reaches a function result (or an eager op's result) is
// copied by bufferization with a strided `memref.copy`, which needs
// `memrefCopy` from libmlir_c_runner_utils at run time. Reads are gathers
// into a fresh tensor (`tensor.extract` in a `linalg.generic`); writes go
// through insertIntoSubset (Utils.h), which bufferizes to a write into the
// destination's own buffer.
//
// Out-of-range indices follow JAX (see bp.index in BPOps.td): a read clamps
// the position into range, a write outside the array is dropped.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "bpc/Dialect/BP/IR/BPOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace bpc::lowering {
namespace {

/// The position that the 0-d integer tensor `index` selects on a dimension
/// of `size` elements: a negative index counts from the end, as in Python.
/// The result may still be out of range.
Value normaliseIndex(OpBuilder &b, Location loc, Value index, Value size) {
  Value scalar = b.create<tensor::ExtractOp>(loc, index, ValueRange{});
  // index_cast sign-extends, so a negative i32 stays negative.
  Value position =
      b.create<arith::IndexCastOp>(loc, b.getIndexType(), scalar);
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value negative = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt,
                                           position, zero);
  Value fromEnd = b.create<arith::AddIOp>(loc, position, size);
  return b.create<arith::SelectOp>(loc, negative, fromEnd, position);
}

/// `position` clamped into [0, size - 1] (to 0 when `size` is 0).
Value clampIndex(OpBuilder &b, Location loc, Value position, Value size) {
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  Value last = b.create<arith::SubIOp>(loc, size, one);
  Value below = b.create<arith::MinSIOp>(loc, position, last);
  return b.create<arith::MaxSIOp>(loc, below, zero);
}

/// The dimensions of a rank-`rank` tensor that `axes` do not index.
SmallVector<int64_t> getKeptDims(int64_t rank, ArrayRef<int64_t> axes) {
  SmallVector<int64_t> kept;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(axes, d))
      kept.push_back(d);
  return kept;
}

/// `input[coords]`, or zero when `isEmpty` (if not null) holds. The branch
/// is a scalar one in the gather's body, not one around the whole gather: an
/// scf.if yielding tensors bufferizes to a strided buffer, whose copy into
/// the result needs memrefCopy (see above).
Value extractOrZero(OpBuilder &b, Location loc, Value input,
                    ArrayRef<Value> coords, Value isEmpty) {
  if (!isEmpty)
    return b.create<tensor::ExtractOp>(loc, input, coords);
  Type elementType = cast<RankedTensorType>(input.getType()).getElementType();
  auto ifOp = b.create<scf::IfOp>(
      loc, isEmpty,
      [&](OpBuilder &tb, Location tl) {
        tb.create<scf::YieldOp>(
            tl, createScalarConstant(tb, tl, elementType, 0.0));
      },
      [&](OpBuilder &eb, Location el) {
        eb.create<scf::YieldOp>(
            el, eb.create<tensor::ExtractOp>(el, input, coords).getResult());
      });
  return ifOp.getResult(0);
}

/// `x[i, :, j]` => a `linalg.generic` over the result whose element is
/// `tensor.extract x[clamp(i), d0, clamp(j)]`. An indexed `?` dimension may
/// be empty at run time, where no position can be read: the element is then
/// zero instead (`scf.if` in the body).
struct IndexLowering : OpConversionPattern<bp::IndexOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(bp::IndexOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> axes = op.getAxes();
    SmallVector<OpFoldResult> dims = getDims(rewriter, loc, input);

    SmallVector<Value> positions;
    Value anyEmpty; // i1, only when an indexed dimension may be 0.
    Value zero = rewriter.create<arith::ConstantIndexOp>(loc, 0);
    for (auto [axis, index] : llvm::zip_equal(axes, adaptor.getIndices())) {
      Value size = getValueOrCreateConstantIndexOp(rewriter, loc, dims[axis]);
      positions.push_back(clampIndex(
          rewriter, loc, normaliseIndex(rewriter, loc, index, size), size));
      if (!inputType.isDynamicDim(axis) && inputType.getDimSize(axis) != 0)
        continue;
      Value empty = rewriter.create<arith::CmpIOp>(
          loc, arith::CmpIPredicate::eq, size, zero);
      anyEmpty = anyEmpty ? rewriter.create<arith::OrIOp>(loc, anyEmpty, empty)
                                .getResult()
                          : empty;
    }

    SmallVector<int64_t> kept = getKeptDims(inputType.getRank(), axes);
    SmallVector<Value> dynDims;
    for (int64_t d : kept)
      if (inputType.isDynamicDim(d))
        dynDims.push_back(cast<Value>(dims[d]));

    Value init = createEmpty(rewriter, loc, resultType, dynDims);
    rewriter.replaceOp(
        op, buildIndexedGeneric(
                rewriter, loc, init,
                [&](OpBuilder &b, Location l, ArrayRef<Value> resultIndices) {
                  // Input coordinates: the clamped positions on indexed axes,
                  // the result's indices in order on the others.
                  SmallVector<Value> coords(inputType.getRank());
                  for (auto [axis, position] : llvm::zip_equal(axes, positions))
                    coords[axis] = position;
                  for (auto [d, index] : llvm::zip_equal(kept, resultIndices))
                    coords[d] = index;
                  return extractOrZero(b, l, input, coords, anyEmpty);
                }));
    return success();
  }
};

/// `v[i, :, j] = e` => insertIntoSubset of `e` at offsets (i, 0, j) with
/// sizes (1, n, 1): the subset keeps the indexed dimensions, so that a
/// position out of range can get size 0 there (the write is dropped)
/// without control flow around the in-place update.
struct UpdateIndexLowering : OpConversionPattern<bp::UpdateIndexOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(bp::UpdateIndexOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value dest = adaptor.getDest(), update = adaptor.getUpdate();
    auto destType = cast<RankedTensorType>(dest.getType());
    int64_t rank = destType.getRank();
    ArrayRef<int64_t> axes = op.getAxes();

    SmallVector<OpFoldResult> sizes = getDims(rewriter, loc, dest);
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
    Value zero = rewriter.create<arith::ConstantIndexOp>(loc, 0);
    Value one = rewriter.create<arith::ConstantIndexOp>(loc, 1);
    for (auto [axis, index] : llvm::zip_equal(axes, adaptor.getIndices())) {
      Value size = getValueOrCreateConstantIndexOp(rewriter, loc, sizes[axis]);
      Value position = normaliseIndex(rewriter, loc, index, size);
      // Unsigned, so that a position still negative is out of range too.
      Value inRange = rewriter.create<arith::CmpIOp>(
          loc, arith::CmpIPredicate::ult, position, size);
      offsets[axis] =
          rewriter.create<arith::SelectOp>(loc, inRange, position, zero)
              .getResult();
      sizes[axis] =
          rewriter.create<arith::SelectOp>(loc, inRange, one, zero).getResult();
    }

    // The update broadcasts (NumPy, right-aligned) against the kept
    // dimensions only; the indexed ones do not appear in its map.
    SmallVector<int64_t> kept = getKeptDims(rank, axes);
    SmallVector<int64_t> subsetShape = getStaticShape(sizes);
    SmallVector<int64_t> keptShape =
        llvm::map_to_vector(kept, [&](int64_t d) { return subsetShape[d]; });
    MLIRContext *ctx = rewriter.getContext();
    AffineMap keptMap = getBroadcastMap(
        ctx, cast<RankedTensorType>(update.getType()).getShape(), keptShape);
    SmallVector<AffineExpr> keptToSubset = llvm::map_to_vector(
        kept, [&](int64_t d) { return getAffineDimExpr(d, ctx); });
    AffineMap updateMap = keptMap.replaceDimsAndSymbols(keptToSubset, {},
                                                        rank, /*numSymbols=*/0);
    rewriter.replaceOp(op, insertIntoSubset(rewriter, loc, update, updateMap,
                                            dest, offsets, sizes, strides));
    return success();
  }
};

/// Element `index` of the concatenation of `inputs[k:]` along `axis`, where
/// input j starts at `starts[j]` along the axis: an `scf.if` per input
/// boundary, so that only the input that holds the element is read.
Value extractConcatenated(OpBuilder &b, Location loc, ValueRange inputs,
                          ArrayRef<Value> starts, int64_t axis,
                          ArrayRef<Value> index, size_t k) {
  auto extract = [&](OpBuilder &eb, Location el) -> Value {
    SmallVector<Value> coords(index);
    coords[axis] = eb.createOrFold<arith::SubIOp>(el, index[axis], starts[k]);
    return eb.create<tensor::ExtractOp>(el, inputs[k], coords);
  };
  if (k + 1 == inputs.size())
    return extract(b, loc);
  Value inThis = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult,
                                         index[axis], starts[k + 1]);
  auto ifOp = b.create<scf::IfOp>(
      loc, inThis,
      [&](OpBuilder &tb, Location tl) {
        tb.create<scf::YieldOp>(tl, extract(tb, tl));
      },
      [&](OpBuilder &eb, Location el) {
        eb.create<scf::YieldOp>(el, extractConcatenated(eb, el, inputs, starts,
                                                        axis, index, k + 1));
      });
  return ifOp.getResult(0);
}

/// `concatenate(a, b) axis = k` => one `linalg.generic` over the result
/// whose element is read from the input that holds it (`tensor.extract`
/// under `scf.if`s on the position along k).
///
/// Not a chain of insertIntoSubset into a `tensor.empty`: the first subset
/// of such a chain is an extract_slice of the `tensor.empty` itself, and a
/// pass that gives the result a destination by replacing the empty's use as
/// the insert's destination (the dyn-Variable return, out-params) would
/// break that pair and leave the strided `memref.copy` behind. One generic
/// on a `tensor.empty` init is what those passes retarget cleanly.
/// (tensor.concat has no bufferization in MLIR 19 either.)
struct ConcatenateLowering : OpConversionPattern<bp::ConcatenateOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(bp::ConcatenateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t rank = resultType.getRank(), axis = op.getAxis();
    ValueRange inputs = adaptor.getInputs();

    // Where each input starts along the axis; the end of the last one is
    // the result's size there. Folded when static.
    SmallVector<Value> starts = {
        rewriter.create<arith::ConstantIndexOp>(loc, 0)};
    for (Value input : inputs) {
      Value size = getValueOrCreateConstantIndexOp(
          rewriter, loc, getDims(rewriter, loc, input)[axis]);
      // Size first: addi folds `x + 0`, not `0 + x`.
      starts.push_back(
          rewriter.createOrFold<arith::AddIOp>(loc, size, starts.back()));
    }
    // The verifier makes a `?` off the axis `?` in every input.
    SmallVector<Value> dynDims;
    for (int64_t d = 0; d < rank; ++d)
      if (resultType.isDynamicDim(d))
        dynDims.push_back(
            d == axis ? starts.back()
                      : rewriter.create<tensor::DimOp>(loc, inputs.front(), d)
                            .getResult());

    Value init = createEmpty(rewriter, loc, resultType, dynDims);
    rewriter.replaceOp(
        op, buildIndexedGeneric(
                rewriter, loc, init,
                [&](OpBuilder &b, Location l, ArrayRef<Value> index) {
                  return extractConcatenated(b, l, inputs, starts, axis,
                                             index, 0);
                }));
    return success();
  }
};

} // namespace

void populateIndexPatterns(RewritePatternSet &patterns) {
  patterns.add<IndexLowering, UpdateIndexLowering, ConcatenateLowering>(
      patterns.getContext());
}

} // namespace bpc::lowering
