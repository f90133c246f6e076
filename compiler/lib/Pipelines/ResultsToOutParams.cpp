//===- ResultsToOutParams.cpp - Destination passing for kernels ----------===//
//
// The runtime allocates (or the caller provides) every result buffer before
// a kernel runs (DESIGN.md §4a). Returning a freshly allocated memref instead
// would cost an allocation and a copy of every result per call. This pass
// makes the exported kernels take their result buffers as trailing
// arguments, at the tensor level, before bufferization:
//
//   func @f(%x) -> (tensor<?xf32>)            func @f(%x, %out) -> (tensor<?xf32>)
//     %e = tensor.empty(%n)                     %r = linalg.generic ... outs(%out)
//     %r = linalg.generic ... outs(%e)   =>     return %r
//     return %r
//
// Upstream `buffer-results-to-out-params` works on buffers and can only hoist
// allocations of static shape; every other result is copied. Here the result
// is computed into the argument whatever its shape, and one-shot
// bufferization plus `drop-equivalent-buffer-results` (already in the
// pipeline for dyn Variables) turn it into a write into the caller's buffer.
//
//===----------------------------------------------------------------------===//

#include "bpc/Pipelines/Passes.h"

#include "bpc/Conversion/Destinations.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "mlir/Pass/Pass.h"

namespace bpc {
#define GEN_PASS_DEF_RESULTSTOOUTPARAMSPASS
#include "bpc/Pipelines/Passes.h.inc"
} // namespace bpc

using namespace mlir;

namespace {

struct ResultsToOutParamsPass : bpc::impl::ResultsToOutParamsPassBase<ResultsToOutParamsPass> {
  using ResultsToOutParamsPassBase::ResultsToOutParamsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    IRRewriter rewriter(&getContext());
    for (auto func : module.getOps<func::FuncOp>()) {
      // Only kernels the C glue calls; a function that is also called from
      // IR keeps its signature for its callers.
      if (func.isDeclaration() || !func->hasAttr("llvm.emit_c_interface") ||
          !SymbolTable::symbolKnownUseEmpty(func, module))
        continue;
      unsigned numVars = llvm::count_if(func.getArguments(), [&](BlockArgument arg) {
        return func.getArgAttr(arg.getArgNumber(), "bp.var") != nullptr;
      });
      if (func.getNumResults() < numVars)
        continue;
      unsigned numResults = func.getNumResults() - numVars;
      if (!llvm::all_of(func.getResultTypes().take_front(numResults),
                        [](Type t) { return isa<RankedTensorType>(t); }))
        continue;

      // One trailing argument per result, carrying the result's attributes
      // (e.g. `bp.dims`).
      SmallVector<Value> outs;
      for (unsigned r = 0; r < numResults; ++r) {
        unsigned index = func.getNumArguments();
        func.insertArgument(index, func.getResultTypes()[r], func.getResultAttrDict(r),
                            func.getLoc());
        outs.push_back(func.getArgument(index));
      }
      func.walk([&](func::ReturnOp ret) {
        // Results are copied out before the copies of dyn Variables' new
        // values into their own buffers (bp.return's lowering makes them):
        // a result may alias a Variable's old value (e.g. one path of a
        // traced `if` leaves it unchanged), and reading it after the
        // Variable was overwritten would force that copy out of place.
        Operation *insertAt = ret;
        for (Value v : ret.getOperands().drop_front(numResults))
          if (auto copy = v.getDefiningOp<linalg::CopyOp>())
            if (copy->getBlock() == ret->getBlock() && copy->isBeforeInBlock(insertAt))
              insertAt = copy;
        rewriter.setInsertionPoint(insertAt);
        llvm::SmallPtrSet<void *, 8> retargeted;
        for (unsigned r = 0; r < numResults; ++r) {
          Value value = ret.getOperand(r);
          // A value returned twice is computed into the first out-param
          // only; the others get copies.
          if (!retargeted.contains(value.getAsOpaquePointer()) &&
              bpc::retargetDestination(rewriter, value, outs[r])) {
            retargeted.insert(value.getAsOpaquePointer());
            continue;
          }
          // Computed elsewhere (an argument, a constant, a reshape): copy it
          // into the caller's buffer, which still makes the result droppable.
          Value copied =
              rewriter.create<linalg::CopyOp>(ret.getLoc(), value, outs[r]).getResult(0);
          rewriter.modifyOpInPlace(ret, [&] { ret.setOperand(r, copied); });
        }
      });
    }
  }
};

} // namespace
