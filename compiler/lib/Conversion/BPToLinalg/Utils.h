//===- Utils.h - Shared builders of the bp to linalg lowering ---*- C++ -*-===//
//
// Every elementwise op, broadcast_to and the broadcasting parts of matmul go
// through one broadcasting `linalg.generic` builder, so that NumPy's rules
// live in one place.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_LIB_CONVERSION_BPTOLINALG_UTILS_H
#define BPC_LIB_CONVERSION_BPTOLINALG_UTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace bpc::lowering {

/// Computes the scalar result of one generic iteration from its block
/// arguments (the inputs' elements, then the outputs').
using BodyFn = llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                              mlir::ValueRange)>;

/// The `?` sizes of `resultType`, the NumPy broadcast of `inputs`' shapes,
/// read with `tensor.dim` from the first input whose aligned dimension is `?`.
/// A `?` dimension is assumed not to be 1 at run time (as linalg assumes).
llvm::SmallVector<mlir::Value>
getBroadcastDynamicDims(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType resultType,
                        mlir::ValueRange inputs);

/// The indexing map of an operand of shape `input` broadcast to a result of
/// shape `result`: leading dimensions dropped, static 1s read at index 0.
mlir::AffineMap getBroadcastMap(mlir::MLIRContext *ctx,
                                llvm::ArrayRef<int64_t> input,
                                llvm::ArrayRef<int64_t> result);

/// `tensor.empty` of `type` with `dynDims` for its `?` sizes.
mlir::Value createEmpty(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type, mlir::ValueRange dynDims);

/// `linalg.fill` of `value` into a `tensor.empty` of `type`.
mlir::Value createFilled(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, mlir::ValueRange dynDims,
                         mlir::Value value);

/// An `arith.constant` of `value` converted to the scalar type `type`.
mlir::Value createScalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Type type, double value);

/// One parallel `linalg.generic` over `init`'s shape that reads `inputs`
/// through `inputMaps` (the init's map is the identity) and yields `body`.
mlir::Value buildParallelGeneric(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::ValueRange inputs,
                                 llvm::ArrayRef<mlir::AffineMap> inputMaps,
                                 mlir::Value init, BodyFn body);

/// One parallel `linalg.generic` that broadcasts `inputs` to `init`'s shape
/// and yields `body`.
mlir::Value buildBroadcastGeneric(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::ValueRange inputs, mlir::Value init,
                                  BodyFn body);

/// Computes one element from its indices (`linalg.index` of every loop).
using IndexedBodyFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, llvm::ArrayRef<mlir::Value>)>;

/// A parallel `linalg.generic` without inputs over `init`'s shape whose
/// element is `body` of its indices (arange, eye, gathers).
mlir::Value buildIndexedGeneric(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value init, IndexedBodyFn body);

/// `dest` with the subset `offsets/sizes/strides` (of `dest`'s rank, no rank
/// reduction) overwritten by `update` read through `updateMap` (a map from
/// the subset's dimensions to `update`'s).
///
/// Emitted as a matching `tensor.extract_slice` / `linalg.generic` into it /
/// `tensor.insert_slice` triple: bufferization then writes the update through
/// a subview of `dest`'s own buffer (in place for a Variable) and the
/// insert's copy folds away. Inserting a separately computed tensor would
/// leave a `memref.copy` into a strided subview, which lowers to a call of
/// `memrefCopy` from libmlir_c_runner_utils; neither the JIT nor a built
/// library links it.
mlir::Value insertIntoSubset(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value update, mlir::AffineMap updateMap,
                             mlir::Value dest,
                             llvm::ArrayRef<mlir::OpFoldResult> offsets,
                             llvm::ArrayRef<mlir::OpFoldResult> sizes,
                             llvm::ArrayRef<mlir::OpFoldResult> strides);

/// The static shape that `sizes` give, with `?` for each non-constant size.
llvm::SmallVector<int64_t>
getStaticShape(llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// `buildBroadcastGeneric` into a fresh `tensor.empty` of `resultType`.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType,
                             mlir::ValueRange inputs, BodyFn body);

/// The sizes of all dimensions of `value` (constants for static ones).
llvm::SmallVector<mlir::OpFoldResult> getDims(mlir::OpBuilder &b,
                                              mlir::Location loc,
                                              mlir::Value value);

/// The `?` sizes of `value`, in order.
llvm::SmallVector<mlir::Value> getDynamicDims(mlir::OpBuilder &b,
                                              mlir::Location loc,
                                              mlir::Value value);

/// Converts a scalar between element types with NumPy `astype` semantics.
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, mlir::Type to);

void populateFuncPatterns(mlir::RewritePatternSet &patterns);
void populateElementwisePatterns(mlir::RewritePatternSet &patterns);
void populateStructuredPatterns(mlir::RewritePatternSet &patterns);
/// Also adds populateIndexPatterns's: indexing and concatenation are shape
/// ops too, kept in their own file.
void populateShapePatterns(mlir::RewritePatternSet &patterns);
void populateIndexPatterns(mlir::RewritePatternSet &patterns);
void populateRandomPatterns(mlir::RewritePatternSet &patterns);
void populateControlFlowPatterns(mlir::RewritePatternSet &patterns);

} // namespace bpc::lowering

#endif // BPC_LIB_CONVERSION_BPTOLINALG_UTILS_H
