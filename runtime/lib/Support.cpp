//===- Support.cpp - bpc runtime: internal helpers ------------------------===//
//
// Aligned buffers, byte counts, dtype/status names and shape formatting.
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include <cstdarg>
#include <cstdio>
#include <limits>
#include <new>

namespace bpc::rt {

Buffer allocateBuffer(size_t bytes) {
  // aligned_alloc wants a multiple of the alignment; round up, guarding the
  // rounding itself against overflow.
  if (bytes > std::numeric_limits<size_t>::max() - kBufferAlign)
    throw std::bad_alloc();
  size_t rounded = (bytes + kBufferAlign - 1) / kBufferAlign * kBufferAlign;
  if (rounded == 0)
    rounded = kBufferAlign;
  void *p = std::aligned_alloc(kBufferAlign, rounded);
  if (!p)
    throw std::bad_alloc();
  return Buffer(p);
}

bool isValidDtype(int32_t dtype) { return dtype >= BPC_F32 && dtype <= BPC_BOOL; }

bool arrayBytes(bpc_dtype dtype, int32_t rank, const int64_t *shape,
                size_t &bytes) {
  // Cap at INT64_MAX so that byte counts also fit the state file's fields.
  const uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  uint64_t total = static_cast<uint64_t>(bpc_dtype_size(dtype));
  if (total == 0)
    return false;
  for (int32_t i = 0; i < rank; ++i) {
    if (shape[i] < 0)
      return false;
    uint64_t dim = static_cast<uint64_t>(shape[i]);
    if (dim != 0 && total > limit / dim)
      return false;
    total *= dim;
  }
  if (total > std::numeric_limits<size_t>::max())
    return false;
  bytes = static_cast<size_t>(total);
  return true;
}

std::string formatString(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  va_list copy;
  va_copy(copy, ap);
  int n = std::vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  std::string out;
  if (n > 0) {
    out.resize(static_cast<size_t>(n) + 1);
    std::vsnprintf(&out[0], out.size(), fmt, ap);
    out.resize(static_cast<size_t>(n));
  }
  va_end(ap);
  return out;
}

std::string formatShape(int32_t rank, const int64_t *shape) {
  std::string out = "[";
  for (int32_t i = 0; i < rank; ++i) {
    if (i)
      out += ", ";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

std::string formatDeclaredShape(const bpc_arg_desc &arg,
                                const char *const *symbolNames) {
  std::string out = "[";
  for (int32_t i = 0; i < arg.rank; ++i) {
    if (i)
      out += ", ";
    if (arg.dim_symbol[i] >= 0)
      out += symbolNames[arg.dim_symbol[i]];
    else
      out += std::to_string(arg.shape[i]);
  }
  return out + "]";
}

} // namespace bpc::rt

extern "C" {

int32_t bpc_dtype_size(bpc_dtype dtype) {
  switch (dtype) {
  case BPC_F32:
  case BPC_I32:
    return 4;
  case BPC_F64:
  case BPC_I64:
    return 8;
  case BPC_BOOL:
    return 1;
  }
  return 0;
}

const char *bpc_dtype_name(bpc_dtype dtype) {
  switch (dtype) {
  case BPC_F32:
    return "f32";
  case BPC_F64:
    return "f64";
  case BPC_I32:
    return "i32";
  case BPC_I64:
    return "i64";
  case BPC_BOOL:
    return "bool";
  }
  return "?";
}

const char *bpc_status_name(bpc_status status) {
  switch (status) {
  case BPC_OK:
    return "BPC_OK";
  case BPC_ERR_ARG:
    return "BPC_ERR_ARG";
  case BPC_ERR_SHAPE:
    return "BPC_ERR_SHAPE";
  case BPC_ERR_DTYPE:
    return "BPC_ERR_DTYPE";
  case BPC_ERR_IO:
    return "BPC_ERR_IO";
  case BPC_ERR_DEVICE:
    return "BPC_ERR_DEVICE";
  case BPC_ERR_INTERNAL:
    return "BPC_ERR_INTERNAL";
  }
  return "BPC_ERR_?";
}

} // extern "C"
