//===- EagerExecutor.h - Compiles and runs bp functions on host buffers -*- C++ -*-===//
//
// Eager array operations and `bpc run`'s jit calls are bp functions too: this
// lowers them with the same pipelines as `bpc build` (bpc-lower-bp,
// bpc-bufferize, bpc-lower-to-llvm), compiles them to a host object and links
// that into one ORC JIT, so each op kind and signature is compiled once
// (DESIGN.md §4).
//
// Kernels are cached at two levels, both keyed by the function's printed IR
// (which holds the op, shapes, dtypes, static values and frozen constants):
//  - in memory, a bounded LRU of linked kernels (BPC_MEMORY_CACHE_KERNELS,
//    default 4096, and BPC_MEMORY_CACHE_MB, default 256, of object code and
//    keys); an evicted kernel's code is unloaded;
//  - on disk, the objects themselves (CompileCache.h), so a later run links
//    them without running MLIR or LLVM's optimiser and code generator.
// BPC_CACHE_STATS=1 prints what each level did to stderr at exit.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TRACER_EAGEREXECUTOR_H
#define BPC_TRACER_EAGEREXECUTOR_H

#include "bpc/Tracer/ArrayRuntime.h"
#include "bpc/Tracer/CompileCache.h"

#include "llvm/ADT/StringMap.h"

#include <list>
#include <memory>

namespace llvm {
class TargetMachine;
namespace orc {
class LLJIT;
class JITTargetMachineBuilder;
} // namespace orc
} // namespace llvm

namespace bpc::tracer {

/// One compiled and linked bp function (opaque outside the executor).
struct EagerKernel;

class EagerExecutor {
public:
  explicit EagerExecutor(ArrayRuntime &rt);
  ~EagerExecutor();

  /// Runs `bp.func @name` of `module` (static shapes only) on `inputs`; the
  /// last `numVars` inputs are dyn Variables, updated in place. Returns the
  /// function's results as new concrete arrays.
  std::vector<Value> run(mlir::ModuleOp module, llvm::StringRef name,
                         llvm::ArrayRef<ArrayState *> inputs, unsigned numVars);

  /// The kernel of `bp.func @name` in `module`: from memory, from the disk
  /// cache, or compiled now. Callers that call it again (a jit
  /// specialisation) may keep a weak reference: the kernel stays valid while
  /// the in-memory cache keeps it.
  std::shared_ptr<EagerKernel> kernel(mlir::ModuleOp module, llvm::StringRef name);
  /// Runs a kernel that kernel() returned, as run() above.
  std::vector<Value> run(EagerKernel &kernel, llvm::ArrayRef<ArrayState *> inputs,
                         unsigned numVars);

  struct Stats {
    unsigned memoryHits = 0; // found linked in memory by their text
    unsigned diskHits = 0;   // linked from the disk cache
    unsigned compiled = 0;   // run through MLIR and LLVM
    unsigned unloaded = 0;   // evicted from memory
    size_t peakInMemory = 0; // most kernels linked at once
  };
  const Stats &stats() const { return counters; }
  /// The disk cache, or null when it is disabled.
  const CompileCache *diskCache() const { return disk ? &*disk : nullptr; }
  /// How many kernels are linked now.
  size_t kernelsInMemory() const { return lru.size(); }

private:
  friend struct EagerKernel;
  /// Creates the JIT and target machine on first use (not at all when the
  /// script uses no arrays).
  void initJit();
  /// The salt of disk keys: bpc/LLVM builds, host triple, CPU, features.
  const std::string &salt();
  /// Lowers and compiles `module` (a copy) into a host object.
  std::string compileObject(mlir::ModuleOp module, llvm::StringRef name,
                            unsigned &bufferizedResults);
  /// Links an object into its own JITDylib; null (nothing left behind) if it
  /// does not link.
  std::shared_ptr<EagerKernel> link(llvm::StringRef object, std::string *why);
  void touch(EagerKernel &kernel);
  void evictOverBounds();

  ArrayRuntime &rt;
  std::unique_ptr<llvm::orc::JITTargetMachineBuilder> host;
  std::unique_ptr<llvm::TargetMachine> machine;
  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::optional<CompileCache> disk;
  std::string saltText;
  bool printStats = false;
  Stats counters;
  uint64_t nextDylib = 0;
  size_t maxKernels, maxBytes, bytesInMemory = 0;
  // Declared after `jit`: kernels unload their code from it as they go.
  llvm::StringMap<std::shared_ptr<EagerKernel>> byText;
  std::list<EagerKernel *> lru; // most recently used first
};

} // namespace bpc::tracer

#endif // BPC_TRACER_EAGEREXECUTOR_H
