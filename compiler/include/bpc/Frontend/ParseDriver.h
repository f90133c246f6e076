//===- ParseDriver.h - .bpm source to AST -----------------------*- C++ -*-===//

#ifndef BPC_FRONTEND_PARSEDRIVER_H
#define BPC_FRONTEND_PARSEDRIVER_H

#include "bpc/Frontend/AST.h"
#include "bpc/Frontend/Diagnostics.h"

#include <memory>

namespace bpc {

/// Limits that keep hostile input (deep nesting, huge files) from exhausting
/// the stack; the numbers follow CPython's own limits.
struct ParserLimits {
  unsigned maxBracketDepth = 200;     // CPython: "too many nested parentheses"
  unsigned maxIndentDepth = 100;      // CPython: "too many levels of indentation"
  unsigned maxExprNesting = 1000;     // nested unary/`**`/if-else/lambda per line
};

/// Parses buffer `bufferId` of the diagnostics' SourceMgr as a .bpm module.
/// Every syntax error is reported through `diags`; the result is null when
/// there was any error. Never throws.
std::unique_ptr<ast::Module> parseModule(unsigned bufferId, llvm::StringRef filename,
                                         DiagnosticEngine &diags,
                                         const ParserLimits &limits = {});

/// Reads `path` into the SourceMgr and parses it. Reports an unreadable file
/// as an error.
std::unique_ptr<ast::Module> parseFile(llvm::StringRef path, DiagnosticEngine &diags,
                                       const ParserLimits &limits = {});

} // namespace bpc

#endif // BPC_FRONTEND_PARSEDRIVER_H
