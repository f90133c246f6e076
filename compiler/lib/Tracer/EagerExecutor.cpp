//===- EagerExecutor.cpp - Compiles and runs bp functions on host buffers -===//

#include "bpc/Tracer/EagerExecutor.h"

#include "bpc/Dialect/BP/IR/BPOps.h"
#include "bpc/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "bpc/progress.h"

#include "llvm/ExecutionEngine/Orc/CompileUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

#include <cstdlib>
#include <cstring>

// runtime/lib/Alloc.cpp: where kernels allocate their temporaries.
extern "C" void *_mlir_memref_to_llvm_alloc(size_t size);
extern "C" void _mlir_memref_to_llvm_free(void *ptr);

using namespace bpc;
using namespace bpc::tracer;

#ifndef BPC_VERSION
#define BPC_VERSION "unknown"
#endif

namespace {

/// The symbol every kernel object exports: `void bpc_kernel_entry(void
/// **args)`, where args[i] points at the i-th argument of the function's C
/// interface (a pointer to a memref descriptor), as MLIR's packed calling
/// convention does.
constexpr const char *kEntrySymbol = "bpc_kernel_entry";

/// Bump when the payload layout or the code generation settings change.
constexpr const char *kKernelFormat = "bpc-eager-kernel-v1";

/// The payload stored on disk: u32 results left after bufferization, u32
/// reserved, then the ELF object.
constexpr size_t kPayloadHeader = 8;

size_t envSize(const char *name, size_t dflt) {
  const char *v = std::getenv(name);
  uint64_t n;
  if (!v || llvm::StringRef(v).trim().getAsInteger(10, n))
    return dflt;
  return static_cast<size_t>(n);
}

/// Adds `bpc_kernel_entry`, which unpacks its argument array and calls
/// `ciface` (MLIR's ExecutionEngine builds the same wrapper; it is part of
/// the object here so that a cached object needs nothing else).
void addEntryWrapper(llvm::Module &module, llvm::Function &ciface) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::IRBuilder<> b(ctx);
  llvm::Type *ptr = b.getPtrTy();
  auto *type = llvm::FunctionType::get(b.getVoidTy(), {ptr}, false);
  auto *wrapper =
      llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage, kEntrySymbol, module);
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", wrapper));
  llvm::SmallVector<llvm::Value *> args;
  for (llvm::Argument &arg : ciface.args()) {
    llvm::Value *slot = b.CreateConstGEP1_64(ptr, wrapper->getArg(0), arg.getArgNo());
    llvm::Value *where = b.CreateLoad(ptr, slot);
    args.push_back(b.CreateLoad(arg.getType(), where));
  }
  b.CreateCall(&ciface, args);
  b.CreateRetVoid();
}

} // namespace

/// A compiled function, linked into its own JITDylib, and the shape of its
/// bufferized signature.
struct bpc::tracer::EagerKernel {
  explicit EagerKernel(EagerExecutor &owner) : owner(owner) {}
  ~EagerKernel() {
    if (dylib)
      llvm::consumeError(owner.jit->getExecutionSession().removeJITDylib(*dylib));
  }
  EagerExecutor &owner;
  llvm::orc::JITDylib *dylib = nullptr;
  void (*entry)(void **) = nullptr;
  std::string name; // of the bp.func, for messages
  struct Result {
    DType dtype;
    llvm::SmallVector<int64_t, 4> shape;
    size_t bytes;
  };
  /// The function's ordinary results (Variables are updated in place).
  llvm::SmallVector<Result, 2> results;
  unsigned bufferizedResults = 0; // results left after bufferization
  llvm::StringRef text;           // key in the executor's map
  std::list<EagerKernel *>::iterator lruPos;
  size_t footprint = 0;
};

EagerExecutor::EagerExecutor(ArrayRuntime &rt) : rt(rt) {
  // Nothing here touches LLVM: a script without arrays pays for nothing,
  // and one whose kernels are all cached never builds a pass pipeline.
  if (std::optional<CompileCache::Config> config = CompileCache::configFromEnvironment())
    disk.emplace(std::move(*config));
  const char *stats = std::getenv("BPC_CACHE_STATS");
  printStats = stats && *stats && llvm::StringRef(stats) != "0";
  maxKernels = std::max<size_t>(1, envSize("BPC_MEMORY_CACHE_KERNELS", 4096));
  maxBytes = envSize("BPC_MEMORY_CACHE_MB", 256) << 20;
}

