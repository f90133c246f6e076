//===- BPToLinalg.cpp - The bpc-lower-bp-to-linalg pass -------------------===//

#include "Utils.h"

#include "bpc/Conversion/Passes.h"
#include "bpc/Dialect/BP/IR/BPDialect.h"

#include "mlir/Transforms/DialectConversion.h"

namespace bpc {
#define GEN_PASS_DEF_BPCLOWERBPTOLINALG
#include "bpc/Conversion/Passes.h.inc"
} // namespace bpc

using namespace mlir;

namespace {

struct BPCLowerBPToLinalg
    : bpc::impl::BPCLowerBPToLinalgBase<BPCLowerBPToLinalg> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    // Every bp op must lower: a missing pattern is an error, not a leftover.
    target.addIllegalDialect<bpc::bp::BPDialect>();
    target.addLegalDialect<arith::ArithDialect,
                           bufferization::BufferizationDialect,
                           func::FuncDialect, linalg::LinalgDialect,
                           math::MathDialect, memref::MemRefDialect,
                           scf::SCFDialect, tensor::TensorDialect>();
    target.addLegalOp<ModuleOp>();

    RewritePatternSet patterns(ctx);
    bpc::lowering::populateFuncPatterns(patterns);
    bpc::lowering::populateElementwisePatterns(patterns);
    bpc::lowering::populateStructuredPatterns(patterns);
    bpc::lowering::populateShapePatterns(patterns);
    bpc::lowering::populateRandomPatterns(patterns);
    bpc::lowering::populateControlFlowPatterns(patterns);
    if (failed(applyFullConversion(getOperation(), target,
                                   std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
