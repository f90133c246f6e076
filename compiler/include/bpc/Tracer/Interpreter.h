//===- Interpreter.h - Compile-time evaluation of a .bpm module -*- C++ -*-===//
//
// The tracer evaluates a module the way Python would (DESIGN.md §2): Python-
// level values are concrete. This header is the entry point `bpc run` uses.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TRACER_INTERPRETER_H
#define BPC_TRACER_INTERPRETER_H

#include "bpc/Frontend/AST.h"
#include "bpc/Frontend/Diagnostics.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <string>

namespace bpc::tracer {

class Interp;

struct RunOptions {
  /// `__name__` of the module: "__main__" for `bpc run`, so that the
  /// `if __name__ == "__main__":` block runs; `bpc build` uses another name.
  std::string moduleName = "__main__";
  /// sys.argv as the script sees it (argv[0] is the script path).
  std::vector<std::string> argv;
  /// Runs after the module completed normally (bpc build's tracing of the
  /// exported jit objects); its result is the exit status.
  std::function<int(Interp &)> afterRun;
  /// `bpc run --explain-recompile`: say on stderr why each jit
  /// specialisation is compiled (which argument's type or value is new).
  bool explainRecompile = false;
};

/// Evaluates `module`. Output of `print` goes to `out`. An uncaught exception
/// is reported through `diags` as a traceback with caret diagnostics.
/// Returns the process exit status: 0, or 1 after an uncaught exception.
int runModule(const ast::Module &module, DiagnosticEngine &diags,
              const RunOptions &options, llvm::raw_ostream &out);

/// `bpc build --emit=bp`: runs `module` as a library (`__name__` is not
/// "__main__"), traces every module-level name bound to a bm.jit object from
/// its annotations, verifies the bp module and prints it to `out` (with
/// locations when `debugInfo`).
int emitBP(const ast::Module &module, DiagnosticEngine &diags, llvm::raw_ostream &out,
           bool debugInfo = false);

} // namespace bpc::tracer

#endif // BPC_TRACER_INTERPRETER_H