EagerExecutor::~EagerExecutor() {
  lru.clear();
  byText.clear(); // unloads every kernel while the JIT is still there
  if (!printStats)
    return;
  llvm::outs().flush(); // the script's output first, where both go to one place
  if (disk) {
    const CompileCache::Stats &s = disk->stats();
    llvm::errs() << "bpc cache: hits=" << s.hits << " misses=" << s.misses
                 << " stored=" << s.stores << " corrupt=" << s.corrupt
                 << " evicted=" << s.evicted << "\n";
  } else {
    llvm::errs() << "bpc cache: disabled\n";
  }
  llvm::errs() << "bpc kernels: compiled=" << counters.compiled
               << " loaded=" << counters.diskHits << " memory-hits=" << counters.memoryHits
               << " unloaded=" << counters.unloaded << " peak=" << counters.peakInMemory
               << "\n";
}

void EagerExecutor::initJit() {
  if (jit)
    return;
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto fail = [&](llvm::Error err) {
    rt.in.raise(Exc::RuntimeError, "internal error: cannot start the JIT: " +
                                       llvm::toString(std::move(err)));
  };
  auto detected = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!detected)
    fail(detected.takeError());
  host = std::make_unique<llvm::orc::JITTargetMachineBuilder>(std::move(*detected));
  // What LLJIT picks for JITLink on x86-64/AArch64 ELF; objects from the
  // disk cache must match the linker that loads them.
  host->setRelocationModel(llvm::Reloc::PIC_);
  host->setCodeModel(llvm::CodeModel::Small);
  auto created = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(*host).create();
  if (!created)
    fail(created.takeError());
  jit = std::move(*created);
  // Runtime functions that kernels call, by address: bpc's own symbols are
  // not in its dynamic symbol table, so the process search would miss them.
  // Kernels reference them as undefined symbols, resolved here at link time,
  // so a cached object stays valid across builds of bpc. Temporaries are
  // allocated through the runtime's block cache (runtime/lib/Alloc.cpp).
  llvm::orc::SymbolMap runtimeSymbols;
  runtimeSymbols[jit->mangleAndIntern("bpc_progress_update")] = {
      llvm::orc::ExecutorAddr::fromPtr(&bpc_progress_update), llvm::JITSymbolFlags::Exported};
  runtimeSymbols[jit->mangleAndIntern("_mlir_memref_to_llvm_alloc")] = {
      llvm::orc::ExecutorAddr::fromPtr(&_mlir_memref_to_llvm_alloc),
      llvm::JITSymbolFlags::Exported};
  runtimeSymbols[jit->mangleAndIntern("_mlir_memref_to_llvm_free")] = {
      llvm::orc::ExecutorAddr::fromPtr(&_mlir_memref_to_llvm_free), llvm::JITSymbolFlags::Exported};
  if (llvm::Error err = jit->getProcessSymbolsJITDylib()->define(
          llvm::orc::absoluteSymbols(std::move(runtimeSymbols))))
    fail(std::move(err));
}

const std::string &EagerExecutor::salt() {
  if (saltText.empty()) {
    initJit();
    saltText = std::string(kKernelFormat) + "\nbpc " BPC_VERSION "\n" +
               CompileCache::buildIdentity() + "\n" + host->getTargetTriple().str() + "\n" +
               host->getCPU() + "\n" + host->getFeatures().getString() + "\n";
  }
  return saltText;
}

