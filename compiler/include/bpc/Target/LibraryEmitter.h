//===- LibraryEmitter.h - A lowered model to libNAME.so + NAME.h -*- C++ -*-===//
//
// The last stage of `bpc build`: from a module already in the LLVM dialect
// and the model's manifest, writes the C header of DESIGN.md §4a and a
// shared library holding the kernels, the runtime descriptors, the kernel
// shims and the `prefix_*` entry points, with the runtime linked in.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TARGET_LIBRARYEMITTER_H
#define BPC_TARGET_LIBRARYEMITTER_H

#include "bpc/Target/ModelManifest.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace bpc {

/// The public header for `manifest` (`bpc build --emit=header`): includes
/// `bpc/runtime.h` and declares the fixed entry points and one
/// `prefix_<func>(ctx, args..., out-params...)` per exported function, with a
/// comment giving every argument's and result's dtype and shape.
std::string emitModelHeader(const ModelManifest &manifest);

/// C99 source defining the runtime descriptor of `manifest`, one kernel shim
/// per function that calls `_mlir_ciface_<kernel>` (see ModelManifest.h for
/// the convention), and the entry points. It includes the header of
/// emitModelHeader as "<prefix>.h", so the compiler checks that the
/// declarations match the definitions.
std::string emitModelGlue(const ModelManifest &manifest);

/// Checks what the C ABI needs of `manifest` (identifiers, ranks, symbols of
/// results bound by arguments, Variable indices and initial data sizes).
llvm::Error verifyManifest(const ModelManifest &manifest);

/// Emits host object code for `loweredToLLVM`, compiles the glue with `cc`,
/// links both and the static runtime into `outputSo` (exporting only the
/// `prefix_*` symbols) and writes the header to `outputHeader`. Temporary
/// files are removed; every failure says what failed, with cc's messages.
llvm::Error buildSharedLibrary(mlir::ModuleOp loweredToLLVM, const ModelManifest &manifest,
                               llvm::StringRef outputSo, llvm::StringRef outputHeader);

} // namespace bpc

#endif // BPC_TARGET_LIBRARYEMITTER_H
