//===- SyntaxErrors.h - Syntax errors in words -------------------*- C++ -*-===//
//
// ANTLR's default messages list token names ("mismatched input 'x'
// expecting {NAME, '(', ...}"). This error strategy keeps ANTLR's recovery
// but says what was expected in words, the way Python does ("expected ':'",
// "expected an indented block after 'if' statement on line 3").
//
//===----------------------------------------------------------------------===//

#ifndef BPC_LIB_FRONTEND_SYNTAXERRORS_H
#define BPC_LIB_FRONTEND_SYNTAXERRORS_H

#include "SourceText.h"

#include "antlr4-runtime.h"

#include <functional>
#include <optional>
#include <vector>
#include <string>

namespace bpc {

/// Records the first syntax error of a parse (later ones are usually its
/// consequences) with a message in words; the caller decides whether to
/// report it. `findSyntaxErrors` drives it statement by statement.
class SyntaxErrorStrategy : public antlr4::DefaultErrorStrategy {
public:
  struct Error {
    ast::Loc loc;
    std::string message;
    size_t tokenIndex = 0;
  };

  SyntaxErrorStrategy(const SourceText &text, bool endedInsideBrackets)
      : text(text), endedInsideBrackets(endedInsideBrackets) {}

  const std::optional<Error> &firstError() const { return first; }
  void clearError() { first.reset(); }

protected:
  void reportNoViableAlternative(antlr4::Parser *parser,
                                 const antlr4::NoViableAltException &e) override;
  void reportInputMismatch(antlr4::Parser *parser,
                           const antlr4::InputMismatchException &e) override;
  void reportFailedPredicate(antlr4::Parser *parser,
                             const antlr4::FailedPredicateException &e) override;
  void reportUnwantedToken(antlr4::Parser *parser) override;
  void reportMissingToken(antlr4::Parser *parser) override;

private:
  void reportAt(antlr4::Parser *parser, antlr4::Token *offending,
                const antlr4::misc::IntervalSet &expected);
  std::string blockOwner(antlr4::Parser *parser, antlr4::Token *offending);
  ast::Loc where(antlr4::Parser *parser, antlr4::Token *offending);

  const SourceText &text;
  bool endedInsideBrackets;
  std::optional<Error> first;
};

/// Parses the token stream statement by statement and returns one error per
/// faulty statement, descending into the blocks of a faulty compound
/// statement so that errors in different functions or branches are all found.
std::vector<SyntaxErrorStrategy::Error> findSyntaxErrors(antlr4::Parser &parser,
                                                         antlr4::BufferedTokenStream &tokens,
                                                         SyntaxErrorStrategy &strategy);

} // namespace bpc

#endif // BPC_LIB_FRONTEND_SYNTAXERRORS_H
