//===- bpc.cpp - The bpc compiler driver -----------------------------------===//
//
//   bpc build MODEL.bpm [-o libMODEL.so] [--name=PREFIX]
//             [--emit=ast|bp|linalg|llvm|asm|header] [--keep-intermediate=DIR]
//             [--specialize=CALL]... [--print-debuginfo]
//   bpc run [--explain-recompile] SCRIPT.bpm [ARGS...]
//
// Exit status: 0 on success, 1 when the input has errors, 2 on usage errors.
//
//===----------------------------------------------------------------------===//

#include "bpc/Frontend/ASTPrinter.h"
#include "bpc/Frontend/Diagnostics.h"
#include "bpc/Frontend/ParseDriver.h"
#include "bpc/Pipelines/Pipelines.h"
#include "bpc/Target/HostCodegen.h"
#include "bpc/Target/LibraryEmitter.h"
#include "bpc/Tracer/Export.h"
#include "bpc/Tracer/Interpreter.h"

#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
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

cl::opt<std::string> modelName("name",
                               cl::desc("Prefix of the C entry points (default: from -o "
                                        "libNAME.so, else the model file's stem)"),
                               cl::value_desc("prefix"), cl::sub(buildCommand),
                               cl::cat(bpcCategory));

cl::opt<bool> printDebugInfo("print-debuginfo",
                             cl::desc("Print MLIR locations with --emit=bp"),
                             cl::sub(buildCommand), cl::cat(bpcCategory));

cl::opt<std::string> keepIntermediate(
    "keep-intermediate",
    cl::desc("Also write every stage the build goes through into DIR as numbered files "
             "(1-bp.mlir ... 7-header.h); each .mlir re-runs alone with bpc-opt"),
    cl::value_desc("dir"), cl::sub(buildCommand), cl::cat(bpcCategory));

cl::list<std::string> specializeOptions(
    "specialize",
    cl::desc("Also compile an exported function with static arguments (static_argnames, "
             "static_argnums) for these values, e.g. --specialize 'f_jit(x=1.0)'; repeatable"),
    cl::value_desc("call"), cl::sub(buildCommand), cl::cat(bpcCategory));

cl::opt<std::string> runInput(cl::Positional, cl::desc("<script.bpm>"), cl::sub(runCommand),
                              cl::cat(bpcCategory));
cl::opt<bool> explainRecompileFlag(
    "explain-recompile",
    cl::desc("Print on stderr, for each new jit specialisation, which argument's shape, dtype "
             "or static value caused it and where the call is"),
    cl::sub(runCommand), cl::cat(bpcCategory));
cl::list<std::string> runArgs(cl::ConsumeAfter, cl::desc("<script arguments>..."),
                              cl::sub(runCommand), cl::cat(bpcCategory));

constexpr const char *kUsage = "usage: bpc build MODEL.bpm [-o libMODEL.so] [--emit=STAGE]\n"
                               "       bpc run SCRIPT.bpm [ARGS...]\n"
                               "Run 'bpc --help' for every option.\n";

int usageError(const std::string &message) {
  llvm::errs() << "bpc: error: " << message << "\n" << kUsage;
  return 2;
}

/// The model prefix (DESIGN.md §4a): --name, else NAME of `-o libNAME.so`,
/// else the stem of the model file.
std::string modelPrefix() {
  if (!modelName.empty())
    return modelName;
  llvm::StringRef stem = llvm::sys::path::stem(outputPath.empty() || emitKind != EmitKind::Library
                                                   ? buildInput.getValue()
                                                   : outputPath.getValue());
  if (!outputPath.empty() && emitKind == EmitKind::Library)
    stem.consume_front("lib");
  return stem.str();
}

/// Runs `build` (a pipeline builder of bpc/Pipelines) on `module`; MLIR's
/// own diagnostics say what failed.
bool runPipeline(mlir::ModuleOp module, mlir::LogicalResult (*build)(mlir::OpPassManager &),
                 const char *stage, bpc::DiagnosticEngine &diags) {
  mlir::PassManager pm(module->getContext());
  if (mlir::failed(build(pm)) || mlir::failed(pm.run(module))) {
    diags.error(fmt::format("internal error: the {} pipeline failed", stage));
    return false;
  }
  return true;
}

/// `--keep-intermediate=DIR`: writes each stage the build reaches as
/// DIR/<n>-<stage>, numbered in pipeline order. The .mlir stages are the
/// inputs of the named pipelines, so `bpc-opt --bpc-lower-bp 1-bp.mlir`
/// reproduces 2-linalg.mlir.
class StageWriter {
public:
  explicit StageWriter(bpc::DiagnosticEngine &diags) : diags(diags) {}

