//===- HostCodegen.h - LLVM dialect to host object code ---------*- C++ -*-===//

#ifndef BPC_TARGET_HOSTCODEGEN_H
#define BPC_TARGET_HOSTCODEGEN_H

#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"


namespace bpc {

enum class HostOutput { LLVMIR, Assembly, Object };

/// Translates a module in the LLVM dialect to LLVM IR, optimises it at -O3
/// for the host CPU (position-independent, no fast-math: eager and jitted
/// code must agree bit for bit, DESIGN.md §3) and writes the requested form.
/// Every function carries the host's "target-cpu" and "target-features"
/// (plus "+prefer-no-gather,+prefer-no-scatter" on x86), so the vectorizer
/// uses the host's vector ISA.
llvm::Error emitHostCode(mlir::ModuleOp module, HostOutput kind, llvm::raw_pwrite_stream &os);

} // namespace bpc

#endif // BPC_TARGET_HOSTCODEGEN_H
