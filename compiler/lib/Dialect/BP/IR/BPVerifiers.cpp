//===- BPVerifiers.cpp - Invariants of bp ops -----------------------------===//
//
// Each shape-changing op recomputes its result shape with the rules of
// BPShapes.h and compares; messages print whole types so that the tracer
// bug (or user error) behind a failure is visible from the message alone.
//
//===----------------------------------------------------------------------===//

#include "bpc/Dialect/BP/IR/BPOps.h"
#include "bpc/Dialect/BP/IR/BPShapes.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace bpc::bp;

static RankedTensorType tensorType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// Checks that `result` has `shape`, naming the rule that produced `shape`.
static LogicalResult verifyResultShape(Operation *op, RankedTensorType result,
                                       ArrayRef<int64_t> shape,
                                       StringRef rule) {
  if (result.getShape() == shape)
    return success();
  return op->emitOpError() << "result type " << result << " does not match "
                           << rule << " "
                           << result.clone(shape);
}

/// Checks that `from` broadcasts to `to` (NumPy broadcast_to); `?` matches
/// anything because its size is only known at run time.
static LogicalResult verifyBroadcastsTo(Operation *op, RankedTensorType from,
                                        ArrayRef<int64_t> to, StringRef what) {
  ArrayRef<int64_t> shape = from.getShape();
  if (shape.size() > to.size())
    return op->emitOpError() << what << " " << from << " has more dimensions"
                             << " than the target shape (rank " << to.size()
                             << ")";
  ArrayRef<int64_t> aligned = to.take_back(shape.size());
  for (auto [i, size, target] : llvm::enumerate(shape, aligned)) {
    if (size == 1 || ShapedType::isDynamic(size) ||
        ShapedType::isDynamic(target) || size == target)
      continue;
    return op->emitOpError() << "dimension " << i << " of " << what << " "
                             << from << " has size " << size
                             << " and cannot broadcast to size " << target;
  }
  return success();
}

static bool isSameElementType(Value a, Value b) {
  return tensorType(a).getElementType() == tensorType(b).getElementType();
}

static LogicalResult verifySameElementType(Operation *op, Value a, Value b) {
  if (isSameElementType(a, b))
    return success();
  return op->emitOpError() << "element types differ: " << a.getType()
                           << " and " << b.getType();
}

//===----------------------------------------------------------------------===//
// Family verifiers (called from the ODS base classes)
//===----------------------------------------------------------------------===//

LogicalResult bpc::bp::verifyElementwise(Operation *op, ValueRange values,
                                         Type resultElementType) {
  for (Value value : values.drop_front())
    if (!isSameElementType(values.front(), value))
      return op->emitOpError()
             << "operand element types differ (" << values.front().getType()
             << " and " << value.getType()
             << "); the tracer must insert bp.cast to promote";
  RankedTensorType result = tensorType(op->getResult(0));
  if (result.getElementType() != resultElementType)
    return op->emitOpError() << "result element type "
                             << result.getElementType() << " must be "
                             << resultElementType;

  SmallVector<int64_t> shape;
  for (Value operand : op->getOperands()) {
    SmallVector<int64_t> next;
    if (failed(broadcastShapes(shape, tensorType(operand).getShape(), next)))
      return op->emitOpError()
             << "operand shapes do not broadcast: " << op->getOperandTypes();
    shape = std::move(next);
  }
  return verifyResultShape(op, result, shape, "the broadcast shape");
}

LogicalResult bpc::bp::verifyReduction(Operation *op, ArrayRef<int64_t> axes,
                                       bool keepDims, bool sameElementType) {
  Value input = op->getOperand(0), result = op->getResult(0);
  SmallVector<int64_t> shape;
  if (failed(reductionShape(tensorType(input).getShape(), axes, keepDims,
                            shape, [&] { return op->emitOpError(); })))
    return failure();
  if (sameElementType && failed(verifySameElementType(op, input, result)))
    return failure();
  return verifyResultShape(op, tensorType(result), shape, "the reduced shape");
}

LogicalResult bpc::bp::verifyDynamicDims(Operation *op, RankedTensorType type,
                                         size_t numDims) {
  if (static_cast<size_t>(type.getNumDynamicDims()) == numDims)
    return success();
  return op->emitOpError() << "has " << numDims << " dims operands but "
                           << type << " has " << type.getNumDynamicDims()
                           << " '?' dimensions";
}

//===----------------------------------------------------------------------===//
// Values, constants and Variables
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  if (getValue().getType() != getType())
    return emitOpError() << "value type " << getValue().getType()
                         << " differs from the result type " << getType();
  return success();
}

LogicalResult GlobalOp::verify() {
  if (!isa<DenseElementsAttr, DenseResourceElementsAttr>(getValue()))
    return emitOpError() << "value must be dense<...> or dense_resource<...>";
  // Dense attributes always have static shapes; only the element type is
  // left to check.
  Type element = getValue().getElementType();
  if (!element.isF32() && !element.isF64() && !element.isSignlessInteger(1) &&
      !element.isSignlessInteger(32) && !element.isSignlessInteger(64))
    return emitOpError() << "element type " << element
                         << " is not one of f32, f64, i32, i64, i1";
  return success();
}

