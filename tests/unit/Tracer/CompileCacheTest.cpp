//===- CompileCacheTest.cpp - The on-disk kernel cache ---------------------===//
//
// Keys, the entry format, corrupt entries, eviction and the configuration
// from the environment. Nothing here depends on timing: recency is set with
// explicit mtimes.
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/CompileCache.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <doctest/doctest.h>

#include "CacheTestSupport.h"

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

using bpc::tracer::CacheKey;
using bpc::tracer::CompileCache;
namespace fs = llvm::sys::fs;

using namespace bpc::test;

namespace {

CompileCache cacheIn(const TempDir &dir, uint64_t maxBytes = 1 << 20) {
  CompileCache::Config config;
  config.directory = dir.path;
  config.maxBytes = maxBytes;
  return CompileCache(config);
}

} // namespace

TEST_CASE("cache keys are stable and separate text from salt") {
  CacheKey a = CompileCache::makeKey("module {}", "salt");
  CHECK(a == CompileCache::makeKey("module {}", "salt"));
  // A fixed value: keys must not change between builds of the same format,
  // or every user's cache would be invalidated silently.
  CHECK(a.hex() == "ccca53cadbbc3577011bdab8a33e825c");
  CHECK(a.hex().size() == 32);
  CHECK(a != CompileCache::makeKey("module {} ", "salt"));
  CHECK(a != CompileCache::makeKey("module {}", "salt2"));
  // Moving bytes between the text and the salt changes the key.
  CHECK(CompileCache::makeKey("ab", "c") != CompileCache::makeKey("a", "bc"));
  CHECK(CompileCache::makeKey("", "") != CompileCache::makeKey("", "x"));
}

TEST_CASE("the build identity names this program and LLVM") {
  const std::string &id = CompileCache::buildIdentity();
  CHECK(llvm::StringRef(id).starts_with("bpc="));
  CHECK(llvm::StringRef(id).contains("libLLVM"));
  CHECK(llvm::StringRef(id).contains("llvm=19."));
  CHECK(&id == &CompileCache::buildIdentity());
}

TEST_CASE("an entry round-trips and a hit refreshes its mtime") {
  TempDir dir;
  CompileCache cache = cacheIn(dir);
  CacheKey key = CompileCache::makeKey("text", "salt");
  CHECK(!cache.load(key));
  CHECK(cache.stats().misses == 1);
  std::string payload("object\0bytes", 12);
  REQUIRE(cache.store(key, payload));
  CHECK(llvm::sys::path::filename(cache.entryPath(key)) == key.hex() + ".bpk");
  CHECK(readFile(cache.entryPath(key)).size() == CompileCache::kHeaderSize + payload.size());
  setMTime(cache.entryPath(key), 1000);
  std::optional<std::string> loaded = cache.load(key);
  REQUIRE(loaded);
  CHECK(*loaded == payload);
  CHECK(cache.stats().hits == 1);
  CHECK(cache.stats().stores == 1);
  fs::file_status st;
  REQUIRE(!fs::status(cache.entryPath(key), st));
  CHECK(std::chrono::duration_cast<std::chrono::seconds>(
            st.getLastModificationTime().time_since_epoch())
            .count() > 1000);
  // Storing again replaces the entry.
  REQUIRE(cache.store(key, "other"));
  CHECK(*cache.load(key) == "other");
  // No temporary file is left behind.
  unsigned files = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir.path, ec), end; !ec && it != end; it.increment(ec))
    ++files;
  CHECK(files == 1);
}