std::string EagerExecutor::compileObject(mlir::ModuleOp original, llvm::StringRef name,
                                         unsigned &bufferizedResults) {
  // Lower a copy: a jit specialisation's module is kept and printed again.
  mlir::OwningOpRef<mlir::ModuleOp> owned(original.clone());
  mlir::ModuleOp module = *owned;
  std::string why;
  mlir::ScopedDiagnosticHandler handler(&rt.context, [&](mlir::Diagnostic &d) {
    why += d.str() + "\n";
    return mlir::success();
  });
  auto fail = [&](const llvm::Twine &stage) -> std::string {
    rt.in.raise(Exc::RuntimeError, "internal error: " + stage + " failed: " + why);
  };
  mlir::PassManager toTensors(&rt.context);
  if (mlir::failed(buildLowerBPPipeline(toTensors)) || mlir::failed(toTensors.run(module)))
    return fail("lowering '" + name + "' to tensors");
  mlir::PassManager toBuffers(&rt.context);
  if (mlir::failed(buildBufferizePipeline(toBuffers)) || mlir::failed(toBuffers.run(module)))
    return fail("lowering '" + name + "' to buffers");
  bufferizedResults = 0;
  module.walk([&](mlir::func::FuncOp f) {
    if (f.getName() == name)
      bufferizedResults = f.getNumResults();
  });
  mlir::PassManager toLLVM(&rt.context);
  if (mlir::failed(buildCPUToLLVMPipeline(toLLVM)) || mlir::failed(toLLVM.run(module)))
    return fail("lowering '" + name + "' to LLVM");

  if (!machine) {
    auto created = host->createTargetMachine();
    if (!created) {
      why = llvm::toString(created.takeError());
      return fail("creating the host target machine");
    }
    machine = std::move(*created);
  }
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule = mlir::translateModuleToLLVMIR(module, context);
  if (!llvmModule)
    return fail("translating '" + name + "' to LLVM IR");
  llvmModule->setDataLayout(machine->createDataLayout());
  llvmModule->setTargetTriple(machine->getTargetTriple().getTriple());
  llvm::Function *ciface = llvmModule->getFunction(("_mlir_ciface_" + name).str());
  if (!ciface)
    return fail("finding the C interface of '" + name + "'");
  addEntryWrapper(*llvmModule, *ciface);
  // The host's CPU and vector ISA on every function, as for `bpc build`
  // (HostCodegen.cpp, which also says why no gathers), and the target
  // machine for the optimiser: without it the loop vectorizer has no cost
  // model of the host and kernels ran about twice slower than a built
  // library's (a 4000-neuron LIF step: 20 us against 9.5 us).
  std::string features = machine->getTargetFeatureString().str();
  if (machine->getTargetTriple().isX86())
    features += std::string(features.empty() ? "" : ",") + "+prefer-no-gather,+prefer-no-scatter";
  for (llvm::Function &function : *llvmModule) {
    if (function.isDeclaration())
      continue;
    function.addFnAttr("target-cpu", machine->getTargetCPU());
    function.addFnAttr("target-features", features);
  }
  // -O2 without fast-math: eager and jitted code must agree bit for bit.
  if (llvm::Error err = mlir::makeOptimizingTransformer(2, 0, machine.get())(llvmModule.get())) {
    why = llvm::toString(std::move(err));
    return fail("optimising '" + name + "'");
  }
  llvm::orc::SimpleCompiler compile(*machine);
  auto object = compile(*llvmModule);
  if (!object) {
    why = llvm::toString(object.takeError());
    return fail("generating code for '" + name + "'");
  }
  return (*object)->getBuffer().str();
}

std::shared_ptr<EagerKernel> EagerExecutor::link(llvm::StringRef object, std::string *why) {
  auto kernel = std::make_shared<EagerKernel>(*this);
  // A bare JITDylib per kernel (every kernel defines the same symbols), which
  // sees only the process's own symbols (malloc, free, libm); unloading the
  // kernel removes it with its code.
  llvm::orc::JITDylib &dylib = jit->getExecutionSession().createBareJITDylib(
      "bpc-kernel-" + std::to_string(nextDylib++));
  kernel->dylib = &dylib;
  dylib.addToLinkOrder(*jit->getProcessSymbolsJITDylib());
  if (llvm::Error err = jit->addObjectFile(
          dylib, llvm::MemoryBuffer::getMemBufferCopy(object, "bpc-kernel"))) {
    *why = llvm::toString(std::move(err));
    return nullptr; // the kernel's destructor removes the JITDylib
  }
  auto entry = jit->lookup(dylib, kEntrySymbol);
  if (!entry) {
    *why = llvm::toString(entry.takeError());
    return nullptr;
  }
  kernel->entry = entry->toPtr<void (*)(void **)>();
  return kernel;
}

std::shared_ptr<EagerKernel> EagerExecutor::kernel(mlir::ModuleOp module, llvm::StringRef name) {
  std::string text;
  {
    llvm::raw_string_ostream os(text);
    module.print(os);
  }
  auto found = byText.find(text);
  if (found != byText.end()) {
    ++counters.memoryHits;
    touch(*found->second);
    return found->second;
  }
  initJit();

  std::shared_ptr<EagerKernel> kernel;
  std::optional<CacheKey> key;
  size_t objectBytes = 0;
  if (disk) {
    key = CompileCache::makeKey(text, salt());
    if (std::optional<std::string> payload = disk->load(*key);
        payload && payload->size() > kPayloadHeader) {
      std::string why;
      kernel = link(llvm::StringRef(*payload).drop_front(kPayloadHeader), &why);
      if (kernel) {
        kernel->bufferizedResults = llvm::support::endian::read32le(payload->data());
        objectBytes = payload->size();
        ++counters.diskHits;
      }
      // An object that does not link is compiled again and replaced below.
    }
  }
  if (!kernel) {
    unsigned bufferizedResults = 0;
    std::string payload(kPayloadHeader, '\0');
    llvm::support::endian::write32le(payload.data(), 0);
    payload += compileObject(module, name, bufferizedResults);
    llvm::support::endian::write32le(payload.data(), bufferizedResults);
    ++counters.compiled;
    if (disk)
      disk->store(*key, payload); // a failure to store only costs a later compile
    std::string why;
    kernel = link(llvm::StringRef(payload).drop_front(kPayloadHeader), &why);
    if (!kernel)
      rt.in.raise(Exc::RuntimeError,
                  "internal error: linking the code of '" + name + "' failed: " + why);
    kernel->bufferizedResults = bufferizedResults;
    objectBytes = payload.size();
  }

  auto func = llvm::cast<bp::FuncOp>(mlir::SymbolTable::lookupSymbolIn(module, name));
  for (mlir::Type t : func.getResultTypes()) {
    auto type = llvm::cast<mlir::RankedTensorType>(t);
    DType dtype = *fromMLIRType(type.getElementType());
    kernel->results.push_back(
        {dtype, llvm::SmallVector<int64_t, 4>(type.getShape()),
         static_cast<size_t>(type.getNumElements()) * byteWidth(dtype)});
  }
  kernel->name = name.str();
  auto [entry, inserted] = byText.try_emplace(text, kernel);
  kernel->text = entry->first();
  lru.push_front(kernel.get());
  kernel->lruPos = lru.begin();
  kernel->footprint = objectBytes + text.size() + sizeof(EagerKernel);
  bytesInMemory += kernel->footprint;
  evictOverBounds();
  counters.peakInMemory = std::max(counters.peakInMemory, lru.size());
  return kernel;
}

