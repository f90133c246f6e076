//===- SetTable.cpp - CPython's set hash table, slot for slot -------------===//
//
// A transcription of the parts of CPython 3.11's Objects/setobject.c that
// decide where an element lands (set_add_entry, set_insert_clean,
// set_table_resize, set_merge, set_pop), so that iterating or printing a
// set gives CPython's order for ints, floats and tuples. (CPython
// randomises str hashes per process, so no script can depend on the order
// of a set of strings.)
//
//===----------------------------------------------------------------------===//

#include "bpc/Tracer/Interp.h"
#include "bpc/Tracer/Value.h"

using namespace bpc::tracer;

static constexpr size_t kLinearProbes = 9;
static constexpr unsigned kPerturbShift = 5;
static constexpr int64_t kDummyHash = -1; // CPython never hashes to -1

static bool isDummy(const SetTable::Entry &e) { return !e.live && e.hash == kDummyHash; }
static bool isEmpty(const SetTable::Entry &e) { return !e.live && e.hash != kDummyHash; }

long SetTable::lookup(Interp &interp, const Value &key, int64_t hash) const {
  size_t mask = slots.size() - 1;
  size_t perturb = static_cast<size_t>(hash);
  size_t i = static_cast<size_t>(hash) & mask;
  while (true) {
    size_t probes = i + kLinearProbes <= mask ? kLinearProbes : 0;
    for (size_t j = i;; ++j) {
      const Entry &e = slots[j];
      if (isEmpty(e))
        return -1;
      if (e.live && e.hash == hash && interp.equals(e.key, key))
        return static_cast<long>(j);
      if (probes-- == 0)
        break;
    }
    perturb >>= kPerturbShift;
    i = (i * 5 + 1 + perturb) & mask;
  }
}

long SetTable::find(Interp &interp, const Value &key) const {
  return lookup(interp, key, interp.hash(key));
}

bool SetTable::addEntry(Interp &interp, const Value &key, int64_t hash) {
  size_t mask = slots.size() - 1;
  size_t perturb = static_cast<size_t>(hash);
  size_t i = static_cast<size_t>(hash) & mask;
  long freeSlot = -1;
  while (true) {
    size_t probes = i + kLinearProbes <= mask ? kLinearProbes : 0;
    for (size_t j = i;; ++j) {
      Entry &e = slots[j];
      if (isEmpty(e)) {
        // A deleted slot met on the way is reused (without growing fill).
        if (freeSlot >= 0) {
          slots[freeSlot] = {key, Value(), hash, true};
          ++used;
          ++mutations;
          return true;
        }
        e = {key, Value(), hash, true};
        ++fill;
        ++used;
        ++mutations;
        if (fill * 5 >= mask * 3)
          resize(used > 50000 ? used * 2 : used * 4);
        return true;
      }
      if (e.live && e.hash == hash && interp.equals(e.key, key))
        return false;
      if (isDummy(e)) // CPython keeps the last dummy seen, not the first
        freeSlot = static_cast<long>(j);
      if (probes-- == 0)
        break;
    }
    perturb >>= kPerturbShift;
    i = (i * 5 + 1 + perturb) & mask;
  }
}

bool SetTable::insert(Interp &interp, const Value &key, Value) {
  return addEntry(interp, key, interp.hash(key));
}

void SetTable::insertClean(const Value &key, int64_t hash) {
  size_t mask = slots.size() - 1;
  size_t perturb = static_cast<size_t>(hash);
  size_t i = static_cast<size_t>(hash) & mask;
  while (true) {
    if (isEmpty(slots[i]))
      break;
    bool found = false;
    if (i + kLinearProbes <= mask)
      for (size_t j = 1; j <= kLinearProbes; ++j)
        if (isEmpty(slots[i + j])) {
          i += j;
          found = true;
          break;
        }
    if (found)
      break;
    perturb >>= kPerturbShift;
    i = (i * 5 + 1 + perturb) & mask;
  }
  slots[i] = {key, Value(), hash, true};
}

void SetTable::resize(size_t minUsed) {
  size_t newSize = 8;
  while (newSize <= minUsed)
    newSize <<= 1;
  std::vector<Entry> old = std::move(slots);
  slots.assign(newSize, Entry());
  fill = used;
  for (const Entry &e : old)
    if (e.live)
      insertClean(e.key, e.hash);
  ++mutations;
}

bool SetTable::erase(Interp &interp, const Value &key) {
  long pos = find(interp, key);
  if (pos < 0)
    return false;
  slots[pos] = {Value(), Value(), kDummyHash, false};
  --used;
  ++mutations;
  return true;
}

