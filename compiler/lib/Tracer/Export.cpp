//===- Export.cpp - bpc build --emit=bp: trace the module's jit objects ---===//

#include "bpc/Tracer/Interpreter.h"

#include "bpc/Tracer/ArrayRuntime.h"
#include "bpc/Tracer/Jit.h"

#include "mlir/IR/Verifier.h"

using namespace bpc;
using namespace bpc::tracer;

int bpc::tracer::emitBP(const ast::Module &module, DiagnosticEngine &diags,
                        llvm::raw_ostream &out, bool debugInfo) {
  RunOptions options;
  options.moduleName = module.filename;
  options.argv.push_back(module.filename);
  options.afterRun = [&](Interp &in) {
    ArrayRuntime &rt = in.arrayRuntime();
    mlir::OwningOpRef<mlir::ModuleOp> bp = mlir::ModuleOp::create(rt.loc(ast::Loc()));
    // Every module-level name bound to a jit object is exported under it.
    auto globals = in.globals->vars.items();
    try {
      for (auto &[name, value] : globals)
        if (asJit(value))
          traceForExport(rt, value, name, *bp);
    } catch (PyException &e) {
      in.reportUncaught(e.value);
      return 1;
    }
    if (mlir::failed(mlir::verify(*bp))) {
      diags.error("internal error: the traced bp module does not verify");
      return 2;
    }
    mlir::OpPrintingFlags flags;
    if (debugInfo)
      flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
    bp->print(out, flags);
    return 0;
  };
  return runModule(module, diags, options, out);
}
