//===- FuzzFrontend.cpp - libFuzzer target for the .bpm front end ---------===//
//
// Feeds arbitrary bytes through the whole front end (decode, lex, parse,
// build the AST, print it). Any crash, hang, leak or sanitizer report is a
// bug: the front end must answer every input with diagnostics or an AST.
//
//===----------------------------------------------------------------------===//

#include "bpc/Frontend/ASTPrinter.h"
#include "bpc/Frontend/Diagnostics.h"
#include "bpc/Frontend/ParseDriver.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::SourceMgr sourceMgr;
  std::string sink;
  llvm::raw_string_ostream os(sink);
  bpc::DiagnosticEngine diags(sourceMgr, os);
  auto buffer = llvm::MemoryBuffer::getMemBufferCopy(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.bpm");
  unsigned id = sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  if (std::unique_ptr<bpc::ast::Module> module = bpc::parseModule(id, "fuzz.bpm", diags))
    bpc::printAST(*module, sourceMgr, os);
  return 0;
}
