//===- Context.h - bpc runtime: the model instance --------------*- C++ -*-===//
//
// The definition behind the opaque `bpc_ctx` of runtime.h, shared by the
// translation units that implement its entry points (Context.cpp, Call.cpp,
// StateFile.cpp). All mutable state of a model instance lives here, which is
// what lets independent contexts run on different threads.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_RUNTIME_LIB_CONTEXT_H
#define BPC_RUNTIME_LIB_CONTEXT_H

#include "Support.h"

#include <new>
#include <string>
#include <unordered_map>
#include <vector>

/// A result buffer the context allocated for a caller that passed NULL data.
struct bpc_owned_result {
  bpc::rt::Buffer buffer;
  size_t capacity = 0;
};

struct bpc_ctx {
  const bpc_model_desc *model = nullptr;
  /// One buffer per model Variable, in model order.
  std::vector<bpc::rt::Buffer> vars;
  std::vector<size_t> varBytes;
  std::unordered_map<std::string, int32_t> varIndex;
  /// Per function, per result.
  std::vector<std::vector<bpc_owned_result>> ownedResults;
  std::string lastError;

  /// Scratch for bpc_ctx_call, kept so that a call allocates nothing once
  /// the first call of the largest function has sized them.
  std::vector<void *> argPtrs, varPtrs, resultPtrs;
  std::vector<size_t> argBytes, resultBytes;
  std::vector<int64_t> symbols;
  std::vector<int32_t> symbolArg, symbolDim;
  std::vector<bpc::rt::Buffer> pendingResults;

  /// Records `message` as the last error and returns `status`.
  bpc_status fail(bpc_status status, std::string message) noexcept {
    lastError.swap(message);
    return status;
  }

  /// Records "<entry>: <what>" without letting a failed allocation escape;
  /// used where memory has already run out.
  void failQuietly(const char *entry, const char *what) noexcept {
    try {
      lastError.assign(entry);
      lastError += ": ";
      lastError += what;
    } catch (...) {
      lastError.clear();
    }
  }

  /// The index of Variable `name`, or -1 with an error recorded.
  int32_t findVar(const char *name, const char *entry);
};

namespace bpc::rt {

/// Runs `body` (returning bpc_status), turning any exception into
/// BPC_ERR_INTERNAL so that none crosses the C ABI.
template <typename Body>
bpc_status guarded(bpc_ctx *ctx, const char *entry, Body &&body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    if (ctx)
      ctx->failQuietly(entry, "out of memory");
  } catch (...) {
    if (ctx)
      ctx->failQuietly(entry, "internal error");
  }
  return BPC_ERR_INTERNAL;
}

} // namespace bpc::rt

#endif // BPC_RUNTIME_LIB_CONTEXT_H
