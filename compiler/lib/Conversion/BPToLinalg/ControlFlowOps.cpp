//===- ControlFlowOps.cpp - bp.if and bp.while to scf ---------------------===//
//
// One to one: the regions move into scf.if/scf.while unchanged (their ops are
// converted like any other), the 0-d bool condition is read with
// tensor.extract, and the terminators become scf.yield/scf.condition.
// Bufferization then handles the tensors the regions yield.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "bpc/Dialect/BP/IR/BPOps.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace bpc::lowering {
namespace {

Value readCondition(OpBuilder &b, Location loc, Value condition) {
  return b.create<tensor::ExtractOp>(loc, condition, ValueRange{});
}

struct IfLowering : OpConversionPattern<bp::IfOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(bp::IfOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value c = readCondition(rewriter, op.getLoc(), adaptor.getCondition());
    auto lowered = rewriter.create<scf::IfOp>(op.getLoc(), op.getResultTypes(), c,
                                              /*addThenBlock=*/false, /*addElseBlock=*/false);
    rewriter.inlineRegionBefore(op.getThenRegion(), lowered.getThenRegion(),
                                lowered.getThenRegion().end());
    rewriter.inlineRegionBefore(op.getElseRegion(), lowered.getElseRegion(),
                                lowered.getElseRegion().end());
    rewriter.replaceOp(op, lowered.getResults());
    return success();
  }
};

struct WhileLowering : OpConversionPattern<bp::WhileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(bp::WhileOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto lowered =
        rewriter.create<scf::WhileOp>(op.getLoc(), op.getResultTypes(), adaptor.getInits());
    rewriter.inlineRegionBefore(op.getBefore(), lowered.getBefore(), lowered.getBefore().end());
    rewriter.inlineRegionBefore(op.getAfter(), lowered.getAfter(), lowered.getAfter().end());
    rewriter.replaceOp(op, lowered.getResults());
    return success();
  }
};

struct ConditionLowering : OpConversionPattern<bp::ConditionOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(bp::ConditionOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value c = readCondition(rewriter, op.getLoc(), adaptor.getCondition());
    rewriter.replaceOpWithNewOp<scf::ConditionOp>(op, c, adaptor.getValues());
    return success();
  }
};

struct YieldLowering : OpConversionPattern<bp::YieldOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(bp::YieldOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<scf::YieldOp>(op, adaptor.getValues());
    return success();
  }
};

} // namespace

void populateControlFlowPatterns(RewritePatternSet &patterns) {
  patterns.add<IfLowering, WhileLowering, ConditionLowering, YieldLowering>(
      patterns.getContext());
}

} // namespace bpc::lowering
