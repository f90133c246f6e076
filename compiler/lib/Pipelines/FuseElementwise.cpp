//===- FuseElementwise.cpp - Elementwise fusion without recomputation ----===//
//
// The bp lowering emits one `linalg.generic` per array op, so `selu` is six
// loops over the array with five temporaries. Upstream
// `linalg-fuse-elementwise-ops` merges such chains, but it also fuses an
// elementwise producer into a consumer with more loops (e.g. into the
// generalised `vecmat` of the logistic regression step), which recomputes
// the producer, `exp` included, once per extra iteration, and it adds
// patterns we must not run: `RemoveOutsDependency` replaces a destination
// that the body does not read with a `tensor.empty`, which would undo the bp
// lowering's choice of a dyn Variable's own tensor as the destination of its
// update (and with it the in-place update). This pass calls the upstream
// fusion (`linalg::fuseElementwiseOps`) itself, under a stricter condition:
// the producer has no other user (or is a comparison mask, recomputed in
// each consumer) and the consumer reads each of its elements exactly once.
// The fused op keeps the consumer's destinations.
//
//===----------------------------------------------------------------------===//

#include "bpc/Pipelines/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace bpc {
#define GEN_PASS_DEF_FUSEELEMENTWISEPASS
#include "bpc/Pipelines/Passes.h.inc"
} // namespace bpc

using namespace mlir;

namespace {

/// A bool mask computed by one comparison (`V >= v_th`). Stored, a mask is
/// an array of bytes that LLVM's vectoriser reloads one byte per lane into
/// mask registers; recomputing the comparison in each consumer is cheaper
/// (a 4000-neuron LIF step, whose spike mask feeds two `where`s, spent most
/// of its time there: 9.5 us per step). A comparison is exact, so the
/// results do not change.
bool isComparisonMask(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic->getNumResults() != 1 || generic.getNumReductionLoops() != 0 ||
      !getElementTypeOrSelf(generic->getResult(0).getType()).isInteger(1))
    return false;
  Block &body = generic.getRegion().front();
  return llvm::all_of(body.without_terminator(), [](Operation &inner) {
           return isa<arith::CmpFOp, arith::CmpIOp>(inner);
         }) &&
         llvm::range_size(body.without_terminator()) == 1;
}

/// Fusing is a pure win only when nothing is computed twice: the producer's
/// single result is used once (or it is a comparison mask, cheaper to
/// recompute than to store), and the consumer's loops map one-to-one onto
/// the produced elements.
bool fusesWithoutRecomputation(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  if (!producer || !(producer->hasOneUse() || isComparisonMask(producer)))
    return false;
  auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
  return consumer && consumer.getMatchingIndexingMap(fused).isPermutation();
}

struct FuseProducers : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp consumer,
                                PatternRewriter &rewriter) const override {
    for (OpOperand &operand : consumer->getOpOperands()) {
      if (!linalg::areElementwiseOpsFusable(&operand) || !fusesWithoutRecomputation(&operand))
        continue;
      Operation *producer = operand.get().getDefiningOp();
      FailureOr<linalg::ElementwiseOpFusionResult> fused =
          linalg::fuseElementwiseOps(rewriter, &operand);
      if (failed(fused))
        return rewriter.notifyMatchFailure(consumer, "fusion failed");
      // Only the consumer's results are replaced. A mask's other users keep
      // reading the producer (the fused op, placed at the consumer, may come
      // after them; the copy of the mask it yields is unused and dropped),
      // and the producer is erased once its last user has taken it in.
      for (auto [original, replacement] : fused->replacements)
        if (original.getDefiningOp() == consumer)
          rewriter.replaceAllUsesWith(original, replacement);
      rewriter.eraseOp(consumer);
      if (producer->use_empty())
        rewriter.eraseOp(producer);
      return success();
    }
    return failure();
  }
};

/// An elementwise op whose destination is a fresh `tensor.empty` computes
/// into the tensor of one of its inputs instead when that input is a
/// temporary (the result of another op) that nothing else reads and that has
/// the destination's type and indexing map: each element is read and then
/// overwritten by the same iteration, so bufferization can reuse the
/// temporary's buffer in place instead of allocating another one (in the
/// logistic regression step, `t` overwrites `X @ w`).
struct ReuseDeadInputAsDestination : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op, PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumReductionLoops() != 0)
      return failure();
    for (OpOperand &init : op.getDpsInitsMutable()) {
      if (!init.get().getDefiningOp<tensor::EmptyOp>() || op.payloadUsesValueFromOperand(&init))
        continue;
      AffineMap initMap = op.getMatchingIndexingMap(&init);
      for (OpOperand *input : op.getDpsInputOperands()) {
        Value value = input->get();
        if (value.getType() != init.get().getType() || !value.hasOneUse() ||
            !value.getDefiningOp<DestinationStyleOpInterface>() ||
            op.getMatchingIndexingMap(input) != initMap)
          continue;
        rewriter.modifyOpInPlace(op, [&] { init.set(value); });
        return success();
      }
    }
    return failure();
  }
};

struct FuseElementwisePass : bpc::impl::FuseElementwisePassBase<FuseElementwisePass> {
  using FuseElementwisePassBase::FuseElementwisePassBase;

  void runOnOperation() override {
    // Fuse first: a destination taken over from an input makes that input
    // used twice, which would stop its producer from being fused.
    RewritePatternSet fusion(&getContext());
    fusion.add<FuseProducers>(&getContext());
    // Fusion leaves operands the fused body no longer reads (e.g. a scalar
    // constant tensor of an inner op); dropping them keeps loops simple.
    linalg::populateEraseUnusedOperandsAndResultsPatterns(fusion);
    RewritePatternSet reuse(&getContext());
    reuse.add<ReuseDeadInputAsDestination>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(fusion))) ||
        failed(applyPatternsAndFoldGreedily(getOperation(), std::move(reuse))))
      signalPassFailure();
  }
};

} // namespace
