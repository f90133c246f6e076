//===- FoldTransposes.cpp - Read transposed operands in place --------------===//
//
// Reverse mode turns `x @ w` into `x^T @ dh` and `dh @ w^T`: bp.transpose
// feeding a matmul. Lowered as is, each transpose is a full copy of its
// input into a fresh buffer, written column by column -- for the LinearNet
// step two copies of 400 and 800 KB per call, plus their allocation, which
// for buffers this large is fresh pages from the kernel on every call. A
// linalg op can read any operand through an indexing map, so the consumer
// can read the transpose's input directly with the permutation folded into
// its map: same elements, same order of arithmetic, no copy.
//
// This pass (on tensors, before bufferization) rewrites every input of a
// linalg op that a `linalg.transpose` produces: the op is generalized if it
// is a named op, the operand becomes the transpose's input and its indexing
// map is composed with the permutation; transposes left without uses are
// erased. Whether the loops then walk memory in a good order is for
// bpc-tile-matmul and bpc-interchange-loops to decide.
//
//===----------------------------------------------------------------------===//

#include "bpc/Pipelines/Passes.h"

#include "GenericForm.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "llvm/ADT/SetVector.h"

namespace bpc {
#define GEN_PASS_DEF_FOLDTRANSPOSESPASS
#include "bpc/Pipelines/Passes.h.inc"
} // namespace bpc

using namespace mlir;

namespace {

/// The map that reads the transpose's input where `map` read its output:
/// output dimension d is input dimension permutation[d].
AffineMap readThroughTranspose(AffineMap map, ArrayRef<int64_t> permutation) {
  SmallVector<AffineExpr> results(map.getNumResults());
  for (auto [d, p] : llvm::enumerate(permutation))
    results[p] = map.getResult(d);
  return AffineMap::get(map.getNumDims(), map.getNumSymbols(), results, map.getContext());
}

bool readsTranspose(linalg::LinalgOp op) {
  return llvm::any_of(op.getDpsInputOperands(), [](OpOperand *operand) {
    return operand->get().getDefiningOp<linalg::TransposeOp>();
  });
}

struct FoldTransposesPass : bpc::impl::FoldTransposesPassBase<FoldTransposesPass> {
  using FoldTransposesPassBase::FoldTransposesPassBase;

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::LinalgOp> consumers;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && !isa<linalg::TransposeOp>(op.getOperation()) &&
          readsTranspose(op))
        consumers.push_back(op);
    });
    llvm::SetVector<Operation *> transposes;
    for (linalg::LinalgOp op : consumers) {
      FailureOr<linalg::GenericOp> asGeneric = bpc::genericForm(rewriter, op);
      if (failed(asGeneric))
        continue;
      linalg::GenericOp generic = *asGeneric;
      SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
      rewriter.modifyOpInPlace(generic, [&] {
        for (OpOperand *operand : generic.getDpsInputOperands()) {
          auto transpose = operand->get().getDefiningOp<linalg::TransposeOp>();
          if (!transpose)
            continue;
          unsigned position = operand->getOperandNumber();
          maps[position] = readThroughTranspose(maps[position], transpose.getPermutation());
          operand->set(transpose.getInput());
          transposes.insert(transpose);
        }
        generic.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
      });
    }
    // A transpose left without uses goes, and so does the empty tensor it
    // was to fill.
    for (Operation *transpose : transposes) {
      if (!transpose->use_empty())
        continue;
      Operation *init = cast<linalg::TransposeOp>(transpose).getInit().getDefiningOp();
      rewriter.eraseOp(transpose);
      if (init && isa<tensor::EmptyOp>(init) && init->use_empty())
        rewriter.eraseOp(init);
    }
  }
};

} // namespace
