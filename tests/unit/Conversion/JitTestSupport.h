//===- JitTestSupport.h - Running lowered bp modules in unit tests -*- C++ -*-===//
//
// Parses a bp module, runs the named pipelines `bpc-lower-bp`,
// `bpc-bufferize` and `bpc-lower-to-llvm` exactly as `bpc build` does, and
// JITs the result, so tests call `_mlir_ciface_` entry points on memref
// descriptors and compare with an independent computation.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TESTS_UNIT_CONVERSION_JITTESTSUPPORT_H
#define BPC_TESTS_UNIT_CONVERSION_JITTESTSUPPORT_H

#include "bpc/Dialect/BP/IR/BPDialect.h"
#include "bpc/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/TargetSelect.h"

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

// runtime/lib/Alloc.cpp: where kernels allocate their buffers.
extern "C" void *_mlir_memref_to_llvm_alloc(size_t size);
extern "C" void _mlir_memref_to_llvm_free(void *ptr);

namespace bpc::testing {

/// A strided memref descriptor of rank N, as `_mlir_ciface_` functions take.
template <typename T, int N> struct Desc {
  T *allocated;
  T *aligned;
  int64_t offset;
  int64_t sizes[N];
  int64_t strides[N];
};
template <typename T> struct Desc<T, 0> {
  T *allocated;
  T *aligned;
  int64_t offset;
};

/// A row-major descriptor over `data`.
template <int N, typename T>
Desc<T, N> view(std::vector<T> &data, std::array<int64_t, N> shape) {
  Desc<T, N> d;
  d.allocated = d.aligned = data.data();
  d.offset = 0;
  if constexpr (N > 0) {
    int64_t stride = 1;
    for (int i = N - 1; i >= 0; --i) {
      d.sizes[i] = shape[i];
      d.strides[i] = stride;
      stride *= shape[i];
    }
  }
  return d;
}

/// A JIT-compiled bp module.
class Compiled {
public:
  /// With `outParams`, kernels take their results as trailing out-params
  /// (what `bpc build` and eager code use); otherwise they return them.
  explicit Compiled(const std::string &source, bool outParams = false) {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    mlir::DialectRegistry registry;
    registry.insert<bpc::bp::BPDialect>();
    bpc::registerPipelineDialects(registry);
    bpc::registerPipelines();
    context.appendDialectRegistry(registry);
    module = mlir::parseSourceString<mlir::ModuleOp>(source, &context);
    REQUIRE(module);

    mlir::PassManager toBuffers(&context);
    REQUIRE(mlir::succeeded(bpc::buildLowerBPPipeline(toBuffers)));
    // Kernels return their results (allocated by the runtime, freed by release()) instead of
    // taking out-params: the tests need not know result shapes beforehand.
    bpc::BufferizeOptions returnResults;
    returnResults.resultsToOutParams = outParams;
    REQUIRE(mlir::succeeded(bpc::buildBufferizePipeline(toBuffers, returnResults)));
    REQUIRE(mlir::succeeded(toBuffers.run(*module)));
    // Result counts after bufferization: a Variable's result must be gone.
    module->walk([&](mlir::func::FuncOp f) {
      if (!f.isDeclaration())
        numResults[f.getName().str()] = f.getNumResults();
    });

    mlir::PassManager toLLVM(&context);
    REQUIRE(mlir::succeeded(bpc::buildCPUToLLVMPipeline(toLLVM)));
    REQUIRE(mlir::succeeded(toLLVM.run(*module)));
    mlir::ExecutionEngineOptions options;
    options.transformer = mlir::makeOptimizingTransformer(3, 0, nullptr);
    options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
    auto created = mlir::ExecutionEngine::create(*module, options);
    REQUIRE(static_cast<bool>(created));
    engine = std::move(*created);
    // Kernels allocate through the runtime (runtime/lib/Alloc.cpp), as in a
    // built library.
    engine->registerSymbols([](llvm::orc::MangleAndInterner interner) {
      llvm::orc::SymbolMap symbols;
      symbols[interner("_mlir_memref_to_llvm_alloc")] = {
          llvm::orc::ExecutorAddr::fromPtr(&_mlir_memref_to_llvm_alloc),
          llvm::JITSymbolFlags::Exported};
      symbols[interner("_mlir_memref_to_llvm_free")] = {
          llvm::orc::ExecutorAddr::fromPtr(&_mlir_memref_to_llvm_free),
          llvm::JITSymbolFlags::Exported};
      return symbols;
    });
  }

  template <typename Fn> Fn *lookup(const std::string &name) {
    auto symbol = engine->lookup("_mlir_ciface_" + name);
    REQUIRE(static_cast<bool>(symbol));
    return reinterpret_cast<Fn *>(*symbol);
  }

  std::map<std::string, unsigned> numResults;

private:
  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::unique_ptr<mlir::ExecutionEngine> engine;
};

/// Frees a result buffer that the compiled code allocated with malloc.
template <typename T, int N> void release(Desc<T, N> &d) {
  _mlir_memref_to_llvm_free(d.allocated);
}

} // namespace bpc::testing

#endif // BPC_TESTS_UNIT_CONVERSION_JITTESTSUPPORT_H
