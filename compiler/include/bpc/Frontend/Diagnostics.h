//===- Diagnostics.h - Caret diagnostics for .bpm sources -------*- C++ -*-===//
//
// Every user-facing error goes through DiagnosticEngine: it prints
// `file:line:col: error: message`, the source line and a caret, using
// llvm::SourceMgr so the format matches clang's and MLIR's.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_FRONTEND_DIAGNOSTICS_H
#define BPC_FRONTEND_DIAGNOSTICS_H

#include "bpc/Frontend/AST.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <utility>

namespace bpc {

class DiagnosticEngine {
public:
  /// Stops printing (and asks the front end to stop) after this many errors,
  /// so that a binary or garbage file ends with a short report.
  static constexpr unsigned kDefaultErrorLimit = 20;

  DiagnosticEngine(llvm::SourceMgr &sourceMgr, llvm::raw_ostream &os);

  void error(unsigned bufferId, ast::Loc loc, const llvm::Twine &message);
  void warning(unsigned bufferId, ast::Loc loc, const llvm::Twine &message);
  /// A note attached to the previous error (the why, or what to do).
  void note(unsigned bufferId, ast::Loc loc, const llvm::Twine &message);
  /// An error with no source position (I/O, usage).
  void error(const llvm::Twine &message);
  /// A warning with no source position.
  void warning(const llvm::Twine &message);

  unsigned errorCount() const { return numErrors; }
  bool hasErrors() const { return numErrors != 0; }
  /// True once the error limit is reached; the front end stops early.
  bool tooManyErrors() const { return numErrors >= errorLimit; }
  void setErrorLimit(unsigned limit) { errorLimit = limit; }

  llvm::SourceMgr &getSourceMgr() { return sourceMgr; }
  /// 1-based line and column (in bytes) of an offset into a buffer.
  std::pair<unsigned, unsigned> lineCol(unsigned bufferId, uint32_t offset) const;

private:
  void print(llvm::SourceMgr::DiagKind kind, unsigned bufferId, ast::Loc loc,
             const llvm::Twine &message);

  llvm::SourceMgr &sourceMgr;
  llvm::raw_ostream &os;
  unsigned numErrors = 0;
  unsigned errorLimit = kDefaultErrorLimit;
};

} // namespace bpc

#endif // BPC_FRONTEND_DIAGNOSTICS_H
