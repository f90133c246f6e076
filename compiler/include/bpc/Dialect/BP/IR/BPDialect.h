//===- BPDialect.h - The bp dialect -----------------------------*- C++ -*-===//
//
// The dialect class only; ops are in BPOps.h.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_DIALECT_BP_IR_BPDIALECT_H
#define BPC_DIALECT_BP_IR_BPDIALECT_H

#include "mlir/IR/Dialect.h"

#include "bpc/Dialect/BP/IR/BPDialect.h.inc"

#endif // BPC_DIALECT_BP_IR_BPDIALECT_H