TEST_CASE("corrupt, truncated and foreign entries are misses and are removed") {
  TempDir dir;
  CompileCache cache = cacheIn(dir);
  CacheKey key = CompileCache::makeKey("text", "salt");
  std::string payload(1000, 'x');
  REQUIRE(cache.store(key, payload));
  std::string good = readFile(cache.entryPath(key));

  SUBCASE("a flipped payload byte") {
    std::string bad = good;
    bad[CompileCache::kHeaderSize + 500] ^= 1;
    writeFile(cache.entryPath(key), bad);
  }
  SUBCASE("a flipped header byte") {
    std::string bad = good;
    bad[33] ^= 1; // the payload size
    writeFile(cache.entryPath(key), bad);
  }
  SUBCASE("truncated payload") { writeFile(cache.entryPath(key), good.substr(0, good.size() - 1)); }
  SUBCASE("truncated header") { writeFile(cache.entryPath(key), good.substr(0, 20)); }
  SUBCASE("empty") { writeFile(cache.entryPath(key), ""); }
  SUBCASE("garbage") { writeFile(cache.entryPath(key), std::string(5000, '\x7f')); }
  SUBCASE("the entry of another key") {
    CacheKey other = CompileCache::makeKey("other", "salt");
    REQUIRE(cache.store(other, payload));
    writeFile(cache.entryPath(key), readFile(cache.entryPath(other)));
  }
  SUBCASE("another format version") {
    std::string bad = good;
    bad[8] = static_cast<char>(CompileCache::kFormatVersion + 1);
    writeFile(cache.entryPath(key), bad);
  }
  CHECK(!cache.load(key));
  CHECK(cache.stats().corrupt == 1);
  CHECK(!fs::exists(cache.entryPath(key)));
  // The next store heals it.
  REQUIRE(cache.store(key, payload));
  CHECK(*cache.load(key) == payload);
}

TEST_CASE("a missing or unwritable directory is a miss, not an error") {
  TempDir dir;
  CompileCache::Config config;
  config.directory = dir.sub("a/b/c");
  CompileCache cache(config);
  CacheKey key = CompileCache::makeKey("t", "s");
  CHECK(!cache.load(key));
  CHECK(cache.store(key, "p")); // creates the directories
  CHECK(*cache.load(key) == "p");
  // A directory path that is a file cannot be written.
  writeFile(dir.sub("file"), "x");
  config.directory = dir.sub("file/sub");
  CompileCache blocked(config);
  CHECK(!blocked.store(key, "p"));
  CHECK(!blocked.load(key));
}

TEST_CASE("eviction removes the least recently used entries") {
  TempDir dir;
  CompileCache cache = cacheIn(dir);
  std::vector<CacheKey> keys;
  for (int i = 0; i < 5; ++i) {
    keys.push_back(CompileCache::makeKey("entry " + std::to_string(i), "salt"));
    REQUIRE(cache.store(keys.back(), std::string(1000, 'a' + i)));
    setMTime(cache.entryPath(keys.back()), 1000 + i); // 0 is the oldest
  }
  // Using entry 0 makes it the newest.
  REQUIRE(cache.load(keys[0]));
  // Leftovers of a crashed writer: an old one is removed, a fresh one kept.
  writeFile(dir.sub(".tmp-old.part"), "partial");
  setMTime(dir.sub(".tmp-old.part"), 1000);
  writeFile(dir.sub(".tmp-new.part"), "partial");
  // A file that is not an entry is never touched.
  writeFile(dir.sub("README"), "not an entry");
  setMTime(dir.sub("README"), 1);

  uint64_t entry = CompileCache::kHeaderSize + 1000;
  cache.evict(3 * entry);
  CHECK(cache.stats().evicted == 2);
  CHECK(!fs::exists(cache.entryPath(keys[1])));
  CHECK(!fs::exists(cache.entryPath(keys[2])));
  CHECK(fs::exists(cache.entryPath(keys[0])));
  CHECK(fs::exists(cache.entryPath(keys[3])));
  CHECK(fs::exists(cache.entryPath(keys[4])));
  CHECK(!fs::exists(dir.sub(".tmp-old.part")));
  CHECK(fs::exists(dir.sub(".tmp-new.part")));
  CHECK(fs::exists(dir.sub("README")));
}

