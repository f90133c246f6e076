//===- ControlFlowOps.cpp - bp.if, bp.while, bp.progress to scf/func ------===//
//
// One to one: the regions move into scf.if/scf.while unchanged (their ops are
// converted like any other), the 0-d bool condition is read with
// tensor.extract, and the terminators become scf.yield/scf.condition.
// Bufferization then handles the tensors the regions yield.
//
// bp.progress becomes a call of the runtime's C function
// `bpc_progress_update(int64_t done, int64_t total)` under an scf.if that
// lets only the first and last iterations and every 2^k-th one through
// (2^k between total/128 and total/64): 64 to 128 calls per loop whatever
// its length, tested with a mask, so the bar costs next to nothing; the
// runtime throttles the drawing by time.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "bpc/Dialect/BP/IR/BPOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
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

/// The C symbol of the runtime (runtime/include/bpc/progress.h).
constexpr llvm::StringLiteral kProgressSymbol = "bpc_progress_update";

struct ProgressLowering : OpConversionPattern<bp::ProgressOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(bp::ProgressOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto module = op->getParentOfType<ModuleOp>();
    if (!module)
      return rewriter.notifyMatchFailure(op, "not inside a module");
    Type i64 = rewriter.getI64Type();
    if (!module.lookupSymbol<func::FuncOp>(kProgressSymbol)) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToEnd(module.getBody());
      auto decl = rewriter.create<func::FuncOp>(loc, kProgressSymbol,
                                                rewriter.getFunctionType({i64, i64}, {}));
      decl.setPrivate();
    }
    int64_t total = op.getTotal();
    Value done = rewriter.create<tensor::ExtractOp>(loc, adaptor.getDone(), ValueRange{});
    if (done.getType() != i64)
      done = rewriter.create<arith::ExtSIOp>(loc, i64, done);
    auto constant = [&](int64_t v) {
      return rewriter.create<arith::ConstantIntOp>(loc, v, 64).getResult();
    };
    Value totalValue = constant(total);
    Value first = rewriter.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, done, constant(1));
    Value last = rewriter.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, done, totalValue);
    // A power of two, so that the test is a mask, not a division: between
    // 64 and 128 reports per loop (every one for loops under 128).
    int64_t stride = 1;
    while (stride * 2 <= total / 64)
      stride *= 2;
    Value onStride = rewriter.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::eq,
        rewriter.create<arith::AndIOp>(loc, done, constant(stride - 1)), constant(0));
    Value report = rewriter.create<arith::OrIOp>(
        loc, rewriter.create<arith::OrIOp>(loc, first, last), onStride);
    auto guarded = rewriter.create<scf::IfOp>(loc, report, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(guarded.thenBlock());
    rewriter.create<func::CallOp>(loc, kProgressSymbol, TypeRange{},
                                  ValueRange{done, totalValue});
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void populateControlFlowPatterns(RewritePatternSet &patterns) {
  patterns.add<IfLowering, WhileLowering, ConditionLowering, YieldLowering, ProgressLowering>(
      patterns.getContext());
}

} // namespace bpc::lowering
