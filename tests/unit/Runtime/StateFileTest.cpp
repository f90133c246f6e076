//===- StateFileTest.cpp - save/load of Variables, all or nothing ---------===//
//
// The file layout is checked byte for byte against runtime/README.md; every
// kind of bad file must fail with BPC_ERR_IO, a message, and no change.
//
//===----------------------------------------------------------------------===//

#include "TestModel.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

using namespace bpc::rt::test;
namespace fs = std::filesystem;

namespace {

/// A fresh directory for one test case, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("bpc-runtime-test-" + std::to_string(getpid()) + "-" +
            std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string file(const char *name) const { return (path / name).string(); }
};

std::string readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeBytes(const std::string &path, const std::string &bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

uint64_t fnv1a(const std::string &bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes)
    h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

/// Replaces the trailing checksum so that a deliberately edited file gets
/// past the checksum to the check under test.
std::string resealed(std::string bytes) {
  bytes.resize(bytes.size() - 8);
  uint64_t h = fnv1a(bytes);
  bytes.append(reinterpret_cast<const char *>(&h), 8);
  return bytes;
}

template <typename T> T readAt(const std::string &bytes, size_t offset) {
  T v;
  std::memcpy(&v, bytes.data() + offset, sizeof(T));
  return v;
}

/// Loads `path` into a perturbed context and expects failure, a message
/// containing `part`, and no change.
void expectLoadFails(bpc_ctx *ctx, const std::string &path, const char *part) {
  perturb(ctx);
  auto before = snapshot(ctx);
  CHECK(bpc_ctx_load(ctx, path.c_str()) == BPC_ERR_IO);
  std::string message = bpc_ctx_last_error(ctx);
  CHECK_MESSAGE(message.find(part) != std::string::npos,
                "'" << part << "' not in: " << message);
  CHECK(snapshot(ctx) == before);
}

} // namespace

TEST_CASE("runtime: save, mutate, load restores every Variable") {
  TempDir dir;
  bpc_ctx *ctx = nullptr;
  REQUIRE(bpc_ctx_create(&kModel, &ctx) == BPC_OK);
  auto initial = snapshot(ctx);
  std::string path = dir.file("state.bpcs");
  REQUIRE(bpc_ctx_save(ctx, path.c_str()) == BPC_OK);
  CHECK_FALSE(fs::exists(path + ".tmp"));
  perturb(ctx);
  CHECK(snapshot(ctx) != initial);
  REQUIRE(bpc_ctx_load(ctx, path.c_str()) == BPC_OK);
  CHECK(snapshot(ctx) == initial);

  SUBCASE("another context loads the same file") {
    bpc_ctx *other = nullptr;
    REQUIRE(bpc_ctx_create(&kModel, &other) == BPC_OK);
    perturb(other);
    REQUIRE(bpc_ctx_load(other, path.c_str()) == BPC_OK);
    CHECK(snapshot(other) == initial);
    bpc_ctx_destroy(other);
  }
  bpc_ctx_destroy(ctx);
}

TEST_CASE("runtime: the state file layout is the documented one") {
  TempDir dir;
  bpc_ctx *ctx = nullptr;
  REQUIRE(bpc_ctx_create(&kModel, &ctx) == BPC_OK);
  std::string path = dir.file("state.bpcs");
  REQUIRE(bpc_ctx_save(ctx, path.c_str()) == BPC_OK);
  std::string bytes = readBytes(path);
  // magic, version, count; "lr.w": name, dtype, rank, shape, size, data;
  // "lr.b": rank 0; "steps"; checksum.
  size_t expectedSize = 8 + 4 + 4 + (4 + 4 + 4 + 4 + 8 + 8 + 12) +
                        (4 + 4 + 4 + 4 + 8 + 4) + (4 + 5 + 4 + 4 + 8 + 8) + 8;
  REQUIRE(bytes.size() == expectedSize);
  CHECK(bytes.compare(0, 8, "BPCSTATE") == 0);
  CHECK(readAt<uint32_t>(bytes, 8) == 1);
  CHECK(readAt<uint32_t>(bytes, 12) == 3);
  CHECK(readAt<uint32_t>(bytes, 16) == 4);
  CHECK(bytes.compare(20, 4, "lr.w") == 0);
  CHECK(readAt<uint32_t>(bytes, 24) == BPC_F32);
  CHECK(readAt<uint32_t>(bytes, 28) == 1);
  CHECK(readAt<uint64_t>(bytes, 32) == 3);
  CHECK(readAt<uint64_t>(bytes, 40) == 12);
  CHECK(readAt<float>(bytes, 48) == kInitialW[0]);
  CHECK(readAt<uint64_t>(bytes, bytes.size() - 8) ==
        fnv1a(bytes.substr(0, bytes.size() - 8)));
  bpc_ctx_destroy(ctx);
}

