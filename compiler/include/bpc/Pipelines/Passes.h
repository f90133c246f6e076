//===- Passes.h - Passes of bpc's own pipelines -----------------*- C++ -*-===//
//
// The few passes the named pipelines (Pipelines.h) need beyond upstream MLIR,
// declared in Passes.td: each is a small, target-independent rewrite that
// makes the generated code fast without changing a single computed bit
// (DESIGN.md §3: eager and jitted code agree bit for bit, so no pass here may
// reassociate or contract floating-point arithmetic).
//
//===----------------------------------------------------------------------===//

#ifndef BPC_PIPELINES_PASSES_H
#define BPC_PIPELINES_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace bpc {

#define GEN_PASS_DECL
#include "bpc/Pipelines/Passes.h.inc"

/// The rewrite of `bpc-expand-math`, for use in other pattern sets.
void populateExpandMathPatterns(mlir::RewritePatternSet &patterns);

/// `registerBPCPipelinePasses()` registers every pass above under its name
/// (for pipeline text and `bpc-opt`).
#define GEN_PASS_REGISTRATION
#include "bpc/Pipelines/Passes.h.inc"

} // namespace bpc

#endif // BPC_PIPELINES_PASSES_H
