//===- ArrayOps.h - Emitters of bp ops for array operations -----*- C++ -*-===//
//
// Each emitter applies promotion (DType.h), checks shapes with BPShapes.h and
// raises a script exception (TypeError/ValueError naming both shapes) before
// it creates any op, so a caught error leaves no half-built IR behind.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TRACER_ARRAYOPS_H
#define BPC_TRACER_ARRAYOPS_H

#include "bpc/Tracer/ArrayRuntime.h"

namespace bpc::tracer::ops {

EmitFn binary(ast::BinOpKind op);
EmitFn compare(ast::CmpOpKind op);
enum class Unary { Neg, Not, Exp, Log, Tanh, Sqrt, Abs, Sin, Cos, Sigmoid };
EmitFn unary(Unary op);
EmitFn where();
EmitFn cast(DType to);
/// Sum or mean over `axes` (empty with `all`: every axis).
EmitFn reduce(bool mean, std::vector<int64_t> axes, bool all, bool keepdims);
/// ones/zeros/full of a static shape.
EmitFn fill(double value, DType dtype, std::vector<int64_t> shape);

/// One entry of a normalised subscript: a slice, or an integer index.
struct IndexItem {
  bool isSlice = true;
  int64_t start = 0, stop = 0, step = 1; // slice (stop kDynamic: to the end)
  int64_t index = 0;                     // integer index
};
/// Normalises a Python subscript (int, slice or tuple of them) against `shape`.
std::vector<IndexItem> normaliseIndex(Interp &in, const Value &index,
                                      llvm::ArrayRef<int64_t> shape);
EmitFn getItem(std::vector<IndexItem> items);
/// Operands: dest, update.
EmitFn setItem(std::vector<IndexItem> items);

/// Random numbers (BPRandomOps.td); operand 0 is always a key, i32[2].
/// Rows [first, last) of jax.random.split(key, count): an array of keys
/// [last - first, 2], or the key i32[2] itself when `squeeze` (one row).
EmitFn randomSplit(int64_t count, int64_t first, int64_t last, bool squeeze);
EmitFn randomBits(std::vector<int64_t> shape);
/// Operands: key, minval, maxval (0-d or broadcastable to `shape`).
EmitFn randomUniform(std::vector<int64_t> shape, DType dtype);
EmitFn randomNormal(std::vector<int64_t> shape);
/// Operands: key, minval, maxval; i32 results.
EmitFn randomInt(std::vector<int64_t> shape);

} // namespace bpc::tracer::ops

#endif // BPC_TRACER_ARRAYOPS_H
