//===- StringLiterals.h - Python string literal decoding --------*- C++ -*-===//

#ifndef BPC_LIB_FRONTEND_STRINGLITERALS_H
#define BPC_LIB_FRONTEND_STRINGLITERALS_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace bpc {

/// The parts of a STRING token: prefix flags and where the body lies
/// between the quotes (byte offsets into the token text).
struct StringToken {
  bool raw = false;
  bool bytes = false;
  bool format = false;
  size_t bodyBegin = 0;
  size_t bodyEnd = 0;
};

StringToken splitStringToken(llvm::StringRef text);

/// Decodes the escapes of a (non-raw) literal body as Python does; unknown
/// escapes such as `\d` stay as written. On error returns false with the
/// offset of the bad escape in `body` and a message.
bool decodeEscapes(llvm::StringRef body, bool bytes, std::string &out, size_t &errorAt,
                   std::string &error);

} // namespace bpc

#endif // BPC_LIB_FRONTEND_STRINGLITERALS_H
