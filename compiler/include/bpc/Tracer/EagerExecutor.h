//===- EagerExecutor.h - Compiles and runs bp functions on host buffers -*- C++ -*-===//
//
// Eager array operations and `bpc run`'s jit calls are bp functions too: this
// lowers them with the same pipelines as `bpc build` (bpc-lower-bp,
// bpc-bufferize, bpc-lower-to-llvm), JITs them with mlir::ExecutionEngine and
// caches the result by the function's text, so each op kind and signature
// is compiled once (DESIGN.md §4).
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TRACER_EAGEREXECUTOR_H
#define BPC_TRACER_EAGEREXECUTOR_H

#include "bpc/Tracer/ArrayRuntime.h"

#include "llvm/ADT/StringMap.h"

namespace mlir {
class ExecutionEngine;
}

namespace bpc::tracer {

class EagerExecutor {
public:
  explicit EagerExecutor(ArrayRuntime &rt);
  ~EagerExecutor();

  /// Runs `bp.func @name` of `module` (static shapes only) on `inputs`; the
  /// last `numVars` inputs are dyn Variables, updated in place. Returns the
  /// function's results as new concrete arrays.
  std::vector<Value> run(mlir::ModuleOp module, llvm::StringRef name,
                         llvm::ArrayRef<ArrayState *> inputs, unsigned numVars);

private:
  struct Kernel;
  Kernel &compile(mlir::ModuleOp module, llvm::StringRef name);
  ArrayRuntime &rt;
  llvm::StringMap<std::unique_ptr<Kernel>> cache;
};

} // namespace bpc::tracer

#endif // BPC_TRACER_EAGEREXECUTOR_H
