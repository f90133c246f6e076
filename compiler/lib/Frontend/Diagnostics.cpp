//===- Diagnostics.cpp - Caret diagnostics for .bpm sources ---------------===//

#include "bpc/Frontend/Diagnostics.h"

using namespace bpc;

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
  sourceMgr.PrintMessage(os, at, kind, message, ranges);
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
