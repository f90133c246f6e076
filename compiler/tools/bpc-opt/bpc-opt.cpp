//===- bpc-opt.cpp - Runs bp and upstream passes on .mlir files -----------===//
//
// The mlir-opt of bpc: every pass can be run alone on a textual module, which
// is how the golden tests drive the dialect and its passes. Dialects and
// passes are registered one by one because mlir/InitAll*.h makes a 90 s
// translation unit on LLVM 19 (TOOLCHAIN.md P13).
//
//===----------------------------------------------------------------------===//

#include "bpc/Dialect/BP/IR/BPDialect.h"
#include "bpc/Dialect/BP/Transforms/GradientOpInterfaceImpl.h"
#include "bpc/Dialect/BP/Transforms/Passes.h"
#include "bpc/Pipelines/Pipelines.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  // The dialects bp lowers through (builtin is always loaded).
  registry.insert<bpc::bp::BPDialect, mlir::arith::ArithDialect,
                  mlir::bufferization::BufferizationDialect,
                  mlir::func::FuncDialect, mlir::linalg::LinalgDialect,
                  mlir::math::MathDialect, mlir::memref::MemRefDialect,
                  mlir::scf::SCFDialect, mlir::tensor::TensorDialect>();
  // canonicalize, cse, ... and the named stages (--bpc-bufferize, ...).
  bpc::registerPipelineDialects(registry);
  bpc::registerPipelines();
  // bp transformations (--bpc-test-grad) and the gradient rules they use.
  bpc::bp::registerGradientOpInterfaceExternalModels(registry);
  bpc::registerBPCTransformsPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "bpc optimizer driver\n", registry));
}
