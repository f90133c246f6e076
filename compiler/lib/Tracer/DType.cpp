//===- DType.cpp - Array element types and JAX's promotion rules ----------===//

#include "bpc/Tracer/DType.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringSwitch.h"

using namespace bpc::tracer;

namespace {
/// Kinds ordered as JAX's lattice: a higher kind wins regardless of weakness.
int kindRank(DType t) { return t == DType::Bool ? 0 : isInteger(t) ? 1 : 2; }
int widthRank(DType t) { return t == DType::I64 || t == DType::F64 ? 1 : 0; }
} // namespace

TypeClass bpc::tracer::promoteTypes(TypeClass a, TypeClass b) {
  if (a.dtype == b.dtype)
    return {a.dtype, a.weak && b.weak};
  int ka = kindRank(a.dtype), kb = kindRank(b.dtype);
  if (ka != kb) {
    // The higher kind decides; a weak scalar of a higher kind becomes that
    // kind's default type (i32 array * 0.37 -> f32), a strong one keeps its own.
    const TypeClass &hi = ka > kb ? a : b;
    if (!hi.weak)
      return {hi.dtype, false};
    return {kindRank(hi.dtype) == 2 ? DType::F32 : DType::I32, a.weak && b.weak};
  }
  // Same kind, different width: a weak side adopts the strong side's type.
  if (a.weak != b.weak)
    return {a.weak ? b.dtype : a.dtype, false};
  return {widthRank(a.dtype) >= widthRank(b.dtype) ? a.dtype : b.dtype, a.weak};
}

bool bpc::tracer::isFloat(DType t) { return t == DType::F32 || t == DType::F64; }
bool bpc::tracer::isInteger(DType t) { return t == DType::I32 || t == DType::I64; }

size_t bpc::tracer::byteWidth(DType t) {
  switch (t) {
  case DType::Bool: return 1;
  case DType::I32:
  case DType::F32: return 4;
  case DType::I64:
  case DType::F64: return 8;
  }
  return 8;
}

llvm::StringRef bpc::tracer::dtypeName(DType t) {
  switch (t) {
  case DType::Bool: return "bool";
  case DType::I32: return "int32";
  case DType::I64: return "int64";
  case DType::F32: return "float32";
  case DType::F64: return "float64";
  }
  return "?";
}

std::optional<DType> bpc::tracer::dtypeFromName(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<DType>>(name)
      .Cases("bool", "bool_", DType::Bool)
      .Case("int32", DType::I32)
      .Case("int64", DType::I64)
      .Case("float32", DType::F32)
      .Case("float64", DType::F64)
      .Default(std::nullopt);
}

std::optional<DType> bpc::tracer::dtypeFromShortName(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<DType>>(name)
      .Case("bool", DType::Bool)
      .Case("i32", DType::I32)
      .Case("i64", DType::I64)
      .Case("f32", DType::F32)
      .Case("f64", DType::F64)
      .Default(std::nullopt);
}

mlir::Type bpc::tracer::toMLIRType(mlir::MLIRContext *ctx, DType t) {
  switch (t) {
  case DType::Bool: return mlir::IntegerType::get(ctx, 1);
  case DType::I32: return mlir::IntegerType::get(ctx, 32);
  case DType::I64: return mlir::IntegerType::get(ctx, 64);
  case DType::F32: return mlir::Float32Type::get(ctx);
  case DType::F64: return mlir::Float64Type::get(ctx);
  }
  return {};
}

std::optional<DType> bpc::tracer::fromMLIRType(mlir::Type t) {
  if (t.isF32()) return DType::F32;
  if (t.isF64()) return DType::F64;
  if (t.isInteger(1)) return DType::Bool;
  if (t.isInteger(32)) return DType::I32;
  if (t.isInteger(64)) return DType::I64;
  return std::nullopt;
}
