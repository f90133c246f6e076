//===- Pipelines.cpp - Named pass pipelines of bpc -------------------------===//

#include "bpc/Pipelines/Pipelines.h"

#include "bpc/Conversion/Passes.h"
#include "bpc/Pipelines/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
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
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/TargetParser/Host.h"

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

// Before bufferizing: transposed operands are read in place instead of
// copied (bpc-fold-transposes), elementwise chains become single loops (no
// temporaries), and exported kernels compute their results into out-param
// arguments (destination passing). After it, results equivalent to an
// argument -- dyn Variables updated in place and the out-params -- are
// dropped, so kernels return nothing. drop-equivalent-buffer-results needs
// the canonicalize/cse round first to see through casts (TOOLCHAIN P8).
// In loops (traced `while`, bm.for_loop), carried values are computed into
// their block arguments (bpc-loop-carried-destinations) and buffers that
// live for one iteration are allocated before the loop
// (bpc-hoist-loop-allocs), so a loop body neither allocates nor copies.
// Bufferization's copies are linalg.copy, which become loops: a memref.copy
// into a strided view would call memrefCopy from libmlir_c_runner_utils,
// which neither the JIT nor a built library links. Loop-carried buffers
// (scf.while of traced `while`) may be fresh allocations.
constexpr const char *kFuse =
    "bpc-fold-transposes,bpc-fuse-elementwise,bpc-loop-carried-destinations";
constexpr const char *kOutParams = "bpc-results-to-out-params";
constexpr const char *kAfterBufferize =
    "canonicalize,cse,canonicalize,drop-equivalent-buffer-results,bpc-hoist-loop-allocs";

/// one-shot-bufferize{bufferize-function-boundaries
/// allow-return-allocs-from-loops
/// function-boundary-type-conversion=identity-layout-map}, with copies made
/// as linalg.copy (no pass option says that in MLIR 19).
std::unique_ptr<Pass> createBufferizePass() {
  bufferization::OneShotBufferizationOptions options;
  options.bufferizeFunctionBoundaries = true;
  options.allowReturnAllocsFromLoops = true;
  options.setFunctionBoundaryTypeConversion(bufferization::LayoutMapOption::IdentityLayoutMap);
  options.memCpyFn = [](OpBuilder &b, Location loc, Value from, Value to) {
    b.create<linalg::CopyOp>(loc, from, to);
    return success();
  };
  return bufferization::createOneShotBufferizePass(options);
}

// Before the loops are built, matmul-like ops become register-tiled vector
// loops (bpc-tile-matmul), each remaining linalg op gets the loop order
// whose inner loop is contiguous (bpc-interchange-loops), and `exp` becomes
// plain arithmetic that LLVM's loop vectorizer handles (bpc-expand-math);
// convert-math-to-libm then only sees ops without an expansion or an LLVM
// intrinsic. Temporaries are allocated through `_mlir_memref_to_llvm_alloc`
// / `_free` (use-generic-functions), which the runtime defines
// (runtime/lib/Alloc.cpp: freed large blocks are reused by the next call
// instead of being faulted in again page by page). The vectors of
// bpc-tile-matmul are sized for the host's registers (hostVectorWidth).
constexpr const char *kCPUToLLVM =
    "func.func(bpc-tile-matmul,bpc-interchange-loops,bpc-expand-math,convert-linalg-to-loops),"
    "convert-scf-to-cf,convert-vector-to-llvm,expand-strided-metadata,lower-affine,"
    "finalize-memref-to-llvm{use-generic-functions=1},convert-math-to-llvm,"
    "convert-math-to-libm,convert-arith-to-llvm,convert-cf-to-llvm,convert-func-to-llvm,"
    "reconcile-unrealized-casts";

} // namespace

LogicalResult bpc::buildLowerBPPipeline(OpPassManager &pm) {
  return parsePassPipeline(kLowerBP, pm);
}

LogicalResult bpc::buildBufferizePipeline(OpPassManager &pm, const BufferizeOptions &options) {
  if (failed(parsePassPipeline(kFuse, pm)) ||
      (options.resultsToOutParams && failed(parsePassPipeline(kOutParams, pm))) ||
      (pm.addPass(createBufferizePass()), failed(parsePassPipeline(kAfterBufferize, pm))))
    return failure();
  // Kernels return no buffers, so every allocation left is a temporary:
  // free it before returning (one-shot bufferization itself never frees).
  bufferization::BufferDeallocationPipelineOptions deallocation;
  bufferization::buildBufferDeallocationPipeline(pm, deallocation);
  return success();
}

LogicalResult bpc::buildBufferizePipeline(OpPassManager &pm) {
  return buildBufferizePipeline(pm, BufferizeOptions());
}

/// The f32 elements of the host's vector registers: the default 4 x 3
/// vector tile of bpc-tile-matmul takes 12 accumulators, which fit the 32
/// zmm registers of AVX-512 as vector<16xf32> and the 16 ymm registers of
/// AVX2 only as vector<8xf32> (as vector<16xf32> each would take two and
/// spill). Host code is compiled for the host CPU anyway (HostCodegen.cpp),
/// and the kernel cache keys on its features.
static unsigned hostVectorWidth() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  return features.lookup("avx512f") ? 16 : 8;
}

LogicalResult bpc::buildCPUToLLVMPipeline(OpPassManager &pm) {
  std::string text = kCPUToLLVM;
  llvm::StringRef pass = "bpc-tile-matmul";
  text.insert(text.find(pass.str()) + pass.size(),
              "{vector-width=" + std::to_string(hostVectorWidth()) + "}");
  return parsePassPipeline(text, pm);
}

void bpc::registerPipelineDialects(DialectRegistry &registry) {
  registry.insert<affine::AffineDialect, arith::ArithDialect, bufferization::BufferizationDialect,
                  cf::ControlFlowDialect, func::FuncDialect, linalg::LinalgDialect,
                  LLVM::LLVMDialect, math::MathDialect, memref::MemRefDialect, scf::SCFDialect,
                  tensor::TensorDialect, vector::VectorDialect>();
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
  registerBPCPipelinePasses();

  PassPipelineRegistration<>("bpc-lower-bp",
                             "The bp dialect to linalg/tensor/arith/math on tensors",
                             [](OpPassManager &pm) { (void)buildLowerBPPipeline(pm); });
  PassPipelineRegistration<>(
      "bpc-bufferize",
      "Tensors to buffers; dyn Variables and results are written into argument buffers",
      [](OpPassManager &pm) { (void)buildBufferizePipeline(pm); });
  PassPipelineRegistration<>("bpc-lower-to-llvm",
                             "Buffers and loops to the LLVM dialect for the host CPU",
                             [](OpPassManager &pm) { (void)buildCPUToLLVMPipeline(pm); });
}
