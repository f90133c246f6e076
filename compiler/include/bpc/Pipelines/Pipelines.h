//===- Pipelines.h - Named pass pipelines of bpc ----------------*- C++ -*-===//
//
// The stages after the bp dialect, as named pipelines shared by the driver
// (`bpc build --emit=...`, `--keep-intermediate`) and `bpc-opt`, so that any
// stage can be re-run alone on its `.mlir` (STYLE.md, Catalyst's Pipelines).
//
//===----------------------------------------------------------------------===//

#ifndef BPC_PIPELINES_PIPELINES_H
#define BPC_PIPELINES_PIPELINES_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/LogicalResult.h"

namespace bpc {

/// `bpc-lower-bp`: canonicalize on bp, `bpc-lower-bp-to-linalg`, then
/// canonicalize and cse on the tensor-level linalg IR.
mlir::LogicalResult buildLowerBPPipeline(mlir::OpPassManager &pm);

/// Variants of `bpc-bufferize`.
struct BufferizeOptions {
  /// Destination passing (`bpc-results-to-out-params`): exported kernels
  /// take their results as trailing out-param buffers and return nothing,
  /// the convention of the C glue and the eager executor (ModelManifest.h).
  /// Off, kernels return each result in a buffer they allocate with malloc
  /// and the caller frees: convenient for unit tests that call a kernel
  /// without knowing its result shapes beforehand.
  bool resultsToOutParams = true;
};

/// `bpc-bufferize`: fuses elementwise chains, gives exported kernels
/// out-params for their results, bufferizes with one-shot bufferization
/// across function boundaries, and frees temporaries. A function result that
/// is equivalent to an argument buffer (a dyn Variable updated in place, an
/// out-param) is dropped, so the value is written into that buffer and no
/// copy is made.
mlir::LogicalResult buildBufferizePipeline(mlir::OpPassManager &pm,
                                           const BufferizeOptions &options);
/// `bpc-bufferize` with the default options (as `bpc build` runs it).
mlir::LogicalResult buildBufferizePipeline(mlir::OpPassManager &pm);

/// `bpc-lower-to-llvm`: buffers and loops to the LLVM dialect for the host
/// CPU (the pipeline TOOLCHAIN.md §3 verified on LLVM 19), after ordering
/// each linalg op's loops for contiguous inner loops
/// (`bpc-interchange-loops`) and expanding f32 `exp` into vectorisable
/// arithmetic (`bpc-expand-math`).
mlir::LogicalResult buildCPUToLLVMPipeline(mlir::OpPassManager &pm);

/// Registers the dialects and external interface models the pipelines need
/// (bufferization models of arith/tensor/linalg/func, LLVM IR translation).
void registerPipelineDialects(mlir::DialectRegistry &registry);

/// Registers the passes the pipelines are made of and the pipelines
/// themselves under their names, for `bpc-opt --bpc-bufferize` etc.
void registerPipelines();

} // namespace bpc

#endif // BPC_PIPELINES_PIPELINES_H
