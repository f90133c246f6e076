//===- CacheTestSupport.h - Temporary directories and environment for tests -===//

#ifndef BPC_TESTS_UNIT_TRACER_CACHETESTSUPPORT_H
#define BPC_TESTS_UNIT_TRACER_CACHETESTSUPPORT_H

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>

namespace bpc::test {

/// A fresh directory, removed with everything in it at the end of the test.
struct TempDir {
  TempDir() {
    llvm::SmallString<128> p;
    REQUIRE(!llvm::sys::fs::createUniqueDirectory("bpc-cache-test", p));
    path = p.str().str();
  }
  ~TempDir() { llvm::sys::fs::remove_directories(path); }
  std::string sub(llvm::StringRef name) const {
    llvm::SmallString<128> p(path);
    llvm::sys::path::append(p, name);
    return p.str().str();
  }
  std::string path;
};

/// Sets environment variables for one scope and restores them after.
struct ScopedEnv {
  void set(const char *name, const char *value) {
    if (!saved.count(name)) {
      const char *old = std::getenv(name);
      saved[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    for (auto &[name, value] : saved)
      if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
      else
        ::unsetenv(name.c_str());
  }
  std::map<std::string, std::optional<std::string>> saved;
};

inline std::string readFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  REQUIRE(buffer);
  return (*buffer)->getBuffer().str();
}

inline void writeFile(const std::string &path, llvm::StringRef bytes) {
  std::ofstream os(path, std::ios::binary | std::ios::trunc);
  os.write(bytes.data(), bytes.size());
}

/// Sets a file's mtime to `seconds` after the epoch.
inline void setMTime(const std::string &path, long seconds) {
  struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

} // namespace bpc::test

#endif // BPC_TESTS_UNIT_TRACER_CACHETESTSUPPORT_H
