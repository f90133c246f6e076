//===- SyntaxErrors.cpp - Syntax errors in words ---------------------------===//

#include "SyntaxErrors.h"

#include "BPMLexer.h"
#include "BPMParser.h"

#include <fmt/format.h>

#include <set>
#include <vector>

using namespace bpc;
using Lexer = bpc::grammar::BPMLexer;

namespace {

bool isSynthesized(const antlr4::Token *token) {
  return token->getType() == antlr4::Token::EOF || token->getType() == Lexer::DEDENT ||
         token->getType() == Lexer::INDENT || token->getStopIndex() + 1 <= token->getStartIndex();
}

/// Tokens that can start an expression.
const std::set<size_t> &expressionStarts() {
  static const std::set<size_t> set = {
      Lexer::NAME,     Lexer::NUMBER,     Lexer::STRING,     Lexer::OPEN_PAREN,
      Lexer::OPEN_BRACK, Lexer::OPEN_BRACE, Lexer::MINUS,    Lexer::ADD,
      Lexer::NOT_OP,   Lexer::NOT,        Lexer::LAMBDA,     Lexer::NONE,
      Lexer::TRUE,     Lexer::FALSE,      Lexer::ELLIPSIS,   Lexer::STAR,
      Lexer::YIELD,    Lexer::POWER,
  };
  return set;
}

/// Tokens that continue an expression (binary operators, trailers,
/// assignment operators): when many are possible they read as "an operator".
bool continuesExpression(size_t type) {
  switch (type) {
  case Lexer::DOT: case Lexer::OPEN_PAREN: case Lexer::OPEN_BRACK: case Lexer::POWER:
  case Lexer::STAR: case Lexer::AT: case Lexer::DIV: case Lexer::MOD: case Lexer::IDIV:
  case Lexer::ADD: case Lexer::MINUS: case Lexer::LEFT_SHIFT: case Lexer::RIGHT_SHIFT:
  case Lexer::AND_OP: case Lexer::XOR: case Lexer::OR_OP: case Lexer::LESS_THAN:
  case Lexer::GREATER_THAN: case Lexer::EQUALS: case Lexer::GT_EQ: case Lexer::LT_EQ:
  case Lexer::NOT_EQ: case Lexer::IN: case Lexer::NOT: case Lexer::IS: case Lexer::AND:
  case Lexer::OR: case Lexer::IF: case Lexer::ASSIGN: case Lexer::ADD_ASSIGN:
  case Lexer::SUB_ASSIGN: case Lexer::MULT_ASSIGN: case Lexer::AT_ASSIGN:
  case Lexer::DIV_ASSIGN: case Lexer::MOD_ASSIGN: case Lexer::AND_ASSIGN:
  case Lexer::OR_ASSIGN: case Lexer::XOR_ASSIGN: case Lexer::LEFT_SHIFT_ASSIGN:
  case Lexer::RIGHT_SHIFT_ASSIGN: case Lexer::POWER_ASSIGN: case Lexer::IDIV_ASSIGN:
  case Lexer::COLON: case Lexer::WALRUS: case Lexer::FOR:
    return true;
  default:
    return false;
  }
}

std::string describeExpectedToken(antlr4::Parser *parser, size_t type) {
  switch (type) {
  case antlr4::Token::EOF: return "end of file";
  case Lexer::NEWLINE: return "end of line";
  case Lexer::INDENT: return "an indented block";
  case Lexer::DEDENT: return "end of block";
  case Lexer::NAME: return "a name";
  case Lexer::NUMBER: return "a number";
  case Lexer::STRING: return "a string";
  default: break;
  }
  std::string literal = parser->getVocabulary().getLiteralName(type);
  return literal.empty() ? parser->getVocabulary().getDisplayName(type) : literal;
}

std::string describeFound(const antlr4::Token *token) {
  switch (token->getType()) {
  case antlr4::Token::EOF: return "end of file";
  case Lexer::NEWLINE: return "end of line";
  case Lexer::INDENT: return "an indent";
  case Lexer::DEDENT: return "end of block";
  case Lexer::NAME: return fmt::format("name '{}'", token->getText());
  case Lexer::NUMBER: return fmt::format("number {}", token->getText());
  case Lexer::STRING: return "a string";
  default: break;
  }
  std::string text = token->getText();
  bool keyword = !text.empty() && std::isalpha(static_cast<unsigned char>(text[0]));
  return fmt::format(keyword ? "keyword '{}'" : "'{}'", text);
}

/// "A", "A or B", "A, B or C".
std::string joinAlternatives(const std::vector<std::string> &items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i != 0)
      out += (i + 1 == items.size()) ? " or " : ", ";
    out += items[i];
  }
  return out;
}

