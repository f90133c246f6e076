//===- HostCodegen.cpp - LLVM dialect to host object code -----------------===//

#include "bpc/Target/HostCodegen.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

using namespace bpc;

llvm::Error bpc::emitHostCode(mlir::ModuleOp module, HostOutput kind,
                              llvm::raw_pwrite_stream &os) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();

  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  builder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  builder->setRelocationModel(llvm::Reloc::PIC_);
  auto machine = builder->createTargetMachine();
  if (!machine)
    return machine.takeError();

  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule = mlir::translateModuleToLLVMIR(module, context);
  if (!llvmModule)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot translate the module to LLVM IR");
  llvmModule->setDataLayout((*machine)->createDataLayout());
  llvmModule->setTargetTriple((*machine)->getTargetTriple().getTriple());
  // translateModuleToLLVMIR leaves functions without "target-cpu" and
  // "target-features". Codegen would fall back to the machine's defaults, but
  // the attributes make the host's vector ISA (AVX2/AVX-512 where present)
  // part of the IR itself: --emit=llvm shows what the vectorizer targeted,
  // and every pass that consults a function's subtarget sees the same one.
  //
  // "+prefer-no-gather,+prefer-no-scatter": without them the loop vectorizer
  // vectorises the row loop of a matrix-vector product with a static inner
  // dimension (X @ w with X f32[n, 10]) using one masked gather per column,
  // which on Zen 4 ran 2.4 times slower than the scalar loop (717 vs 296 us
  // for 200000 x 10); gathers are microcoded or slow on most x86 cores (LLVM
  // sets the same tuning for Intel cores since the Downfall mitigation).
  std::string features = (*machine)->getTargetFeatureString().str();
  if ((*machine)->getTargetTriple().isX86())
    features += std::string(features.empty() ? "" : ",") + "+prefer-no-gather,+prefer-no-scatter";
  for (llvm::Function &function : *llvmModule) {
    if (function.isDeclaration())
      continue;
    function.addFnAttr("target-cpu", (*machine)->getTargetCPU());
    function.addFnAttr("target-features", features);
  }
  if (llvm::Error error = mlir::makeOptimizingTransformer(3, 0, machine->get())(llvmModule.get()))
    return error;

  if (kind == HostOutput::LLVMIR) {
    llvmModule->print(os, nullptr);
    return llvm::Error::success();
  }
  llvm::legacy::PassManager passes;
  auto fileType = kind == HostOutput::Object ? llvm::CodeGenFileType::ObjectFile
                                             : llvm::CodeGenFileType::AssemblyFile;
  if ((*machine)->addPassesToEmitFile(passes, os, nullptr, fileType))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the host target cannot emit this file type");
  passes.run(*llvmModule);
  return llvm::Error::success();
}
