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

/// `bpc-bufferize`: tensors to buffers with one-shot bufferization across
/// function boundaries. A function result that is equivalent to an argument
/// buffer (a dyn Variable updated in place) is dropped, so the new value is
/// written into the Variable's own buffer and no copy is made.
mlir::LogicalResult buildBufferizePipeline(mlir::OpPassManager &pm);

/// `bpc-lower-to-llvm`: buffers and loops to the LLVM dialect for the host
/// CPU (the pipeline TOOLCHAIN.md §3 verified on LLVM 19).
mlir::LogicalResult buildCPUToLLVMPipeline(mlir::OpPassManager &pm);

/// Registers the dialects and external interface models the pipelines need
/// (bufferization models of arith/tensor/linalg/func, LLVM IR translation).
void registerPipelineDialects(mlir::DialectRegistry &registry);

/// Registers the passes the pipelines are made of and the pipelines
/// themselves under their names, for `bpc-opt --bpc-bufferize` etc.
void registerPipelines();

} // namespace bpc

#endif // BPC_PIPELINES_PIPELINES_H