LogicalResult FrozenOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto global =
      symbolTable.lookupNearestSymbolFrom<GlobalOp>(*this, getGlobalAttr());
  if (!global)
    return emitOpError() << "refers to " << getGlobalAttr()
                         << ", which is not a bp.global";
  if (global.getValue().getType() != getType())
    return emitOpError() << "result type " << getType()
                         << " differs from the type "
                         << global.getValue().getType() << " of "
                         << getGlobalAttr();
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise ops outside the binary family
//===----------------------------------------------------------------------===//

LogicalResult CmpOp::verify() {
  return verifyElementwise(*this, {getLhs(), getRhs()},
                           IntegerType::get(getContext(), 1));
}

LogicalResult WhereOp::verify() {
  return verifyElementwise(*this, {getTrueValue(), getFalseValue()},
                           getTrueValue().getType().getElementType());
}

LogicalResult CastOp::verify() {
  if (getInput().getType().getShape() != getType().getShape())
    return emitOpError() << "changes the shape from " << getInput().getType()
                         << " to " << getType()
                         << "; only the element type may change";
  return success();
}

//===----------------------------------------------------------------------===//
// bp.matmul
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::verify() {
  if (failed(verifySameElementType(*this, getLhs(), getRhs())) ||
      failed(verifySameElementType(*this, getLhs(), getResult())))
    return failure();
  SmallVector<int64_t> shape;
  if (failed(matmulShape(getLhs().getType(), getRhs().getType(), shape,
                         [&] { return emitOpError(); })))
    return failure();
  return verifyResultShape(*this, getType(), shape, "the matmul shape");
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

LogicalResult DimOp::verify() {
  int64_t rank = getInput().getType().getRank();
  if (getAxis() < 0 || getAxis() >= rank)
    return emitOpError() << "axis " << getAxis() << " is out of range for "
                         << getInput().getType();
  return success();
}

LogicalResult BroadcastToOp::verify() {
  if (failed(verifySameElementType(*this, getInput(), getResult())) ||
      failed(verifyDynamicDims(*this, getType(), getDims().size())))
    return failure();
  return verifyBroadcastsTo(*this, getInput().getType(), getType().getShape(),
                            "input");
}

LogicalResult ReshapeOp::verify() {
  if (failed(verifySameElementType(*this, getInput(), getResult())))
    return failure();
  RankedTensorType input = getInput().getType(), result = getType();
  if (result.getNumDynamicDims() > 1)
    return emitOpError() << "result " << result
                         << " may have at most one '?' dimension (the "
                         << "inferred one)";
  if (!input.hasStaticShape())
    return success(); // Element counts are checked at run time.
  int64_t count = input.getNumElements();
  int64_t known = 1;
  for (int64_t size : result.getShape())
    if (!ShapedType::isDynamic(size))
      known *= size;
  bool fits = result.hasStaticShape() ? known == count
                                      : known != 0 && count % known == 0;
  if (!fits)
    return emitOpError() << "cannot reshape " << input << " (" << count
                         << " elements) into " << result;
  return success();
}

LogicalResult TransposeOp::verify() {
  if (failed(verifySameElementType(*this, getInput(), getResult())))
    return failure();
  ArrayRef<int64_t> perm = getPermutation();
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if (!llvm::equal(sorted, llvm::seq<int64_t>(0, shape.size())))
    return emitOpError() << "[" << perm << "] is not a permutation of the "
                         << shape.size() << " dimensions of "
                         << getInput().getType();
  SmallVector<int64_t> permuted =
      llvm::map_to_vector(perm, [&](int64_t dim) { return shape[dim]; });
  return verifyResultShape(*this, getType(), permuted, "the permuted shape");
}

/// Checks normalised slice bounds against `source` and computes the shape of
/// the slice.
static LogicalResult verifySliceBounds(Operation *op, RankedTensorType source,
                                       ArrayRef<int64_t> starts,
                                       ArrayRef<int64_t> stops,
                                       ArrayRef<int64_t> steps,
                                       SmallVectorImpl<int64_t> &shape) {
  int64_t rank = source.getRank();
  if (static_cast<int64_t>(starts.size()) != rank ||
      stops.size() != starts.size() || steps.size() != starts.size())
    return op->emitOpError() << "needs one start:stop:step per dimension of "
                             << source;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t size = source.getDimSize(i);
    int64_t start = starts[i], stop = stops[i], step = steps[i];
    if (step < 1)
      return op->emitOpError() << "step of dimension " << i
                               << " must be >= 1, got " << step;
    if (start < 0 || (!ShapedType::isDynamic(stop) && stop < start))
      return op->emitOpError() << "bounds " << start << ":" << stop
                               << " of dimension " << i
                               << " are not normalised (0 <= start <= stop)";
    bool staticSize = !ShapedType::isDynamic(size);
    if (staticSize &&
        (start > size || (!ShapedType::isDynamic(stop) && stop > size)))
      return op->emitOpError() << "bounds of dimension " << i
                               << " exceed its size " << size << " in "
                               << source;
    shape.push_back(sliceSize(size, start, stop, step));
  }
  return success();
}