TEST_CASE("storing keeps the directory within its bound") {
  TempDir dir;
  uint64_t entry = CompileCache::kHeaderSize + 1000;
  CompileCache cache = cacheIn(dir, 4 * entry);
  for (int i = 0; i < 20; ++i) {
    CacheKey key = CompileCache::makeKey("entry " + std::to_string(i), "salt");
    REQUIRE(cache.store(key, std::string(1000, 'x')));
    setMTime(cache.entryPath(key), 1000 + i);
  }
  uint64_t total = 0;
  unsigned count = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir.path, ec), end; !ec && it != end; it.increment(ec)) {
    uint64_t size = 0;
    REQUIRE(!fs::file_size(it->path(), size));
    total += size;
    ++count;
  }
  CHECK(total <= 4 * entry);
  CHECK(count >= 1);
  CHECK(cache.stats().evicted == 20 - count);
  // The newest entry survived.
  CHECK(fs::exists(cache.entryPath(CompileCache::makeKey("entry 19", "salt"))));
}

TEST_CASE("the cache directory comes from the environment") {
  ScopedEnv env;
  env.set("BPC_NO_CACHE", nullptr);
  env.set("BPC_CACHE_MAX_MB", nullptr);
  env.set("BPC_CACHE_DIR", "/some/dir");
  env.set("XDG_CACHE_HOME", "/xdg");
  env.set("HOME", "/home/user");
  REQUIRE(CompileCache::configFromEnvironment());
  CHECK(CompileCache::configFromEnvironment()->directory == "/some/dir");
  CHECK(CompileCache::configFromEnvironment()->maxBytes == 512ull << 20);
  env.set("BPC_CACHE_MAX_MB", "64");
  CHECK(CompileCache::configFromEnvironment()->maxBytes == 64ull << 20);
  env.set("BPC_CACHE_DIR", nullptr);
  CHECK(CompileCache::configFromEnvironment()->directory == "/xdg/bpc");
  env.set("XDG_CACHE_HOME", "relative"); // the XDG spec ignores relative paths
  CHECK(CompileCache::configFromEnvironment()->directory == "/home/user/.cache/bpc");
  env.set("XDG_CACHE_HOME", "");
  CHECK(CompileCache::configFromEnvironment()->directory == "/home/user/.cache/bpc");
  env.set("BPC_CACHE_DIR", ""); // empty disables
  CHECK(!CompileCache::configFromEnvironment());
  env.set("BPC_CACHE_DIR", "/some/dir");
  env.set("BPC_NO_CACHE", "1");
  CHECK(!CompileCache::configFromEnvironment());
  env.set("BPC_NO_CACHE", "0");
  CHECK(CompileCache::configFromEnvironment());
  env.set("BPC_CACHE_MAX_MB", "0");
  CHECK(!CompileCache::configFromEnvironment());
}


TEST_CASE("concurrent writers and readers see whole entries or none") {
  // Each thread has its own cache object on one directory, as concurrent
  // `bpc run`s have; the bound is small, so eviction runs alongside too.
  TempDir dir;
  constexpr int kThreads = 4, kRounds = 150, kKeys = 6;
  std::atomic<int> bad{0}, hits{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      CompileCache cache = cacheIn(dir, 4 * (CompileCache::kHeaderSize + 4000));
      for (int r = 0; r < kRounds; ++r) {
        int k = (r / 2 + t) % kKeys;
        CacheKey key = CompileCache::makeKey("key " + std::to_string(k), "salt");
        // Every writer of key k writes a different but valid payload: k's
        // letter, 1000 to 4000 bytes long.
        if (r % 3 == 0) {
          cache.store(key, std::string(1000 + 1000 * t, static_cast<char>('a' + k)));
          continue;
        }
        if (std::optional<std::string> p = cache.load(key)) {
          ++hits;
          bool whole = p->size() % 1000 == 0 && p->size() >= 1000 && p->size() <= 4000 &&
                       p->find_first_not_of(static_cast<char>('a' + k)) == std::string::npos;
          if (!whole)
            ++bad;
        }
      }
    });
  for (std::thread &t : threads)
    t.join();
  CHECK(bad == 0);
  CHECK(hits > 0);
}
