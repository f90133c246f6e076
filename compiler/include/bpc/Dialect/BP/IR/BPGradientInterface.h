//===- BPGradientInterface.h - Vector-Jacobian products ---------*- C++ -*-===//
//
// The declaration of bp::GradientOpInterface (BPGradientInterface.td). Ops
// get it from external models, see
// bpc/Dialect/BP/Transforms/GradientOpInterfaceImpl.h.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_DIALECT_BP_IR_BPGRADIENTINTERFACE_H
#define BPC_DIALECT_BP_IR_BPGRADIENTINTERFACE_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"

#include "bpc/Dialect/BP/IR/BPGradientInterface.h.inc"

#endif // BPC_DIALECT_BP_IR_BPGRADIENTINTERFACE_H
