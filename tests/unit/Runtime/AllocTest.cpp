//===- AllocTest.cpp - The block cache of kernel temporaries --------------===//
//
// runtime/lib/Alloc.cpp keeps freed large blocks per thread and hands them
// to the next allocation they fit: at least the size asked and at most
// twice it. Small blocks and other threads' blocks are never handed out.
//
//===----------------------------------------------------------------------===//

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <thread>

extern "C" void *_mlir_memref_to_llvm_alloc(size_t size);
extern "C" void _mlir_memref_to_llvm_free(void *ptr);

TEST_CASE("runtime alloc: a freed large block is reused by the next allocation it fits") {
  const size_t large = 800 * 1000;
  auto *block = static_cast<char *>(_mlir_memref_to_llvm_alloc(large));
  REQUIRE(block);
  std::memset(block, 1, large); // the whole size is usable
  _mlir_memref_to_llvm_free(block);

  // Another thread has a cache of its own: it does not get this block.
  void *elsewhere = nullptr;
  std::thread([&] {
    elsewhere = _mlir_memref_to_llvm_alloc(large);
    std::memset(elsewhere, 2, large);
    _mlir_memref_to_llvm_free(elsewhere);
  }).join();
  CHECK(elsewhere != block);

  // Less than half the block: a fresh allocation, the block stays cached.
  void *small = _mlir_memref_to_llvm_alloc(large / 2 - 1);
  CHECK(small != block);
  // Up to the block's size: the block itself.
  void *again = _mlir_memref_to_llvm_alloc(large - 100);
  CHECK(again == block);
  // The block is taken: the next one is fresh.
  void *other = _mlir_memref_to_llvm_alloc(large - 100);
  CHECK(other != block);
  _mlir_memref_to_llvm_free(other);
  _mlir_memref_to_llvm_free(again);
  _mlir_memref_to_llvm_free(small);
  // More than the block holds: not the block.
  void *bigger = _mlir_memref_to_llvm_alloc(large + 1);
  CHECK(bigger != block);
  _mlir_memref_to_llvm_free(bigger);
  _mlir_memref_to_llvm_free(nullptr); // ignored, like free(NULL)
}

TEST_CASE("runtime alloc: small blocks go to malloc, usable in full and 16-byte aligned") {
  const size_t size = 4096;
  auto *a = static_cast<char *>(_mlir_memref_to_llvm_alloc(size));
  auto *b = static_cast<char *>(_mlir_memref_to_llvm_alloc(size));
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a != b);
  std::memset(a, 3, size);
  std::memset(b, 4, size);
  CHECK(a[size - 1] == 3);
  _mlir_memref_to_llvm_free(a);
  _mlir_memref_to_llvm_free(b);
  CHECK(reinterpret_cast<uintptr_t>(a) % 16 == 0); // malloc's alignment kept
}
