//===- ParseDriver.cpp - .bpm source to AST --------------------------------===//
//
// Decode → lex (LayoutTokenSource) → parse (SLL, then LL with error
// reporting) → ASTBuilder. Everything runs on a thread with a large stack,
// since the parser, the builder and the tree destructors recurse as deep as
// the nesting limits allow.
//
//===----------------------------------------------------------------------===//

#include "bpc/Frontend/ParseDriver.h"

#include "ASTBuilder.h"
#include "LayoutTokenSource.h"
#include "SourceText.h"
#include "SyntaxErrors.h"

#include "BPMLexer.h"
#include "BPMParser.h"

#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/thread.h"

#include <fmt/format.h>

#include <functional>

using namespace bpc;

bool SourceText::decode(llvm::StringRef source, uint32_t start, uint32_t &errorOffset,
                        std::string &error) {
  base = start;
  points.clear();
  offsets.clear();
  points.reserve(source.size());
  bool ascii = true;
  const auto *begin = reinterpret_cast<const llvm::UTF8 *>(source.data());
  const auto *end = begin + source.size();
  for (const llvm::UTF8 *cur = begin; cur < end;) {
    uint32_t offset = static_cast<uint32_t>(cur - begin);
    if (*cur == 0) {
      errorOffset = start + offset;
      error = "source code cannot contain null bytes; is this a binary file?";
      return false;
    }
    if (*cur < 0x80) {
      if (!ascii)
        offsets.push_back(offset);
      points.push_back(*cur++);
      continue;
    }
    if (ascii) {
      ascii = false;
      offsets.resize(points.size());
      for (size_t i = 0; i < points.size(); ++i)
        offsets[i] = static_cast<uint32_t>(i);
    }
    llvm::UTF32 cp = 0;
    const llvm::UTF8 *next = cur;
    if (llvm::convertUTF8Sequence(&next, end, &cp, llvm::strictConversion) != llvm::conversionOK) {
      errorOffset = start + offset;
      error = fmt::format("invalid UTF-8 byte 0x{:02X}; .bpm files must be UTF-8 encoded", *cur);
      return false;
    }
    offsets.push_back(offset);
    points.push_back(cp);
    cur = next;
  }
  if (!ascii)
    offsets.push_back(static_cast<uint32_t>(source.size()));
  return true;
}

namespace {

/// The parse of one file: the file itself and, nested, its f-string fields.
/// Every error (lexical, syntax, post-parse) is collected and reported in
/// source order at the end, since the whole file is lexed before it is parsed.
class ParseSession {
public:
  ParseSession(unsigned bufferId, llvm::StringRef filename, DiagnosticEngine &diags,
               const ParserLimits &limits)
      : bufferId(bufferId), filename(filename.str()), diags(diags), limits(limits),
        buffer(diags.getSourceMgr().getMemoryBuffer(bufferId)->getBuffer()) {}

  std::unique_ptr<ast::Module> parseFile();

private:
  using Error = SyntaxErrorStrategy::Error;
  /// Runs the start rule on the parser and builds the AST as it goes.
  using Entry = std::function<void(grammar::BPMParser &, antlr4::BufferedTokenStream &,
                                   ASTBuilder &)>;

  bool parseRange(uint32_t begin, uint32_t end, bool expressionOnly, const Entry &entry);
  ast::ExprPtr parseField(uint32_t begin, uint32_t end);
  void addError(ast::Loc loc, const std::string &message) { errors.push_back({loc, message, 0}); }

