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
enum class Unary {
  Neg, Not, Exp, Log, Tanh, Sqrt, Abs, Sin, Cos, Sigmoid,
  Exp2, Expm1, Log2, Log10, Log1p, Tan, Asin, Acos, Atan, Sinh, Cosh, Asinh, Acosh, Atanh,
  Cbrt,
  // Rounding: an integer or bool operand comes back unchanged (jnp.floor).
  Floor, Ceil, Round, Trunc,
};
EmitFn unary(Unary op);
/// numpy.arctan2(y, x) (operands y, x), float32 for integer operands.
EmitFn atan2();
EmitFn where();
EmitFn cast(DType to);
enum class Reduction { Sum, Mean, Max, Min };
/// A reduction over `axes` (empty with `all`: every axis).
EmitFn reduce(Reduction kind, std::vector<int64_t> axes, bool all, bool keepdims);
/// argmax/argmin over `axis`, or over the flattened array when absent.
EmitFn argReduce(bool max, std::optional<int64_t> axis, bool keepdims);
/// Elementwise maximum/minimum with NumPy broadcasting (NaN propagates).
EmitFn extremum(bool max);
/// Row-major reshape; one entry may be -1 (inferred).
EmitFn reshape(std::vector<int64_t> shape);
/// Permutes axes; an empty `perm` reverses them (`.T`).
EmitFn transpose(std::vector<int64_t> perm);
/// Joins every operand along `axis` (negative counts from the end).
EmitFn concatenate(int64_t axis);
/// Inserts a new axis of size 1 in every operand, then concatenates.
EmitFn stack(int64_t axis);
EmitFn arange(double start, double step, int64_t count, DType dtype);
EmitFn linspace(double start, double stop, int64_t num, bool endpoint, DType dtype);
EmitFn eye(int64_t n, int64_t m, int64_t k, DType dtype);
/// An array of `shape` filled with operand 0 (a number or 0-d array).
EmitFn fullOf(std::vector<int64_t> shape, std::optional<DType> dtype);
/// ones/zeros/full of a static shape.
EmitFn fill(double value, DType dtype, std::vector<int64_t> shape);

/// One entry of a normalised subscript: a slice or an integer index (each
/// consuming one dimension), or a new axis of size 1 (`None`), which
/// consumes none.
struct IndexItem {
  bool isSlice = true;
  bool isNewAxis = false;
  int64_t start = 0, stop = 0, step = 1; // slice (stop kDynamic: to the end)
  int64_t index = 0;                     // integer index
};
/// Normalises a Python subscript (int, slice, None, Ellipsis or a tuple of
/// them) against `shape`: one slice or integer per dimension, in order, with
/// the new axes between them where the subscript put them.
std::vector<IndexItem> normaliseIndex(Interp &in, const Value &index,
                                      llvm::ArrayRef<int64_t> shape);
EmitFn getItem(std::vector<IndexItem> items);
/// Operands: dest, update.
EmitFn setItem(std::vector<IndexItem> items);
/// `x[i, 1:3]` where some indices are traced 0-d integer arrays: operands
/// x, then one index each (array or Python int) for `axes`; `rest` slices
/// the dimensions left.
EmitFn getItemDynamic(std::vector<int64_t> axes, std::vector<IndexItem> rest);
/// `v[i, 1:3] = e` likewise: operands dest, update, then the indices.
EmitFn setItemDynamic(std::vector<int64_t> axes, std::vector<IndexItem> rest);

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

namespace bpc::tracer {
/// A reduction of `x` over `axis` (None, an int or a tuple of ints).
Value reduceArray(ArrayRuntime &rt, ops::Reduction kind, const Value &x,
                  const std::optional<Value> &axis, bool keepdims);
} // namespace bpc::tracer

#endif // BPC_TRACER_ARRAYOPS_H
