//===- BPInterfaces.cpp - Op interfaces of bp and their implementations ---===//
//
// DimSourceOpInterface per op: where each `?` result dimension comes from.
// Every rule mirrors the shape rule of the op's verifier (BPVerifiers.cpp)
// and the sizes its lowering computes, and names a source only where that
// size is exactly one operand dimension.
//
//===----------------------------------------------------------------------===//

#include "bpc/Dialect/BP/IR/BPInterfaces.h"
#include "bpc/Dialect/BP/IR/BPOps.h"

using namespace mlir;
using namespace bpc::bp;

#include "bpc/Dialect/BP/IR/BPInterfaces.cpp.inc"

static RankedTensorType tensorType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

std::optional<DimRef> bpc::bp::getDimOfSize(Value size) {
  if (auto dim = size.getDefiningOp<DimOp>())
    return DimRef{dim.getInput(), dim.getAxis()};
  return std::nullopt;
}

void bpc::bp::getBroadcastDimSources(Value result, unsigned dim,
                                     ValueRange operands,
                                     SmallVectorImpl<DimRef> &sources) {
  int64_t rank = tensorType(result).getRank();
  for (Value operand : operands) {
    auto type = dyn_cast<RankedTensorType>(operand.getType());
    if (!type)
      continue;
    int64_t aligned = static_cast<int64_t>(dim) - (rank - type.getRank());
    if (aligned >= 0 && type.isDynamicDim(aligned))
      sources.push_back({operand, aligned});
  }
}

/// The `?` dimension `dim` of `type` has its size in the `index` operand
/// `sizes[k]`, k counting the `?` dimensions before it (broadcast_to and the
/// fill ops).
static void getSizeOperandSource(RankedTensorType type, unsigned dim,
                                 ValueRange sizes,
                                 SmallVectorImpl<DimRef> &sources) {
  if (!type.isDynamicDim(dim))
    return;
  auto before = type.getShape().take_front(dim);
  size_t k = llvm::count_if(before, ShapedType::isDynamic);
  if (k < sizes.size())
    if (std::optional<DimRef> source = getDimOfSize(sizes[k]))
      sources.push_back(*source);
}

/// The input dimensions that `axes` do not index or reduce, in order.
static SmallVector<int64_t> getKeptDims(int64_t rank, ArrayRef<int64_t> axes) {
  SmallVector<int64_t> kept;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(axes, d))
      kept.push_back(d);
  return kept;
}

/// A reduction keeps the other input dimensions in order; with keepdims the
/// reduced ones stay as static 1s.
static void getReductionDimSources(Value input, ArrayRef<int64_t> axes,
                                   bool keepDims, unsigned dim,
                                   SmallVectorImpl<DimRef> &sources) {
  int64_t rank = tensorType(input).getRank();
  if (keepDims) {
    if (!llvm::is_contained(axes, static_cast<int64_t>(dim)))
      sources.push_back({input, dim});
    return;
  }
  SmallVector<int64_t> kept = getKeptDims(rank, axes);
  if (dim < kept.size())
    sources.push_back({input, kept[dim]});
}

//===----------------------------------------------------------------------===//
// bp.matmul and reductions
//===----------------------------------------------------------------------===//

void MatmulOp::getResultDimSources(unsigned, unsigned dim,
                                   SmallVectorImpl<DimRef> &sources) {
  // The result is (broadcast batch..., m if lhs is a matrix, n if rhs is).
  int64_t lhsRank = getLhs().getType().getRank();
  int64_t rhsRank = getRhs().getType().getRank();
  bool hasM = lhsRank >= 2, hasN = rhsRank >= 2;
  int64_t numBatch = getType().getRank() - hasM - hasN;
  int64_t d = dim;
  if (d < numBatch) {
    for (auto [operand, rank] : {std::pair{getLhs(), lhsRank}, {getRhs(), rhsRank}}) {
      int64_t aligned = d - (numBatch - std::max<int64_t>(rank - 2, 0));
      if (rank >= 2 && aligned >= 0 &&
          tensorType(operand).isDynamicDim(aligned))
        sources.push_back({operand, aligned});
    }
    return;
  }
  if (hasM && d == numBatch)
    sources.push_back({getLhs(), lhsRank - 2});
  else
    sources.push_back({getRhs(), rhsRank - 1});
}

#define BP_REDUCTION_DIM_SOURCES(OP, AXES)                                     \
  void OP::getResultDimSources(unsigned, unsigned dim,                         \
                               SmallVectorImpl<DimRef> &sources) {             \
    getReductionDimSources(getInput(), AXES, getKeepdims(), dim, sources);     \
  }
