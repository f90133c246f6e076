//===- Passes.h - Lowerings out of the bp dialect ---------------*- C++ -*-===//

#ifndef BPC_CONVERSION_PASSES_H
#define BPC_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace bpc {

#define GEN_PASS_DECL
#include "bpc/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "bpc/Conversion/Passes.h.inc"

} // namespace bpc

#endif // BPC_CONVERSION_PASSES_H
