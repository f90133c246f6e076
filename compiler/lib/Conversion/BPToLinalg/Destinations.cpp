//===- Destinations.cpp - Retargeting destination-style chains ------------===//

#include "bpc/Conversion/Destinations.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

using namespace mlir;

bool bpc::retargetDestination(RewriterBase &rewriter, Value value, Value dest) {
  auto result = dyn_cast<OpResult>(value);
  if (!result)
    return false;
  auto dps = dyn_cast<DestinationStyleOpInterface>(result.getOwner());
  if (!dps || !dps.hasPureTensorSemantics())
    return false;
  OpOperand *init = dps.getTiedOpOperand(result);
  Value current = init->get();
  if (current == dest)
    return true;
  if (current.getDefiningOp<tensor::EmptyOp>()) {
    if (current.getType() != dest.getType())
      return false;
    rewriter.modifyOpInPlace(dps, [&] { init->set(dest); });
    return true;
  }
  if (!current.hasOneUse())
    return false;
  return retargetDestination(rewriter, current, dest);
}
