//===- Support.h - bpc runtime: internal helpers ----------------*- C++ -*-===//
//
// Pieces shared by the runtime's translation units: aligned buffers, element
// counts with overflow checks, and the wording of shapes in error messages.
// Internal: nothing here crosses the C ABI.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_RUNTIME_LIB_SUPPORT_H
#define BPC_RUNTIME_LIB_SUPPORT_H

#include "bpc/model.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

namespace bpc::rt {

/// Alignment of every buffer the runtime allocates: a cache line, and enough
/// for any vector width the CPU code generator may assume.
constexpr size_t kBufferAlign = 64;

struct FreeDeleter {
  void operator()(void *p) const { std::free(p); }
};
using Buffer = std::unique_ptr<void, FreeDeleter>;

/// Allocates `bytes` (at least one cache line, so that empty arrays still get
/// a distinct non-NULL pointer) aligned to kBufferAlign. Throws
/// std::bad_alloc, which every C entry point turns into BPC_ERR_INTERNAL.
Buffer allocateBuffer(size_t bytes);

/// Number of bytes of an array of `dtype` with `shape[0..rank)`, or false if
/// a dimension is negative or the product overflows.
bool arrayBytes(bpc_dtype dtype, int32_t rank, const int64_t *shape,
                size_t &bytes);

bool isValidDtype(int32_t dtype);

/// "[200, 3]".
std::string formatShape(int32_t rank, const int64_t *shape);
/// "[n, 3]": symbolic dimensions by name, as the user wrote them.
std::string formatDeclaredShape(const bpc_arg_desc &arg,
                                const char *const *symbolNames);

/// printf into a std::string.
std::string formatString(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

} // namespace bpc::rt

#endif // BPC_RUNTIME_LIB_SUPPORT_H
