//===- StateFile.cpp - bpc runtime: saving and loading Variables ----------===//
//
// The versioned binary state file of runtime/README.md. Saving streams the
// Variables through an FNV-1a hash into a temporary file that is renamed at
// the end; loading reads the whole file, verifies all of it, and only then
// copies into the Variables, so a bad file changes nothing.
//
//===----------------------------------------------------------------------===//

#include "Context.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the state file stores data little-endian; add byte swapping here"
#endif

using namespace bpc::rt;

namespace {

constexpr char kMagic[8] = {'B', 'P', 'C', 'S', 'T', 'A', 'T', 'E'};
constexpr uint32_t kVersion = 1;
constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

uint64_t fnv1a(uint64_t hash, const void *data, size_t size) {
  const auto *p = static_cast<const uint8_t *>(data);
  for (size_t i = 0; i < size; ++i)
    hash = (hash ^ p[i]) * kFnvPrime;
  return hash;
}

/// Writes to a FILE while hashing; the first failure sticks.
class Writer {
public:
  explicit Writer(std::FILE *file) : file(file) {}
  void bytes(const void *data, size_t size) {
    hash = fnv1a(hash, data, size);
    if (ok && size && std::fwrite(data, 1, size, file) != size)
      ok = false;
  }
  // Host order is little-endian (checked above), so integers are written
  // as they lie in memory.
  void u32(uint32_t v) { bytes(&v, sizeof(v)); }
  void u64(uint64_t v) { bytes(&v, sizeof(v)); }
  void checksum() {
    uint64_t h = hash;
    bytes(&h, sizeof(h));
  }
  bool ok = true;

private:
  std::FILE *file;
  uint64_t hash = kFnvOffset;
};

/// Bounds-checked reads from the in-memory file.
class Reader {
public:
  Reader(const uint8_t *data, size_t size) : p(data), left(size) {}
  bool bytes(void *out, size_t size) {
    if (size > left)
      return false;
    std::memcpy(out, p, size);
    skip(size);
    return true;
  }
  bool u32(uint32_t &v) { return bytes(&v, sizeof(v)); }
  bool u64(uint64_t &v) { return bytes(&v, sizeof(v)); }
  const uint8_t *here() const { return p; }
  size_t remaining() const { return left; }
  void skip(size_t size) {
    p += size;
    left -= size;
  }

private:
  const uint8_t *p;
  size_t left;
};

bool readWholeFile(const char *path, std::vector<uint8_t> &out,
                   std::string &error) {
  std::FILE *file = std::fopen(path, "rb");
  if (!file) {
    error = std::strerror(errno);
    return false;
  }
  uint8_t chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), file)) > 0)
    out.insert(out.end(), chunk, chunk + n);
  bool failed = std::ferror(file);
  std::fclose(file);
  if (failed)
    error = "read error";
  return !failed;
}

/// Where each Variable's data lies in the verified file.
using Placement = std::vector<const uint8_t *>;

/// Parses and verifies `file` against `ctx`'s Variables; on success every
/// entry of `where` points at that Variable's data. Returns "" or why not.
std::string verify(const bpc_ctx &ctx, const std::vector<uint8_t> &file,
                   Placement &where) {
  const bpc_model_desc &model = *ctx.model;
  if (file.size() < sizeof(kMagic) ||
      std::memcmp(file.data(), kMagic, sizeof(kMagic)) != 0)
    return "not a bpc state file (bad magic)";
  Reader in(file.data() + sizeof(kMagic), file.size() - sizeof(kMagic));
  uint32_t version, count;
  if (!in.u32(version))
    return "file is truncated";
  if (version != kVersion)
    return formatString("unsupported state file version %u (this runtime "
                        "reads version %u)", version, kVersion);
  if (file.size() < sizeof(kMagic) + 8 + 8)
    return "file is truncated";
  uint64_t stored;
  size_t body = file.size() - sizeof(stored);
  std::memcpy(&stored, file.data() + body, sizeof(stored));
  if (fnv1a(kFnvOffset, file.data(), body) != stored)
    return "checksum mismatch (file is corrupted or truncated)";
  in = Reader(file.data() + sizeof(kMagic) + 4, body - sizeof(kMagic) - 4);

  if (!in.u32(count))
    return "file is truncated";
  if (count != static_cast<uint32_t>(model.num_vars))
    return formatString("file has %u Variables, model '%s' has %d", count,
                        model.model_name, int(model.num_vars));
  where.assign(model.num_vars, nullptr);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t nameLen, dtype, rank;
    if (!in.u32(nameLen) || nameLen > in.remaining())
      return formatString("entry %u is truncated", i);
    std::string name(reinterpret_cast<const char *>(in.here()), nameLen);
    in.skip(nameLen);
    auto it = ctx.varIndex.find(name);
    if (it == ctx.varIndex.end())
      return formatString("file has Variable '%s', which model '%s' does not",
                          name.c_str(), model.model_name);
    int32_t v = it->second;
    const bpc_var_desc &var = model.vars[v];
    if (where[v])
      return formatString("Variable '%s' appears twice", var.name);
    if (!in.u32(dtype) || !in.u32(rank) || rank > BPC_MAX_RANK)
      return formatString("entry '%s' is truncated or has an invalid rank",
                          var.name);
    int64_t shape[BPC_MAX_RANK] = {};
    for (uint32_t d = 0; d < rank; ++d) {
      uint64_t dim;
      if (!in.u64(dim))
        return formatString("entry '%s' is truncated", var.name);
      shape[d] = static_cast<int64_t>(dim);
    }
    if (dtype != static_cast<uint32_t>(var.dtype))
      return formatString("Variable '%s' has dtype %s in the file, %s in the "
                          "model", var.name,
                          bpc_dtype_name(static_cast<bpc_dtype>(dtype)),
                          bpc_dtype_name(var.dtype));
    bool sameShape = rank == static_cast<uint32_t>(var.rank) &&
                     std::memcmp(shape, var.shape, rank * sizeof(int64_t)) == 0;
    if (!sameShape)
      return formatString("Variable '%s' has shape %s in the file, %s in the "
                          "model", var.name,
                          formatShape(int32_t(rank), shape).c_str(),
                          formatShape(var.rank, var.shape).c_str());
    uint64_t dataBytes;
    if (!in.u64(dataBytes) || dataBytes != ctx.varBytes[v] ||
        dataBytes > in.remaining())
      return formatString("entry '%s' has a wrong data size or is truncated",
                          var.name);
    where[v] = in.here();
    in.skip(dataBytes);
  }
  if (in.remaining() != 0)
    return formatString("%zu unexpected bytes after the last Variable",
                        in.remaining());
  return "";
}