std::string describeExpected(antlr4::Parser *parser, const antlr4::misc::IntervalSet &expected) {
  std::vector<size_t> types;
  for (const antlr4::misc::Interval &interval : expected.getIntervals())
    for (ssize_t t = interval.a; t <= interval.b; ++t)
      types.push_back(static_cast<size_t>(t));

  std::vector<std::string> items;
  std::set<size_t> covered;
  bool wantsExpression = expected.contains(static_cast<size_t>(Lexer::NAME)) && expected.contains(static_cast<size_t>(Lexer::NUMBER));
  if (wantsExpression) {
    items.push_back("an expression");
    covered = expressionStarts();
  }
  unsigned operators = 0;
  for (size_t t : types)
    if (!covered.count(t) && continuesExpression(t))
      ++operators;
  bool collapseOperators = operators >= 3;
  if (collapseOperators)
    items.push_back("an operator");
  for (size_t t : types) {
    if (covered.count(t) || (collapseOperators && continuesExpression(t)))
      continue;
    items.push_back(describeExpectedToken(parser, t));
  }
  if (items.empty() || items.size() > 4)
    return "";
  return joinAlternatives(items);
}

} // namespace

ast::Loc SyntaxErrorStrategy::where(antlr4::Parser *parser, antlr4::Token *offending) {
  // An unexpected INDENT is at the first token of its line, which is where
  // the error is; pointing after the previous line's last token would name
  // the wrong line.
  if (!isSynthesized(offending) || offending->getType() == Lexer::INDENT)
    return text.loc(offending);
  // Point just after the last real token: that is where something is missing.
  auto *stream = parser->getTokenStream();
  for (ssize_t i = static_cast<ssize_t>(offending->getTokenIndex()) - 1; i >= 0; --i) {
    antlr4::Token *previous = stream->get(static_cast<size_t>(i));
    if (!isSynthesized(previous) && previous->getType() != Lexer::NEWLINE) {
      uint32_t end = text.loc(previous).end;
      return {end, end};
    }
  }
  return {text.byteOffset(0), text.byteOffset(0)};
}

/// Names the statement whose block is missing, e.g. "'if' statement on line 3".
std::string SyntaxErrorStrategy::blockOwner(antlr4::Parser *parser, antlr4::Token *offending) {
  auto *stream = parser->getTokenStream();
  ssize_t i = static_cast<ssize_t>(offending->getTokenIndex()) - 1;
  // Skip back to the ':' and then to the first token of that line.
  while (i >= 0 && stream->get(static_cast<size_t>(i))->getType() != Lexer::COLON)
    --i;
  if (i < 0)
    return "";
  size_t line = stream->get(static_cast<size_t>(i))->getLine();
  antlr4::Token *first = nullptr;
  for (; i >= 0; --i) {
    antlr4::Token *t = stream->get(static_cast<size_t>(i));
    if (t->getType() == Lexer::NEWLINE || t->getType() == Lexer::INDENT ||
        t->getType() == Lexer::DEDENT)
      break;
    first = t;
  }
  if (!first)
    return "";
  line = first->getLine();
  switch (first->getType()) {
  case Lexer::DEF: return fmt::format("function definition on line {}", line);
  case Lexer::CLASS: return fmt::format("class definition on line {}", line);
  case Lexer::IF: case Lexer::ELIF: case Lexer::ELSE: case Lexer::WHILE: case Lexer::FOR:
  case Lexer::TRY: case Lexer::EXCEPT: case Lexer::FINALLY: case Lexer::WITH:
    return fmt::format("'{}' statement on line {}", first->getText(), line);
  default:
    return fmt::format("the statement on line {}", line);
  }
}

void SyntaxErrorStrategy::reportAt(antlr4::Parser *parser, antlr4::Token *offending,
                                   const antlr4::misc::IntervalSet &expected) {
  // Counts the error (the parser's counter moves only through listeners; it
  // has none, since this strategy does the reporting).
  parser->notifyErrorListeners(offending, "", nullptr);
  if (first)
    return;

  std::string message;
  if (offending->getType() == Lexer::INDENT) {
    message = "unexpected indent; indent only the body of a block (after a line ending in ':')";
  } else if (expected.contains(static_cast<size_t>(Lexer::INDENT))) {
    std::string owner = blockOwner(parser, offending);
    message = owner.empty() ? "expected an indented block"
                            : fmt::format("expected an indented block after {}", owner);
  } else {
    std::string want = describeExpected(parser, expected);
    std::string found = describeFound(offending);
    message = want.empty() ? fmt::format("invalid syntax: unexpected {}", found)
                           : fmt::format("invalid syntax: expected {}, found {}", want, found);
    if (offending->getType() == Lexer::ASSIGN && expected.contains(static_cast<size_t>(Lexer::COLON)))
      message += "; to compare values use '=='";
  }
  bool silent = offending->getType() == antlr4::Token::EOF && endedInsideBrackets;
  // "'(' was never closed" already says it; an empty message means "known".
  first = Error{where(parser, offending), silent ? std::string() : message,
                offending->getTokenIndex()};
}

