//===- VJPBuilder.h - bp op builders for gradient rules ---------*- C++ -*-===//
//
// The gradient rules build many small bp ops whose result types follow from
// their operands (NumPy broadcasting, reductions, slices). This builder
// computes those types with the dialect's own shape rules (BPShapes.h), so
// each rule reads like the formula it implements.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_LIB_DIALECT_BP_TRANSFORMS_VJPBUILDER_H
#define BPC_LIB_DIALECT_BP_TRANSFORMS_VJPBUILDER_H

#include "bpc/Dialect/BP/IR/BPOps.h"

#include "mlir/IR/Builders.h"

namespace bpc::bp {

/// Builds bp ops at one location and insertion point, inferring result
/// types. Values are ranked tensors; "like x" means "of x's exact type, with
/// x's run-time sizes for its `?` dimensions".
class VJPBuilder {
public:
  VJPBuilder(mlir::OpBuilder &builder, mlir::Location loc)
      : builder(builder), loc(loc) {}

  //===--------------------------------------------------------------------===//
  // Constants and creation
  //===--------------------------------------------------------------------===//

  /// A 0-d `bp.constant` of `elementType` (it broadcasts against anything).
  mlir::Value scalar(mlir::Type elementType, double value);
  /// The run-time sizes (`bp.dim`) of the `?` dimensions of `value`, in order.
  llvm::SmallVector<mlir::Value> dynamicDims(mlir::Value value);
  /// `bp.zeros` like `value`.
  mlir::Value zerosLike(mlir::Value value);

  //===--------------------------------------------------------------------===//
  // Elementwise (result shape: the NumPy broadcast of the operands)
  //===--------------------------------------------------------------------===//

  mlir::Value add(mlir::Value lhs, mlir::Value rhs);
  mlir::Value sub(mlir::Value lhs, mlir::Value rhs);
  mlir::Value mul(mlir::Value lhs, mlir::Value rhs);
  mlir::Value div(mlir::Value lhs, mlir::Value rhs);
  mlir::Value floorDiv(mlir::Value lhs, mlir::Value rhs);
  mlir::Value pow(mlir::Value lhs, mlir::Value rhs);
  mlir::Value neg(mlir::Value x);
  mlir::Value log(mlir::Value x);
  mlir::Value sin(mlir::Value x);
  mlir::Value cos(mlir::Value x);
  mlir::Value sqrt(mlir::Value x);
  mlir::Value sinh(mlir::Value x);
  mlir::Value cosh(mlir::Value x);
  mlir::Value cmp(CmpPredicate predicate, mlir::Value lhs, mlir::Value rhs);
  mlir::Value where(mlir::Value condition, mlir::Value ifTrue,
                    mlir::Value ifFalse);
  /// `bp.cast` to `elementType`, same shape.
  mlir::Value cast(mlir::Value x, mlir::Type elementType);

  //===--------------------------------------------------------------------===//
  // Structured and shape ops
  //===--------------------------------------------------------------------===//

  mlir::Value matmul(mlir::Value lhs, mlir::Value rhs);
  /// `bp.sum` over `axes`; `x` itself when `axes` is empty.
  mlir::Value sum(mlir::Value x, llvm::ArrayRef<int64_t> axes, bool keepDims);
  /// Sum over every axis: a 0-d array.
  mlir::Value sumAll(mlir::Value x);
  /// `bp.transpose`; `x` itself for the identity permutation.
  mlir::Value transpose(mlir::Value x, llvm::ArrayRef<int64_t> permutation);
  /// Swaps the last two dimensions (rank >= 2).
  mlir::Value transposeLastTwo(mlir::Value x);
  /// `bp.reshape` to `type` (which has at most one `?` dimension).
  mlir::Value reshape(mlir::Value x, mlir::RankedTensorType type);
  /// `x` with a size-1 dimension inserted before dimension `pos`.
  mlir::Value insertUnitDim(mlir::Value x, int64_t pos);
  /// `x` without its size-1 dimension `pos`.
  mlir::Value dropUnitDim(mlir::Value x, int64_t pos);
  /// `x` given `like`'s type: a `bp.broadcast_to` when the types differ
  /// (also when they differ only in `?` versus a static size, which bp has
  /// no cast for).
  mlir::Value broadcastLike(mlir::Value x, mlir::Value like);

  mlir::Value slice(mlir::Value x, llvm::ArrayRef<int64_t> starts,
                    llvm::ArrayRef<int64_t> stops,
                    llvm::ArrayRef<int64_t> steps);
  mlir::Value updateSlice(mlir::Value update, mlir::Value dest,
                          llvm::ArrayRef<int64_t> starts,
                          llvm::ArrayRef<int64_t> stops,
                          llvm::ArrayRef<int64_t> steps);
  mlir::Value index(mlir::Value x, mlir::ValueRange indices,
                    llvm::ArrayRef<int64_t> axes);
  mlir::Value updateIndex(mlir::Value update, mlir::Value dest,
                          mlir::ValueRange indices,
                          llvm::ArrayRef<int64_t> axes);

  //===--------------------------------------------------------------------===//
  // Undoing broadcasts and reductions
  //===--------------------------------------------------------------------===//

  /// The transpose of NumPy broadcasting `operand` to `ct`'s shape: `ct`
  /// summed over the leading dimensions that `operand` lacks and over the
  /// dimensions where `operand` has a static 1, giving `operand`'s type.
  mlir::Value unbroadcast(mlir::Value ct, mlir::Value operand);
  /// The transpose of reducing `input` over `axes`: `ct` (the reduced shape)
  /// broadcast back to `input`'s type.
  mlir::Value unreduce(mlir::Value ct, mlir::Value input,
                       llvm::ArrayRef<int64_t> axes, bool keepDims);
  /// The number of elements of `input` that a reduction over `axes` combines,
  /// as a 0-d array of `elementType`.
  mlir::Value count(mlir::Value input, llvm::ArrayRef<int64_t> axes,
                    mlir::Type elementType);

  mlir::OpBuilder &getBuilder() { return builder; }
  mlir::Location getLoc() { return loc; }

private:
  template <typename OpTy>
  mlir::Value elementwise(mlir::Value lhs, mlir::Value rhs);
  template <typename OpTy> mlir::Value unary(mlir::Value x);

  mlir::OpBuilder &builder;
  mlir::Location loc;
};

} // namespace bpc::bp

#endif // BPC_LIB_DIALECT_BP_TRANSFORMS_VJPBUILDER_H
