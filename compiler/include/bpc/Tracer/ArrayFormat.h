//===- ArrayFormat.h - NumPy's and BrainPy's printing of arrays -*- C++ -*-===//
//
// Pure text functions that print a host array the way NumPy (>= 2.3, default
// print options) prints it — `str(x)`, `print(x)` — and the way BrainPy and
// JAX write its repr (DESIGN.md §2: printed arrays match NumPy). Like
// Format.h they know nothing about the interpreter, so unit tests call them
// on plain buffers.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TRACER_ARRAYFORMAT_H
#define BPC_TRACER_ARRAYFORMAT_H

#include "bpc/Tracer/DType.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace bpc::tracer::format {

/// A contiguous row-major host array as the printers read it.
struct ArrayView {
  DType dtype;
  llvm::ArrayRef<int64_t> shape;
  const void *data;
  int64_t numElements() const;
};

/// NumPy's `array2string(a, separator=..., prefix=..., suffix=...)` under the
/// default print options: precision 8, floatmode 'maxprec', threshold 1000
/// (edge items 3), line width 75. `prefix` only indents continuation lines
/// and `suffix` only shortens the last one; neither is part of the result.
std::string array2string(const ArrayView &a, llvm::StringRef separator = " ",
                         llvm::StringRef prefix = "", llvm::StringRef suffix = "");

/// str(a) and print(a): NumPy's array_str; a 0-d array prints as its scalar.
std::string arrayStr(const ArrayView &a);

/// str() of the NumPy scalar of type `dtype` stored at `p`
/// (`np.float32(0.1)` prints `0.1`).
std::string scalarStr(DType dtype, const void *p);

/// repr of a jax.Array holding `a`: `Array([0., 1.], dtype=float32)`.
std::string jaxArrayRepr(const ArrayView &a);

/// repr of a brainpy.math Array, Variable or TrainVar whose class is
/// `className`: BrainPy wraps JAX's repr without its dtype,
/// `Variable(value=Array([0., 0.]), dtype=float32)`.
std::string brainpyArrayRepr(const ArrayView &a, llvm::StringRef className);

} // namespace bpc::tracer::format

#endif // BPC_TRACER_ARRAYFORMAT_H
