//===- Value.h - Python-level values of the tracer --------------*- C++ -*-===//
//
// The object model of the compile-time evaluator. A Value is a small tagged
// union: None, bool, int and float are stored inline (scripts do a lot of
// scalar arithmetic), every other object lives on the heap behind an
// intrusive reference count. Reference cycles (an instance whose method
// closes over it) are leaked on purpose: a script run is short-lived, and a
// cycle collector is not worth its complexity here.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TRACER_VALUE_H
#define BPC_TRACER_VALUE_H

#include "bpc/Frontend/AST.h"

#include "llvm/ADT/IntrusiveRefCntPtr.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Casting.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace bpc::tracer {

class Interp;
class Object;
class ClassObject;
struct ScopeInfo;

/// A heap object's handle.
using ObjRef = llvm::IntrusiveRefCntPtr<Object>;

/// A Python value. Inline scalars avoid a heap allocation per arithmetic
/// result; bool is kept apart from int because it prints differently, but the
/// operators treat it as the int subclass it is in Python.
class Value {
public:
  enum class Tag : uint8_t { None, Bool, Int, Float, Object };

  Value() : tag(Tag::None), i(0) {}
  Value(ObjRef object) : tag(Tag::Object), i(0), obj(std::move(object)) {}
  Value(Object *object) : tag(Tag::Object), i(0), obj(object) {}

  static Value none() { return Value(); }
  static Value boolean(bool b) { Value v; v.tag = Tag::Bool; v.i = b; return v; }
  static Value integer(int64_t n) { Value v; v.tag = Tag::Int; v.i = n; return v; }
  static Value real(double d) { Value v; v.tag = Tag::Float; v.f = d; return v; }

  Tag getTag() const { return tag; }
  bool isNone() const { return tag == Tag::None; }
  bool isBool() const { return tag == Tag::Bool; }
  /// True for int and bool, which Python's int operations accept alike.
  bool isIntLike() const { return tag == Tag::Int || tag == Tag::Bool; }
  bool isFloat() const { return tag == Tag::Float; }
  bool isNumber() const { return isIntLike() || isFloat(); }
  bool isObject() const { return tag == Tag::Object; }

  bool getBool() const { return i != 0; }
  int64_t getInt() const { return i; }
  double getFloat() const { return f; }
  /// The value of an int, bool or float as a double.
  double toDouble() const { return tag == Tag::Float ? f : static_cast<double>(i); }
  Object *getObject() const { return obj.get(); }
  const ObjRef &getRef() const { return obj; }

  template <typename T> T *dyn() const {
    return tag == Tag::Object ? llvm::dyn_cast<T>(obj.get()) : nullptr;
  }
  template <typename T> bool is() const {
    return tag == Tag::Object && llvm::isa<T>(obj.get());
  }

private:
  Tag tag;
  union {
    int64_t i;
    double f;
  };
  ObjRef obj;
};

/// Base of every heap object.
class Object : public llvm::RefCountedBase<Object> {
public:
  enum class Kind {
    Str, List, Tuple, Dict, Set, Range, Slice, Function, Builtin, Class,
    Instance, BoundMethod, Module, Property, StaticMethod, ClassMethod, Super,
    Iterator, DictView, Singleton,
  };
  explicit Object(Kind kind) : kind(kind) {}
  virtual ~Object() = default;
  Kind getKind() const { return kind; }

private:
  Kind kind;
};

#define BPC_OBJECT_CLASSOF(K)                                                  \
  static bool classof(const Object *o) { return o->getKind() == Kind::K; }

/// A string-keyed dictionary that remembers insertion order: instance and
/// class attributes, module globals. Order matters because `vars()` walks
/// attributes in insertion order (DESIGN.md §3).
class AttrDict {
public:
  Value *lookup(llvm::StringRef name);
  const Value *lookup(llvm::StringRef name) const;
  void set(llvm::StringRef name, Value value);
  bool erase(llvm::StringRef name);
  size_t size() const { return entries.size(); }
  const std::vector<std::pair<std::string, Value>> &items() const { return entries; }

private:
  std::vector<std::pair<std::string, Value>> entries;
  llvm::StringMap<unsigned> index;
};

