//===- Passes.h - Transformations of bp IR ----------------------*- C++ -*-===//

#ifndef BPC_DIALECT_BP_TRANSFORMS_PASSES_H
#define BPC_DIALECT_BP_TRANSFORMS_PASSES_H

#include "bpc/Dialect/BP/IR/BPDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace bpc {

#define GEN_PASS_DECL
#include "bpc/Dialect/BP/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "bpc/Dialect/BP/Transforms/Passes.h.inc"

} // namespace bpc

#endif // BPC_DIALECT_BP_TRANSFORMS_PASSES_H
