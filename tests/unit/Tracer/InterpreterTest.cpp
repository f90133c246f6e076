//===- InterpreterTest.cpp - runModule entry point ------------------------===//
//
// The golden tests in tests/tracer compare whole scripts with CPython; these
// check what only the C++ entry point can: the module name, the exit status
// and where output and diagnostics go.
//
//===----------------------------------------------------------------------===//

#include "bpc/Frontend/ParseDriver.h"
#include "bpc/Tracer/Interp.h"
#include "bpc/Tracer/Interpreter.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <doctest/doctest.h>

#include <string>

namespace {

struct RunResult {
  int status;
  std::string out, diagnostics;
};

RunResult runSource(llvm::StringRef source, const std::string &moduleName = "__main__") {
  llvm::SourceMgr sourceMgr;
  unsigned id = sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, "test.bpm"), llvm::SMLoc());
  RunResult result;
  llvm::raw_string_ostream diagStream(result.diagnostics);
  bpc::DiagnosticEngine diags(sourceMgr, diagStream);
  std::unique_ptr<bpc::ast::Module> module = bpc::parseModule(id, "test.bpm", diags);
  REQUIRE(module);
  bpc::tracer::RunOptions options;
  options.moduleName = moduleName;
  llvm::raw_string_ostream out(result.out);
  result.status = bpc::tracer::runModule(*module, diags, options, out);
  out.flush();
  diagStream.flush();
  return result;
}

} // namespace

TEST_CASE("the __main__ block runs only when the module is __main__") {
  const char *source = "print('module', __name__)\n"
                       "if __name__ == '__main__':\n"
                       "    print('main block')\n";
  RunResult script = runSource(source);
  CHECK(script.status == 0);
  CHECK(script.out == "module __main__\nmain block\n");
  RunResult library = runSource(source, "model");
  CHECK(library.status == 0);
  CHECK(library.out == "module model\n");
}

TEST_CASE("an uncaught exception is a caret diagnostic and exit status 1") {
  RunResult r = runSource("print('before')\n"
                          "def f(x):\n"
                          "    return 1 / x\n"
                          "f(0)\n");
  CHECK(r.status == 1);
  CHECK(r.out == "before\n");
  CHECK(r.diagnostics.find("test.bpm:4:1: note: in <module>") != std::string::npos);
  CHECK(r.diagnostics.find("test.bpm:3:12: error: ZeroDivisionError: division by zero") !=
        std::string::npos);
  CHECK(r.diagnostics.find("           ^~~~~") != std::string::npos);
}

TEST_CASE("sys.exit sets the exit status without a diagnostic") {
  RunResult r = runSource("import sys\nprint('x')\nsys.exit(3)\nprint('never')\n");
  CHECK(r.status == 3);
  CHECK(r.out == "x\n");
  CHECK(r.diagnostics.empty());
}

TEST_CASE("a caught exception does not affect the exit status") {
  RunResult r = runSource("try:\n    [][1]\nexcept IndexError as e:\n    print(e)\n");
  CHECK(r.status == 0);
  CHECK(r.out == "list index out of range\n");
}

TEST_CASE("a range() loop inside jit unrolls up to kMaxUnrolledRange iterations") {
  // Inside an unrolled loop the index is a Python int; inside a compiled one
  // a traced array: the script counts the iterations that saw an int.
  int64_t k = bpc::tracer::kMaxUnrolledRange;
  std::string source = "import brainpy.math as bm\n"
                       "def count_ints(x, n):\n"
                       "    ints = 0\n"
                       "    for i in range(n):\n"
                       "        ints = ints + isinstance(i, int)\n"
                       "        x = x + i\n"
                       "    return x * 0 + ints\n"
                       "f = bm.jit(count_ints, static_argnames='n')\n"
                       "print(int(f(bm.asarray(0), " +
                       std::to_string(k) + ")), int(f(bm.asarray(0), " + std::to_string(k + 1) +
                       ")))\n";
  RunResult r = runSource(source);
  CHECK(r.diagnostics == "");
  CHECK(r.status == 0);
  CHECK(r.out == std::to_string(k) + " 0\n");
}