  unsigned bufferId;
  std::string filename;
  DiagnosticEngine &diags;
  ParserLimits limits;
  llvm::StringRef buffer;
  std::vector<Error> errors;
};

/// Lexes and parses buffer bytes [begin, end) with `entry`. Returns false
/// when it found an error (recorded in `errors`).
bool ParseSession::parseRange(uint32_t begin, uint32_t end, bool expressionOnly,
                              const Entry &entry) {
  size_t errorsBefore = errors.size();
  SourceText text;
  uint32_t badOffset = 0;
  std::string decodeError;
  if (!text.decode(buffer.slice(begin, end), begin, badOffset, decodeError)) {
    addError({badOffset, badOffset + 1}, decodeError);
    return false;
  }
  CodePointStream input(text.codePoints(), filename);
  grammar::BPMLexer lexer(&input);
  lexer.removeErrorListeners();
  std::vector<uint32_t> lexicalErrors; // where the tokens are already wrong
  LayoutTokenSource layout(
      lexer,
      [&](size_t from, size_t to, const std::string &message) {
        addError({text.byteOffset(from), text.byteOffset(to)}, message);
        lexicalErrors.push_back(text.byteOffset(from));
      },
      limits, expressionOnly);
  antlr4::CommonTokenStream tokens(&layout);
  tokens.fill();
  text.setTokens(&tokens);
  if (layout.isFatal())
    return false;

  grammar::BPMParser parser(&tokens);
  parser.removeErrorListeners();
  // Stage 1: the fast SLL prediction, giving up on the first error.
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
      antlr4::atn::PredictionMode::SLL);
  ASTBuilder builder(
      text, [&](ast::Loc loc, const std::string &message) { addError(loc, message); }, buffer,
      [this](uint32_t b, uint32_t e) { return parseField(b, e); });
  try {
    entry(parser, tokens, builder);
    return errors.size() == errorsBefore;
  } catch (antlr4::ParseCancellationException &) {
  }
  // Stage 2: full LL, statement by statement, to find every error.
  auto strategy = std::make_shared<SyntaxErrorStrategy>(text, layout.endedInsideBrackets());
  parser.setErrorHandler(strategy);
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
      antlr4::atn::PredictionMode::LL);
  parser.reset();
  std::vector<Error> found;
  if (expressionOnly) {
    parser.fstring_expr_input();
    if (strategy->firstError() && !strategy->firstError()->message.empty())
      found.push_back(*strategy->firstError());
  } else {
    found = findSyntaxErrors(parser, tokens, *strategy);
  }
  // Past a bracket that is never closed every line is one logical line,
  // so what the parser says there is a consequence of that one error.
  uint32_t unclosedAt = text.byteOffset(layout.unclosedBracketStart());
  // The parser sees the tokens left after a lexical error (a dropped `$`, a
  // mismatched bracket), so what it says later on that line is a
  // consequence of the error already reported.
  auto followsLexicalError = [&](uint32_t at) {
    for (uint32_t lexical : lexicalErrors)
      if (lexical <= at && buffer.slice(lexical, at).find_first_of("\r\n") == llvm::StringRef::npos)
        return true;
    return false;
  };
  for (Error &e : found)
    if ((!layout.endedInsideBrackets() || e.loc.begin < unclosedAt) &&
        !followsLexicalError(e.loc.begin))
      errors.push_back(std::move(e));
  if (errors.size() == errorsBefore) // the LL parse accepts what SLL could not decide
    addError({text.byteOffset(0), text.byteOffset(0)},
             "invalid syntax (the parser could not tell where)");
  return false;
}

std::unique_ptr<ast::Module> ParseSession::parseFile() {
  auto module = std::make_unique<ast::Module>();
  module->filename = filename;
  module->bufferId = bufferId;
  bool ok = parseRange(
      0, static_cast<uint32_t>(buffer.size()), /*expressionOnly=*/false,
      [&](grammar::BPMParser &parser, antlr4::BufferedTokenStream &tokens, ASTBuilder &builder) {
        // One top-level statement at a time, freeing its parse tree once its
        // AST is built: a large file never holds its whole parse tree.
        while (true) {
          size_t type = tokens.LA(1);
          if (type == antlr4::Token::EOF)
            break;
          if (type == grammar::BPMLexer::NEWLINE) {
            tokens.consume();
            continue;
          }
          builder.buildTopLevel(parser.stmt(), module->body);
          parser.getTreeTracker().reset();
        }
      });
  std::stable_sort(errors.begin(), errors.end(),
                   [](const Error &a, const Error &b) { return a.loc.begin < b.loc.begin; });
  for (const Error &e : errors)
    if (!diags.tooManyErrors())
      diags.error(bufferId, e.loc, e.message);
  if (!ok || !errors.empty())
    return nullptr;
  return module;
}

ast::ExprPtr ParseSession::parseField(uint32_t begin, uint32_t end) {
  ast::ExprPtr result;
  bool ok = parseRange(
      begin, end, /*expressionOnly=*/true,
      [&](grammar::BPMParser &parser, antlr4::BufferedTokenStream &, ASTBuilder &builder) {
        result = builder.buildFStringField(parser.fstring_expr_input());
      });
  return ok ? std::move(result) : nullptr;
}

/// Runs `fn` on a thread whose stack is large enough for the nesting limits.
template <typename Fn> void runOnLargeStack(Fn &&fn) {
  constexpr unsigned kStackBytes = 512u << 20; // reserved, committed only as used
  llvm::thread worker(std::optional<unsigned>(kStackBytes), [&] { fn(); });
  worker.join();
}

} // namespace

std::unique_ptr<ast::Module> bpc::parseModule(unsigned bufferId, llvm::StringRef filename,
                                              DiagnosticEngine &diags,
                                              const ParserLimits &limits) {
  std::unique_ptr<ast::Module> result;
  runOnLargeStack([&] {
    try {
      ParseSession session(bufferId, filename, diags, limits);
      result = session.parseFile();
    } catch (std::exception &e) {
      diags.error(fmt::format("internal error in the parser: {}", e.what()));
      result = nullptr;
    }
  });
  return result;
}

std::unique_ptr<ast::Module> bpc::parseFile(llvm::StringRef path, DiagnosticEngine &diags,
                                            const ParserLimits &limits) {
  auto bufferOrError = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                                          /*RequiresNullTerminator=*/false);
  if (std::error_code ec = bufferOrError.getError()) {
    diags.error(fmt::format("cannot read '{}': {}", path.str(), ec.message()));
    return nullptr;
  }
  if ((*bufferOrError)->getBufferSize() >= (1u << 31)) {
    diags.error(fmt::format("'{}' is larger than 2 GiB; bpc reads smaller sources", path.str()));
    return nullptr;
  }
  unsigned id = diags.getSourceMgr().AddNewSourceBuffer(std::move(*bufferOrError), llvm::SMLoc());
  return parseModule(id, path, diags, limits);
}