/// An insertion-ordered hash table keyed by Python values, shared by dict and
/// set. Hashing and equality need the interpreter (user `__eq__`/`__hash__`).
class HashTable {
public:
  struct Entry {
    Value key;
    Value value;
    int64_t hash = 0;
    bool live = false;
  };

  /// Index of the live entry equal to `key`, or -1.
  long find(Interp &interp, const Value &key) const;
  /// Inserts or overwrites; returns true when the key was new.
  bool insert(Interp &interp, const Value &key, Value value);
  bool erase(Interp &interp, const Value &key);
  void clear();
  size_t size() const { return live; }
  /// Live entries in insertion order (dead ones are skipped by callers).
  const std::vector<Entry> &rawEntries() const { return entries; }
  Entry &entryAt(size_t i) { return entries[i]; }
  /// Removes and returns the last live entry (dict.popitem, set.pop).
  Entry popLast();
  /// Changes on every insertion or removal, so iteration can detect them.
  uint64_t version() const { return mutations; }

private:
  void compact();
  std::vector<Entry> entries;
  std::unordered_multimap<int64_t, unsigned> buckets;
  size_t live = 0;
  uint64_t mutations = 0;
};

/// The hash table of a set, laid out exactly like CPython's setobject.c
/// (open addressing, 9 linear probes then perturbation, the same growth
/// policy), because a set's iteration order is its slot order and scripts
/// print sets: {3, 1, 2} must print as {1, 2, 3}. The interface matches
/// HashTable; `rawEntries()` are the slots, in iteration order.
class SetTable {
public:
  using Entry = HashTable::Entry;
  SetTable() : slots(8) {}

  long find(Interp &interp, const Value &key) const;
  bool insert(Interp &interp, const Value &key, Value value = Value());
  bool erase(Interp &interp, const Value &key);
  void clear();
  size_t size() const { return used; }
  const std::vector<Entry> &rawEntries() const { return slots; }
  uint64_t version() const { return mutations; }
  /// set.pop(): the next entry after the previous pop (CPython's finger).
  Value pop();
  /// set_merge: adds all of `other`, copying its layout when this is empty.
  void merge(Interp &interp, const SetTable &other);
  /// Resizes away dummies when more than a quarter of the slots are
  /// deleted (after difference_update), as CPython does.
  void shrinkDummies();
  /// set_swap_bodies: takes `other`'s contents, keeping this set's pop finger.
  void takeBody(SetTable &&other) {
    size_t keepFinger = finger;
    *this = std::move(other);
    finger = keepFinger;
    ++mutations;
  }

private:
  long lookup(Interp &interp, const Value &key, int64_t hash) const;
  bool addEntry(Interp &interp, const Value &key, int64_t hash);
  void insertClean(const Value &key, int64_t hash);
  void resize(size_t minUsed);
  std::vector<Entry> slots; // live = active; !live with hash -1 = dummy
  size_t fill = 0, used = 0, finger = 0;
  uint64_t mutations = 0;
};

struct StrObject : Object {
  explicit StrObject(std::string s) : Object(Kind::Str), value(std::move(s)) {}
  std::string value;
  BPC_OBJECT_CLASSOF(Str)
};

struct ListObject : Object {
  ListObject() : Object(Kind::List) {}
  explicit ListObject(std::vector<Value> items)
      : Object(Kind::List), items(std::move(items)) {}
  std::vector<Value> items;
  BPC_OBJECT_CLASSOF(List)
};

struct TupleObject : Object {
  explicit TupleObject(std::vector<Value> items)
      : Object(Kind::Tuple), items(std::move(items)) {}
  std::vector<Value> items;
  BPC_OBJECT_CLASSOF(Tuple)
};

struct DictObject : Object {
  DictObject() : Object(Kind::Dict) {}
  HashTable table;
  BPC_OBJECT_CLASSOF(Dict)
};

struct SetObject : Object {
  SetObject() : Object(Kind::Set) {}
  SetTable table;
  BPC_OBJECT_CLASSOF(Set)
};

struct RangeObject : Object {
  RangeObject(int64_t start, int64_t stop, int64_t step)
      : Object(Kind::Range), start(start), stop(stop), step(step) {}
  int64_t start, stop, step;
  int64_t length() const;
  BPC_OBJECT_CLASSOF(Range)
};

