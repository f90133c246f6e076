"""Python peers of bench/ (DESIGN.md §6): NumPy, PyTorch eager and JAX (jit)
on CPU, single-threaded, f32. Prints "RESULT <workload> <peer> <median ns>
<best ns>" per workload and peer, or "SKIP <peer> <why>" for a peer that is
not installed. Same rules as the C drivers: warm-up, then the median and the
best of many calls, each one finished before the clock stops."""
import os
import sys
import time

# One thread on every side, set before any of the libraries loads.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                           " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import numpy as np

WARMUP, REPS = 10, 100
N_SELU, N_LR, D_LR = 1_000_000, 200_000, 10


def timed(workload, peer, call):
    for _ in range(WARMUP):
        call()
    samples = []
    for _ in range(REPS):
        t0 = time.process_time_ns()
        call()
        samples.append(time.process_time_ns() - t0)
    samples.sort()
    print(f"RESULT {workload} {peer} {(samples[REPS // 2 - 1] + samples[REPS // 2]) / 2:.0f} "
          f"{samples[0]:.0f}", flush=True)


rng = np.random.default_rng(1)
x = (rng.random(N_SELU, dtype=np.float32) * 6 - 3).astype(np.float32)
X = rng.random((N_LR, D_LR), dtype=np.float32)
Y = rng.random(N_LR, dtype=np.float32)
w0 = np.full(D_LR, 0.7, np.float32)
f = np.float32

# NumPy: the seed's formulas as written.
def np_selu():
    return f(1.05) * np.where(x > 0, x, f(1.67) * np.exp(x) - f(1.67))

def np_lr():
    w = w0.copy()
    u = ((f(1) / (f(1) + np.exp(-Y * (X @ w))) - f(1)) * Y) @ X
    w -= u
    return w

timed("selu", "numpy", np_selu)
timed("lr", "numpy", np_lr)

try:
    import torch
    torch.set_num_threads(1)
    tx, tX, tY, tw0 = (torch.from_numpy(a) for a in (x, X, Y, w0))

    def torch_selu():
        return 1.05 * torch.where(tx > 0, tx, 1.67 * torch.exp(tx) - 1.67)

    def torch_lr():
        w = tw0.clone()
        u = ((1.0 / (1.0 + torch.exp(-tY * (tX @ w))) - 1.0) * tY) @ tX
        w -= u
        return w

    with torch.no_grad():
        timed("selu", "torch", torch_selu)
        timed("lr", "torch", torch_lr)
except Exception as e:  # not installed, or no wheel for this machine
    print(f"SKIP torch {type(e).__name__}: {e}", flush=True)

try:
    import jax
    import jax.numpy as jnp

    jx, jX, jY, jw0 = (jax.device_put(a) for a in (x, X, Y, w0))

    @jax.jit
    def jax_selu(x):
        return 1.05 * jnp.where(x > 0, x, 1.67 * jnp.exp(x) - 1.67)

    @jax.jit
    def jax_lr(X, Y, w):
        u = ((1.0 / (1.0 + jnp.exp(-Y * (X @ w))) - 1.0) * Y) @ X
        return w - u

    timed("selu", "jax", lambda: jax_selu(jx).block_until_ready())
    timed("lr", "jax", lambda: jax_lr(jX, jY, jw0).block_until_ready())
except Exception as e:
    print(f"SKIP jax {type(e).__name__}: {e}", flush=True)
