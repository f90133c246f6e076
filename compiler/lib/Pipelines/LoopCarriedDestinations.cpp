//===- LoopCarriedDestinations.cpp - Loop bodies update carried tensors ---===//
//
// A traced loop (bp.while -> scf.while, e.g. bm.for_loop over 10,000 LIF
// steps) carries its Variables as tensors: the body reads the block argument
// and yields a new tensor computed into a `tensor.empty`. One-shot
// bufferization then gives every iteration a fresh buffer per carried
// value, and because the yielded buffer is not the argument's, it also
// copies each carried value in the `before` region (scf.while's conflict
// resolution copies unless both regions yield buffers equivalent to their
// arguments): a malloc, a copy and a free per carried array per iteration.
//
// This pass makes the last elementwise op that produces a yielded value
// write into the block argument that the value replaces, when nothing reads
// that argument after it. In tensor semantics the destination of an
// elementwise `linalg.generic` whose body ignores the output's element is
// only a shape, so the change is exact; bufferization then updates the
// carried buffer in place, and the loop neither allocates nor copies it.
//
//===----------------------------------------------------------------------===//

#include "bpc/Pipelines/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Pass/Pass.h"

namespace bpc {
#define GEN_PASS_DEF_LOOPCARRIEDDESTINATIONSPASS
#include "bpc/Pipelines/Passes.h.inc"
} // namespace bpc

using namespace mlir;

namespace {

/// Whether every use of `arg` is in an op that comes before `op` in its
/// block (or inside one), or is `op` itself reading it elementwise through
/// an identity map.
bool noUseAfter(BlockArgument arg, linalg::GenericOp op) {
  Block *block = op->getBlock();
  for (OpOperand &use : arg.getUses()) {
    Operation *user = block->findAncestorOpInBlock(*use.getOwner());
    if (!user)
      return false;
    if (user == op) {
      if (use.getOwner() != op || !op.isDpsInput(&use) ||
          !op.getMatchingIndexingMap(&use).isIdentity())
        return false;
      continue;
    }
    if (!user->isBeforeInBlock(op))
      return false;
  }
  return true;
}

struct LoopCarriedDestinationsPass : bpc::impl::LoopCarriedDestinationsPassBase<LoopCarriedDestinationsPass> {
  using LoopCarriedDestinationsPassBase::LoopCarriedDestinationsPassBase;

  void runOnOperation() override {
    getOperation()->walk([](Operation *op) {
      Block *body = nullptr;
      if (auto loop = dyn_cast<scf::WhileOp>(op))
        body = loop.getAfterBody();
      else if (auto loop = dyn_cast<scf::ForOp>(op))
        body = loop.getBody();
      else
        return;
      Operation *yield = body->getTerminator();
      // scf.for's block starts with the induction variable.
      unsigned skip = isa<scf::ForOp>(op) ? 1 : 0;
      llvm::SmallPtrSet<Value, 8> taken;
      for (unsigned k = 0; k < yield->getNumOperands(); ++k) {
        if (k + skip >= body->getNumArguments())
          break;
        // Compare with the argument that the value replaces.
        Value yielded = yield->getOperand(k);
        BlockArgument arg = body->getArgument(k + skip);
        if (yielded == arg || yielded.getType() != arg.getType() || taken.contains(arg))
          continue;
        auto generic = yielded.getDefiningOp<linalg::GenericOp>();
        if (!generic || generic->getBlock() != body ||
            generic.getNumParallelLoops() != generic.getNumLoops())
          continue;
        OpOperand *init = generic.getDpsInitOperand(cast<OpResult>(yielded).getResultNumber());
        if (!generic.getMatchingIndexingMap(init).isIdentity() ||
            generic.payloadUsesValueFromOperand(init) || init->get() == arg ||
            !noUseAfter(arg, generic))
          continue;
        init->set(arg);
        taken.insert(arg);
      }
    });
  }
};

} // namespace
