//===- Alloc.cpp - Temporary buffers of the generated kernels -------------===//
//
// Kernels allocate their temporaries through `_mlir_memref_to_llvm_alloc`
// and free them through `_mlir_memref_to_llvm_free` (bpc-lower-to-llvm runs
// finalize-memref-to-llvm with use-generic-functions). With plain malloc, a
// training step's temporaries (the LinearNet step has two of 800 KB) are
// returned to the kernel at the end of every call -- glibc maps buffers
// this large on their own or trims them off the heap -- and the next call
// takes a page fault for every 4 KB page of them again: that cost the
// LinearNet step more time than its arithmetic. Here each thread keeps a
// few freed large blocks and hands them out again to the next allocation
// they fit, so a function called in a loop reuses the same memory.
//
// The cache is per thread (a context is used by one thread at a time, and
// independent contexts in different threads share nothing), bounded in
// blocks and bytes, and freed when the thread exits. Blocks below
// kMinCached go straight to malloc, whose own free lists serve them well.
//
//===----------------------------------------------------------------------===//

#include <cstddef>
#include <cstdlib>

namespace {

constexpr size_t kMinCached = 64 * 1024;       // smaller blocks: plain malloc
constexpr size_t kMaxCachedBytes = 256u << 20; // per thread
constexpr int kMaxCachedBlocks = 16;           // per thread
constexpr size_t kHeader = 16;                 // keeps malloc's 16-byte alignment

/// The capacity of a block, stored in the header in front of the pointer
/// the kernel sees.
size_t &capacityOf(void *base) { return *static_cast<size_t *>(base); }

struct BlockCache {
  void *blocks[kMaxCachedBlocks];
  int count = 0;
  size_t bytes = 0;

  /// The smallest cached block of at least `size` bytes and at most twice
  /// that (so that a small request does not pin a huge block), or null.
  void *take(size_t size) {
    int best = -1;
    for (int i = 0; i < count; ++i) {
      size_t capacity = capacityOf(blocks[i]);
      if (capacity >= size && capacity / 2 <= size &&
          (best < 0 || capacity < capacityOf(blocks[best])))
        best = i;
    }
    if (best < 0)
      return nullptr;
    void *base = blocks[best];
    blocks[best] = blocks[--count];
    bytes -= capacityOf(base);
    return base;
  }

  /// Keeps `base` for reuse; false if the cache is full.
  bool put(void *base) {
    size_t capacity = capacityOf(base);
    if (count == kMaxCachedBlocks || bytes + capacity > kMaxCachedBytes)
      return false;
    blocks[count++] = base;
    bytes += capacity;
    return true;
  }

  ~BlockCache() {
    for (int i = 0; i < count; ++i)
      std::free(blocks[i]);
  }
};

thread_local BlockCache cache;

} // namespace

extern "C" void *_mlir_memref_to_llvm_alloc(size_t size) {
  void *base = size >= kMinCached ? cache.take(size) : nullptr;
  if (!base) {
    base = std::malloc(kHeader + size);
    if (!base)
      return nullptr;
    capacityOf(base) = size;
  }
  return static_cast<char *>(base) + kHeader;
}

extern "C" void _mlir_memref_to_llvm_free(void *ptr) {
  if (!ptr)
    return;
  void *base = static_cast<char *>(ptr) - kHeader;
  if (capacityOf(base) < kMinCached || !cache.put(base))
    std::free(base);
}
