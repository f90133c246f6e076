//===- LayoutTokenSource.cpp - Python layout over the raw lexer -----------===//

#include "LayoutTokenSource.h"

#include <fmt/format.h>

using namespace bpc;
using Lexer = bpc::grammar::BPMLexer;

namespace {

bool isOpen(size_t type) {
  return type == Lexer::OPEN_PAREN || type == Lexer::OPEN_BRACK || type == Lexer::OPEN_BRACE;
}
bool isClose(size_t type) {
  return type == Lexer::CLOSE_PAREN || type == Lexer::CLOSE_BRACK || type == Lexer::CLOSE_BRACE;
}

/// Tokens after which a `-`, `+` or `~` is binary rather than prefix.
bool endsOperand(size_t type) {
  switch (type) {
  case Lexer::NAME: case Lexer::NUMBER: case Lexer::STRING: case Lexer::NONE:
  case Lexer::TRUE: case Lexer::FALSE: case Lexer::ELLIPSIS:
  case Lexer::CLOSE_PAREN: case Lexer::CLOSE_BRACK: case Lexer::CLOSE_BRACE:
    return true;
  default:
    return false;
  }
}

/// Binary operators that bind looser than prefix `-`/`**`: after one of them
/// the parser has returned from any prefix nesting of the left operand.
bool endsUnaryNesting(size_t type) {
  switch (type) {
  case Lexer::ADD: case Lexer::MINUS: case Lexer::STAR: case Lexer::DIV:
  case Lexer::IDIV: case Lexer::MOD: case Lexer::AT: case Lexer::LEFT_SHIFT:
  case Lexer::RIGHT_SHIFT: case Lexer::AND_OP: case Lexer::XOR: case Lexer::OR_OP:
  case Lexer::LESS_THAN: case Lexer::GREATER_THAN: case Lexer::EQUALS:
  case Lexer::GT_EQ: case Lexer::LT_EQ: case Lexer::NOT_EQ: case Lexer::IN:
  case Lexer::IS: case Lexer::AND: case Lexer::OR:
    return true;
  default:
    return false;
  }
}

char32_t bracketChar(size_t type) {
  switch (type) {
  case Lexer::OPEN_PAREN: return '(';
  case Lexer::CLOSE_PAREN: return ')';
  case Lexer::OPEN_BRACK: return '[';
  case Lexer::CLOSE_BRACK: return ']';
  case Lexer::OPEN_BRACE: return '{';
  default: return '}';
  }
}

char32_t matchingOpen(char32_t close) {
  return close == ')' ? '(' : close == ']' ? '[' : '{';
}

const char *bracketName(char32_t ch) {
  return (ch == '(' || ch == ')') ? "parenthesis" : (ch == '[' || ch == ']') ? "bracket" : "brace";
}

/// Names a character the way Python's tokenizer does: `'$' (U+0024)`.
std::string describeChar(const std::string &utf8) {
  uint32_t cp = 0;
  unsigned char lead = utf8.empty() ? 0 : static_cast<unsigned char>(utf8[0]);
  size_t extra = lead < 0x80 ? 0 : lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3;
  cp = extra == 0 ? lead : lead & (0x3F >> extra);
  for (size_t i = 1; i <= extra && i < utf8.size(); ++i)
    cp = (cp << 6) | (static_cast<unsigned char>(utf8[i]) & 0x3F);
  if (cp < 0x20 || cp == 0x7F)
    return fmt::format("U+{:04X}", cp);
  return fmt::format("'{}' (U+{:04X})", utf8, cp);
}

} // namespace

LayoutTokenSource::LayoutTokenSource(grammar::BPMLexer &lexer, ErrorFn onError,
                                     const ParserLimits &limits, bool expressionOnly)
    : lexer(lexer), onError(std::move(onError)), limits(limits),
      expressionOnly(expressionOnly) {}

void LayoutTokenSource::fail(size_t begin, size_t end, const std::string &message) {
  onError(begin, end, message);
  fatal = true;
}

std::unique_ptr<antlr4::Token> LayoutTokenSource::synthesize(size_t type, size_t at,
                                                             const std::string &text) {
  auto token = std::make_unique<antlr4::CommonToken>(
      std::make_pair(static_cast<antlr4::TokenSource *>(this), lexer.getInputStream()),
      type, antlr4::Token::DEFAULT_CHANNEL, at, at == 0 ? 0 : at - 1);
  // An empty range [at, at): the stop index is one before the start.
  token->setStartIndex(at);
  token->setStopIndex(at - 1);
  token->setText(text);
  token->setLine(lexer.getLine());
  token->setCharPositionInLine(lexer.getCharPositionInLine());
  return token;
}

