#!/usr/bin/env python3
"""Reference losses of examples/mlp_adam.bpm, computed independently in NumPy.

    python3 -m venv /tmp/mlpenv && /tmp/mlpenv/bin/pip install numpy
    /tmp/mlpenv/bin/python tests/tracer/mlp_adam_reference.py [--steps N] [--dtype float64|float32]

prints the losses of N (default 20) training steps as a Python list, the
form that tests/tracer/mlp_adam.bpm and tests/e2e/Inputs/mlp_train_driver.c
carry. Nothing here comes from bpc: the forward pass, its gradient (backprop
written by hand) and Adam are transcribed from their definitions.

The model: in 8 -> 16 tanh -> 1, MSE loss over a batch of 32,

    h = tanh(x @ w1 + b1),  out = h @ w2 + b2,  loss = mean((out - y)^2)

with the closed-form initial values of the example,
    waves(shape, f, p, s)[k] = s * sin(f * k + p)   (k the flat index)
    w1 = waves((8, 16), 0.7, 0.1, 1/sqrt(8))    b1 = waves((16,), 1.3, 0.5, 0.1)
    w2 = waves((16, 1), 1.1, 0.3, 1/sqrt(16))   b2 = 0
    x  = waves((32, 8), 0.9, 0.2, 1)            y  = 0.5 * sin(x.sum(axis=1))

Adam as BrainPy 2.4 defines it (brainpy/_src/optimizers/optimizer.py, Adam.update):
    lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t),  t = last_epoch + 2
    m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
    p -= lr_t * m / (sqrt(v) + eps)
The example calls opt.lr.step_epoch() after each update (last_epoch starts at
-1), so step k (from 0) has t = k + 1: Kingma & Ba's bias correction.
last_epoch is an int32 array, so under JAX (64-bit off) beta1 ** t, beta2 ** t
and lr_t are float32: 1 - beta2 is then 0.000999987 rather than 0.001, which
moves lr_t by 6.6e-6 relative at t = 1 and the 20th loss by 1.5e-5. lr_t is
computed in float32 here for that reason; everything else is float64.

The default dtype is float64, a reference independent of float32 rounding;
`--dtype float32` shows how far float32 arithmetic alone moves the losses.
"""
import argparse

import numpy as np

N_IN, N_HIDDEN, N_OUT, N_BATCH = 8, 16, 1, 32
LR, BETA1, BETA2, EPS = 0.001, 0.9, 0.999, 1e-8


def waves(shape, freq, phase, scale, dtype):
    k = np.arange(int(np.prod(shape)), dtype=dtype)
    return (scale * np.sin(freq * k + phase)).reshape(shape).astype(dtype)


def initial(dtype):
    params = {
        "w1": waves((N_IN, N_HIDDEN), 0.7, 0.1, 1 / np.sqrt(N_IN), dtype),
        "b1": waves((N_HIDDEN,), 1.3, 0.5, 0.1, dtype),
        "w2": waves((N_HIDDEN, N_OUT), 1.1, 0.3, 1 / np.sqrt(N_HIDDEN), dtype),
        "b2": np.zeros(N_OUT, dtype),
    }
    x = waves((N_BATCH, N_IN), 0.9, 0.2, 1.0, dtype)
    y = (0.5 * np.sin(x.sum(axis=1, keepdims=True))).astype(dtype)
    return params, x, y


def loss_and_grads(p, x, y):
    """The MSE loss and its gradient by hand-written backpropagation."""
    h = np.tanh(x @ p["w1"] + p["b1"])
    out = h @ p["w2"] + p["b2"]
    d = out - y
    loss = np.mean(d ** 2)
    d_out = 2 * d / d.size
    d_z1 = (d_out @ p["w2"].T) * (1 - h ** 2)
    grads = {"w2": h.T @ d_out, "b2": d_out.sum(axis=0),
             "w1": x.T @ d_z1, "b1": d_z1.sum(axis=0)}
    return loss, grads


def bias_corrected_lr(t):
    """lr * sqrt(1 - beta2^t) / (1 - beta1^t) in float32, as BrainPy computes it."""
    F = np.float32
    return F(LR) / (F(1) - F(BETA1) ** F(t)) * np.sqrt(F(1) - F(BETA2) ** F(t))


def train(steps, dtype):
    p, x, y = initial(dtype)
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(val) for k, val in p.items()}
    losses = []
    for step in range(steps):
        loss, g = loss_and_grads(p, x, y)
        t = step + 1
        lr_t = float(bias_corrected_lr(t))
        for k in p:
            m[k] = BETA1 * m[k] + (1 - BETA1) * g[k]
            v[k] = BETA2 * v[k] + (1 - BETA2) * g[k] ** 2
            p[k] = (p[k] - lr_t * m[k] / (np.sqrt(v[k]) + EPS)).astype(dtype)
        losses.append(float(loss))
    return losses, p


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    args = parser.parse_args()
    losses, _ = train(args.steps, np.dtype(args.dtype).type)
    print("[" + ",\n ".join(f"{l!r}" for l in losses) + "]")


if __name__ == "__main__":
    main()
