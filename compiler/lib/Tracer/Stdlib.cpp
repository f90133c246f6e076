//===- Stdlib.cpp - Modules of bpc's .bpm standard library ----------------===//
//
// The parts of BrainPy that are ordinary Python over brainpy.math (the
// optimizers and learning-rate schedulers) are written in .bpm under stdlib/
// (DESIGN.md §3). The build embeds their text into bpc (EmbedStdlib.cmake),
// so bpc reads no file at run time and works from any directory. A module is
// parsed by the same front end as scripts and evaluated on its first import,
// in a module scope of its own: its globals are not the script's, and its
// errors point at `stdlib/<path>:line:col` with the script's calls as notes.
//
//===----------------------------------------------------------------------===//

#include "bpc/Frontend/ParseDriver.h"
#include "bpc/Tracer/Interp.h"

#include "llvm/Support/MemoryBuffer.h"

using namespace bpc;
using namespace bpc::tracer;

namespace {

/// A stdlib file as the build embedded it.
struct EmbeddedFile {
  const char *path; // relative to stdlib/
  const char *data;
  size_t size;
};

#include "StdlibFiles.inc"

/// The names each stdlib module is imported under. BrainPy has moved its
/// optimizers between releases (brainpy.math.optimizers, brainpy.optimizers,
/// brainpy.optim); all of them name one module object, called after its
/// file (`brainpy/optimizers.bpm` is `brainpy.optimizers`).
struct LibraryName {
  const char *name;
  const char *path;
};
constexpr LibraryName kLibraryNames[] = {
    {"brainpy.errors", "brainpy/errors.bpm"},
    {"brainpy.optimizers", "brainpy/optimizers.bpm"},
    {"brainpy.optim", "brainpy/optimizers.bpm"},
    {"brainpy.math.optimizers", "brainpy/optimizers.bpm"},
    {"brainpy.math.jax.optimizers", "brainpy/optimizers.bpm"},
    {"brainpy.math.activations", "brainpy/math/activations.bpm"},
    {"brainpy.math.compat_numpy", "brainpy/math/compat_numpy.bpm"},
    {"brainpy.math.linalg", "brainpy/math/linalg.bpm"},
    {"brainpy.math.jax.linalg", "brainpy/math/linalg.bpm"},
};

/// The stdlib modules that complete a module defined in C++: an attribute
/// the C++ module lacks is looked up in their `__all__`, in this order, so
/// that `bm.softmax` is brainpy.math.activations.softmax. The C++ module
/// keeps the array primitives; functions that are compositions of them
/// live in .bpm (DESIGN.md §3).
struct LibraryFallback {
  const char *module; // ModuleObject::name of the C++ module
  const char *library;
};
constexpr LibraryFallback kLibraryFallbacks[] = {
    {"brainpy.math", "brainpy.math.compat_numpy"},
    {"brainpy.math", "brainpy.math.activations"},
};

const EmbeddedFile *findFile(llvm::StringRef path) {
  for (const EmbeddedFile &f : kStdlibFiles)
    if (path == f.path)
      return &f;
  return nullptr;
}

/// `brainpy/optimizers.bpm` -> `brainpy.optimizers`.
std::string moduleNameOf(llvm::StringRef path) {
  std::string name = path.drop_back(llvm::StringRef(".bpm").size()).str();
  std::replace(name.begin(), name.end(), '/', '.');
  return name;
}

} // namespace

std::optional<Value> Interp::importLibraryModule(const std::string &name) {
  const LibraryName *entry = llvm::find_if(kLibraryNames, [&](const LibraryName &l) {
    return name == l.name;
  });
  if (entry == std::end(kLibraryNames))
    return std::nullopt;
  std::string canonical = moduleNameOf(entry->path);
  std::string cacheKey = "stdlib:" + canonical;
  if (Value *cached = &moduleCache[cacheKey]; !cached->isNone())
    return *cached;

  const EmbeddedFile *file = findFile(entry->path);
  if (!file)
    raise(Exc::ImportError, "bpc was built without its stdlib module '" + llvm::Twine(entry->path) + "'");
  std::string filename = "stdlib/" + std::string(entry->path);
  unsigned bufferId = diags.getSourceMgr().AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBuffer(llvm::StringRef(file->data, file->size), filename,
                                       /*RequiresNullTerminator=*/false),
      llvm::SMLoc());
  std::unique_ptr<ast::Module> source = parseModule(bufferId, filename, diags);
  if (!source)
    raise(Exc::ImportError, "bpc's stdlib module '" + filename +
                                "' has syntax errors (reported above): bpc is broken");
  const ast::Module &ast = *source;
  librarySources.push_back(std::move(source));

  // The module object exists (and is cached) before its code runs, as in
  // CPython, so that an import cycle finds it instead of recursing.
  auto *module = new ModuleObject(canonical, canonical, /*stub=*/false);
  Value result(module);
  moduleCache[cacheKey] = result;
  ScopeRef scope(new Scope(Scope::Kind::Module, nullptr, nullptr));
  scope->source = &ast;
  scope->vars.set("__name__", makeStr(canonical));
  scope->vars.set("__file__", makeStr(filename));
  scope->vars.set("__doc__", Value());
  Frame frame;
  frame.name = "<module>";
  frame.scope = scope;
  frame.callLoc = currentLoc;
  frames.push_back(std::move(frame));
  struct Pop {
    Interp &in;
    BlockRest rest; // the importing statement's block goes on afterwards
    ~Pop() {
      in.frames.pop_back();
      in.restOfBlock = rest;
    }
  } pop{*this, restOfBlock};
  try {
    execBlock(ast.body);
  } catch (PyException &) {
    moduleCache.erase(cacheKey); // a failed import is retried, as in CPython
    throw;
  }
  // The module's attributes are its globals once it has run.
  for (auto &[key, value] : scope->vars.items())
    module->attrs.set(key, value);
  return result;
}

std::optional<Value> Interp::libraryFallback(llvm::StringRef moduleName, llvm::StringRef name) {
  for (const LibraryFallback &f : kLibraryFallbacks) {
    if (moduleName != f.module)
      continue;
    // A module still running its own code (one that imports the C++ module
    // and uses a name of another fallback) has no attributes yet: skipped.
    Value library = *importLibraryModule(f.library);
    auto &attrs = library.dyn<ModuleObject>()->attrs;
    Value *all = attrs.lookup("__all__");
    if (!all)
      continue;
    bool exported = false;
    forEach(*all, [&](const Value &v) {
      auto *s = v.dyn<StrObject>();
      exported = s && s->value == name;
      return !exported;
    });
    if (exported)
      if (Value *v = attrs.lookup(name))
        return *v;
  }
  return std::nullopt;
}