void LayoutTokenSource::emit(std::unique_ptr<antlr4::Token> token) {
  lastType = token->getType();
  if (lastType != Lexer::INDENT && lastType != Lexer::DEDENT && lastType != Lexer::NEWLINE &&
      lastType != antlr4::Token::EOF)
    lastStop = token->getStopIndex() + 1;
  emittedAny = true;
  pending.push_back(std::move(token));
}

std::unique_ptr<antlr4::Token> LayoutTokenSource::nextToken() {
  while (pending.empty()) {
    if (finished || fatal) {
      // After a fatal error the stream just ends.
      auto eof = synthesize(antlr4::Token::EOF, lastStop, "<EOF>");
      return eof;
    }
    std::unique_ptr<antlr4::Token> token = lexer.nextToken();
    size_t type = token->getType();
    size_t start = token->getStartIndex();
    size_t stop = token->getStopIndex() + 1;
    switch (type) {
    case Lexer::ERROR_CHAR: {
      std::string spelled = token->getText();
      if (spelled == "\\")
        onError(start, stop, "unexpected character after line continuation character; a "
                             "backslash continues a line only at its very end");
      else
        onError(start, stop, fmt::format("invalid character {} in source", describeChar(spelled)));
      continue;
    }
    case Lexer::UNTERMINATED_STRING: {
      std::string text = token->getText();
      bool triple = text.find("'''") != std::string::npos || text.find("\"\"\"") != std::string::npos;
      onError(start, start + 1,
              triple ? "unterminated triple-quoted string literal; add the closing quotes"
                     : "unterminated string literal; close it on the same line, or use a "
                       "triple-quoted string for several lines");
      token = synthesize(Lexer::STRING, start, "''");
      emit(std::move(token));
      continue;
    }
    case Lexer::NEWLINE:
      if (!brackets.empty() || expressionOnly)
        continue; // implicit line joining
      handleNewline(std::move(token));
      continue;
    case antlr4::Token::EOF:
      if (expressionOnly) {
        finished = true;
        emit(std::move(token));
        continue;
      }
      handleEndOfFile(std::move(token));
      continue;
    default:
      break;
    }
    if (isOpen(type)) {
      handleOpen(*token);
      if (fatal)
        continue;
    } else if (isClose(type)) {
      if (!handleClose(*token))
        continue;
    }
    // Indentation before the first statement of the file.
    if (!emittedAny && !expressionOnly && token->getCharPositionInLine() > 0)
      emit(synthesize(Lexer::INDENT, start, "<INDENT>"));
    countNesting(*token);
    if (fatal)
      continue;
    emit(std::move(token));
  }
  std::unique_ptr<antlr4::Token> next = std::move(pending.front());
  pending.pop_front();
  return next;
}

void LayoutTokenSource::handleOpen(antlr4::Token &token) {
  brackets.push_back({bracketChar(token.getType()), token.getStartIndex(), unaryChain, notChain,
                      otherChain});
  unaryChain = notChain = otherChain = 0;
  if (brackets.size() > limits.maxBracketDepth)
    fail(token.getStartIndex(), token.getStopIndex() + 1,
         fmt::format("too many nested parentheses (more than {}); split the expression "
                     "into named parts",
                     limits.maxBracketDepth));
}

bool LayoutTokenSource::handleClose(antlr4::Token &token) {
  char32_t close = bracketChar(token.getType());
  size_t start = token.getStartIndex();
  if (brackets.empty()) {
    onError(start, start + 1,
            fmt::format("unmatched '{}'; remove it or add the opening '{}'",
                        static_cast<char>(close), static_cast<char>(matchingOpen(close))));
    return false;
  }
  OpenBracket open = brackets.back();
  brackets.pop_back();
  if (open.ch != matchingOpen(close))
    onError(start, start + 1,
            fmt::format("closing {} '{}' does not match opening {} '{}'", bracketName(close),
                        static_cast<char>(close), bracketName(open.ch),
                        static_cast<char>(open.ch)));
  unaryChain = open.unaryChain;
  notChain = open.notChain;
  otherChain = open.otherChain;
  return true;
}