BP_REDUCTION_DIM_SOURCES(SumOp, getAxes())
BP_REDUCTION_DIM_SOURCES(MeanOp, getAxes())
BP_REDUCTION_DIM_SOURCES(ReduceMaxOp, getAxes())
BP_REDUCTION_DIM_SOURCES(ReduceMinOp, getAxes())
BP_REDUCTION_DIM_SOURCES(ArgMaxOp, ArrayRef<int64_t>{getAxis()})
BP_REDUCTION_DIM_SOURCES(ArgMinOp, ArrayRef<int64_t>{getAxis()})
#undef BP_REDUCTION_DIM_SOURCES

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

void BroadcastToOp::getResultDimSources(unsigned, unsigned dim,
                                        SmallVectorImpl<DimRef> &sources) {
  // Only `dims` is authoritative: an input `?` aligned with `dim` may be a 1
  // that broadcasts.
  getSizeOperandSource(getType(), dim, getDims(), sources);
}

void ReshapeOp::getResultDimSources(unsigned, unsigned dim,
                                    SmallVectorImpl<DimRef> &sources) {
  // The inferred size is count / (product of the result's static sizes). It
  // is the input's only `?` size when the static sizes around both multiply
  // to the same non-zero number (`?x10 -> ?x2x5`, not `?x10 -> ?x5`).
  RankedTensorType input = getInput().getType(), result = getType();
  if (!result.isDynamicDim(dim) || input.getNumDynamicDims() != 1)
    return;
  auto staticProduct = [](ArrayRef<int64_t> shape) {
    int64_t product = 1;
    for (int64_t size : shape)
      if (!ShapedType::isDynamic(size))
        product *= size;
    return product;
  };
  int64_t product = staticProduct(input.getShape());
  if (product == 0 || product != staticProduct(result.getShape()))
    return;
  auto dynamicDim = llvm::find_if(input.getShape(), ShapedType::isDynamic);
  sources.push_back({getInput(), dynamicDim - input.getShape().begin()});
}

void TransposeOp::getResultDimSources(unsigned, unsigned dim,
                                      SmallVectorImpl<DimRef> &sources) {
  sources.push_back({getInput(), getPermutation()[dim]});
}

void SliceOp::getResultDimSources(unsigned, unsigned dim,
                                  SmallVectorImpl<DimRef> &sources) {
  // Only the full range `0:?:1` keeps the size; `1:` or `::2` compute one.
  if (getStarts()[dim] == 0 && getSteps()[dim] == 1 &&
      ShapedType::isDynamic(getStops()[dim]))
    sources.push_back({getInput(), dim});
}

void UpdateSliceOp::getResultDimSources(unsigned, unsigned dim,
                                        SmallVectorImpl<DimRef> &sources) {
  sources.push_back({getDest(), dim});
}

void IndexOp::getResultDimSources(unsigned, unsigned dim,
                                  SmallVectorImpl<DimRef> &sources) {
  SmallVector<int64_t> kept =
      getKeptDims(getInput().getType().getRank(), getAxes());
  if (dim < kept.size())
    sources.push_back({getInput(), kept[dim]});
}

void UpdateIndexOp::getResultDimSources(unsigned, unsigned dim,
                                        SmallVectorImpl<DimRef> &sources) {
  sources.push_back({getDest(), dim});
}

void ConcatenateOp::getResultDimSources(unsigned, unsigned dim,
                                        SmallVectorImpl<DimRef> &sources) {
  int64_t d = dim;
  if (d != getAxis()) {
    // The inputs agree off the axis; each `?` there is the same size.
    for (Value input : getInputs())
      if (tensorType(input).isDynamicDim(d))
        sources.push_back({input, d});
    return;
  }
  // Sizes add along the axis: a source only when every other input is
  // statically empty there.
  SmallVector<Value> nonEmpty;
  for (Value input : getInputs())
    if (tensorType(input).getDimSize(d) != 0)
      nonEmpty.push_back(input);
  if (nonEmpty.size() == 1 && tensorType(nonEmpty.front()).isDynamicDim(d))
    sources.push_back({nonEmpty.front(), d});
}

//===----------------------------------------------------------------------===//
// Creation ops
//===----------------------------------------------------------------------===//

void ZerosOp::getResultDimSources(unsigned, unsigned dim,
                                  SmallVectorImpl<DimRef> &sources) {
  getSizeOperandSource(getType(), dim, getDims(), sources);
}

void OnesOp::getResultDimSources(unsigned, unsigned dim,
                                 SmallVectorImpl<DimRef> &sources) {
  getSizeOperandSource(getType(), dim, getDims(), sources);
}

void FullOp::getResultDimSources(unsigned, unsigned dim,
                                 SmallVectorImpl<DimRef> &sources) {
  getSizeOperandSource(getType(), dim, getDims(), sources);
}
