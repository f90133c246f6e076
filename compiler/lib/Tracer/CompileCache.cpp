//===- CompileCache.cpp - The on-disk cache of compiled kernels -----------===//

#include "bpc/Tracer/CompileCache.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>

using namespace bpc::tracer;
namespace fs = llvm::sys::fs;

namespace {

constexpr char kMagic[8] = {'B', 'P', 'C', 'K', 'R', 'N', 'L', '\0'};
constexpr llvm::StringLiteral kEntrySuffix = ".bpk";
constexpr llvm::StringLiteral kTempPrefix = ".tmp-";

// Header fields (little-endian u32/u64 at fixed offsets).
enum HeaderOffset : size_t {
  kOffMagic = 0,
  kOffVersion = 8,
  kOffHeaderSize = 12,
  kOffKeyHigh = 16,
  kOffKeyLow = 24,
  kOffPayloadSize = 32,
  kOffPayloadSum = 40,
  kOffHeaderSum = 48, // xxh3 of bytes [0, 48)
};

uint64_t read64(const char *p) { return llvm::support::endian::read64le(p); }
uint32_t read32(const char *p) { return llvm::support::endian::read32le(p); }
void write64(char *p, uint64_t v) { llvm::support::endian::write64le(p, v); }
void write32(char *p, uint32_t v) { llvm::support::endian::write32le(p, v); }

uint64_t checksum(llvm::StringRef bytes) { return llvm::xxh3_64bits(bytes); }

/// A non-negative integer from the environment, or nullopt if unset/invalid.
std::optional<uint64_t> envNumber(const char *name) {
  const char *v = std::getenv(name);
  if (!v || !*v)
    return std::nullopt;
  uint64_t n;
  if (llvm::StringRef(v).trim().getAsInteger(10, n))
    return std::nullopt;
  return n;
}

bool envFlag(const char *name) {
  const char *v = std::getenv(name);
  return v && *v && llvm::StringRef(v) != "0";
}

std::string hex64(uint64_t v) {
  static const char digits[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4)
    s[i] = digits[v & 15];
  return s;
}

/// The GNU build id of a loaded object, as hex; empty if it has none.
std::string gnuBuildId(const dl_phdr_info *info) {
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) &ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE)
      continue;
    const char *p = reinterpret_cast<const char *>(info->dlpi_addr + ph.p_vaddr);
    const char *end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      ElfW(Nhdr) note;
      std::memcpy(&note, p, sizeof note);
      const char *name = p + sizeof note;
      const char *desc = name + ((note.n_namesz + 3) & ~3u);
      const char *next = desc + ((note.n_descsz + 3) & ~3u);
      if (next > end)
        break;
      if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
          std::memcmp(name, "GNU", 4) == 0) {
        std::string id;
        for (uint32_t j = 0; j < note.n_descsz; ++j)
          id += hex64(static_cast<uint8_t>(desc[j])).substr(14);
        return id;
      }
      p = next;
    }
  }
  return "";
}

/// A file's size and mtime: a weaker stand-in for a missing build id.
std::string fileStamp(const std::string &path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return "unknown";
  return path + "@" + std::to_string(st.st_size) + "@" + std::to_string(st.st_mtim.tv_sec) +
         "." + std::to_string(st.st_mtim.tv_nsec);
}

struct IdentityWalk {
  uintptr_t self;
  std::string out;
};

int collectIdentity(dl_phdr_info *info, size_t, void *data) {
  auto *walk = static_cast<IdentityWalk *>(data);
  llvm::StringRef name = info->dlpi_name ? info->dlpi_name : "";
  bool holdsSelf = false;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) &ph = info->dlpi_phdr[i];
    uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    if (ph.p_type == PT_LOAD && walk->self >= start && walk->self < start + ph.p_memsz)
      holdsSelf = true;
  }
  llvm::StringRef base = llvm::sys::path::filename(name);
  bool isLibrary = base.starts_with("libLLVM") || base.starts_with("libMLIR");
  if (!holdsSelf && !isLibrary)
    return 0;
  std::string id = gnuBuildId(info);
  if (id.empty())
    id = fileStamp(name.empty() ? std::string("/proc/self/exe") : name.str());
  walk->out += (holdsSelf ? std::string("bpc") : base.str()) + "=" + id + ";";
  return 0;
}

} // namespace