struct SliceObject : Object {
  SliceObject(Value start, Value stop, Value step)
      : Object(Kind::Slice), start(std::move(start)), stop(std::move(stop)),
        step(std::move(step)) {}
  Value start, stop, step;
  BPC_OBJECT_CLASSOF(Slice)
};

/// Lexical environment of a running function, class body or module.
struct Scope : llvm::RefCountedBase<Scope> {
  enum class Kind { Module, Function, Class };
  Scope(Kind kind, const ScopeInfo *info, llvm::IntrusiveRefCntPtr<Scope> parent)
      : kind(kind), info(info), parent(std::move(parent)) {}
  Kind kind;
  const ScopeInfo *info; // null for modules and classes
  llvm::IntrusiveRefCntPtr<Scope> parent;
  AttrDict vars;
  /// A module scope's source: the script or a stdlib module. Code running in
  /// a scope reports its positions in the source of the scope chain's root.
  const ast::Module *source = nullptr;
};
using ScopeRef = llvm::IntrusiveRefCntPtr<Scope>;

/// A `def` or `lambda` closed over its defining scope.
struct FunctionObject : Object {
  FunctionObject() : Object(Kind::Function) {}
  std::string name, qualname;
  const std::vector<ast::Param> *params = nullptr;
  /// One entry per parameter: the default evaluated at definition time.
  std::vector<std::optional<Value>> defaults;
  const ast::StmtList *body = nullptr; // a def
  const ast::Expr *lambdaBody = nullptr; // a lambda
  const ScopeInfo *info = nullptr;
  ScopeRef closure;
  /// The class whose body defined this function: zero-argument super()
  /// needs it (CPython's __class__ cell).
  ClassObject *ownerClass = nullptr;
  AttrDict attrs;
  BPC_OBJECT_CLASSOF(Function)
};

/// Positional and keyword arguments of a call.
struct CallArgs {
  llvm::SmallVector<Value, 6> positional;
  llvm::SmallVector<std::pair<std::string, Value>, 2> keywords;
};

using BuiltinFn = std::function<Value(Interp &, CallArgs &)>;

/// A function implemented in C++. When `isMethod`, it is a method
/// descriptor of a built-in type: found on a class, it binds to the instance.
struct BuiltinObject : Object {
  BuiltinObject(std::string name, BuiltinFn fn, bool isMethod = false)
      : Object(Kind::Builtin), name(std::move(name)), fn(std::move(fn)),
        isMethod(isMethod) {}
  std::string name;
  BuiltinFn fn;
  bool isMethod;
  /// The script function (or bound method) whose signature this builtin
  /// has, as functools.wraps records it: a bm.grad object wraps its target,
  /// so that bm.jit can trace it from the target's parameters. None if none.
  Value wrapped;
  BPC_OBJECT_CLASSOF(Builtin)
};

struct ExceptionState;

/// A class, built-in (int, list, ValueError) or defined by the script.
class ClassObject : public Object {
public:
  ClassObject(std::string name, std::string module)
      : Object(Kind::Class), name(std::move(name)), module(std::move(module)) {}
  std::string name, qualname, module;
  std::vector<llvm::IntrusiveRefCntPtr<ClassObject>> bases;
  /// Method resolution order, starting with this class.
  std::vector<ClassObject *> mro;
  AttrDict dict;
  /// Called instead of instance creation for built-in types (int('3')).
  BuiltinFn constructor;
  bool isBuiltin = false;
  /// Whether instances carry exception state (derives from BaseException).
  bool isException = false;

  /// Looks `name` up along the MRO.
  Value *lookup(llvm::StringRef name);
  bool isSubclassOf(const ClassObject *other) const;
  BPC_OBJECT_CLASSOF(Class)
};
using ClassRef = llvm::IntrusiveRefCntPtr<ClassObject>;

/// One frame of a traceback: where the exception passed through a frame.
struct TraceEntry {
  unsigned depth;
  ast::Loc loc;
  std::string function;
  /// The source buffer `loc` points into (the script's or a stdlib module's).
  unsigned bufferId = 0;
};

/// What an exception instance carries besides its attributes.
struct ExceptionState {
  Value args; // a TupleObject
  Value cause, context;
  bool suppressContext = false;
  std::vector<TraceEntry> traceback;
  /// A close name for NameError/AttributeError ("did you mean 'x'?").
  std::string suggestion;
};

