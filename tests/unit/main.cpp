#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"

#include <cstdlib>

int main(int argc, char **argv) {
  // Kernels that the tests compile go into a disk cache of their own, removed
  // at the end, not into the user's ~/.cache/bpc.
  llvm::SmallString<128> cacheDir;
  bool ownCache = !std::getenv("BPC_CACHE_DIR") &&
                  !llvm::sys::fs::createUniqueDirectory("bpc-unit-tests-cache", cacheDir);
  if (ownCache)
    ::setenv("BPC_CACHE_DIR", cacheDir.c_str(), 1);
  int status = doctest::Context(argc, argv).run();
  if (ownCache)
    llvm::sys::fs::remove_directories(cacheDir);
  return status;
}