/// Estimates how deep the recursive-descent parser will recurse on the
/// current logical line, counting the constructs that nest to the right
/// (prefix operators, `**`, `not`, `else` of a conditional, `lambda`).
void LayoutTokenSource::countNesting(const antlr4::Token &token) {
  size_t type = token.getType();
  bool prefixPosition = !endsOperand(lastType);
  switch (type) {
  case Lexer::ADD: case Lexer::MINUS: case Lexer::NOT_OP:
    if (prefixPosition)
      ++unaryChain;
    else
      unaryChain = 0;
    break;
  case Lexer::POWER:
    ++unaryChain;
    break;
  case Lexer::NOT:
    ++notChain;
    break;
  case Lexer::AND: case Lexer::OR:
    unaryChain = notChain = 0;
    break;
  case Lexer::ELSE: case Lexer::LAMBDA:
    ++otherChain;
    break;
  case Lexer::COMMA:
    unaryChain = notChain = otherChain = 0;
    break;
  default:
    if (endsUnaryNesting(type) && !prefixPosition)
      unaryChain = 0;
    break;
  }
  size_t depth = brackets.size() + unaryChain + notChain + otherChain;
  for (const OpenBracket &b : brackets)
    depth += b.unaryChain + b.notChain + b.otherChain;
  if (depth > limits.maxExprNesting)
    fail(token.getStartIndex(), token.getStopIndex() + 1,
         fmt::format("expression nested too deeply (more than {} levels); split it into "
                     "named parts",
                     limits.maxExprNesting));
}

void LayoutTokenSource::handleNewline(std::unique_ptr<antlr4::Token> token) {
  unaryChain = notChain = otherChain = 0;
  std::string text = token->getText();
  size_t next = token->getStopIndex() + 1;
  // The end of the file (possibly after a final comment) needs no
  // indentation: handleEndOfFile closes the blocks.
  size_t la = lexer.getInputStream()->LA(1);
  if (la == antlr4::Token::EOF || la == '#')
    return;
  if (emittedAny && lastType != Lexer::NEWLINE)
    emit(std::move(token));

  // Indentation of the next line: the characters after the last line break.
  size_t lineStart = text.find_last_of("\r\n");
  unsigned column = 0, tabsAsOne = 0;
  for (size_t i = lineStart + 1; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ') {
      ++column;
      ++tabsAsOne;
    } else if (c == '\t') {
      column = (column / 8 + 1) * 8;
      ++tabsAsOne;
    } else if (c == '\f') {
      column = tabsAsOne = 0;
    }
  }
  size_t indentBegin = next;
  IndentLevel current = indents.back();
  const char *tabError = "inconsistent use of tabs and spaces in indentation; indent with "
                         "spaces only";
  if (column == current.column) {
    if (tabsAsOne != current.tabsAsOne)
      onError(indentBegin, indentBegin + 1, tabError);
    return;
  }
  if (column > current.column) {
    if (tabsAsOne <= current.tabsAsOne)
      onError(indentBegin, indentBegin + 1, tabError);
    indents.push_back({column, tabsAsOne});
    // Like CPython, count the file's own column as one of the levels: a
    // block may nest 99 deep under the default limit of 100.
    if (indents.size() > limits.maxIndentDepth) {
      fail(indentBegin, indentBegin + 1,
           fmt::format("too many levels of indentation (more than {})", limits.maxIndentDepth));
      return;
    }
    emit(synthesize(Lexer::INDENT, next, "<INDENT>"));
    return;
  }
  while (indents.size() > 1 && column < indents.back().column) {
    indents.pop_back();
    emit(synthesize(Lexer::DEDENT, next, "<DEDENT>"));
  }
  if (column != indents.back().column) {
    onError(indentBegin, indentBegin + 1,
            "unindent does not match any outer indentation level; line it up with the "
            "block it belongs to");
    // Recover by treating this as a new level, so the rest still parses.
    indents.push_back({column, tabsAsOne});
  } else if (tabsAsOne != indents.back().tabsAsOne) {
    onError(indentBegin, indentBegin + 1, tabError);
  }
}

void LayoutTokenSource::handleEndOfFile(std::unique_ptr<antlr4::Token> token) {
  if (!brackets.empty()) {
    const OpenBracket &open = brackets.back();
    onError(open.start, open.start + 1,
            fmt::format("'{}' was never closed; add the closing '{}'", static_cast<char>(open.ch),
                        open.ch == '(' ? ')' : open.ch == '[' ? ']' : '}'));
    unclosedAtEnd = true;
    unclosedStart = brackets.front().start;
    brackets.clear();
  }
  size_t at = token->getStartIndex();
  if (emittedAny && lastType != Lexer::NEWLINE)
    emit(synthesize(Lexer::NEWLINE, lastStop, "<NEWLINE>"));
  while (indents.size() > 1) {
    indents.pop_back();
    emit(synthesize(Lexer::DEDENT, at, "<DEDENT>"));
  }
  finished = true;
  emit(std::move(token));
}