TEST_CASE("runtime: bad state files fail and change nothing") {
  TempDir dir;
  bpc_ctx *ctx = nullptr;
  REQUIRE(bpc_ctx_create(&kModel, &ctx) == BPC_OK);
  std::string good = dir.file("good.bpcs"), bad = dir.file("bad.bpcs");
  REQUIRE(bpc_ctx_save(ctx, good.c_str()) == BPC_OK);
  std::string bytes = readBytes(good);

  SUBCASE("missing file") {
    expectLoadFails(ctx, dir.file("absent.bpcs"), "cannot read");
  }
  SUBCASE("empty file") {
    writeBytes(bad, "");
    expectLoadFails(ctx, bad, "bad magic");
  }
  SUBCASE("wrong magic") {
    bytes[0] = 'X';
    writeBytes(bad, bytes);
    expectLoadFails(ctx, bad, "not a bpc state file");
  }
  SUBCASE("wrong version") {
    bytes[8] = 2;
    writeBytes(bad, resealed(bytes));
    expectLoadFails(ctx, bad, "unsupported state file version 2");
  }
  SUBCASE("one flipped data bit") {
    bytes[50] ^= 0x10;
    writeBytes(bad, bytes);
    expectLoadFails(ctx, bad, "checksum mismatch");
  }
  SUBCASE("truncated") {
    for (size_t keep : {size_t(10), size_t(20), bytes.size() / 2, bytes.size() - 1}) {
      writeBytes(bad, bytes.substr(0, keep));
      expectLoadFails(ctx, bad, keep < 24 ? "truncated" : "checksum mismatch");
    }
  }
  SUBCASE("truncated with a valid checksum") {
    std::string cut = bytes.substr(0, 60) + std::string(8, '\0');
    writeBytes(bad, resealed(cut));
    expectLoadFails(ctx, bad, "entry 1 is truncated");
  }
  SUBCASE("trailing bytes") {
    std::string longer = bytes.substr(0, bytes.size() - 8) + "xx" +
                         bytes.substr(bytes.size() - 8);
    writeBytes(bad, resealed(longer));
    expectLoadFails(ctx, bad, "2 unexpected bytes after the last Variable");
  }
  SUBCASE("a Variable of another shape") {
    bpc_var_desc vars[3] = {kVars[0], kVars[1], kVars[2]};
    const float w4[4] = {1, 2, 3, 4};
    vars[0].shape[0] = 4;
    vars[0].initial = w4;
    bpc_model_desc other = {BPC_ABI_VERSION, "other", 3, vars, 0, nullptr};
    bpc_ctx *octx = nullptr;
    REQUIRE(bpc_ctx_create(&other, &octx) == BPC_OK);
    REQUIRE(bpc_ctx_save(octx, bad.c_str()) == BPC_OK);
    bpc_ctx_destroy(octx);
    expectLoadFails(ctx, bad,
                    "Variable 'lr.w' has shape [4] in the file, [3] in the model");
  }
  SUBCASE("a Variable of another dtype") {
    bytes[24] = BPC_I32;
    writeBytes(bad, resealed(bytes));
    expectLoadFails(ctx, bad,
                    "Variable 'lr.w' has dtype i32 in the file, f32 in the model");
  }
  SUBCASE("a Variable the model does not have, or a missing one") {
    bytes[20] = 'L';
    writeBytes(bad, resealed(bytes));
    expectLoadFails(ctx, bad, "file has Variable 'Lr.w', which model 'test' does not");
    bpc_model_desc fewer = kModel;
    fewer.num_vars = 2;
    fewer.num_funcs = 1;
    bpc_ctx *octx = nullptr;
    REQUIRE(bpc_ctx_create(&fewer, &octx) == BPC_OK);
    REQUIRE(bpc_ctx_save(octx, bad.c_str()) == BPC_OK);
    bpc_ctx_destroy(octx);
    expectLoadFails(ctx, bad, "file has 2 Variables, model 'test' has 3");
  }
  SUBCASE("a Variable listed twice") {
    // A 3-entry file of header, lr.w, lr.w, steps.
    size_t lrwEnd = 60, lrbEnd = 60 + 28;
    std::string dup = bytes.substr(0, lrwEnd) + bytes.substr(16, lrwEnd - 16) +
                      bytes.substr(lrbEnd);
    writeBytes(bad, resealed(dup));
    expectLoadFails(ctx, bad, "Variable 'lr.w' appears twice");
  }
  SUBCASE("save to a directory that does not exist") {
    std::string nowhere = dir.file("no/such/dir/state.bpcs");
    CHECK(bpc_ctx_save(ctx, nowhere.c_str()) == BPC_ERR_IO);
    CHECK(std::string(bpc_ctx_last_error(ctx)).find("cannot create") !=
          std::string::npos);
  }
  SUBCASE("NULL paths") {
    CHECK(bpc_ctx_save(ctx, nullptr) == BPC_ERR_ARG);
    CHECK(bpc_ctx_load(ctx, nullptr) == BPC_ERR_ARG);
    CHECK(bpc_ctx_save(nullptr, good.c_str()) == BPC_ERR_ARG);
  }
  bpc_ctx_destroy(ctx);
}
