//===- Interp.h - The Python-level evaluator --------------------*- C++ -*-===//
//
// Interp evaluates a module's AST over concrete Values, following CPython's
// rules. Python exceptions travel as C++ exceptions (PyException) because
// they unwind through arbitrarily deep evaluation; `return`, `break` and
// `continue` are ordinary results (Flow) because they are frequent.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TRACER_INTERP_H
#define BPC_TRACER_INTERP_H

#include "bpc/Frontend/AST.h"
#include "bpc/Frontend/Diagnostics.h"
#include "bpc/Tracer/Interpreter.h"
#include "bpc/Tracer/Value.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"

#include <memory>
#include <vector>

namespace bpc::tracer {

/// Built-in exception classes the evaluator itself raises.
enum class Exc {
  BaseException, Exception, ArithmeticError, ZeroDivisionError, OverflowError,
  ValueError, TypeError, LookupError, KeyError, IndexError, NameError,
  UnboundLocalError, AttributeError, AssertionError, RuntimeError,
  RecursionError, NotImplementedError, StopIteration, ImportError,
  ModuleNotFoundError, SystemExit, KeyboardInterrupt, ZZLast
};

/// Which names a function (or comprehension) binds, decided statically as
/// Python's compiler does: a name assigned anywhere in the body is local.
struct ScopeInfo {
  llvm::StringSet<> locals, globals, nonlocals;
  bool hasYield = false;
};

/// The classes of built-in values.
struct BuiltinTypes {
  ClassRef object, type, int_, float_, bool_, str, list, tuple, dict, set,
      range, slice, noneType, function, builtinFunction, method, module,
      property, staticmethod, classmethod, super_, dictKeys, dictValues,
      dictItems, notImplementedType, ellipsisType;
  ClassRef exceptions[static_cast<int>(Exc::ZZLast)];
};

/// How a statement ended.
enum class Flow { Normal, Return, Break, Continue };

/// Thrown while a `for` over range() inside a trace is being traced as one
/// compiled loop (Interp::loopTrials > 0) when the body needs something a
/// loop cannot give: a concrete value of a traced one, or a change to
/// Python-level state. The loop is then unrolled instead. Not a
/// PyException, so that no `except` of the script catches it.
struct NeedsUnroll {};

class ArrayRuntime;

class Interp {
public:
  Interp(const ast::Module &module, DiagnosticEngine &diags,
         const RunOptions &options, llvm::raw_ostream &out);
  ~Interp();

  /// Runs the module; returns the exit status.
  int run();

  //===--------------------------------------------------------------------===//
  // Exceptions (Exceptions.cpp)
  //===--------------------------------------------------------------------===//

  [[noreturn]] void raise(Exc kind, const llvm::Twine &message);
  [[noreturn]] void raiseArgs(Exc kind, std::vector<Value> args);
  /// Raises NameError/AttributeError for `name`, suggesting the closest of
  /// `candidates` the way CPython 3.11's traceback does.
  [[noreturn]] void raiseMissingName(Exc kind, const llvm::Twine &message, llvm::StringRef name,
                                     llvm::ArrayRef<std::vector<std::string>> candidates);
  /// Raises an exception instance or class (`raise X`).
  [[noreturn]] void raiseValue(const Value &exc);
  ClassObject *excClass(Exc kind) { return types.exceptions[static_cast<int>(kind)].get(); }
  /// Creates an instance of exception class `cls` with `args`.
  Value newException(ClassObject *cls, std::vector<Value> args);
  /// Whether the raised `exc` is matched by an `except` clause's value.
  bool exceptionMatches(const Value &exc, const Value &filter);
  bool isExceptionOf(const PyException &e, Exc kind);
  /// Records that `e` passed through `loc` in the current frame.
  void annotate(PyException &e, ast::Loc loc);
  /// Prints an uncaught exception as a caret traceback.
  void reportUncaught(const Value &exc);
  std::string exceptionMessage(const Value &exc);

  //===--------------------------------------------------------------------===//
  // Types and conversions (Operators.cpp, Objects.cpp)
  //===--------------------------------------------------------------------===//

