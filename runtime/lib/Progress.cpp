//===- Progress.cpp - bpc runtime: tqdm-style progress bar ----------------===//
//
// The host side of bp.progress (include/bpc/progress.h). Compiled loops call
// it about a hundred times whatever their length; drawing is throttled here
// by time on a terminal and by quarters elsewhere, so a long simulation's
// log stays short.
//
//===----------------------------------------------------------------------===//

#include "bpc/progress.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>

#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

/// One bar at a time: loops do not nest a bar inside another's body (each
/// for_loop's bar is finished before the next starts).
struct Bar {
  std::mutex mutex;
  bool active = false;
  int64_t total = 0;
  int64_t lastDone = 0;
  Clock::time_point start, lastDraw;
  int quartersShown = 0; // non-terminal output: 25/50/75% marks written
};

Bar &bar() {
  static Bar b;
  return b;
}

/// tqdm's format_interval: [h:]mm:ss.
std::string interval(double seconds) {
  long s = static_cast<long>(seconds);
  long h = s / 3600, m = s / 60 % 60;
  s %= 60;
  char buf[32];
  if (h)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", h, m, s);
  else
    std::snprintf(buf, sizeof buf, "%02ld:%02ld", m, s);
  return buf;
}

} // namespace

extern "C" int bpc_progress_format(char *out, size_t size, int64_t done, int64_t total,
                                   double elapsed) {
  double frac = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
  frac = std::fmin(std::fmax(frac, 0.0), 1.0);
  // A 10-cell bar of full blocks and one eighth-block partial cell, as tqdm
  // draws it with unicode characters.
  static const char *const kPartial[] = {"",    "\u258f", "\u258e", "\u258d",
                                         "\u258c", "\u258b", "\u258a", "\u2589"};
  constexpr int kWidth = 10;
  int eighths = static_cast<int>(frac * kWidth * 8);
  int full = eighths / 8, partial = eighths % 8;
  std::string cells;
  for (int i = 0; i < full; ++i)
    cells += "\u2588";
  int used = full;
  if (full < kWidth && partial) {
    cells += kPartial[partial];
    ++used;
  }
  cells.append(kWidth - used, ' ');
  double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  std::string remaining = rate > 0 ? interval(static_cast<double>(total - done) / rate) : "?";
  char rateText[48];
  if (rate <= 0)
    std::snprintf(rateText, sizeof rateText, "?it/s");
  else if (rate < 1)
    std::snprintf(rateText, sizeof rateText, "%5.2fs/it", 1 / rate);
  else
    std::snprintf(rateText, sizeof rateText, "%5.2fit/s", rate);
  return std::snprintf(out, size, "%3.0f%%|%s| %lld/%lld [%s<%s, %s]", frac * 100, cells.c_str(),
                       static_cast<long long>(done), static_cast<long long>(total),
                       interval(elapsed).c_str(), remaining.c_str(), rateText);
}

extern "C" void bpc_progress_update(int64_t done, int64_t total) {
  if (done < 1 || total < 1)
    return;
  if (done > total)
    done = total;
  Bar &b = bar();
  std::lock_guard<std::mutex> lock(b.mutex);
  Clock::time_point now = Clock::now();
  if (!b.active || done == 1 || done < b.lastDone || total != b.total) {
    b.active = true;
    b.total = total;
    b.start = now;
    b.lastDraw = Clock::time_point();
    b.quartersShown = 0;
  }
  b.lastDone = done;
  bool finished = done == total;
  bool terminal = isatty(STDERR_FILENO);
  bool draw;
  if (terminal) {
    draw = finished || now - b.lastDraw >= std::chrono::milliseconds(100);
  } else {
    int quarters = static_cast<int>(done * 4 / total);
    draw = finished || (quarters > b.quartersShown && quarters < 4);
    if (quarters > b.quartersShown)
      b.quartersShown = quarters;
  }
  if (!draw)
    return;
  b.lastDraw = now;
  double elapsed = std::chrono::duration<double>(now - b.start).count();
  char line[256];
  bpc_progress_format(line, sizeof line, done, total, elapsed);
  std::fprintf(stderr, terminal ? "\r%s%s" : "%s%s", line, terminal && !finished ? "" : "\n");
  std::fflush(stderr);
  if (finished)
    b.active = false;
}
