//===- BPRandomOps.cpp - Verifiers of the random-number ops ---------------===//
//
// Every random op takes a Threefry key, exactly tensor<2xi32>, and produces a
// statically shaped result (the tracer knows every `size=` while tracing);
// bounds of uniform/int draws are 0-d or the result's shape, so the lowering
// never has to broadcast inside the hash loop.
//
//===----------------------------------------------------------------------===//

#include "bpc/Dialect/BP/IR/BPOps.h"

using namespace mlir;
using namespace bpc::bp;

static LogicalResult verifyKeyAndResult(Operation *op, Value key, Value result) {
  auto keyType = cast<RankedTensorType>(key.getType());
  if (keyType.getShape() != ArrayRef<int64_t>{2})
    return op->emitOpError() << "expects a key of type tensor<2xi32>, got " << keyType;
  auto resultType = cast<RankedTensorType>(result.getType());
  if (!resultType.hasStaticShape())
    return op->emitOpError() << "expects a statically shaped result, got " << resultType;
  return success();
}

static LogicalResult verifyBound(Operation *op, StringRef name, Value bound, Value result) {
  auto boundType = cast<RankedTensorType>(bound.getType());
  auto resultType = cast<RankedTensorType>(result.getType());
  if (boundType.getElementType() != resultType.getElementType())
    return op->emitOpError() << "expects " << name << " of element type "
                             << resultType.getElementType() << ", got " << boundType;
  if (boundType.getRank() != 0 && boundType.getShape() != resultType.getShape())
    return op->emitOpError() << "expects " << name << " to be 0-d or of the result's shape "
                             << resultType << ", got " << boundType;
  return success();
}

LogicalResult RandomSplitOp::verify() {
  if (failed(verifyKeyAndResult(*this, getKey(), getResult())))
    return failure();
  ArrayRef<int64_t> shape = getType().getShape();
  if (shape.size() != 2 || shape[1] != 2)
    return emitOpError() << "expects a result of N keys, tensor<Nx2xi32>, got " << getType();
  return success();
}

LogicalResult RandomBitsOp::verify() {
  return verifyKeyAndResult(*this, getKey(), getResult());
}

LogicalResult RandomUniformOp::verify() {
  if (failed(verifyKeyAndResult(*this, getKey(), getResult())) ||
      failed(verifyBound(*this, "minval", getMinval(), getResult())) ||
      failed(verifyBound(*this, "maxval", getMaxval(), getResult())))
    return failure();
  return success();
}

LogicalResult RandomNormalOp::verify() {
  return verifyKeyAndResult(*this, getKey(), getResult());
}

LogicalResult RandomIntOp::verify() {
  if (failed(verifyKeyAndResult(*this, getKey(), getResult())) ||
      failed(verifyBound(*this, "minval", getMinval(), getResult())) ||
      failed(verifyBound(*this, "maxval", getMaxval(), getResult())))
    return failure();
  return success();
}