std::string CacheKey::hex() const { return hex64(high) + hex64(low); }

std::optional<CompileCache::Config> CompileCache::configFromEnvironment() {
  if (envFlag("BPC_NO_CACHE"))
    return std::nullopt;
  Config config;
  if (const char *dir = std::getenv("BPC_CACHE_DIR")) {
    if (!*dir)
      return std::nullopt;
    config.directory = dir;
  } else if (const char *xdg = std::getenv("XDG_CACHE_HOME");
             xdg && *xdg && llvm::sys::path::is_absolute(xdg)) {
    llvm::SmallString<256> path(xdg);
    llvm::sys::path::append(path, "bpc");
    config.directory = path.str().str();
  } else {
    llvm::SmallString<256> path;
    if (!llvm::sys::path::home_directory(path))
      return std::nullopt;
    llvm::sys::path::append(path, ".cache", "bpc");
    config.directory = path.str().str();
  }
  if (std::optional<uint64_t> mb = envNumber("BPC_CACHE_MAX_MB")) {
    if (*mb == 0)
      return std::nullopt;
    config.maxBytes = *mb << 20;
  }
  return config;
}

CacheKey CompileCache::makeKey(llvm::StringRef text, llvm::StringRef salt) {
  // hash(len(salt) | salt | text): the length keeps (salt, text) pairs apart.
  llvm::XXH128_hash_t t = llvm::xxh3_128bits(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(text.data()), text.size()));
  llvm::XXH128_hash_t s = llvm::xxh3_128bits(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(salt.data()), salt.size()));
  char mix[40];
  write64(mix, salt.size());
  write64(mix + 8, s.high64);
  write64(mix + 16, s.low64);
  write64(mix + 24, t.high64);
  write64(mix + 32, t.low64);
  llvm::XXH128_hash_t k =
      llvm::xxh3_128bits(llvm::ArrayRef<uint8_t>(reinterpret_cast<uint8_t *>(mix), sizeof mix));
  return CacheKey{k.high64, k.low64};
}

const std::string &CompileCache::buildIdentity() {
  static const std::string identity = [] {
    IdentityWalk walk{reinterpret_cast<uintptr_t>(&collectIdentity), ""};
    dl_iterate_phdr(collectIdentity, &walk);
    return walk.out + "llvm=" LLVM_VERSION_STRING;
  }();
  return identity;
}

CompileCache::CompileCache(Config config) : cfg(std::move(config)) {}

std::string CompileCache::entryPath(const CacheKey &key) const {
  llvm::SmallString<256> path(cfg.directory);
  llvm::sys::path::append(path, key.hex() + kEntrySuffix.str());
  return path.str().str();
}

std::optional<std::string> CompileCache::load(const CacheKey &key) {
  std::string path = entryPath(key);
  // Read, not mmap: a file that changes under a mapping could fault.
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false,
                                            /*IsVolatile=*/true);
  if (!buffer) {
    ++counters.misses;
    return std::nullopt;
  }
  llvm::StringRef bytes = (*buffer)->getBuffer();
  auto valid = [&] {
    if (bytes.size() < kHeaderSize || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
      return false;
    const char *h = bytes.data();
    if (read64(h + kOffHeaderSum) != checksum(bytes.take_front(kOffHeaderSum)))
      return false;
    if (read32(h + kOffVersion) != kFormatVersion || read32(h + kOffHeaderSize) != kHeaderSize)
      return false;
    if (read64(h + kOffKeyHigh) != key.high || read64(h + kOffKeyLow) != key.low)
      return false;
    if (read64(h + kOffPayloadSize) != bytes.size() - kHeaderSize)
      return false;
    return read64(h + kOffPayloadSum) == checksum(bytes.drop_front(kHeaderSize));
  };
  if (!valid()) {
    // Truncated, corrupt, or another format: drop it; the caller compiles
    // and stores a good one.
    ++counters.corrupt;
    ++counters.misses;
    fs::remove(path);
    return std::nullopt;
  }
  // Most recently used now (eviction goes by mtime).
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);
  ++counters.hits;
  return bytes.drop_front(kHeaderSize).str();
}

