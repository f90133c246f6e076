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
///
/// The manifest's Variables (the context's, in the order of var_name and of
/// state files; DESIGN.md §3, §4a) are all of the model's Variables, whether
/// an exported function updates them (dyn_vars), reads them as constants
/// (frozen into its kernel) or does not use them at all:
///
///  1. every Variable reachable from the module's globals: the globals in
///     the order the module binds them, then attributes, list and tuple
///     items and dict entries in insertion order, depth first (the order
///     of `vars()`; a Variable reached twice is listed once, under the
///     first path: `lr.w`, `net.layers.0.b`, `b`). A Variable reached only
///     through an imported module (library state: `bm.random.DEFAULT`) is
///     listed only when an exported function uses it;
///  2. then the Variables an exported function uses that no global reaches
///     (held by a closure, say), named after the first function that uses
///     them: `f.dyn_vars.K` (item K of its dyn_vars) or `f.frozen.K` (the
///     K-th Variable it reads as a constant).
///
/// A Variable no function uses whose path the C ABI cannot carry (it
/// repeats an earlier path, contains a NUL, or its rank exceeds 8) is left
/// out with a warning; for a Variable a function uses that is an error.
/// Initial values are the values at the end of the module's run, which are
/// the values the traces froze.
///
/// A function with static parameters (static_argnames, static_argnums) is
/// compiled once per distinct set of static values (Python equality: 1,
/// 1.0 and True are one) that the module's own calls compiled while it ran
/// or that a `--specialize` text in `specializations` names
/// (`f_jit(x=1.0)`: a call with literal arguments, parsed as Python); the C
/// entry point dispatches on them (DESIGN.md §4a). Static values are
/// numbers, booleans or strings.
int exportModel(const ast::Module &module, DiagnosticEngine &diags, llvm::StringRef prefix,
                llvm::raw_ostream &printOut, const ExportConsumer &consume,
                llvm::ArrayRef<std::string> specializations = {});

/// emitBP (bpc/Tracer/Interpreter.h) with the specialisations of
/// `--specialize` texts, as exportModel traces them.
int emitBP(const ast::Module &module, DiagnosticEngine &diags, llvm::raw_ostream &out,
           bool debugInfo, llvm::ArrayRef<std::string> specializations);

} // namespace bpc::tracer

#endif // BPC_TRACER_EXPORT_H