bpc_status save(bpc_ctx *ctx, const char *path) {
  if (!path)
    return ctx->fail(BPC_ERR_ARG, "save: path is NULL");
  const bpc_model_desc &model = *ctx->model;
  std::string tmp = std::string(path) + ".tmp";
  std::FILE *file = std::fopen(tmp.c_str(), "wb");
  if (!file)
    return ctx->fail(BPC_ERR_IO, formatString("save: cannot create '%s': %s",
                                              tmp.c_str(), std::strerror(errno)));
  Writer out(file);
  out.bytes(kMagic, sizeof(kMagic));
  out.u32(kVersion);
  out.u32(static_cast<uint32_t>(model.num_vars));
  for (int32_t v = 0; v < model.num_vars; ++v) {
    const bpc_var_desc &var = model.vars[v];
    size_t nameLen = std::strlen(var.name);
    out.u32(static_cast<uint32_t>(nameLen));
    out.bytes(var.name, nameLen);
    out.u32(static_cast<uint32_t>(var.dtype));
    out.u32(static_cast<uint32_t>(var.rank));
    for (int32_t d = 0; d < var.rank; ++d)
      out.u64(static_cast<uint64_t>(var.shape[d]));
    out.u64(ctx->varBytes[v]);
    out.bytes(ctx->vars[v].get(), ctx->varBytes[v]);
  }
  out.checksum();
  bool closed = std::fclose(file) == 0;
  if (!out.ok || !closed) {
    std::remove(tmp.c_str());
    return ctx->fail(BPC_ERR_IO,
                     formatString("save: writing '%s' failed", tmp.c_str()));
  }
  if (std::rename(tmp.c_str(), path) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    return ctx->fail(BPC_ERR_IO, formatString("save: cannot rename '%s' to "
                                              "'%s': %s", tmp.c_str(), path,
                                              std::strerror(err)));
  }
  return BPC_OK;
}

bpc_status load(bpc_ctx *ctx, const char *path) {
  if (!path)
    return ctx->fail(BPC_ERR_ARG, "load: path is NULL");
  std::vector<uint8_t> file;
  std::string error;
  if (!readWholeFile(path, file, error))
    return ctx->fail(BPC_ERR_IO, formatString("load: cannot read '%s': %s",
                                              path, error.c_str()));
  Placement where;
  error = verify(*ctx, file, where);
  if (!error.empty())
    return ctx->fail(BPC_ERR_IO, formatString("load: '%s': %s", path,
                                              error.c_str()));
  for (int32_t v = 0; v < ctx->model->num_vars; ++v)
    std::memcpy(ctx->vars[v].get(), where[v], ctx->varBytes[v]);
  return BPC_OK;
}

} // namespace

extern "C" {

bpc_status bpc_ctx_save(bpc_ctx *ctx, const char *path) {
  if (!ctx)
    return BPC_ERR_ARG;
  return guarded(ctx, "save", [&] { return save(ctx, path); });
}

bpc_status bpc_ctx_load(bpc_ctx *ctx, const char *path) {
  if (!ctx)
    return BPC_ERR_ARG;
  return guarded(ctx, "load", [&] { return load(ctx, path); });
}

} // extern "C"