LogicalResult SliceOp::verify() {
  SmallVector<int64_t> shape;
  if (failed(verifySameElementType(*this, getInput(), getResult())) ||
      failed(verifySliceBounds(*this, getInput().getType(), getStarts(),
                               getStops(), getSteps(), shape)))
    return failure();
  return verifyResultShape(*this, getType(), shape, "the slice shape");
}

LogicalResult UpdateSliceOp::verify() {
  SmallVector<int64_t> shape;
  if (failed(verifySameElementType(*this, getUpdate(), getDest())) ||
      failed(verifySliceBounds(*this, getDest().getType(), getStarts(),
                               getStops(), getSteps(), shape)))
    return failure();
  return verifyBroadcastsTo(*this, getUpdate().getType(), shape, "update");
}

/// Checks integer indices against `source` and computes the shape of what
/// they select (the source without the indexed axes).
static LogicalResult verifyIndices(Operation *op, RankedTensorType source,
                                   size_t numIndices, ArrayRef<int64_t> axes,
                                   SmallVectorImpl<int64_t> &shape) {
  if (numIndices == 0 || numIndices != axes.size())
    return op->emitOpError() << "needs one axis per index, got " << numIndices
                             << " indices and axes [" << axes << "]";
  return reductionShape(source.getShape(), axes, /*keepDims=*/false, shape,
                        [&] { return op->emitOpError(); });
}

LogicalResult IndexOp::verify() {
  SmallVector<int64_t> shape;
  if (failed(verifySameElementType(*this, getInput(), getResult())) ||
      failed(verifyIndices(*this, getInput().getType(), getIndices().size(),
                           getAxes(), shape)))
    return failure();
  return verifyResultShape(*this, getType(), shape, "the indexed shape");
}

LogicalResult UpdateIndexOp::verify() {
  SmallVector<int64_t> shape;
  if (failed(verifySameElementType(*this, getUpdate(), getDest())) ||
      failed(verifyIndices(*this, getDest().getType(), getIndices().size(),
                           getAxes(), shape)))
    return failure();
  return verifyBroadcastsTo(*this, getUpdate().getType(), shape, "update");
}

LogicalResult ConcatenateOp::verify() {
  if (getInputs().empty())
    return emitOpError() << "needs at least one input";
  RankedTensorType first = tensorType(getInputs().front());
  int64_t rank = first.getRank(), axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError() << "axis " << axis << " is out of range for rank "
                         << rank;
  // Along `axis` sizes add up; elsewhere the inputs must agree, and a static
  // size anywhere fixes the result's.
  SmallVector<int64_t> shape(rank, ShapedType::kDynamic);
  shape[axis] = 0;
  for (Value input : getInputs()) {
    RankedTensorType type = tensorType(input);
    if (type.getRank() != rank ||
        type.getElementType() != first.getElementType())
      return emitOpError() << "inputs " << first << " and " << type
                           << " differ in rank or element type";
    for (int64_t d = 0; d < rank; ++d) {
      int64_t size = type.getDimSize(d);
      if (d == axis) {
        bool dynamic =
            ShapedType::isDynamic(size) || ShapedType::isDynamic(shape[d]);
        shape[d] = dynamic ? ShapedType::kDynamic : shape[d] + size;
      } else if (!ShapedType::isDynamic(size)) {
        if (!ShapedType::isDynamic(shape[d]) && shape[d] != size)
          return emitOpError() << "inputs disagree on dimension " << d << ": "
                               << shape[d] << " and " << size;
        shape[d] = size;
      }
    }
  }
  if (failed(verifySameElementType(*this, getInputs().front(), getResult())))
    return failure();
  return verifyResultShape(*this, getType(), shape, "the concatenated shape");
}

//===----------------------------------------------------------------------===//
// Creation ops
//===----------------------------------------------------------------------===//

LogicalResult FullOp::verify() {
  if (failed(verifySameElementType(*this, getValue(), getResult())))
    return failure();
  return verifyDynamicDims(*this, getType(), getDims().size());
}

/// Checks that `type` is static with the given rank.
static LogicalResult verifyStaticRank(Operation *op, RankedTensorType type,
                                      int64_t rank) {
  if (type.getRank() == rank && type.hasStaticShape())
    return success();
  return op->emitOpError() << "result must be a static " << rank
                           << "-D tensor, got " << type;
}

LogicalResult ArangeOp::verify() {
  if (getStep().isZero())
    return emitOpError() << "step must not be zero";
  return verifyStaticRank(*this, getType(), 1);
}

LogicalResult LinspaceOp::verify() {
  return verifyStaticRank(*this, getType(), 1);
}

LogicalResult EyeOp::verify() { return verifyStaticRank(*this, getType(), 2); }
