//===- BPOps.h - Operations of the bp dialect -------------------*- C++ -*-===//

#ifndef BPC_DIALECT_BP_IR_BPOPS_H
#define BPC_DIALECT_BP_IR_BPOPS_H

#include "bpc/Dialect/BP/IR/BPDialect.h"
#include "bpc/Dialect/BP/IR/BPInterfaces.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "bpc/Dialect/BP/IR/BPEnums.h.inc"

namespace bpc::bp {
// Shared verifiers of op families; the ODS base classes call them from the
// generated `verify()` of each op (see BPOps.td).

/// Checks that `values` share one element type, that the result's element
/// type is `resultElementType`, and that the result shape is the NumPy
/// broadcast of the shapes of all of `op`'s operands.
mlir::LogicalResult verifyElementwise(mlir::Operation *op,
                                      mlir::ValueRange values,
                                      mlir::Type resultElementType);

/// Checks `axes` against the input (operand 0) and that the result (result
/// 0) has the reduced shape, and the input's element type if
/// `sameElementType`.
mlir::LogicalResult verifyReduction(mlir::Operation *op,
                                    llvm::ArrayRef<int64_t> axes,
                                    bool keepDims, bool sameElementType);

/// Checks that there is one `index` operand per `?` dimension of `type`.
mlir::LogicalResult verifyDynamicDims(mlir::Operation *op,
                                      mlir::RankedTensorType type,
                                      size_t numDims);
} // namespace bpc::bp

#define GET_OP_CLASSES
#include "bpc/Dialect/BP/IR/BPOps.h.inc"

#endif // BPC_DIALECT_BP_IR_BPOPS_H