bool CompileCache::store(const CacheKey &key, llvm::StringRef payload) {
  if (fs::create_directories(cfg.directory))
    return false;
  char header[kHeaderSize] = {};
  std::memcpy(header + kOffMagic, kMagic, sizeof kMagic);
  write32(header + kOffVersion, kFormatVersion);
  write32(header + kOffHeaderSize, kHeaderSize);
  write64(header + kOffKeyHigh, key.high);
  write64(header + kOffKeyLow, key.low);
  write64(header + kOffPayloadSize, payload.size());
  write64(header + kOffPayloadSum, checksum(payload));
  write64(header + kOffHeaderSum, checksum(llvm::StringRef(header, kOffHeaderSum)));

  // A temporary file in the same directory, renamed over the entry: readers
  // see the old entry, no entry, or the whole new one.
  llvm::SmallString<256> model(cfg.directory);
  llvm::sys::path::append(model, kTempPrefix + key.hex() + "-%%%%%%%%.part");
  int fd;
  llvm::SmallString<256> temp;
  if (fs::createUniqueFile(model, fd, temp))
    return false;
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os.write(header, kHeaderSize);
    os << payload;
    os.close();
    if (os.has_error()) {
      os.clear_error();
      fs::remove(temp);
      return false;
    }
  }
  std::string path = entryPath(key);
  if (fs::rename(temp, path)) {
    fs::remove(temp);
    return false;
  }
  ++counters.stores;
  uint64_t size = kHeaderSize + payload.size();
  if (!knownBytes)
    evict(cfg.maxBytes); // measures the directory (and trims it if over)
  else
    *knownBytes += size;
  if (*knownBytes > cfg.maxBytes)
    evict(cfg.maxBytes / 10 * 8); // some room, so as not to scan on every store
  return true;
}

void CompileCache::evict(uint64_t targetBytes) {
  struct Entry {
    std::string path;
    uint64_t size;
    std::chrono::system_clock::time_point mtime;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  auto now = std::chrono::system_clock::now();
  std::error_code ec;
  for (fs::directory_iterator it(cfg.directory, ec), end; !ec && it != end; it.increment(ec)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    fs::file_status st;
    if (fs::status(it->path(), st) || st.type() != fs::file_type::regular_file)
      continue;
    if (name.starts_with(kTempPrefix) && name.ends_with(".part")) {
      // A writer that died before its rename; live writers finish in seconds.
      if (now - st.getLastModificationTime() > std::chrono::hours(1))
        fs::remove(it->path());
      continue;
    }
    if (!name.ends_with(kEntrySuffix) || name.size() != 32 + kEntrySuffix.size())
      continue;
    entries.push_back({it->path(), st.getSize(), st.getLastModificationTime()});
    total += st.getSize();
  }
  if (total > targetBytes) {
    std::sort(entries.begin(), entries.end(),
              [](const Entry &a, const Entry &b) { return a.mtime < b.mtime; });
    for (const Entry &e : entries) {
      if (total <= targetBytes)
        break;
      // Another run may have removed it already; either way it is gone.
      fs::remove(e.path);
      total -= e.size;
      ++counters.evicted;
    }
  }
  knownBytes = total;
}
