//===- bpc.cpp - The bpc compiler driver -----------------------------------===//
//
//   bpc build MODEL.bpm [-o libMODEL.so] [--emit=ast|bp] [--print-debuginfo]
//   bpc run SCRIPT.bpm [ARGS...]
//
// Exit status: 0 on success, 1 when the input has errors, 2 on usage errors.
//
//===----------------------------------------------------------------------===//

#include "bpc/Frontend/ASTPrinter.h"
#include "bpc/Frontend/Diagnostics.h"
#include "bpc/Frontend/Parser.h"
#include "bpc/Tracer/Interpreter.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <cstring>

namespace cl = llvm::cl;

namespace {

cl::OptionCategory bpcCategory("bpc options");

cl::SubCommand buildCommand("build", "Compile a .bpm model into a shared library and C header");
cl::SubCommand runCommand("run",
                          "Run a .bpm script, its `if __name__ == \"__main__\":` block included");

enum class EmitKind { Library, AST, BP, Linalg, LLVM, Asm, PTX, Header };

cl::opt<std::string> buildInput(cl::Positional, cl::desc("<model.bpm>"), cl::sub(buildCommand),
                                cl::cat(bpcCategory));
cl::opt<std::string> outputPath("o", cl::desc("Output file (default: stdout for --emit)"),
                                cl::value_desc("path"), cl::sub(buildCommand),
                                cl::cat(bpcCategory));
cl::opt<EmitKind> emitKind(
    "emit", cl::desc("Print one stage of the pipeline instead of building a library"),
    cl::values(clEnumValN(EmitKind::AST, "ast", "the syntax tree"),
               clEnumValN(EmitKind::BP, "bp", "the traced bp dialect IR"),
               clEnumValN(EmitKind::Linalg, "linalg", "the IR lowered to linalg"),
               clEnumValN(EmitKind::LLVM, "llvm", "the LLVM IR"),
               clEnumValN(EmitKind::Asm, "asm", "the host assembly"),
               clEnumValN(EmitKind::PTX, "ptx", "the CUDA PTX"),
               clEnumValN(EmitKind::Header, "header", "the C header of the library")),
    cl::init(EmitKind::Library), cl::sub(buildCommand), cl::cat(bpcCategory));

cl::opt<bool> printDebugInfo("print-debuginfo",
                             cl::desc("Print MLIR locations with --emit=bp"),
                             cl::sub(buildCommand), cl::cat(bpcCategory));

cl::opt<std::string> runInput(cl::Positional, cl::desc("<script.bpm>"), cl::sub(runCommand),
                              cl::cat(bpcCategory));
cl::list<std::string> runArgs(cl::ConsumeAfter, cl::desc("<script arguments>..."),
                              cl::sub(runCommand), cl::cat(bpcCategory));

constexpr const char *kUsage = "usage: bpc build MODEL.bpm [-o libMODEL.so] [--emit=ast|bp]\n"
                               "       bpc run SCRIPT.bpm [ARGS...]\n"
                               "Run 'bpc --help' for every option.\n";

int usageError(const std::string &message) {
  llvm::errs() << "bpc: error: " << message << "\n" << kUsage;
  return 2;
}

const char *emitName(EmitKind kind) {
  switch (kind) {
  case EmitKind::BP: return "bp";
  case EmitKind::Linalg: return "linalg";
  case EmitKind::LLVM: return "llvm";
  case EmitKind::Asm: return "asm";
  case EmitKind::PTX: return "ptx";
  case EmitKind::Header: return "header";
  default: return "ast";
  }
}

int runBuild() {
  if (buildInput.empty())
    return usageError("'bpc build' needs a model file, e.g. 'bpc build model.bpm -o libmodel.so'");
  if (emitKind != EmitKind::AST && emitKind != EmitKind::BP && emitKind != EmitKind::Library)
    return usageError(fmt::format("--emit={} is not available yet: this version of bpc prints "
                                  "the syntax tree and the traced bp IR; use --emit=ast or "
                                  "--emit=bp",
                                  emitName(emitKind)));

  llvm::SourceMgr sourceMgr;
  bpc::DiagnosticEngine diags(sourceMgr, llvm::errs());
  std::unique_ptr<bpc::ast::Module> module = bpc::parseFile(buildInput, diags);
  if (!module)
    return 1;
  if (emitKind == EmitKind::Library) {
    diags.error(fmt::format("'{}' parsed, but code generation is not implemented yet in this "
                            "version of bpc; use --emit=ast to print the syntax tree",
                            buildInput.getValue()));
    return 1;
  }
  std::error_code ec;
  llvm::ToolOutputFile out(outputPath.empty() ? "-" : outputPath.getValue(), ec,
                           llvm::sys::fs::OF_Text);
  if (ec) {
    diags.error(fmt::format("cannot write '{}': {}", outputPath.getValue(), ec.message()));
    return 1;
  }
  if (emitKind == EmitKind::BP) {
    // The module runs as a library; its jit objects are traced into bp.
    if (int status = bpc::tracer::emitBP(*module, diags, out.os(), printDebugInfo))
      return status;
    out.keep();
    return 0;
  }
  bpc::printAST(*module, sourceMgr, out.os());
  out.keep();
  return 0;
}

/// Evaluates the script as `__main__` (bpc::tracer); an uncaught exception
/// is reported through `diags` and makes the exit status 1.
int executeScript(const bpc::ast::Module &module, bpc::DiagnosticEngine &diags) {
  bpc::tracer::RunOptions options;
  options.moduleName = "__main__";
  options.argv.push_back(runInput);
  options.argv.insert(options.argv.end(), runArgs.begin(), runArgs.end());
  return bpc::tracer::runModule(module, diags, options, llvm::outs());
}

int runRun() {
  if (runInput.empty())
    return usageError("'bpc run' needs a script, e.g. 'bpc run model.bpm'");
  llvm::SourceMgr sourceMgr;
  bpc::DiagnosticEngine diags(sourceMgr, llvm::errs());
  std::unique_ptr<bpc::ast::Module> module = bpc::parseFile(runInput, diags);
  if (!module)
    return 1;
  return executeScript(*module, diags);
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    llvm::errs() << kUsage;
    return 2;
  }
  llvm::StringRef first = argv[1];
  if (!first.starts_with("-") && first != "build" && first != "run")
    return usageError(fmt::format("unknown command '{}'; expected 'build' or 'run'", first.str()));

  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "bpc " << BPC_VERSION << " (LLVM/MLIR " << LLVM_VERSION_STRING << ")\n";
  });
  cl::HideUnrelatedOptions(bpcCategory);
  cl::HideUnrelatedOptions(bpcCategory, buildCommand);
  cl::HideUnrelatedOptions(bpcCategory, runCommand);
  if (!cl::ParseCommandLineOptions(argc, argv,
                                   "bpc: compiles BrainPy-style .bpm models ahead of time\n",
                                   &llvm::errs()))
    return 2;

  if (buildCommand)
    return runBuild();
  if (runCommand)
    return runRun();
  llvm::errs() << kUsage;
  return 2;
}
