//===- ASTPrinter.h - Stable text form of the AST ---------------*- C++ -*-===//

#ifndef BPC_FRONTEND_ASTPRINTER_H
#define BPC_FRONTEND_ASTPRINTER_H

#include "bpc/Frontend/AST.h"

#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

namespace bpc {

/// Prints `module` one node per line, children indented by two spaces, each
/// node followed by its source range `<line:col-line:col>` (end exclusive).
/// This is the output of `bpc build --emit=ast`; golden tests depend on it.
void printAST(const ast::Module &module, const llvm::SourceMgr &sourceMgr,
              llvm::raw_ostream &os);

} // namespace bpc

#endif // BPC_FRONTEND_ASTPRINTER_H
