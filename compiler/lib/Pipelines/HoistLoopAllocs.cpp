//===- HoistLoopAllocs.cpp - Loop-local buffers allocated once ------------===//
//
// After bufferization a loop body still allocates the temporaries whose
// lifetime is one iteration: the mask of a LIF step (`V >= v_th`, read by
// two `where`s, so not fused away) or the 0-d bool of a loop condition. A
// malloc/free pair per iteration costs more than the loop's arithmetic on
// small arrays. This pass moves an allocation of static shape out of every
// enclosing scf.while/scf.for when the buffer cannot outlive an iteration:
// its only users are linalg ops and memref.load/store, which neither yield,
// return nor capture it. Its contents never flow from one iteration to the
// next (each iteration writes before reading, as it did into a fresh
// buffer), so one buffer for all iterations computes the same values. It
// runs before the deallocation pipeline, which then frees the buffer once,
// after the loop.
//
//===----------------------------------------------------------------------===//

#include "bpc/Pipelines/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Pass/Pass.h"

namespace bpc {
#define GEN_PASS_DEF_HOISTLOOPALLOCSPASS
#include "bpc/Pipelines/Passes.h.inc"
} // namespace bpc

using namespace mlir;

namespace {

bool staysInIteration(memref::AllocOp alloc) {
  return llvm::all_of(alloc->getUsers(), [](Operation *user) {
    return isa<linalg::LinalgOp, memref::LoadOp, memref::StoreOp>(user);
  });
}

/// The outermost scf.while/scf.for that `op` is in, without leaving the
/// function or crossing an op that is not a loop or a branch.
Operation *outermostLoop(Operation *op) {
  Operation *loop = nullptr;
  for (Operation *p = op->getParentOp(); p; p = p->getParentOp()) {
    if (isa<scf::WhileOp, scf::ForOp>(p))
      loop = p;
    else if (!isa<scf::IfOp>(p))
      break;
  }
  return loop;
}

struct HoistLoopAllocsPass : bpc::impl::HoistLoopAllocsPassBase<HoistLoopAllocsPass> {
  using HoistLoopAllocsPassBase::HoistLoopAllocsPassBase;

  void runOnOperation() override {
    llvm::SmallVector<std::pair<memref::AllocOp, Operation *>> moves;
    getOperation()->walk([&](memref::AllocOp alloc) {
      if (!alloc.getDynamicSizes().empty() || !alloc.getSymbolOperands().empty() ||
          !staysInIteration(alloc))
        return;
      if (Operation *loop = outermostLoop(alloc))
        moves.push_back({alloc, loop});
    });
    for (auto [alloc, loop] : moves)
      alloc->moveBefore(loop);
  }
};

} // namespace
