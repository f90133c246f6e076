//===- Value.cpp - Containers of the object model -------------------------===//

#include "bpc/Tracer/Value.h"
#include "bpc/Tracer/Interp.h"

#include <algorithm>

using namespace bpc::tracer;

Value bpc::tracer::makeStr(std::string s) { return Value(new StrObject(std::move(s))); }
Value bpc::tracer::makeList(std::vector<Value> items) {
  return Value(new ListObject(std::move(items)));
}
Value bpc::tracer::makeTuple(std::vector<Value> items) {
  return Value(new TupleObject(std::move(items)));
}

//===----------------------------------------------------------------------===//
// AttrDict
//===----------------------------------------------------------------------===//

Value *AttrDict::lookup(llvm::StringRef name) {
  auto it = index.find(name);
  return it == index.end() ? nullptr : &entries[it->second].second;
}

const Value *AttrDict::lookup(llvm::StringRef name) const {
  auto it = index.find(name);
  return it == index.end() ? nullptr : &entries[it->second].second;
}

void AttrDict::set(llvm::StringRef name, Value value) {
  auto [it, inserted] = index.try_emplace(name, entries.size());
  if (inserted)
    entries.emplace_back(name.str(), std::move(value));
  else
    entries[it->second].second = std::move(value);
}

bool AttrDict::erase(llvm::StringRef name) {
  auto it = index.find(name);
  if (it == index.end())
    return false;
  // Erasing is rare (del obj.x), so keep lookups simple and renumber.
  unsigned pos = it->second;
  index.erase(it);
  entries.erase(entries.begin() + pos);
  for (auto &entry : index)
    if (entry.second > pos)
      --entry.second;
  return true;
}

//===----------------------------------------------------------------------===//
// HashTable
//===----------------------------------------------------------------------===//

long HashTable::find(Interp &interp, const Value &key) const {
  int64_t h = interp.hash(key);
  auto range = buckets.equal_range(h);
  for (auto it = range.first; it != range.second; ++it) {
    const Entry &e = entries[it->second];
    if (e.live && interp.equals(e.key, key))
      return it->second;
  }
  return -1;
}

bool HashTable::insert(Interp &interp, const Value &key, Value value) {
  long pos = find(interp, key);
  if (pos >= 0) {
    // Python keeps the first key object and replaces only the value.
    entries[pos].value = std::move(value);
    return false;
  }
  int64_t h = interp.hash(key);
  buckets.emplace(h, static_cast<unsigned>(entries.size()));
  entries.push_back({key, std::move(value), h, true});
  ++live;
  ++mutations;
  return true;
}

bool HashTable::erase(Interp &interp, const Value &key) {
  long pos = find(interp, key);
  if (pos < 0)
    return false;
  Entry &e = entries[pos];
  auto range = buckets.equal_range(e.hash);
  for (auto it = range.first; it != range.second; ++it)
    if (it->second == static_cast<unsigned>(pos)) {
      buckets.erase(it);
      break;
    }
  e = Entry();
  --live;
  ++mutations;
  if (entries.size() > 16 && live * 2 < entries.size())
    compact();
  return true;
}

HashTable::Entry HashTable::popLast() {
  while (!entries.back().live)
    entries.pop_back();
  Entry e = std::move(entries.back());
  entries.pop_back();
  auto range = buckets.equal_range(e.hash);
  for (auto it = range.first; it != range.second; ++it)
    if (it->second == entries.size()) {
      buckets.erase(it);
      break;
    }
  --live;
  ++mutations;
  return e;
}

void HashTable::clear() {
  entries.clear();
  buckets.clear();
  live = 0;
  ++mutations;
}

void HashTable::compact() {
  std::vector<Entry> kept;
  kept.reserve(live);
  for (Entry &e : entries)
    if (e.live)
      kept.push_back(std::move(e));
  entries = std::move(kept);
  buckets.clear();
  for (unsigned i = 0; i < entries.size(); ++i)
    buckets.emplace(entries[i].hash, i);
}

//===----------------------------------------------------------------------===//
// Classes and ranges
//===----------------------------------------------------------------------===//

Value *ClassObject::lookup(llvm::StringRef name) {
  for (ClassObject *c : mro)
    if (Value *v = c->dict.lookup(name))
      return v;
  return nullptr;
}

bool ClassObject::isSubclassOf(const ClassObject *other) const {
  return std::find(mro.begin(), mro.end(), other) != mro.end();
}

int64_t RangeObject::length() const {
  if (step > 0 && start < stop)
    return static_cast<int64_t>((static_cast<uint64_t>(stop) - start - 1) / step + 1);
  if (step < 0 && start > stop)
    return static_cast<int64_t>((static_cast<uint64_t>(start) - stop - 1) /
                                    (0 - static_cast<uint64_t>(step)) + 1);
  return 0;
}
