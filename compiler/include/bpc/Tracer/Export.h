//===- Export.h - bpc build: a module's jit objects as a model --*- C++ -*-===//
//
// `bpc build` runs the module as a library and traces every module-level name
// bound to a bm.jit object from its annotations (DESIGN.md §4a). The result
// is a bp module and the ModelManifest that describes it to the library
// emitter: both live in the interpreter's MLIRContext, so they are handed to
// a callback that runs while the interpreter is still alive.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TRACER_EXPORT_H
#define BPC_TRACER_EXPORT_H

#include "bpc/Frontend/AST.h"
#include "bpc/Frontend/Diagnostics.h"
#include "bpc/Target/ModelManifest.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/Support/raw_ostream.h"

#include <functional>

namespace bpc::tracer {

/// Receives the verified bp module and its manifest; returns the exit status.
using ExportConsumer = std::function<int(mlir::ModuleOp bp, const ModelManifest &manifest)>;

/// Runs `module` as a library (its `print` output goes to `printOut`), traces
/// the exported jit objects, builds the manifest with `prefix` and calls
/// `consume`. Errors (uncaught exceptions, a result shape that the C header
/// cannot express) are reported through `diags` and give exit status 1.
int exportModel(const ast::Module &module, DiagnosticEngine &diags, llvm::StringRef prefix,
                llvm::raw_ostream &printOut, const ExportConsumer &consume);

} // namespace bpc::tracer

#endif // BPC_TRACER_EXPORT_H