void EagerExecutor::touch(EagerKernel &kernel) {
  if (kernel.lruPos != lru.begin())
    lru.splice(lru.begin(), lru, kernel.lruPos);
}

void EagerExecutor::evictOverBounds() {
  // The newest kernel always stays, however large.
  while (lru.size() > 1 && (lru.size() > maxKernels || bytesInMemory > maxBytes)) {
    EagerKernel *victim = lru.back();
    lru.pop_back();
    bytesInMemory -= victim->footprint;
    auto it = byText.find(victim->text);
    // Unloaded here, unless a caller still holds it (it goes when they drop it).
    std::shared_ptr<EagerKernel> dropped = std::move(it->second);
    byText.erase(it);
    ++counters.unloaded;
  }
}

std::vector<Value> EagerExecutor::run(mlir::ModuleOp module, llvm::StringRef name,
                                      llvm::ArrayRef<ArrayState *> inputs, unsigned numVars) {
  std::shared_ptr<EagerKernel> k = kernel(module, name);
  return run(*k, inputs, numVars);
}

std::vector<Value> EagerExecutor::run(EagerKernel &k, llvm::ArrayRef<ArrayState *> inputs,
                                      unsigned numVars) {
  // After `bpc-bufferize` the kernel returns nothing: the results are
  // out-params after the inputs and the Variables are updated in place
  // (ModelManifest.h). Anything left means some update was not in place.
  if (k.bufferizedResults != 0)
    rt.in.raise(Exc::NotImplementedError,
                "this jitted function updates only some of its Variables in place; not "
                "supported yet");
  touch(k);
  // Variables are written in place: give each its own buffer first.
  for (ArrayState *v : inputs.take_back(numVars))
    if (v->buffer.use_count() > 1) {
      auto fresh = std::make_shared<Buffer>(v->buffer->bytes);
      std::memcpy(fresh->data, v->buffer->data, v->buffer->bytes);
      v->buffer = fresh;
    }
  // Strided memref descriptors, every field 8 bytes: {allocated, aligned,
  // offset, sizes..., strides...}, all in one array.
  size_t words = 0;
  for (ArrayState *a : inputs)
    words += 3 + 2 * a->shape.size();
  for (const EagerKernel::Result &r : k.results)
    words += 3 + 2 * r.shape.size();
  llvm::SmallVector<int64_t, 64> storage(words);
  llvm::SmallVector<void *, 16> descriptors;
  int64_t *next = storage.data();
  auto describe = [&](void *data, llvm::ArrayRef<int64_t> shape) {
    descriptors.push_back(next);
    next[0] = next[1] = reinterpret_cast<int64_t>(data);
    next[2] = 0;
    int64_t *sizes = next + 3, *strides = sizes + shape.size();
    int64_t stride = 1;
    for (size_t i = shape.size(); i-- > 0;) {
      sizes[i] = shape[i];
      strides[i] = stride;
      stride *= shape[i];
    }
    next = strides + shape.size();
  };
  for (ArrayState *a : inputs)
    describe(a->buffer->data, a->shape);
  // Fresh result buffers: they overlap no input, as the kernel requires.
  std::vector<Value> out;
  out.reserve(k.results.size());
  for (const EagerKernel::Result &r : k.results) {
    auto buffer = std::make_shared<Buffer>(r.bytes);
    describe(buffer->data, r.shape);
    out.push_back(rt.makeConcrete(r.dtype, r.shape, std::move(buffer)));
  }
  // The packed convention: each argument slot points at the argument, here
  // a descriptor pointer.
  llvm::SmallVector<void *, 16> args;
  for (void *&d : descriptors)
    args.push_back(&d);
  k.entry(args.data());
  return out;
}