/// C++ state of an instance of a built-in library class (an array's buffer
/// or traced value, a jit object's target), so that user classes can still
/// derive from those classes.
struct NativeState {
  virtual ~NativeState() = default;
  /// The named values the state owns (an object's implicit Variables), which
  /// the search for Variables walks like attributes; null for leaves and for
  /// views such as vars() collections.
  virtual const std::vector<std::pair<std::string, Value>> *ownedChildren() const {
    return nullptr;
  }
};

struct InstanceObject : Object {
  explicit InstanceObject(ClassRef cls) : Object(Kind::Instance), cls(std::move(cls)) {}
  ClassRef cls;
  AttrDict attrs;
  std::unique_ptr<ExceptionState> exc;
  std::unique_ptr<NativeState> native;
  BPC_OBJECT_CLASSOF(Instance)
};

struct BoundMethodObject : Object {
  BoundMethodObject(Value self, Value func)
      : Object(Kind::BoundMethod), self(std::move(self)), func(std::move(func)) {}
  Value self, func;
  BPC_OBJECT_CLASSOF(BoundMethod)
};

/// A module. A stub module stands for a library whose behaviour arrives with
/// the array tracer (brainpy, numpy): touching its attributes raises a
/// NotImplementedError at the use site instead of yielding a fake value.
struct ModuleObject : Object {
  ModuleObject(std::string name, std::string displayName, bool stub)
      : Object(Kind::Module), name(std::move(name)),
        displayName(std::move(displayName)), stub(stub) {}
  std::string name, displayName;
  bool stub;
  AttrDict attrs;
  BPC_OBJECT_CLASSOF(Module)
};

struct PropertyObject : Object {
  PropertyObject() : Object(Kind::Property) {}
  Value fget, fset, fdel;
  BPC_OBJECT_CLASSOF(Property)
};

/// staticmethod and classmethod wrappers share one shape.
template <Object::Kind K> struct WrapperObject : Object {
  explicit WrapperObject(Value func) : Object(K), func(std::move(func)) {}
  Value func;
  static bool classof(const Object *o) { return o->getKind() == K; }
};
using StaticMethodObject = WrapperObject<Object::Kind::StaticMethod>;
using ClassMethodObject = WrapperObject<Object::Kind::ClassMethod>;

struct SuperObject : Object {
  SuperObject(ClassObject *start, Value self, ClassObject *selfClass)
      : Object(Kind::Super), start(start), self(std::move(self)), selfClass(selfClass) {}
  ClassObject *start; // search the MRO after this class
  Value self;
  ClassObject *selfClass;
  BPC_OBJECT_CLASSOF(Super)
};

/// A single-pass iterator over a snapshot or a live sequence. zip, map,
/// enumerate, filter and generator expressions are computed eagerly into
/// `items`; iter(list) walks the live list as CPython's list_iterator does.
struct IteratorObject : Object {
  IteratorObject(std::string typeName, Value source)
      : Object(Kind::Iterator), typeName(std::move(typeName)), source(std::move(source)) {}
  std::string typeName;
  Value source; // a list, tuple, str-as-list or range
  size_t index = 0;
  BPC_OBJECT_CLASSOF(Iterator)
};

/// dict.keys()/values()/items(): live views of a dict.
struct DictViewObject : Object {
  enum class Which { Keys, Values, Items };
  DictViewObject(llvm::IntrusiveRefCntPtr<DictObject> dict, Which which)
      : Object(Kind::DictView), dict(std::move(dict)), which(which) {}
  llvm::IntrusiveRefCntPtr<DictObject> dict;
  Which which;
  BPC_OBJECT_CLASSOF(DictView)
};

/// NotImplemented and Ellipsis.
struct SingletonObject : Object {
  explicit SingletonObject(std::string name) : Object(Kind::Singleton), name(std::move(name)) {}
  std::string name;
  BPC_OBJECT_CLASSOF(Singleton)
};

#undef BPC_OBJECT_CLASSOF

/// Convenience constructors.
Value makeStr(std::string s);
Value makeList(std::vector<Value> items = {});
Value makeTuple(std::vector<Value> items = {});

/// The C++ carrier of a raised Python exception (an exception instance).
struct PyException {
  Value value;
};

} // namespace bpc::tracer

#endif // BPC_TRACER_VALUE_H
