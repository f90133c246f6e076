//===- EagerExecutorTest.cpp - Kernels from the disk cache, bounded in memory ===//
//
// The eager executor from a script: a second run links every kernel from the
// disk cache instead of compiling it, a damaged entry is compiled again, and
// the in-memory cache of linked kernels stays within its bound.
//
//===----------------------------------------------------------------------===//

#include "bpc/Frontend/ParseDriver.h"
#include "bpc/Tracer/CompileCache.h"
#include "bpc/Tracer/EagerExecutor.h"
#include "bpc/Tracer/Interpreter.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <doctest/doctest.h>

#include "CacheTestSupport.h"

using bpc::tracer::CompileCache;
namespace fs = llvm::sys::fs;

using namespace bpc::test;

namespace {

struct ScriptRun {
  int status = 0;
  std::string out, diagnostics;
  bpc::tracer::EagerExecutor::Stats stats;
  size_t kernelsInMemory = 0;
  std::optional<CompileCache::Stats> disk;
};

/// Runs `source` as a script and reads the executor's counters at its end.
ScriptRun runScript(llvm::StringRef source) {
  llvm::SourceMgr sourceMgr;
  unsigned id = sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, "test.bpm"), llvm::SMLoc());
  ScriptRun run;
  llvm::raw_string_ostream diagStream(run.diagnostics);
  bpc::DiagnosticEngine diags(sourceMgr, diagStream);
  std::unique_ptr<bpc::ast::Module> module = bpc::parseModule(id, "test.bpm", diags);
  REQUIRE(module);
  bpc::tracer::RunOptions options;
  options.afterRun = [&](bpc::tracer::Interp &in) {
    bpc::tracer::EagerExecutor &eager = *in.arrayRuntime().eager;
    run.stats = eager.stats();
    run.kernelsInMemory = eager.kernelsInMemory();
    if (const CompileCache *disk = eager.diskCache())
      run.disk = disk->stats();
    return 0;
  };
  llvm::raw_string_ostream out(run.out);
  run.status = bpc::tracer::runModule(*module, diags, options, out);
  out.flush();
  diagStream.flush();
  return run;
}

} // namespace

TEST_CASE("a second run links every kernel from the disk cache") {
  TempDir dir;
  ScopedEnv env;
  env.set("BPC_NO_CACHE", nullptr);
  env.set("BPC_CACHE_MAX_MB", nullptr);
  env.set("BPC_CACHE_DIR", dir.path.c_str());
  const char *source = "import brainpy.math as bm\n"
                       "def f(x, y):\n"
                       "    return x * y + 1.0, bm.exp(x)\n"
                       "f_jit = bm.jit(f)\n"
                       "x = bm.ones(4) * 2.0\n"
                       "a, b = f_jit(x, x)\n"
                       "print(a, float(b.sum()))\n";
  ScriptRun first = runScript(source);
  REQUIRE(first.status == 0);
  CHECK(llvm::StringRef(first.out).starts_with("[5. 5. 5. 5.] 29.55"));
  CHECK(first.stats.compiled > 0);
  CHECK(first.stats.diskHits == 0);
  REQUIRE(first.disk);
  CHECK(first.disk->stores == first.stats.compiled);

  ScriptRun second = runScript(source);
  REQUIRE(second.status == 0);
  CHECK(second.out == first.out);
  CHECK(second.stats.compiled == 0);
  CHECK(second.stats.diskHits == first.stats.compiled);
  CHECK(second.disk->misses == 0);

  // A damaged entry is compiled again, with the same output.
  std::error_code ec;
  for (fs::directory_iterator it(dir.path, ec), end; !ec && it != end; it.increment(ec)) {
    std::string bytes = readFile(it->path());
    bytes[bytes.size() / 2] ^= 0x55;
    writeFile(it->path(), bytes);
    break;
  }
  ScriptRun third = runScript(source);
  REQUIRE(third.status == 0);
  CHECK(third.out == first.out);
  CHECK(third.stats.compiled == 1);
  CHECK(third.disk->corrupt == 1);

  // Disabled, everything is compiled and nothing is stored.
  env.set("BPC_NO_CACHE", "1");
  ScriptRun off = runScript(source);
  CHECK(off.out == first.out);
  CHECK(!off.disk);
  CHECK(off.stats.compiled == first.stats.compiled);
}

TEST_CASE("the in-memory kernel cache stays within its bound") {
  TempDir dir;
  ScopedEnv env;
  env.set("BPC_NO_CACHE", nullptr);
  env.set("BPC_CACHE_MAX_MB", nullptr);
  env.set("BPC_CACHE_DIR", dir.path.c_str()); // unloaded kernels come back from disk
  env.set("BPC_MEMORY_CACHE_KERNELS", "3");
  // Each jit object freezes a different constant: a new kernel every time.
  ScriptRun run = runScript("import brainpy.math as bm\n"
                            "x = bm.ones(3)\n"
                            "total = 0.0\n"
                            "for i in range(12):\n"
                            "    f = bm.jit(lambda x: x + i)\n"
                            "    total += float(f(x).sum())\n"
                            "    total += float(f(x).sum())\n"
                            "g = bm.jit(lambda x: x * 2.0)\n"
                            "for i in range(5):\n"
                            "    total += float(g(x).sum())\n"
                            "print(total)\n");
  REQUIRE(run.status == 0);
  // 2 * 3 * (1 + ... + 12) = 468, plus 5 * 6.
  CHECK(run.out == "498.0\n");
  CHECK(run.kernelsInMemory <= 3);
  CHECK(run.stats.unloaded > 0);
}
