//===- DType.h - Array element types and JAX's promotion rules --*- C++ -*-===//
//
// The five element types of bpc arrays and the one function that decides the
// result type of mixing them (DESIGN.md §2: JAX's rules with 64-bit off,
// Python scalars weakly typed, explicit f64 kept).
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TRACER_DTYPE_H
#define BPC_TRACER_DTYPE_H

#include "mlir/IR/Types.h"
#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <optional>

namespace bpc::tracer {

enum class DType { Bool, I32, I64, F32, F64 };

/// An operand's element type and whether it is weak (a Python scalar, which
/// adopts the other operand's type within its kind).
struct TypeClass {
  DType dtype;
  bool weak = false;
};

/// JAX's lattice restricted to bpc's types, 64-bit off: bool < int < float;
/// a weak operand never widens a strong one of the same or higher kind
/// (i32 array * 0.37 -> f32, f32 array + 1 -> f32, i32 array + 1 -> i32).
/// The result is weak only when both operands are.
TypeClass promoteTypes(TypeClass a, TypeClass b);

bool isFloat(DType t);
bool isInteger(DType t);
size_t byteWidth(DType t);
/// NumPy's name: float32, int32, bool...
llvm::StringRef dtypeName(DType t);
std::optional<DType> dtypeFromName(llvm::StringRef name);
/// The annotation spelling: f32, i32, bool...
std::optional<DType> dtypeFromShortName(llvm::StringRef name);
mlir::Type toMLIRType(mlir::MLIRContext *ctx, DType t);
std::optional<DType> fromMLIRType(mlir::Type t);

} // namespace bpc::tracer

#endif // BPC_TRACER_DTYPE_H
