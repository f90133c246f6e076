# NumPy peer for selu on 1,000,000 f32; prints its best time per call in ns.
import sys
import time

import numpy as np

x = (np.random.default_rng(1).random(1_000_000, dtype=np.float32) * 6 - 3).astype(np.float32)
alpha, lmbda = np.float32(1.67), np.float32(1.05)
best = 1e9
for _ in range(50):
    t0 = time.perf_counter()
    y = lmbda * np.where(x > 0, x, alpha * np.exp(x) - alpha)
    best = min(best, time.perf_counter() - t0)
print(f"{best * 1e9:.0f}")
