//===- ProgressTest.cpp - The progress bar's line -------------------------===//
//
// bpc_progress_format must draw what tqdm draws for the same numbers
// (its default unicode bar of 10 cells): the expected lines are what
// tqdm 4.70.1's `tqdm.format_meter(n, total, elapsed)` returns.
//
//===----------------------------------------------------------------------===//

#include "bpc/progress.h"

#include <doctest/doctest.h>

#include <string>

namespace {

std::string line(int64_t done, int64_t total, double elapsed) {
  char buf[256];
  int n = bpc_progress_format(buf, sizeof buf, done, total, elapsed);
  REQUIRE(n > 0);
  REQUIRE(static_cast<size_t>(n) < sizeof buf);
  return buf;
}

} // namespace

TEST_CASE("progress: tqdm's line at the end, in the middle and at the start") {
  CHECK(line(10000, 10000, 1.25) == "100%|\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588"
                                    "\u2588| 10000/10000 [00:01<00:00, 8000.00it/s]");
  // 37%: 29 eighths of cells = 3 full cells and a 5/8 block, then spaces.
  CHECK(line(370, 1000, 74.0) ==
        " 37%|\u2588\u2588\u2588\u258b      | 370/1000 [01:14<02:06,  5.00it/s]");
  // Under one iteration per second tqdm shows seconds per iteration.
  CHECK(line(1, 4, 2.0) == " 25%|\u2588\u2588\u258c       | 1/4 [00:02<00:06,  2.00s/it]");
  // An hour and more: h:mm:ss.
  CHECK(line(1, 2, 3725.0) ==
        " 50%|\u2588\u2588\u2588\u2588\u2588     | 1/2 [1:02:05<1:02:05, 3725.00s/it]");
  // No time yet: no rate, no estimate.
  CHECK(line(0, 10, 0.0) == "  0%|          | 0/10 [00:00<?, ?it/s]");
}

TEST_CASE("progress: the line is truncated to the buffer, as snprintf") {
  char small[6];
  int n = bpc_progress_format(small, sizeof small, 5, 10, 1.0);
  CHECK(n > 6);
  CHECK(std::string(small) == " 50%|");
}

TEST_CASE("progress: bpc_progress_update ignores what is not a count") {
  // Nothing to check but that it returns (and draws nothing) for these.
  bpc_progress_update(0, 10);
  bpc_progress_update(-3, 10);
  bpc_progress_update(1, 0);
}