  ClassObject *typeOf(const Value &v);
  std::string typeName(const Value &v) { return typeOf(v)->name; }
  bool isInstance(const Value &v, ClassObject *cls) { return typeOf(v)->isSubclassOf(cls); }
  std::string repr(const Value &v);
  std::string str(const Value &v);
  bool truthy(const Value &v);
  int64_t hash(const Value &v);
  bool equals(const Value &a, const Value &b);
  /// format(v, spec).
  std::string formatValue(const Value &v, llvm::StringRef spec);
  /// An int from an int-like value or an object with __index__.
  int64_t toIndex(const Value &v, llvm::StringRef what);
  /// An int argument of a built-in: toIndex with CPython's message.
  int64_t intArg(const Value &v) {
    return toIndex(v, "'" + typeName(v) + "' object cannot be interpreted as an integer");
  }
  /// A non-negative length (len()).
  int64_t length(const Value &v);

  Value binaryOp(ast::BinOpKind op, const Value &a, const Value &b, bool inPlace = false);
  Value unaryOp(ast::UnaryOpKind op, const Value &v);
  Value compare(ast::CmpOpKind op, const Value &a, const Value &b);
  bool lessThan(const Value &a, const Value &b);
  bool contains(const Value &container, const Value &item);
  Value getItem(const Value &container, const Value &index);
  void setItem(const Value &container, const Value &index, Value value);
  void delItem(const Value &container, const Value &index);

  //===--------------------------------------------------------------------===//
  // Iteration (Objects.cpp)
  //===--------------------------------------------------------------------===//

  /// Calls `body` on each element; stops early when it returns false.
  void forEach(const Value &iterable, llvm::function_ref<bool(const Value &)> body);
  std::vector<Value> toVector(const Value &iterable);
  Value getIter(const Value &iterable);
  /// The next element, or nullopt at the end.
  std::optional<Value> next(const Value &iterator);

  //===--------------------------------------------------------------------===//
  // Attributes and calls (Calls.cpp)
  //===--------------------------------------------------------------------===//

  Value getAttr(const Value &obj, llvm::StringRef name);
  /// getAttr that returns nullopt instead of raising AttributeError.
  std::optional<Value> getAttrOpt(const Value &obj, llvm::StringRef name);
  void setAttr(const Value &obj, llvm::StringRef name, Value value);
  void delAttr(const Value &obj, llvm::StringRef name);
  /// A dunder method of a user instance's class, bound, or nullopt; special
  /// methods are looked up on the type, as in CPython.
  std::optional<Value> specialMethod(const Value &obj, llvm::StringRef name);

  Value call(const Value &callee, CallArgs &args);
  Value call(const Value &callee, std::vector<Value> positional);
  /// Name of a callable for messages (`f`, `A.f`, `len`).
  std::string callableName(const Value &callee);

  /// Creates a class from a class statement's pieces.
  Value makeClass(const std::string &name, std::vector<Value> bases, Scope &body);
  ClassRef makeBuiltinClass(llvm::StringRef name, ClassObject *base);

  //===--------------------------------------------------------------------===//
  // Built-ins (Builtins.cpp, Methods.cpp, Modules.cpp)
  //===--------------------------------------------------------------------===//

  void installTypes();
  void installBuiltins();
  void installMethods();
  void installExceptions();
  /// `import name`: the module object bound for `name`, shown as `display`.
  Value importModule(const std::string &name, const std::string &display);
  /// A module of bpc's .bpm standard library (Stdlib.cpp), evaluated on its
  /// first import; nullopt when `name` is not one.
  std::optional<Value> importLibraryModule(const std::string &name);
  /// Attribute of a stub module: a known submodule (bp.math), or else a
  /// NotImplementedError naming what the script touched.
  Value stubAttribute(ModuleObject &module, llvm::StringRef name);
  /// `module.name` from the stdlib modules that complete a C++ module (the
  /// names in their `__all__`; brainpy.math's .bpm functions), if one has it.
  std::optional<Value> libraryFallback(llvm::StringRef moduleName, llvm::StringRef name);
  /// Adds a builtin function to `dict`.
  void defineBuiltin(AttrDict &dict, llvm::StringRef name, BuiltinFn fn, bool isMethod = false);
  void print(llvm::StringRef text) { out << text; }
  /// Python's str.format.
  std::string strFormat(llvm::StringRef format, CallArgs &args);
  /// Python's `fmt % args`.
  std::string percentFormat(llvm::StringRef format, const Value &args);
  Value sorted(std::vector<Value> items, const Value &key, bool reverse);

  //===--------------------------------------------------------------------===//
  // Evaluation (Interpreter.cpp, Expressions.cpp, Scope.cpp)
  //===--------------------------------------------------------------------===//

