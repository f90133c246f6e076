//===- InterchangeLoops.cpp - Loop order for contiguous inner loops -------===//
//
// `convert-linalg-to-loops` nests loops in the order of a linalg op's
// iteration dimensions. For the named contractions that order is often the
// worst one on a row-major CPU: `linalg.vecmat` (u[j] = sum_i v[i] X[i, j],
// the `v @ X` of the logistic regression step) iterates j outside and i
// inside, so the inner loop walks down a column of X with a stride of a row
// and accumulates into one scalar: a serial chain of dependent adds that
// cannot be vectorised without reassociation. Iterating i outside and j
// inside reads X row by row, updates ten independent accumulators, and
// vectorises over j.
//
// This pass generalises named linalg ops and reorders each op's loops so
// that loops indexing the contiguous (last) dimension of more operands sit
// further inside. It never changes the relative order of reduction loops,
// so every result element accumulates its terms in the same order as
// before: a parallel loop moved across a reduction only changes which
// element is worked on when, not the sequence of additions into any one of
// them. Results are bit-identical (DESIGN.md §3).
//
//===----------------------------------------------------------------------===//

#include "bpc/Pipelines/Passes.h"

#include "GenericForm.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

#include <algorithm>
#include <numeric>

namespace bpc {
#define GEN_PASS_DEF_INTERCHANGELOOPSPASS
#include "bpc/Pipelines/Passes.h.inc"
} // namespace bpc

using namespace mlir;

namespace {

/// The loop order (outermost first, as indices of the current loops) that
/// puts loops with more unit-stride operand accesses inside, keeping the
/// reduction loops in their current relative order.
SmallVector<unsigned> preferredOrder(linalg::GenericOp op) {
  unsigned numLoops = op.getNumLoops();
  SmallVector<unsigned> unitStride(numLoops, 0);
  for (OpOperand &operand : op->getOpOperands()) {
    AffineMap map = op.getMatchingIndexingMap(&operand);
    if (map.getNumResults() == 0)
      continue;
    if (auto dim = dyn_cast<AffineDimExpr>(map.getResults().back()))
      ++unitStride[dim.getPosition()];
  }
  SmallVector<unsigned> order(numLoops);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](unsigned a, unsigned b) { return unitStride[a] < unitStride[b]; });
  // Refill the slots that reductions took with the reductions in their
  // original order.
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<unsigned> reductions;
  for (unsigned loop = 0; loop < numLoops; ++loop)
    if (iterators[loop] != utils::IteratorType::parallel)
      reductions.push_back(loop);
  auto next = reductions.begin();
  for (unsigned &loop : order)
    if (iterators[loop] != utils::IteratorType::parallel)
      loop = *next++;
  return order;
}

struct InterchangeLoopsPass : bpc::impl::InterchangeLoopsPassBase<InterchangeLoopsPass> {
  using InterchangeLoopsPassBase::InterchangeLoopsPassBase;

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::LinalgOp> ops;
    getOperation()->walk([&](linalg::LinalgOp op) { ops.push_back(op); });
    for (linalg::LinalgOp op : ops) {
      // Fill and copy have one loop order as good as another (and copy
      // lowers to a plain loop nest already).
      if (isa<linalg::FillOp, linalg::CopyOp>(op.getOperation()))
        continue;
      FailureOr<linalg::GenericOp> asGeneric = bpc::genericForm(rewriter, op);
      if (failed(asGeneric))
        continue;
      linalg::GenericOp generic = *asGeneric;
      SmallVector<unsigned> order = preferredOrder(generic);
      if (llvm::is_sorted(order))
        continue;
      rewriter.setInsertionPoint(generic);
      if (failed(linalg::interchangeGenericOp(rewriter, generic, order)))
        return signalPassFailure();
    }
  }
};

} // namespace