void SyntaxErrorStrategy::reportNoViableAlternative(antlr4::Parser *parser,
                                                    const antlr4::NoViableAltException &e) {
  reportAt(parser, e.getOffendingToken(), e.getExpectedTokens());
}

void SyntaxErrorStrategy::reportInputMismatch(antlr4::Parser *parser,
                                              const antlr4::InputMismatchException &e) {
  reportAt(parser, e.getOffendingToken(), e.getExpectedTokens());
}

void SyntaxErrorStrategy::reportFailedPredicate(antlr4::Parser *parser,
                                                const antlr4::FailedPredicateException &e) {
  reportAt(parser, e.getOffendingToken(), parser->getExpectedTokens());
}

void SyntaxErrorStrategy::reportUnwantedToken(antlr4::Parser *parser) {
  if (inErrorRecoveryMode(parser))
    return;
  beginErrorCondition(parser);
  reportAt(parser, parser->getCurrentToken(), getExpectedTokens(parser));
}

void SyntaxErrorStrategy::reportMissingToken(antlr4::Parser *parser) {
  if (inErrorRecoveryMode(parser))
    return;
  beginErrorCondition(parser);
  reportAt(parser, parser->getCurrentToken(), getExpectedTokens(parser));
}

namespace {

/// Parses one statement at `start` and checks it, descending into its
/// block when it fails. Returns the index just after the statement.
class StatementChecker {
public:
  StatementChecker(grammar::BPMParser &parser, antlr4::BufferedTokenStream &tokens,
                   SyntaxErrorStrategy &strategy)
      : parser(parser), tokens(tokens), strategy(strategy) {}

  /// Checks statements from `index` until the DEDENT closing the block (or
  /// the end of file); returns the index of that DEDENT/EOF.
  size_t checkSequence(size_t index) {
    while (true) {
      size_t type = tokens.get(index)->getType();
      if (type == antlr4::Token::EOF || type == Lexer::DEDENT)
        return index;
      if (type == Lexer::NEWLINE || type == Lexer::INDENT) {
        if (type == Lexer::INDENT)
          record(index); // unexpected indent
        ++index;
        continue;
      }
      index = checkStatement(index);
    }
  }

  std::vector<SyntaxErrorStrategy::Error> errors;

private:
  bool parseStatementAt(size_t start, size_t &end) {
    parser.reset();
    tokens.seek(start);
    strategy.clearError();
    parser.stmt();
    end = tokens.index();
    return !strategy.firstError();
  }

  void record(size_t index) {
    parser.reset();
    tokens.seek(index);
    strategy.clearError();
    parser.stmt();
    if (strategy.firstError() && !strategy.firstError()->message.empty())
      errors.push_back(*strategy.firstError());
  }

  size_t checkStatement(size_t start) {
    size_t end = start;
    if (parseStatementAt(start, end) && end > start)
      return end;
    SyntaxErrorStrategy::Error error =
        strategy.firstError() ? *strategy.firstError() : SyntaxErrorStrategy::Error{};
    // The header: tokens up to the first NEWLINE (brackets are already joined).
    size_t header = start;
    while (tokens.get(header)->getType() != Lexer::NEWLINE &&
           tokens.get(header)->getType() != antlr4::Token::EOF)
      ++header;
    size_t next = header + (tokens.get(header)->getType() == Lexer::NEWLINE ? 1 : 0);
    bool hasBlock = tokens.get(next)->getType() == Lexer::INDENT;
    // An error in the header line, or just after it (a missing block),
    // belongs to this statement; a later one is found inside the block.
    bool inHeader = error.tokenIndex <= next;
    if (inHeader && !error.message.empty())
      errors.push_back(error);
    if (!hasBlock)
      return std::max(next, start + 1);
    size_t errorsBefore = errors.size();
    size_t dedent = checkSequence(next + 1);
    // Nothing wrong inside the block after all: the error is this statement's.
    if (!inHeader && errors.size() == errorsBefore && !error.message.empty())
      errors.push_back(error);
    return tokens.get(dedent)->getType() == Lexer::DEDENT ? dedent + 1 : dedent;
  }

  grammar::BPMParser &parser;
  antlr4::BufferedTokenStream &tokens;
  SyntaxErrorStrategy &strategy;
};

} // namespace

std::vector<SyntaxErrorStrategy::Error>
bpc::findSyntaxErrors(antlr4::Parser &parser, antlr4::BufferedTokenStream &tokens,
                      SyntaxErrorStrategy &strategy) {
  StatementChecker checker(static_cast<grammar::BPMParser &>(parser), tokens, strategy);
  size_t end = checker.checkSequence(0);
  // A DEDENT where the file should go on: more dedents than indents cannot
  // happen, so this is only reached after an earlier error.
  while (tokens.get(end)->getType() == Lexer::DEDENT)
    end = checker.checkSequence(end + 1);
  return std::move(checker.errors);
}
