//===- BPCanonicalize.cpp - Folders of bp ops -----------------------------===//
//
// Only rewrites that are exact in IEEE arithmetic: eager and jitted code must
// compute bit-identical results (DESIGN.md §3), so e.g. `x + 0.0` is not
// folded (it turns -0.0 into +0.0) while `x + -0.0` is.
//
//===----------------------------------------------------------------------===//

#include "bpc/Dialect/BP/IR/BPOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace bpc::bp;

//===----------------------------------------------------------------------===//
// Identities of elementwise arithmetic
//===----------------------------------------------------------------------===//

/// Whether `attr` is a splat whose elements are all `value`. Floats compare
/// bit for bit, so that -0.0 and +0.0 differ; integers compare numerically.
static bool isSplatOf(Attribute attr, double value) {
  auto splat = dyn_cast_or_null<SplatElementsAttr>(attr);
  if (!splat)
    return false;
  auto element = splat.getSplatValue<Attribute>();
  if (auto floatAttr = dyn_cast<FloatAttr>(element)) {
    APFloat expected(value);
    bool losesInfo;
    expected.convert(floatAttr.getValue().getSemantics(),
                     APFloat::rmNearestTiesToEven, &losesInfo);
    return floatAttr.getValue().bitwiseIsEqual(expected);
  }
  if (auto intAttr = dyn_cast<IntegerAttr>(element))
    return static_cast<double>(intAttr.getValue().getSExtValue()) == value;
  return false;
}

/// `x op c => x` when c is a splat of `identity` and folding loses no
/// broadcast (x already has the result's type).
static OpFoldResult foldIdentity(Value x, Attribute c, Type resultType,
                                 double identity) {
  if (x.getType() == resultType && isSplatOf(c, identity))
    return x;
  return {};
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  // x + -0.0 == x for every x; integers have a single zero.
  if (OpFoldResult r =
          foldIdentity(getLhs(), adaptor.getRhs(), getType(), -0.0))
    return r;
  return foldIdentity(getRhs(), adaptor.getLhs(), getType(), -0.0);
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldIdentity(getLhs(), adaptor.getRhs(), getType(), 0.0);
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r =
          foldIdentity(getLhs(), adaptor.getRhs(), getType(), 1.0))
    return r;
  return foldIdentity(getRhs(), adaptor.getLhs(), getType(), 1.0);
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldIdentity(getLhs(), adaptor.getRhs(), getType(), 1.0);
}

/// `f(f(x)) => x` for an involution f.
template <typename OpTy>
static OpFoldResult foldInvolution(OpTy op) {
  if (auto inner = op.getOperand().template getDefiningOp<OpTy>())
    return inner.getOperand();
  return {};
}

OpFoldResult NegOp::fold(FoldAdaptor) { return foldInvolution(*this); }
OpFoldResult NotOp::fold(FoldAdaptor) { return foldInvolution(*this); }

//===----------------------------------------------------------------------===//
// Constants and casts
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

/// A static-shaped fill is a splat constant.
static OpFoldResult foldFill(RankedTensorType type, TypedAttr element) {
  if (!type.hasStaticShape())
    return {};
  return DenseElementsAttr::get(type, ArrayRef<Attribute>(element));
}

OpFoldResult ZerosOp::fold(FoldAdaptor) {
  return foldFill(getType(), Builder(getContext()).getZeroAttr(
                                 getType().getElementType()));
}

OpFoldResult OnesOp::fold(FoldAdaptor) {
  return foldFill(getType(), Builder(getContext()).getOneAttr(
                                 getType().getElementType()));
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

OpFoldResult BroadcastToOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // broadcast_to(broadcast_to(x, s1), s2) => broadcast_to(x, s2): broadcasting
  // is transitive, and `dims` only describe the outer result.
  if (auto inner = getInput().getDefiningOp<BroadcastToOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return {};
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // Row-major reshapes compose: only the final shape matters.
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    if (getType().hasStaticShape())
      return dense.reshape(getType());
  return {};
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> perm = getPermutation();
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return getInput();
  // transpose(transpose(x, p), q) => transpose(x, [p[q[i]] for i]).
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    ArrayRef<int64_t> innerPerm = inner.getPermutation();
    SmallVector<int64_t> composed = llvm::map_to_vector(
        perm, [&](int64_t dim) { return innerPerm[dim]; });
    if (llvm::equal(composed, llvm::seq<int64_t>(0, composed.size())))
      return inner.getInput();
    getInputMutable().assign(inner.getInput());
    setPermutation(composed);
    return getResult();
  }
  return {};
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  // x[0:end:1, ...] => x.
  RankedTensorType type = getInput().getType();
  if (type != getType())
    return {};
  for (int64_t i = 0, e = type.getRank(); i < e; ++i) {
    int64_t stop = getStops()[i];
    bool toEnd = ShapedType::isDynamic(stop) ||
                 (!type.isDynamicDim(i) && stop == type.getDimSize(i));
    if (getStarts()[i] != 0 || getSteps()[i] != 1 || !toEnd)
      return {};
  }
  return getInput();
}
