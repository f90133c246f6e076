//===- SourceText.h - UTF-8 source as ANTLR code points ---------*- C++ -*-===//
//
// ANTLR lexes code points; diagnostics and the AST use byte offsets into the
// SourceMgr buffer. SourceText decodes (and validates) a UTF-8 range once and
// keeps the map between the two.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_LIB_FRONTEND_SOURCETEXT_H
#define BPC_LIB_FRONTEND_SOURCETEXT_H

#include "bpc/Frontend/AST.h"

#include "BPMLexer.h"
#include "antlr4-runtime.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace bpc {

class SourceText {
public:
  /// Decodes `text`, which starts at byte `base` of its buffer. On invalid
  /// input returns false and sets `errorOffset` (a byte offset in the buffer)
  /// and `error`.
  bool decode(llvm::StringRef text, uint32_t base, uint32_t &errorOffset, std::string &error);

  const std::u32string &codePoints() const { return points; }

  /// Byte offset in the buffer of code point `index` (index == size is the end).
  uint32_t byteOffset(size_t index) const {
    if (index > points.size())
      index = points.size();
    return base + (offsets.empty() ? static_cast<uint32_t>(index) : offsets[index]);
  }

  ast::Loc loc(const antlr4::Token *token) const {
    size_t start = token->getStartIndex();
    size_t stop = token->getStopIndex() + 1; // wraps to 0 for synthesized empty ranges
    if (stop < start)
      stop = start;
    return {byteOffset(start), byteOffset(stop)};
  }

  /// The token stream, so that a rule's range can end at its last real
  /// token rather than at the NEWLINE/DEDENT that closes it.
  void setTokens(antlr4::TokenStream *stream) { tokens = stream; }

  ast::Loc loc(antlr4::ParserRuleContext *ctx) const {
    ast::Loc begin = loc(ctx->getStart());
    const antlr4::Token *stopToken = ctx->getStop();
    size_t startIndex = ctx->getStart()->getTokenIndex();
    while (tokens && stopToken && isLayout(stopToken->getType()) &&
           stopToken->getTokenIndex() > startIndex)
      stopToken = tokens->get(stopToken->getTokenIndex() - 1);
    if (!stopToken || stopToken->getTokenIndex() < ctx->getStart()->getTokenIndex())
      return {begin.begin, begin.begin};
    ast::Loc end = loc(stopToken);
    return {begin.begin, std::max(begin.begin, end.end)};
  }

private:
  static bool isLayout(size_t type) {
    return type == grammar::BPMLexer::NEWLINE || type == grammar::BPMLexer::INDENT ||
           type == grammar::BPMLexer::DEDENT;
  }

  antlr4::TokenStream *tokens = nullptr;
  std::u32string points;
  std::vector<uint32_t> offsets; // empty for pure ASCII (identity map)
  uint32_t base = 0;
};

/// An ANTLR character stream over already-decoded code points (the runtime's
/// own UTF-8 loader throws on invalid input; ours reports it first).
class CodePointStream : public antlr4::ANTLRInputStream {
public:
  CodePointStream(const std::u32string &data, const std::string &sourceName) {
    _data = data;
    p = 0;
    name = sourceName;
  }
};

} // namespace bpc

#endif // BPC_LIB_FRONTEND_SOURCETEXT_H
