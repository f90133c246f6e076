//===- Pipelines.cpp - Named pass pipelines of bpc -------------------------===//

#include "bpc/Pipelines/Pipelines.h"

#include "bpc/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace {

// The pass lists are kept as pipeline text: it is the exact form that
// TOOLCHAIN.md verified, and `bpc-opt --pass-pipeline=` accepts it as is.
// Canonicalizing bp before the lowering is safe: no bp op is a
// destination-only op that a greedy rewrite could delete (TOOLCHAIN P7). The
// canonicalize after it runs on linalg on tensors; the destinations that the
// lowering gave to dyn Variables are results returned by the function, so
// they are kept.
constexpr const char *kLowerBP =
    "canonicalize,bpc-lower-bp-to-linalg,canonicalize,cse";

constexpr const char *kBufferize =
    "one-shot-bufferize{bufferize-function-boundaries allow-return-allocs-from-loops "
    "function-boundary-type-conversion=identity-layout-map},"
    "canonicalize,cse,canonicalize,drop-equivalent-buffer-results";

constexpr const char *kCPUToLLVM =
    "func.func(convert-linalg-to-loops),convert-scf-to-cf,expand-strided-metadata,"
    "lower-affine,finalize-memref-to-llvm,convert-math-to-llvm,convert-math-to-libm,"
    "convert-arith-to-llvm,"
    "convert-cf-to-llvm,convert-func-to-llvm,reconcile-unrealized-casts";

} // namespace

LogicalResult bpc::buildLowerBPPipeline(OpPassManager &pm) {
  return parsePassPipeline(kLowerBP, pm);
}

LogicalResult bpc::buildBufferizePipeline(OpPassManager &pm) {
  return parsePassPipeline(kBufferize, pm);
}

LogicalResult bpc::buildCPUToLLVMPipeline(OpPassManager &pm) {
  return parsePassPipeline(kCPUToLLVM, pm);
}

void bpc::registerPipelineDialects(DialectRegistry &registry) {
  registry.insert<affine::AffineDialect, arith::ArithDialect, bufferization::BufferizationDialect,
                  cf::ControlFlowDialect, func::FuncDialect, linalg::LinalgDialect,
                  LLVM::LLVMDialect, math::MathDialect, memref::MemRefDialect, scf::SCFDialect,
                  tensor::TensorDialect>();
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

void bpc::registerPipelines() {
  // Only the passes the pipelines use (InitAllPasses.h costs 90 s to compile).
  registerTransformsPasses();
  registerConversionPasses();
  bufferization::registerBufferizationPasses();
  registerLinalgPasses();
  memref::registerMemRefPasses();
  registerBPCConversionPasses();

  PassPipelineRegistration<>("bpc-lower-bp",
                             "The bp dialect to linalg/tensor/arith/math on tensors",
                             [](OpPassManager &pm) { (void)buildLowerBPPipeline(pm); });
  PassPipelineRegistration<>(
      "bpc-bufferize", "Tensors to buffers; dyn Variables are updated in their own buffers",
      [](OpPassManager &pm) { (void)buildBufferizePipeline(pm); });
  PassPipelineRegistration<>("bpc-lower-to-llvm",
                             "Buffers and loops to the LLVM dialect for the host CPU",
                             [](OpPassManager &pm) { (void)buildCPUToLLVMPipeline(pm); });
}
