//===- BPShapes.h - NumPy shape rules of the bp dialect ---------*- C++ -*-===//
//
// The result-shape rules of bp ops, shared by the verifiers and the tracer
// (which must build the result types that the verifiers accept). A dynamic
// dimension is mlir::ShapedType::kDynamic.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_DIALECT_BP_IR_BPSHAPES_H
#define BPC_DIALECT_BP_IR_BPSHAPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

namespace bpc::bp {

/// Reports why a shape rule failed; called at most once, only on failure.
using EmitErrorFn = llvm::function_ref<mlir::InFlightDiagnostic()>;

/// NumPy broadcasting of `lhs` and `rhs` into `result`. A `?` against a
/// static size s > 1 gives s (the only size that can broadcast); `?` against
/// `?` gives `?`. Fails only when two static sizes differ and neither is 1.
mlir::LogicalResult broadcastShapes(llvm::ArrayRef<int64_t> lhs,
                                    llvm::ArrayRef<int64_t> rhs,
                                    llvm::SmallVectorImpl<int64_t> &result);

/// The shape of NumPy `matmul(lhs, rhs)`; both ranks must be >= 1.
mlir::LogicalResult matmulShape(mlir::ShapedType lhs, mlir::ShapedType rhs,
                                llvm::SmallVectorImpl<int64_t> &result,
                                EmitErrorFn emitError);

/// The shape of a reduction of `input` over `axes` (ascending, unique).
mlir::LogicalResult reductionShape(llvm::ArrayRef<int64_t> input,
                                   llvm::ArrayRef<int64_t> axes, bool keepDims,
                                   llvm::SmallVectorImpl<int64_t> &result,
                                   EmitErrorFn emitError);

/// Number of elements of a normalised slice `start:stop:step` of a dimension
/// of size `size`; either may be kDynamic (stop: "to the end"), and then the
/// result may be kDynamic too.
int64_t sliceSize(int64_t size, int64_t start, int64_t stop, int64_t step);

} // namespace bpc::bp

#endif // BPC_DIALECT_BP_IR_BPSHAPES_H
