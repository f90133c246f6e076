//===- Diagnostics.cpp - Caret diagnostics for .bpm sources ---------------===//

#include "bpc/Frontend/Diagnostics.h"

using namespace bpc;

namespace {

const char *kindName(llvm::SourceMgr::DiagKind kind) {
  switch (kind) {
  case llvm::SourceMgr::DK_Error: return "error";
  case llvm::SourceMgr::DK_Warning: return "warning";
  case llvm::SourceMgr::DK_Remark: return "remark";
  case llvm::SourceMgr::DK_Note: return "note";
  }
  return "error";
}

/// Display cells of [from, to) of a line: a tab reaches the next multiple of
/// 8, any other code point (a UTF-8 lead byte) takes one cell.
unsigned advance(llvm::StringRef line, size_t from, size_t to, unsigned column) {
  for (size_t i = from; i < to && i < line.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == '\t')
      column = (column / 8 + 1) * 8;
    else if ((c & 0xC0) != 0x80)
      ++column;
  }
  return column;
}

} // namespace

DiagnosticEngine::DiagnosticEngine(llvm::SourceMgr &sourceMgr, llvm::raw_ostream &os)
    : sourceMgr(sourceMgr), os(os) {}

std::pair<unsigned, unsigned> DiagnosticEngine::lineCol(unsigned bufferId,
                                                        uint32_t offset) const {
  const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(bufferId);
  if (offset > buffer->getBufferSize())
    offset = static_cast<uint32_t>(buffer->getBufferSize());
  return sourceMgr.getLineAndColumn(
      llvm::SMLoc::getFromPointer(buffer->getBufferStart() + offset), bufferId);
}

void DiagnosticEngine::print(llvm::SourceMgr::DiagKind kind, unsigned bufferId, ast::Loc loc,
                             const llvm::Twine &message) {
  const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(bufferId);
  size_t size = buffer->getBufferSize();
  const char *start = buffer->getBufferStart();
  uint32_t begin = std::min<uint32_t>(loc.begin, size);
  uint32_t end = std::min<uint32_t>(std::max(loc.end, loc.begin), size);
  llvm::SMLoc at = llvm::SMLoc::getFromPointer(start + begin);
  // Underline the whole range when it stays on one line (`^~~~`).
  llvm::SmallVector<llvm::SMRange, 1> ranges;
  llvm::StringRef text(start + begin, end - begin);
  if (end > begin + 1 && text.find_first_of("\r\n") == llvm::StringRef::npos)
    ranges.push_back(llvm::SMRange(at, llvm::SMLoc::getFromPointer(start + end)));
  llvm::SMDiagnostic diag = sourceMgr.GetMessage(at, kind, message, ranges);
  llvm::StringRef line = diag.getLineContents();
  if (llvm::all_of(line, [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    diag.print(nullptr, os);
    return;
  }
  // llvm::SMDiagnostic prints no caret under a line with non-ASCII text (its
  // columns are bytes); such a line is rendered here, counting code points.
  size_t caret = static_cast<size_t>(diag.getColumnNo());
  size_t rangeEnd = caret;
  if (!diag.getRanges().empty())
    rangeEnd = std::max<size_t>(caret, static_cast<size_t>(diag.getRanges()[0].second));
  unsigned caretColumn = advance(line, 0, caret, 0);
  unsigned endColumn = advance(line, caret, rangeEnd, caretColumn);
  std::string expanded;
  for (char c : line)
    if (c == '\t')
      expanded.append(8 - advance(expanded, 0, expanded.size(), 0) % 8, ' ');
    else
      expanded += c;
  os << diag.getFilename() << ':' << diag.getLineNo() << ':' << diag.getColumnNo() + 1 << ": "
     << kindName(kind) << ": " << diag.getMessage() << '\n'
     << expanded << '\n'
     << std::string(caretColumn, ' ') << '^'
     << std::string(endColumn > caretColumn + 1 ? endColumn - caretColumn - 1 : 0, '~') << '\n';
}

void DiagnosticEngine::error(unsigned bufferId, ast::Loc loc, const llvm::Twine &message) {
  ++numErrors;
  if (numErrors > errorLimit)
    return;
  print(llvm::SourceMgr::DK_Error, bufferId, loc, message);
  if (numErrors == errorLimit)
    os << "bpc: too many errors (" << errorLimit << "); stopping here\n";
}

void DiagnosticEngine::warning(unsigned bufferId, ast::Loc loc, const llvm::Twine &message) {
  print(llvm::SourceMgr::DK_Warning, bufferId, loc, message);
}

void DiagnosticEngine::note(unsigned bufferId, ast::Loc loc, const llvm::Twine &message) {
  if (numErrors > errorLimit)
    return;
  print(llvm::SourceMgr::DK_Note, bufferId, loc, message);
}

void DiagnosticEngine::error(const llvm::Twine &message) {
  ++numErrors;
  os << "bpc: error: " << message << "\n";
}

void DiagnosticEngine::warning(const llvm::Twine &message) {
  os << "bpc: warning: " << message << "\n";
}