  /// False after a write failed (reported).
  bool write(unsigned number, llvm::StringRef name,
             llvm::function_ref<bool(llvm::raw_ostream &)> print) {
    if (keepIntermediate.empty())
      return true;
    if (std::error_code ec = llvm::sys::fs::create_directories(keepIntermediate.getValue())) {
      diags.error(fmt::format("cannot create '{}': {}", keepIntermediate.getValue(), ec.message()));
      return false;
    }
    llvm::SmallString<256> path(keepIntermediate.getValue());
    llvm::sys::path::append(path, std::to_string(number) + "-" + name.str());
    std::error_code ec;
    llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_Text);
    if (ec) {
      diags.error(fmt::format("cannot write '{}': {}", path.str().str(), ec.message()));
      return false;
    }
    if (!print(out.os()))
      return false;
    out.keep();
    return true;
  }

  bool writeModule(unsigned number, llvm::StringRef name, mlir::ModuleOp module) {
    return write(number, name, [&](llvm::raw_ostream &os) {
      module.print(os);
      return true;
    });
  }

  bool writeHostCode(unsigned number, llvm::StringRef name, mlir::ModuleOp module,
                     bpc::HostOutput kind) {
    return write(number, name, [&](llvm::raw_ostream &os) {
      llvm::SmallString<0> text;
      llvm::raw_svector_ostream buffer(text);
      if (llvm::Error err = bpc::emitHostCode(module, kind, buffer)) {
        diags.error(llvm::toString(std::move(err)));
        return false;
      }
      os << text;
      return true;
    });
  }

private:
  bpc::DiagnosticEngine &diags;
};

/// Lowers the traced bp module as far as `emitKind` needs and writes it.
int emitLowered(mlir::ModuleOp module, const bpc::ModelManifest &manifest,
                bpc::DiagnosticEngine &diags) {
  StageWriter stages(diags);
  if (!stages.writeModule(1, "bp.mlir", module))
    return 1;
  if (emitKind != EmitKind::Header) {
    if (!runPipeline(module, bpc::buildLowerBPPipeline, "lower-bp", diags) ||
        !stages.writeModule(2, "linalg.mlir", module))
      return 1;
    if (emitKind != EmitKind::Linalg &&
        (!runPipeline(module, bpc::buildBufferizePipeline, "bufferize", diags) ||
         !stages.writeModule(3, "bufferized.mlir", module) ||
         !runPipeline(module, bpc::buildCPUToLLVMPipeline, "lower-to-llvm", diags) ||
         !stages.writeModule(4, "llvm-dialect.mlir", module) ||
         !stages.writeHostCode(5, "llvm.ll", module, bpc::HostOutput::LLVMIR) ||
         !stages.writeHostCode(6, "asm.s", module, bpc::HostOutput::Assembly)))
      return 1;
  }
  if (!stages.write(7, "header.h", [&](llvm::raw_ostream &os) {
        os << bpc::emitModelHeader(manifest);
        return true;
      }))
    return 1;
  auto report = [&](llvm::Error err) {
    diags.error(llvm::toString(std::move(err)));
    return 1;
  };
  if (emitKind == EmitKind::Library) {
    std::string so = outputPath.empty() ? "lib" + manifest.prefix + ".so" : outputPath.getValue();
    llvm::SmallString<256> header(so);
    llvm::sys::path::remove_filename(header);
    llvm::sys::path::append(header, manifest.prefix + ".h");
    if (llvm::Error err = bpc::buildSharedLibrary(module, manifest, so, header))
      return report(std::move(err));
    return 0;
  }
  if (llvm::Error err = bpc::verifyManifest(manifest))
    return report(std::move(err));
  std::error_code ec;
  llvm::ToolOutputFile out(outputPath.empty() ? "-" : outputPath.getValue(), ec,
                           llvm::sys::fs::OF_None);
  if (ec) {
    diags.error(fmt::format("cannot write '{}': {}", outputPath.getValue(), ec.message()));
    return 1;
  }
  switch (emitKind) {
  case EmitKind::Header:
    out.os() << bpc::emitModelHeader(manifest);
    break;
  case EmitKind::Linalg:
    module.print(out.os());
    break;
  default:
    if (llvm::Error err = bpc::emitHostCode(module,
                                            emitKind == EmitKind::LLVM ? bpc::HostOutput::LLVMIR
                                                                       : bpc::HostOutput::Assembly,
                                            out.os()))
      return report(std::move(err));
  }
  out.keep();
  return 0;
}

int runBuild() {
  if (buildInput.empty())
    return usageError("'bpc build' needs a model file, e.g. 'bpc build model.bpm -o libmodel.so'");
  if (emitKind == EmitKind::PTX)
    return usageError("--emit=ptx is not available yet: this version of bpc generates host "
                      "code only; use --emit=llvm or --emit=asm");

  llvm::SourceMgr sourceMgr;
  bpc::DiagnosticEngine diags(sourceMgr, llvm::errs());
  std::unique_ptr<bpc::ast::Module> module = bpc::parseFile(buildInput, diags);
  if (!module)
    return 1;
  if (emitKind != EmitKind::AST && emitKind != EmitKind::BP) {
    // The module's own print() output is not part of any emitted stage.
    return bpc::tracer::exportModel(
        *module, diags, modelPrefix(), llvm::errs(),
        [&](mlir::ModuleOp bp, const bpc::ModelManifest &manifest) {
          return emitLowered(bp, manifest, diags);
        },
        specializeOptions);
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
    if (int status = bpc::tracer::emitBP(*module, diags, out.os(), printDebugInfo,
                                                  specializeOptions))
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
  options.explainRecompile = explainRecompileFlag;
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
