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
M_LN, K_LN, N_LN, LR_LN = 1000, 100, 200, 1e-6


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
# LinearNet: x f32[1000, 100], y f32[1000, 1]; w, b, r as the model makes them.
xl = rng.random((M_LN, K_LN), dtype=np.float32)
yl = rng.random((M_LN, 1), dtype=np.float32)
wl0 = rng.random((K_LN, N_LN), dtype=np.float32)
bl0 = np.zeros(N_LN, np.float32)
rl0 = rng.random((N_LN, 1), dtype=np.float32)

# NumPy: the seed's formulas as written.
def np_selu():
    return f(1.05) * np.where(x > 0, x, f(1.67) * np.exp(x) - f(1.67))

def np_lr():
    w = w0.copy()
    u = ((f(1) / (f(1) + np.exp(-Y * (X @ w))) - f(1)) * Y) @ X
    w -= u
    return w

# The LinearNet step with the gradients derived by hand (reverse mode, as
# bm.grad computes them), then SGD; the weights are fresh copies per call.
def np_linear_net():
    w, b, r = wl0.copy(), bl0.copy(), rl0.copy()
    h = xl @ w + b
    d = h @ r - yl
    loss = np.mean(d ** 2)
    dp = (f(2 / M_LN)) * d
    dh = dp @ r.T
    w -= f(LR_LN) * (xl.T @ dh)
    b -= f(LR_LN) * dh.sum(axis=0)
    r -= f(LR_LN) * (h.T @ dp)
    return loss

timed("selu", "numpy", np_selu)
timed("lr", "numpy", np_lr)
timed("linear_net", "numpy", np_linear_net)
# The loss and the new w of each peer, to check that they computed one step.
ln_results = {"numpy": (float(np_linear_net()), None)}

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

    # The LinearNet step as a PyTorch user writes it: autograd, then
    # torch.optim.SGD; the parameters start from the same values each call.
    txl, tyl = torch.from_numpy(xl), torch.from_numpy(yl)
    params = [torch.from_numpy(a.copy()).requires_grad_() for a in (wl0, bl0, rl0)]
    sgd = torch.optim.SGD(params, lr=LR_LN)

    def torch_linear_net():
        with torch.no_grad():
            for p, a in zip(params, (wl0, bl0, rl0)):
                p.copy_(torch.from_numpy(a))
        w, b, r = params
        sgd.zero_grad()
        loss = torch.mean((((txl @ w) + b) @ r - tyl) ** 2)
        loss.backward()
        sgd.step()
        return loss

    timed("linear_net", "torch", torch_linear_net)
    ln_results["torch"] = (torch_linear_net().item(), params[0].detach().numpy().copy())
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

    def jax_ln_loss(params, x, y):
        w, b, r = params
        return jnp.mean(((x @ w + b) @ r - y) ** 2)

    # grad and the SGD update in one compiled call, returning the new weights.
    @jax.jit
    def jax_linear_net(params, x, y):
        loss, grads = jax.value_and_grad(jax_ln_loss)(params, x, y)
        return loss, jax.tree_util.tree_map(lambda p, g: p - LR_LN * g, params, grads)

    jparams = tuple(jax.device_put(a) for a in (wl0, bl0, rl0))
    jxl, jyl = jax.device_put(xl), jax.device_put(yl)

    timed("selu", "jax", lambda: jax_selu(jx).block_until_ready())
    timed("lr", "jax", lambda: jax_lr(jX, jY, jw0).block_until_ready())
    timed("linear_net", "jax",
          lambda: jax.block_until_ready(jax_linear_net(jparams, jxl, jyl)))
    jloss, (jw, _, _) = jax_linear_net(jparams, jxl, jyl)
    ln_results["jax"] = (float(jloss), np.asarray(jw))
except Exception as e:
    print(f"SKIP jax {type(e).__name__}: {e}", flush=True)

# NumPy's step by hand, for the weights the other peers computed.
h = xl @ wl0 + bl0
dh = (f(2 / M_LN) * (h @ rl0 - yl)) @ rl0.T
w_step = f(LR_LN) * (xl.T @ dh)
for peer, (loss, w) in ln_results.items():
    if peer == "numpy":
        continue
    rel_loss = abs(loss - ln_results["numpy"][0]) / abs(ln_results["numpy"][0])
    rel_w = "" if w is None else \
        f", max rel diff of the step of w {np.abs((wl0 - w) - w_step).max() / np.abs(w_step).max():.3g}"
    print(f"CHECK linear_net {peer} vs NumPy: loss rel diff {rel_loss:.3g}{rel_w}", flush=True)