  Value eval(const ast::Expr &e);
  Flow exec(const ast::Stmt &s);
  Flow execBlock(const ast::StmtList &body);
  void assign(const ast::Expr &target, const Value &value);
  Value loadName(const std::string &name, ast::Loc loc);
  void storeName(const std::string &name, Value value);
  void deleteName(const std::string &name);
  const ScopeInfo &functionInfo(const void *key, const std::vector<ast::Param> &params,
                                const ast::StmtList *body, const ast::Expr *lambdaBody);
  const ScopeInfo &comprehensionInfo(const ast::ComprehensionExpr &e);
  /// Calls a user function (binds arguments, runs the body).
  Value callFunction(FunctionObject &fn, CallArgs &args);
  /// Evaluates a call's argument list (`*xs`, `**kw` expanded).
  CallArgs evalArgs(const ast::CallExpr &call);
  /// The current frame's depth: 0 at module level.
  unsigned depth() const { return static_cast<unsigned>(frames.size()) - 1; }
  /// The module scope at the root of `s`'s chain: the globals of the code
  /// that runs in `s` (the script's or a stdlib module's).
  static Scope &moduleScope(Scope &s);
  /// The source of the code that runs in `s`: the script or a stdlib module.
  const ast::Module &sourceOf(Scope &s);
  /// The source of the code that runs in the innermost frame.
  const ast::Module &currentSource() { return sourceOf(*frames.back().scope); }

  /// A user-visible frame.
  struct Frame {
    std::string name;
    FunctionObject *function = nullptr;
    ScopeRef scope;
    Value firstArg; // for zero-argument super()
    Value returnValue;
    /// Prefix of the qualified names defined in this frame: "" at module
    /// level, "f.<locals>." in a function, "A." in a class body.
    std::string qualPrefix;
    /// The call expression that entered this frame (CallSiteLoc stacks of
    /// traced ops in inlined calls).
    ast::Loc callLoc;
  };

