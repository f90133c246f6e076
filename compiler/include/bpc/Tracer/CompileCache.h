//===- CompileCache.h - The on-disk cache of compiled kernels ---*- C++ -*-===//
//
// `bpc run` compiles every eager op and every jit specialisation into a
// small host object. This cache keeps those objects between runs, so that a
// script that did not change compiles nothing the second time.
//
// An entry is one file, `<dir>/<32 hex digits>.bpk`, named by a 128-bit hash
// of the module's printed IR and of everything else the code depends on (the
// bpc and LLVM builds, the host triple, CPU and features: the "salt"). The
// file is a 64-byte header (magic, format version, the key, the payload's
// size and checksum) followed by the payload, which the cache does not
// interpret.
//
// Concurrent runs are safe: a writer writes a temporary file in the same
// directory and renames it over the entry (atomic on POSIX), and a reader
// that finds an entry missing, truncated, corrupt or written for another key
// treats it as a miss and compiles. Reading an entry refreshes its mtime;
// when the directory grows past its bound, the entries used least recently
// (oldest mtime) are removed.
//
// Environment: BPC_CACHE_DIR (an empty value disables the cache), else
// $XDG_CACHE_HOME/bpc, else ~/.cache/bpc; BPC_NO_CACHE=1 disables it;
// BPC_CACHE_MAX_MB bounds its size (512 by default).
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TRACER_COMPILECACHE_H
#define BPC_TRACER_COMPILECACHE_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace bpc::tracer {

/// A 128-bit cache key.
struct CacheKey {
  uint64_t high = 0, low = 0;
  /// 32 lowercase hex digits: the entry's file name.
  std::string hex() const;
  bool operator==(const CacheKey &o) const { return high == o.high && low == o.low; }
  bool operator!=(const CacheKey &o) const { return !(*this == o); }
};

class CompileCache {
public:
  struct Config {
    std::string directory;
    uint64_t maxBytes = 512ull << 20;
  };
  /// Where the environment puts the cache; nullopt when it is disabled.
  static std::optional<Config> configFromEnvironment();

  /// The key of `text` (a module's printed IR) under `salt` (what else the
  /// compiled code depends on). The two are hashed with a separator between
  /// them, so no (text, salt) pair collides with another by concatenation.
  static CacheKey makeKey(llvm::StringRef text, llvm::StringRef salt);

  /// What identifies this build of the compiler and the libraries it runs
  /// on: the GNU build ids of the program and of the loaded libLLVM/libMLIR
  /// (falling back to their paths, sizes and mtimes), and LLVM's version.
  static const std::string &buildIdentity();

  explicit CompileCache(Config config);

  /// The payload stored under `key`, or nullopt if there is none or the
  /// entry is unreadable, truncated, corrupt or for another key (a corrupt
  /// entry is removed). A hit makes the entry the most recently used.
  std::optional<std::string> load(const CacheKey &key);
  /// Stores `payload` under `key` atomically; false (and nothing changed) if
  /// the directory cannot be written. May evict old entries afterwards.
  bool store(const CacheKey &key, llvm::StringRef payload);
  /// Removes the least recently used entries until the entries total at
  /// most `targetBytes`, and temporary files that crashed writers left.
  void evict(uint64_t targetBytes);

  /// The path of `key`'s entry.
  std::string entryPath(const CacheKey &key) const;
  const Config &config() const { return cfg; }

  struct Stats {
    unsigned hits = 0, misses = 0, stores = 0, corrupt = 0, evicted = 0;
  };
  const Stats &stats() const { return counters; }

  /// The entry format (exposed for tests).
  static constexpr size_t kHeaderSize = 64;
  static constexpr uint32_t kFormatVersion = 1;

private:
  Config cfg;
  Stats counters;
  /// The entries' total size as of the last scan plus what this process
  /// stored since; unknown until the first store.
  std::optional<uint64_t> knownBytes;
};

} // namespace bpc::tracer

#endif // BPC_TRACER_COMPILECACHE_H
