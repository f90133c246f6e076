//===- BPControlFlowOps.cpp - Verifiers of bp.if, bp.while, bp.progress ---===//
//
// The region terminators must agree with the op's results: a mismatch would
// otherwise surface only as a type error after lowering to scf.
//
//===----------------------------------------------------------------------===//

#include "bpc/Dialect/BP/IR/BPOps.h"

using namespace mlir;
using namespace bpc::bp;

/// Checks that `values` (a terminator's operands) have `types`.
static LogicalResult verifyTypes(Operation *op, StringRef what, TypeRange values,
                                 TypeRange types) {
  if (values != types)
    return op->emitOpError() << what << " has types (" << values
                             << ") but the op's results are (" << types << ")";
  return success();
}

LogicalResult IfOp::verify() {
  for (Region *region : {&getThenRegion(), &getElseRegion()}) {
    auto yield = dyn_cast<YieldOp>(region->front().getTerminator());
    if (!yield)
      return emitOpError() << "regions must end with bp.yield";
    if (failed(verifyTypes(*this, region == &getThenRegion() ? "the then yield" : "the else yield",
                           yield.getValues().getTypes(), getResultTypes())))
      return failure();
  }
  return success();
}

LogicalResult WhileOp::verify() {
  TypeRange carried = getInits().getTypes();
  if (failed(verifyTypes(*this, "the initial values", carried, getResultTypes())))
    return failure();
  Block &before = getBefore().front(), &after = getAfter().front();
  if (failed(verifyTypes(*this, "the before region's arguments", before.getArgumentTypes(),
                         carried)) ||
      failed(verifyTypes(*this, "the after region's arguments", after.getArgumentTypes(),
                         carried)))
    return failure();
  auto condition = dyn_cast<ConditionOp>(before.getTerminator());
  if (!condition)
    return emitOpError() << "the before region must end with bp.condition";
  if (failed(verifyTypes(*this, "bp.condition", condition.getValues().getTypes(), carried)))
    return failure();
  auto yield = dyn_cast<YieldOp>(after.getTerminator());
  if (!yield)
    return emitOpError() << "the after region must end with bp.yield";
  return verifyTypes(*this, "the after yield", yield.getValues().getTypes(), carried);
}

LogicalResult ProgressOp::verify() {
  if (getTotal() < 1)
    return emitOpError() << "total must be at least 1, got " << getTotal();
  return success();
}
