//===- BPShapes.cpp - NumPy shape rules of the bp dialect -----------------===//

#include "bpc/Dialect/BP/IR/BPShapes.h"

#include "mlir/Dialect/Traits.h"

using namespace mlir;

namespace bpc::bp {

LogicalResult broadcastShapes(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                              SmallVectorImpl<int64_t> &result) {
  // MLIR's rule for `?` is exactly NumPy's with symbolic sizes.
  return success(OpTrait::util::getBroadcastedShape(lhs, rhs, result));
}

LogicalResult matmulShape(ShapedType lhs, ShapedType rhs,
                          SmallVectorImpl<int64_t> &result,
                          EmitErrorFn emitError) {
  if (lhs.getRank() == 0 || rhs.getRank() == 0)
    return emitError() << "operands must have rank >= 1, got " << lhs
                       << " and " << rhs;
  ArrayRef<int64_t> a = lhs.getShape(), b = rhs.getShape();
  // A 1-D operand is promoted to a matrix by a unit dimension that the
  // result then drops (NumPy's rule), so only the batch, M and N remain.
  int64_t k1 = a.back();
  int64_t k2 = b.size() == 1 ? b.back() : b[b.size() - 2];
  if (!ShapedType::isDynamic(k1) && !ShapedType::isDynamic(k2) && k1 != k2)
    return emitError() << "contraction dimensions differ: lhs " << lhs
                       << " has " << k1 << ", rhs " << rhs << " has " << k2;
  ArrayRef<int64_t> batchA = a.drop_back(std::min<size_t>(a.size(), 2));
  ArrayRef<int64_t> batchB = b.drop_back(std::min<size_t>(b.size(), 2));
  result.clear();
  if (failed(broadcastShapes(batchA, batchB, result)))
    return emitError() << "batch dimensions of " << lhs << " and " << rhs
                       << " do not broadcast";
  if (a.size() >= 2)
    result.push_back(a[a.size() - 2]);
  if (b.size() >= 2)
    result.push_back(b.back());
  return success();
}

LogicalResult reductionShape(ArrayRef<int64_t> input, ArrayRef<int64_t> axes,
                             bool keepDims, SmallVectorImpl<int64_t> &result,
                             EmitErrorFn emitError) {
  int64_t rank = input.size();
  for (auto [i, axis] : llvm::enumerate(axes)) {
    if (axis < 0 || axis >= rank)
      return emitError() << "axis " << axis << " is out of range for rank "
                         << rank;
    if (i > 0 && axis <= axes[i - 1])
      return emitError() << "axes must be ascending and unique";
  }
  result.clear();
  for (auto [dim, size] : llvm::enumerate(input)) {
    if (!llvm::is_contained(axes, static_cast<int64_t>(dim)))
      result.push_back(size);
    else if (keepDims)
      result.push_back(1);
  }
  return success();
}

int64_t sliceSize(int64_t size, int64_t start, int64_t stop, int64_t step) {
  if (ShapedType::isDynamic(stop))
    stop = size;
  if (ShapedType::isDynamic(stop))
    return ShapedType::kDynamic;
  return stop <= start ? 0 : (stop - start + step - 1) / step;
}

} // namespace bpc::bp
