//===- TestGrad.cpp - The bpc-test-grad pass ------------------------------===//
//
// Exposes buildGradientFunc to bpc-opt so that golden tests can show the
// gradient IR of small functions.
//
//===----------------------------------------------------------------------===//

#include "bpc/Dialect/BP/Transforms/Autodiff.h"
#include "bpc/Dialect/BP/Transforms/Passes.h"

namespace bpc {
#define GEN_PASS_DEF_BPCTESTGRAD
#include "bpc/Dialect/BP/Transforms/Passes.h.inc"
} // namespace bpc

using namespace mlir;

namespace {

struct BPCTestGrad : bpc::impl::BPCTestGradBase<BPCTestGrad> {
  using BPCTestGradBase::BPCTestGradBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto f = module.lookupSymbol<bpc::bp::FuncOp>(funcName);
    if (!f) {
      module.emitError() << "bpc-test-grad: no bp.func named @" << funcName;
      return signalPassFailure();
    }
    std::string name = gradName.empty() ? funcName + "_grad" : gradName;
    SmallVector<unsigned> wrt(wrtArgs.begin(), wrtArgs.end());
    // By default every float input, so that one RUN line fits many cases.
    if (wrt.empty())
      for (auto [i, type] : llvm::enumerate(f.getArgumentTypes()))
        if (auto tensor = dyn_cast<RankedTensorType>(type);
            tensor && isa<FloatType>(tensor.getElementType()))
          wrt.push_back(i);
    if (failed(bpc::bp::buildGradientFunc(f, wrt, lossResult, name)))
      signalPassFailure();
  }
};

} // namespace