void SetTable::clear() {
  slots.assign(8, Entry());
  fill = used = 0;
  ++mutations;
}

Value SetTable::pop() {
  size_t mask = slots.size() - 1;
  size_t i = finger & mask;
  while (!slots[i].live)
    i = (i + 1) & mask;
  Value key = slots[i].key;
  slots[i] = {Value(), Value(), kDummyHash, false};
  --used;
  finger = i + 1;
  ++mutations;
  return key;
}

void SetTable::merge(Interp &interp, const SetTable &other) {
  if (&other == this || other.used == 0)
    return;
  // One big resize first, as CPython does, expecting few duplicates.
  if ((fill + other.used) * 5 >= (slots.size() - 1) * 3)
    resize((used + other.used) * 2);
  if (fill == 0 && slots.size() == other.slots.size() && other.fill == other.used) {
    slots = other.slots;
    fill = other.fill;
    used = other.used;
    ++mutations;
    return;
  }
  if (fill == 0) {
    fill = used = other.used;
    for (const Entry &e : other.slots)
      if (e.live)
        insertClean(e.key, e.hash);
    ++mutations;
    return;
  }
  for (const Entry &e : other.slots)
    if (e.live)
      addEntry(interp, e.key, e.hash);
}

void SetTable::shrinkDummies() {
  if ((fill - used) <= (slots.size() - 1) / 4)
    return;
  resize(used > 50000 ? used * 2 : used * 4);
}

//===----------------------------------------------------------------------===//
// Set algebra, in CPython's element order
//===----------------------------------------------------------------------===//

SetObject *bpc::tracer::copySet(Interp &interp, const SetObject &s) {
  auto *copy = new SetObject();
  copy->table.merge(interp, s.table);
  return copy;
}

Value bpc::tracer::setOperation(Interp &interp, ast::BinOpKind op, const SetObject &a,
                                const SetObject &b) {
  using ast::BinOpKind;
  switch (op) {
  case BinOpKind::BitOr: { // set_or: copy a, merge b
    Value result(copySet(interp, a));
    result.dyn<SetObject>()->table.merge(interp, b.table);
    return result;
  }
  case BinOpKind::BitAnd: { // set_intersection: walk the smaller set
    const SetObject *big = &a, *small = &b;
    if (b.table.size() > a.table.size())
      std::swap(big, small);
    auto *result = new SetObject();
    Value keep(result);
    for (const SetTable::Entry &e : small->table.rawEntries())
      if (e.live && big->table.find(interp, e.key) >= 0)
        result->table.insert(interp, e.key);
    return keep;
  }
  case BinOpKind::Sub: { // set_difference
    if ((a.table.size() >> 2) > b.table.size()) {
      Value result(copySet(interp, a));
      for (const SetTable::Entry &e : b.table.rawEntries())
        if (e.live)
          result.dyn<SetObject>()->table.erase(interp, e.key);
      return result;
    }
    auto *result = new SetObject();
    Value keep(result);
    for (const SetTable::Entry &e : a.table.rawEntries())
      if (e.live && b.table.find(interp, e.key) < 0)
        result->table.insert(interp, e.key);
    return keep;
  }
  default: { // set_symmetric_difference: copy b, then toggle a's elements
    Value result(copySet(interp, b));
    SetTable &t = result.dyn<SetObject>()->table;
    for (const SetTable::Entry &e : a.table.rawEntries())
      if (e.live && !t.erase(interp, e.key))
        t.insert(interp, e.key);
    return result;
  }
  }
}

void bpc::tracer::setOperationInPlace(Interp &interp, ast::BinOpKind op, SetObject &a,
                                      const SetObject &b) {
  using ast::BinOpKind;
  switch (op) {
  case BinOpKind::BitOr:
    a.table.merge(interp, b.table);
    return;
  case BinOpKind::BitAnd: {
    Value tmp = setOperation(interp, op, a, b);
    a.table.takeBody(std::move(tmp.dyn<SetObject>()->table));
    return;
  }
  case BinOpKind::Sub:
    if (&a == &b) {
      a.table.clear();
      return;
    }
    for (const SetTable::Entry &e : std::vector<SetTable::Entry>(b.table.rawEntries()))
      if (e.live)
        a.table.erase(interp, e.key);
    a.table.shrinkDummies();
    return;
  default:
    if (&a == &b) {
      a.table.clear();
      return;
    }
    for (const SetTable::Entry &e : std::vector<SetTable::Entry>(b.table.rawEntries()))
      if (e.live && !a.table.erase(interp, e.key))
        a.table.insert(interp, e.key);
    return;
  }
}