  /// Array state (MLIR context, active trace, eager kernels), created on the
  /// first use of brainpy.math. Declared first so that it is destroyed last:
  /// values below may hold traced modules of its MLIRContext.
  std::unique_ptr<ArrayRuntime> arrays;
  const ast::Module &module;
  DiagnosticEngine &diags;
  const RunOptions &options;
  llvm::raw_ostream &out;
  BuiltinTypes types;
  AttrDict builtins;
  ScopeRef globals;
  std::vector<Frame> frames;
  /// Exceptions being handled by enclosing `except` blocks (innermost last):
  /// bare `raise` re-raises the last one, and new ones get it as __context__.
  std::vector<Value> handling;
  Value notImplemented, ellipsis;
  unsigned recursionLimit = 1000;
  /// Guards repr/eq of self-containing or very deep containers.
  unsigned nestingDepth = 0;
  llvm::DenseMap<const void *, std::unique_ptr<ScopeInfo>> scopeInfos;
  llvm::StringMap<Value> moduleCache;
  /// Parsed stdlib modules: their functions point into these ASTs.
  std::vector<std::unique_ptr<ast::Module>> librarySources;
  /// Classes of iterator objects, by type name (list_iterator, zip, ...).
  llvm::StringMap<ClassRef> iteratorClasses;
  /// Containers whose repr is in progress: a self-containing list prints
  /// as `[[...]]` instead of recursing forever.
  std::vector<const Object *> reprStack;
  /// Single-character strings, so that iterating a str does not allocate.
  std::vector<Value> charCache;
  /// The expression being evaluated: array operations take their MLIR
  /// location from it (set by eval, restored on the way out).
  ast::Loc currentLoc;
  /// The statements after the one being executed in its block (execBlock
  /// sets it): an `if` on a traced value that returns in one branch traces
  /// them into the other (TracedControlFlow.cpp).
  struct BlockRest {
    const ast::StmtList *list = nullptr;
    size_t next = 0;
  } restOfBlock;
  /// The blocks being executed, innermost last, each with the index of its
  /// next statement, up to markers where a loop body or function starts:
  /// a `break` or `continue` in an `if` on a traced value takes the rest of
  /// the body of the traced loop around it (TracedControlFlow.cpp). Python
  /// loops and calls are barriers; so is a `try`, whose handlers must not
  /// see the statements after it.
  struct BlockPosition {
    enum Kind { Block, Barrier, TryBarrier, TracedLoop } kind = Block;
    const ast::StmtList *list = nullptr;
    size_t next = 0;
    /// TracedLoop: the hidden local that says the loop broke ("" if the
    /// body has no `break`); owned by the loop being traced.
    llvm::StringRef brokeFlag;
  };
  std::vector<BlockPosition> blockStack;
  /// Pushes a marker on blockStack for its lifetime.
  struct BlockMarker {
    BlockMarker(Interp &in, BlockPosition::Kind kind, llvm::StringRef brokeFlag = "")
        : in(in), size(in.blockStack.size()) {
      in.blockStack.push_back({kind, nullptr, 0, brokeFlag});
    }
    ~BlockMarker() { in.blockStack.resize(size); }
    Interp &in;
    size_t size;
  };
  /// How many `for` loops over range() are being traced as compiled loops
  /// around the code that runs now (see NeedsUnroll).
  unsigned loopTrials = 0;
  /// Called before a change to Python-level state (a list, dict or set, an
  /// attribute of an object that is not a Variable, a global, output) and
  /// before a traced value is made concrete: inside a trial it stops the
  /// trial, which then unrolls the loop.
  void needsUnrollInTrial() const {
    if (loopTrials)
      throw NeedsUnroll{};
  }
  ArrayRuntime &arrayRuntime();
};

/// `if`/`while` whose condition `test` is a traced array, inside a jitted
/// function: traced into bp.if/bp.while (TracedControlFlow.cpp). nullopt
/// when `test` is not traced (a plain Python branch).
std::optional<Flow> execTracedIf(Interp &in, const ast::IfStmt &s, const Value &test);
std::optional<Flow> execTracedWhile(Interp &in, const ast::WhileStmt &s, const Value &test);
/// `for NAME in range(...)` inside a jitted function: one bp.while when the
/// range is longer than kMaxUnrolledRange and the body compiles as a loop;
/// nullopt when the loop is to run in Python (unrolled into the trace).
std::optional<Flow> execTracedFor(Interp &in, const ast::ForStmt &s, const Value &iterable);
/// A `for` over range() inside a jitted function runs in Python (unrolled)
/// when it has at most this many iterations.
constexpr int64_t kMaxUnrolledRange = 8;
/// `v` (the value of `e`) as a traced 0-d bool when it is a traced array in
/// a jitted function (`and`, `or`, `not`, `x if c else y`, chained
/// comparisons then combine traced values); nullopt for other values.
/// Raises for a traced array that is not 0-d, naming `what`.
std::optional<Value> tracedTruth(Interp &in, const ast::Expr &e, const Value &v, const char *what);

/// Bounds the C++ recursion of nested evaluation (calls, repr of nested
/// containers) so that it raises RecursionError instead of overflowing.
class RecursionGuard {
public:
  RecursionGuard(Interp &interp, const char *what);
  ~RecursionGuard() { --interp.nestingDepth; }

private:
  Interp &interp;
};

/// CPython's set operators (| & - ^), giving CPython's element order.
Value setOperation(Interp &interp, ast::BinOpKind op, const SetObject &a, const SetObject &b);
/// |= &= -= ^= on `a`.
void setOperationInPlace(Interp &interp, ast::BinOpKind op, SetObject &a, const SetObject &b);
/// set(s) / s.copy().
SetObject *copySet(Interp &interp, const SetObject &s);

//===----------------------------------------------------------------------===//
// Argument helpers for built-ins
//===----------------------------------------------------------------------===//

/// Checks a built-in's positional argument count and rejects keywords,
/// raising TypeError with CPython's wording.
void expectArgs(Interp &interp, llvm::StringRef name, const CallArgs &args,
                unsigned min, unsigned max);
/// Removes keyword `name` from `args` and returns its value.
std::optional<Value> takeKeyword(CallArgs &args, llvm::StringRef name);
/// Binds a built-in's arguments (after the first `skip` positional ones) to
/// `params` as a Python signature of positional-or-keyword parameters would;
/// absent ones are nullopt. Raises TypeError for extra or unknown arguments.
std::vector<std::optional<Value>> bindArgs(Interp &interp, llvm::StringRef fname,
                                           const CallArgs &args,
                                           llvm::ArrayRef<const char *> params, size_t skip = 0);
/// Raises if keywords remain after a built-in took the ones it knows.
void rejectKeywords(Interp &interp, llvm::StringRef fname, const CallArgs &args);
/// The str payload of `v`, or a TypeError naming `what`.
const std::string &expectStr(Interp &interp, const Value &v, llvm::StringRef what);

} // namespace bpc::tracer

#endif // BPC_TRACER_INTERP_H
