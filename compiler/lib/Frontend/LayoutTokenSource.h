//===- LayoutTokenSource.h - Python layout over the raw lexer ---*- C++ -*-===//
//
// Sits between the generated BPMLexer and the parser and applies Python's
// layout rules: NEWLINE ends a logical line, INDENT/DEDENT come from the
// indentation stack, line breaks inside brackets are joined. It also reports
// the lexical errors (bad characters, unterminated strings, unbalanced
// brackets, inconsistent indentation) and enforces the nesting limits that
// keep the recursive-descent parser within its stack.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_LIB_FRONTEND_LAYOUTTOKENSOURCE_H
#define BPC_LIB_FRONTEND_LAYOUTTOKENSOURCE_H

#include "bpc/Frontend/ParseDriver.h"

#include "BPMLexer.h"

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bpc {

class LayoutTokenSource : public antlr4::TokenSource {
public:
  /// Receives a lexical error at code-point range [begin, end) of the input.
  using ErrorFn = std::function<void(size_t begin, size_t end, const std::string &)>;

  /// With `expressionOnly` (an f-string field) the text is one expression,
  /// read as if inside brackets: no layout tokens at all.
  LayoutTokenSource(grammar::BPMLexer &lexer, ErrorFn onError, const ParserLimits &limits,
                    bool expressionOnly = false);

  std::unique_ptr<antlr4::Token> nextToken() override;
  size_t getLine() const override { return lexer.getLine(); }
  size_t getCharPositionInLine() override { return lexer.getCharPositionInLine(); }
  antlr4::CharStream *getInputStream() override { return lexer.getInputStream(); }
  std::string getSourceName() override { return lexer.getSourceName(); }
  antlr4::TokenFactory<antlr4::CommonToken> *getTokenFactory() override {
    return lexer.getTokenFactory();
  }

  /// True when the input cannot be parsed safely (a nesting limit was hit);
  /// the token stream then ends early and the parser must not run.
  bool isFatal() const { return fatal; }
  /// True when the input ended inside brackets; that error has been
  /// reported, so the parser's complaint about the end of file is noise.
  bool endedInsideBrackets() const { return unclosedAtEnd; }
  /// Where the bracket that was never closed opened (a code-point index).
  size_t unclosedBracketStart() const { return unclosedStart; }

private:
  struct IndentLevel {
    unsigned column;     // tabs to the next multiple of 8, as Python does
    unsigned tabsAsOne;  // tabs counted as 1, to detect inconsistent mixing
  };
  struct OpenBracket {
    char32_t ch;
    size_t start;
    // Nesting counters of the enclosing level, restored at the close.
    unsigned unaryChain, notChain, otherChain;
  };

  void emit(std::unique_ptr<antlr4::Token> token);
  std::unique_ptr<antlr4::Token> synthesize(size_t type, size_t at, const std::string &text);
  void handleNewline(std::unique_ptr<antlr4::Token> token);
  void handleEndOfFile(std::unique_ptr<antlr4::Token> token);
  void handleOpen(antlr4::Token &token);
  bool handleClose(antlr4::Token &token);
  void countNesting(const antlr4::Token &token);
  void fail(size_t begin, size_t end, const std::string &message);

  grammar::BPMLexer &lexer;
  ErrorFn onError;
  ParserLimits limits;
  std::deque<std::unique_ptr<antlr4::Token>> pending;
  std::vector<IndentLevel> indents{{0, 0}};
  std::vector<OpenBracket> brackets;
  size_t lastType = 0;            // type of the last token handed out
  size_t lastStop = 0;            // end (exclusive) of the last real token
  bool emittedAny = false;
  bool fatal = false;
  bool unclosedAtEnd = false;
  size_t unclosedStart = 0;
  bool finished = false;
  bool expressionOnly;
  // Right-nesting depth of the current logical line (see countNesting).
  unsigned unaryChain = 0, notChain = 0, otherChain = 0;
};

} // namespace bpc

#endif // BPC_LIB_FRONTEND_LAYOUTTOKENSOURCE_H
