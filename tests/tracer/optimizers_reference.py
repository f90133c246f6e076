#!/usr/bin/env python3
"""Expected values of the optimizers_*.bpm tests, computed with NumPy.

    python3 -m venv /tmp/optenv && /tmp/optenv/bin/pip install numpy
    /tmp/optenv/bin/python tests/tracer/optimizers_reference.py [--filecheck] [section...]

prints the expected output of each section (test): optimizers_<section>.bpm;
with --filecheck, as the CHECK lines that the test carries.

The update rules are transcribed from BrainPy 2.4's
brainpy/_src/optimizers/{optimizer,scheduler}.py (not from stdlib/). Where
BrainPy's own code raises (Adan.update's jax.lax.cond call, SM3's
constructor and its torch-style `keepdim`, CosineAnnealingWarmRestarts with
T_mult > 1), what it evidently computes is transcribed; the numbers of the
`more` section were also produced by BrainPy 2.4.6 itself with just those
calls patched (the T_mult > 1 schedule excepted). They are
applied to the tests' model: two parameters with a quadratic loss whose
gradient the tests write by hand,

    w = [1.13, -2.17, 0.61]           grad_w = [1.3, 0.7, 2.9] * (w - 0.45)
    b = [[0.31, -0.73], [1.57, 2.11]]  grad_b = 0.55 * (b + 1.07)

The arithmetic is BrainPy's under JAX with 64-bit off: arrays are float32;
hyperparameters are Python floats, so an expression of them alone, such as
`1 - beta2`, is computed in double and meets an array as a float32 constant
(`F(...)` below); the schedulers' counters are int32 arrays. NumPy 2 keeps
float32 in `python_float * float32_array` as JAX does (NEP 50).

Values are printed rounded to DIGITS decimals; the script fails when one lies
within MARGIN of a rounding boundary (the tests' hyperparameters were picked
to pass), so that the expected text does not depend on the last bits.
"""
import math
import re
import sys

import numpy as np

assert np.__version__ >= "2", "NEP 50 promotion (NumPy 2) is needed"

F = np.float32
DIGITS = 4
MARGIN = 1e-6


def rounded(x):
    if isinstance(x, list):
        return [rounded(v) for v in x]
    scaled = float(x) * 10 ** DIGITS
    assert abs(scaled - math.floor(scaled) - 0.5) > MARGIN * 10 ** DIGITS, \
        f"{x} is too close to a rounding boundary"
    return round(float(x), DIGITS)


class Model:
    def __init__(self):
        self.params = {"w": np.array([1.13, -2.17, 0.61], F),
                       "b": np.array([[0.31, -0.73], [1.57, 2.11]], F)}

    def grads(self):
        w, b = self.params["w"], self.params["b"]
        return {"w": np.array([1.3, 0.7, 2.9], F) * (w - F(0.45)),
                "b": F(0.55) * (b + F(1.07))}


# Schedulers: the learning rate from the counters `epoch` (last_epoch) and
# `call` (last_call), which start at -1. Constant gives the Python float.
def constant(lr):
    return lambda epoch, call: lr


def exponential_decay(lr, decay_steps, decay_rate):
    return lambda epoch, call: F(lr) * F(decay_rate) ** (F(call + 1) / F(decay_steps))


def inverse_time_decay(lr, decay_steps, decay_rate, staircase=False):
    def f(epoch, call):
        i = call + 1
        if staircase:
            return F(lr) / (F(1) + F(decay_rate) * F(i // decay_steps))
        return F(lr) / (F(1) + F(decay_rate) * F(i) / F(decay_steps))
    return f


def polynomial_decay(lr, decay_steps, final_lr, power=1.0):
    def f(epoch, call):
        i = min(call + 1, decay_steps)
        return (F(1) - F(i) / F(decay_steps)) ** F(power) * F(lr - final_lr) + F(final_lr)
    return f


def piecewise_constant(boundaries, values):
    return lambda epoch, call: F(values[sum(call + 1 > b for b in boundaries)])


def step_lr(lr, step_size, gamma=0.1):
    return lambda epoch, call: F(lr) * F(gamma) ** F((epoch + 1) // step_size)


def multi_step_lr(lr, milestones, gamma=0.1):
    return lambda epoch, call: F(lr) * F(gamma) ** F(sum(epoch + 1 >= m for m in milestones))


def cosine_annealing_lr(lr, t_max, eta_min=0.0):
    def f(epoch, call):
        angle = F(math.pi) * F(epoch + 1) / F(t_max)
        return F(eta_min) + F(lr - eta_min) * (F(1) + np.cos(angle)) / F(2)
    return f


def cosine_annealing_warm_restarts(lr, num_call_per_epoch, t_0, t_mult=1, eta_min=0.0):
    def f(epoch, call):
        e = F(call + 1) / F(num_call_per_epoch)
        if e < t_0:
            t_cur, t_i = e, F(t_0)
        elif t_mult == 1:
            t_cur, t_i = e % F(t_0), F(t_0)
        else:
            n = np.floor(np.log(e / F(t_0) * F(t_mult - 1) + F(1)) / F(math.log(t_mult)))
            t_cur = e - F(t_0) * (F(t_mult) ** n - F(1)) / F(t_mult - 1)
            t_i = F(t_0) * F(t_mult) ** n
        angle = F(math.pi) * t_cur / t_i
        return F(eta_min) + F(lr - eta_min) * (F(1) + np.cos(angle)) / F(2)
    return f


def exponential_lr(lr, gamma):
    return lambda epoch, call: F(lr) * F(gamma) ** F(epoch + 1)


class Opt:
    """One optimizer: its state per parameter and the scheduler's counters."""

    def __init__(self, kind, sched, weight_decay=None, **hp):
        self.kind, self.sched, self.wd, self.hp = kind, sched, weight_decay, hp
        self.epoch, self.call = -1, -1
        self.state = {}

    def slot(self, key, name, like):
        return self.state.setdefault((key, name), np.zeros_like(like))

    def decay(self, p, update):
        return p - update if self.wd is None else F(1 - self.wd) * p - update

    def update(self, model):
        grads = model.grads()
        lr = self.sched(self.epoch, self.call)
        hp = self.hp
        t = F(self.epoch + 2)  # Adam's bias correction follows the epoch count
        for key, p in model.params.items():
            g = grads[key]
            k = self.kind
            if k == "sgd":
                p = self.decay(p, F(lr) * g)
            elif k == "momentum":  # MomentumNesterov updates the same way
                v = F(hp["momentum"]) * self.slot(key, "v", p) - F(lr) * g
                self.state[(key, "v")] = v
                p = p + v if self.wd is None else F(1 - self.wd) * p + v
            elif k == "adagrad":
                c = self.slot(key, "c", p) + g ** 2
                self.state[(key, "c")] = c
                p = self.decay(p, F(lr) * g / np.sqrt(c + F(hp["epsilon"])))
            elif k == "adadelta":
                rho, eps = hp["rho"], F(hp["epsilon"])
                c = F(rho) * self.slot(key, "c", p) + F(1 - rho) * g ** 2
                d = self.slot(key, "d", p)
                upd = g * np.sqrt(d + eps) / np.sqrt(c + eps)
                self.state[(key, "c")] = c
                self.state[(key, "d")] = F(rho) * d + F(1 - rho) * upd ** 2
                p = self.decay(p, upd)
            elif k == "rmsprop":
                rho = hp["rho"]
                c = F(rho) * self.slot(key, "c", p) + F(1 - rho) * g ** 2
                self.state[(key, "c")] = c
                p = self.decay(p, F(lr) * g / np.sqrt(c + F(hp["epsilon"])))
            elif k in ("adam", "adamw"):
                b1, b2 = hp["beta1"], hp["beta2"]
                c1, c2 = F(1) - F(b1) ** t, np.sqrt(F(1) - F(b2) ** t)
                # Adam: lr / c1 * c2; AdamW: lr * c2 / c1.
                a = F(lr) / c1 * c2 if k == "adam" else F(lr) * c2 / c1
                if k == "adamw" and self.wd != 0:
                    p = F(1 - lr * self.wd) * p
                m = F(b1) * self.slot(key, "m", p) + F(1 - b1) * g
                v = F(b2) * self.slot(key, "v", p) + F(1 - b2) * g ** 2
                self.state[(key, "m")], self.state[(key, "v")] = m, v
                if hp.get("amsgrad"):
                    v = np.maximum(self.slot(key, "vmax", p), v)
                    self.state[(key, "vmax")] = v
                update = a * m / (np.sqrt(v) + F(hp["eps"]))
                p = self.decay(p, update) if k == "adam" else p - update
            elif k == "lars":
                wd = F(self.wd)
                p_norm, g_norm = np.sqrt(np.sum(p * p)), np.sqrt(np.sum(g * g))
                trust = F(hp["tc"]) * p_norm / (g_norm + wd * p_norm + F(hp["eps"]))
                # BrainPy: maximum(|p| == 0 or |g| == 0, trust).
                local_lr = F(lr) * np.maximum(F(p_norm == 0 or g_norm == 0), trust)
                m = F(hp["momentum"]) * self.slot(key, "m", p) + local_lr * (g + wd * p)
                self.state[(key, "m")] = m
                p = p - m
            elif k == "adan":
                b1, b2, b3 = hp["betas"]
                wd, step = self.wd, self.epoch + 1  # the epoch count, as BrainPy
                cm, cv, cn = (F(1) / (F(1) - F(1 - b) ** F(step + 1)) for b in (b1, b2, b3))
                pre_g = g if step == 0 else self.slot(key, "prev_grad", p)
                diff = g - pre_g
                m = self.slot(key, "m", p) * F(1 - b1) + F(b1) * g
                v = self.slot(key, "v", p) * F(1 - b2) + F(b2) * diff
                n = self.slot(key, "n", p) * F(1 - b3) + F(b3) * (g + F(1 - b2) * diff) ** 2
                self.state.update({(key, "m"): m, (key, "v"): v, (key, "n"): n,
                                   (key, "prev_grad"): g})
                size = F(lr) / (np.sqrt(n * cn) + F(hp["eps"]))
                direction = m * cm + F(1 - b2) * v * cv
                if hp["no_prox"]:
                    p = p * F(1 - wd * lr) - size * direction
                else:
                    p = (p - size * direction) / F(1 + wd * lr)
            elif k == "sm3":
                beta, mom = hp["beta"], hp["momentum"]
                accs = [self.slot(key, f"m{i}", np.zeros([d if j == i else 1 for j in range(p.ndim)], F))
                        for i, d in enumerate(p.shape)]
                nu = accs[0]
                for a in accs[1:]:
                    nu = np.minimum(nu, a)
                if beta > 0:
                    nu = nu * F(beta)
                nu = nu + g * g * F(1 - beta)
                for i, a in enumerate(accs):
                    others = tuple(j for j in range(p.ndim) if j != i)
                    reduced = nu.max(axis=others, keepdims=True) if others else nu
                    # A 1-axis accumulator is nu itself (BrainPy updates it in place).
                    self.state[(key, f"m{i}")] = (np.maximum(a, reduced)
                                                  if beta > 0 and p.ndim > 1 else reduced)
                step = g / np.sqrt(nu + F(hp["eps"]))
                if mom > 0:
                    step = step * F(1 - mom) + self.slot(key, "mbuffer", p) * F(mom)
                    self.state[(key, "mbuffer")] = step
                p = self.decay(p, F(lr) * step)
            assert p.dtype == F, (k, p.dtype)
            model.params[key] = p
        self.call += 1


def run(make, steps, epochs_between):
    """The model after `steps` updates; with `epochs_between`, the script
    calls opt.lr.step_epoch() after each update."""
    model, opt = Model(), make()
    for _ in range(steps):
        opt.update(model)
        if epochs_between:
            opt.epoch += 1
    return rounded(model.params["w"].tolist()), rounded(model.params["b"].tolist())


def show(label, make, steps=3, epochs_between=False):
    """The test runs each case eagerly and jitted: the same numbers."""
    try:
        w, b = run(make, steps, epochs_between)
    except AssertionError as e:
        sys.exit(f"{label}: {e}")
    for mode in ("eager", "jit"):
        emit(f"{label} {mode} {w} {b}")


ADAM = dict(beta1=0.9, beta2=0.999, eps=1e-8)


def sgd_momentum():
    show("SGD", lambda: Opt("sgd", constant(0.1)))
    show("SGD wd", lambda: Opt("sgd", constant(0.1), weight_decay=0.1))
    show("Momentum", lambda: Opt("momentum", constant(0.0813), momentum=0.87))
    show("Momentum wd", lambda: Opt("momentum", constant(0.1), momentum=0.5, weight_decay=0.05))
    show("MomentumNesterov", lambda: Opt("momentum", constant(0.05), momentum=0.9))


def adaptive():
    show("Adagrad", lambda: Opt("adagrad", constant(0.1), epsilon=1e-6))
    show("Adadelta", lambda: Opt("adadelta", constant(0.01), epsilon=1e-6, rho=0.95))
    show("RMSProp", lambda: Opt("rmsprop", constant(0.01), epsilon=1e-6, rho=0.9))
    show("RMSProp wd", lambda: Opt("rmsprop", constant(0.01), weight_decay=0.1, epsilon=1e-6, rho=0.5))


def adam():
    show("Adam", lambda: Opt("adam", constant(0.1), **ADAM))
    show("Adam epochs", lambda: Opt("adam", constant(0.12), **ADAM), epochs_between=True)
    show("Adam wd", lambda: Opt("adam", constant(0.1), weight_decay=0.01, beta1=0.8, beta2=0.9, eps=1e-8))
    show("AdamW", lambda: Opt("adamw", constant(0.1), weight_decay=1e-2, **ADAM))
    show("AdamW amsgrad", lambda: Opt("adamw", constant(0.1), weight_decay=0.1, amsgrad=True,
                                      beta1=0.5, beta2=0.6, eps=1e-8), epochs_between=True)


def schedulers():
    # The learning rates a scheduler gives before each of 5 updates (calls),
    # or 5 epochs.
    def rates(label, sched, epochs=False):
        epoch, call, out = -1, -1, []
        for _ in range(5):
            out.append(rounded(sched(epoch, call)))
            if epochs:
                epoch += 1
            else:
                call += 1
        for mode in ("eager", "jit"):
            emit(f"{label} {mode} {out}")
    rates("Constant", constant(0.13))
    rates("ExponentialDecay", exponential_decay(0.13, 2, 0.6))
    rates("InverseTimeDecay", inverse_time_decay(0.13, 2, 0.7))
    rates("InverseTimeDecay staircase", inverse_time_decay(0.13, 2, 0.7, staircase=True))
    rates("PolynomialDecay", polynomial_decay(0.13, 3, 0.01, power=2.0))
    rates("PiecewiseConstant", piecewise_constant([1, 3], [0.13, 0.07, 0.03]))
    rates("StepLR", step_lr(0.13, 2, gamma=0.6), epochs=True)
    rates("MultiStepLR", multi_step_lr(0.13, [1, 3], gamma=0.6), epochs=True)
    rates("CosineAnnealingLR", cosine_annealing_lr(0.13, 4, eta_min=0.01), epochs=True)
    rates("ExponentialLR", exponential_lr(0.13, 0.6), epochs=True)
    # Optimizers driven by a schedule: 3 updates.
    show("SGD ExponentialDecay", lambda: Opt("sgd", exponential_decay(0.1, 2, 0.5)))
    show("SGD PiecewiseConstant", lambda: Opt("sgd", piecewise_constant([1, 2], [0.2, 0.1, 0.05])))
    show("Momentum StepLR", lambda: Opt("momentum", step_lr(0.1, 1, gamma=0.5), momentum=0.9),
         epochs_between=True)
    show("Adam ExponentialLR", lambda: Opt("adam", exponential_lr(0.1, 0.7), **ADAM),
         epochs_between=True)


def more():
    # LARS, Adan, SM3: 3 updates each.
    show("LARS", lambda: Opt("lars", constant(0.1), momentum=0.9, weight_decay=1e-4, tc=0.3, eps=1e-5))
    show("LARS trust", lambda: Opt("lars", constant(0.06), momentum=0.5, weight_decay=0.01, tc=2.0,
                                   eps=1e-5))
    adan = dict(betas=(0.02, 0.08, 0.01), eps=1e-8, weight_decay=0.02, no_prox=False)
    show("Adan", lambda: Opt("adan", constant(0.1), **adan))
    show("Adan epochs", lambda: Opt("adan", constant(0.1), **adan), epochs_between=True)
    show("Adan no_prox", lambda: Opt("adan", constant(0.1), **dict(adan, betas=(0.1, 0.2, 0.3),
                                                                    weight_decay=0.1,
                                                                    no_prox=True)),
         epochs_between=True)
    show("SM3", lambda: Opt("sm3", constant(0.1), beta=0.0, momentum=0.0, eps=1e-30))
    show("SM3 beta momentum", lambda: Opt("sm3", constant(0.1), beta=0.5, momentum=0.5, eps=1e-30))
    show("SM3 wd", lambda: Opt("sm3", constant(0.1), weight_decay=0.1, beta=0.9, momentum=0.0,
                               eps=1e-8))
    # CosineAnnealingWarmRestarts: the rate before each of 10 calls.
    for label, sched in [("CosineAnnealingWarmRestarts",
                          cosine_annealing_warm_restarts(0.13, 2, 2, eta_min=0.01)),
                         ("CosineAnnealingWarmRestarts T_mult",
                          cosine_annealing_warm_restarts(0.13, 2, 1, t_mult=2))]:
        out = [rounded(sched(-1, call)) for call in range(-1, 9)]
        for mode in ("eager", "jit"):
            emit(f"{label} {mode} {out}")
    show("SGD CosineAnnealingWarmRestarts",
         lambda: Opt("sgd", cosine_annealing_warm_restarts(0.2, 1, 2, eta_min=0.05)))


FILECHECK = False


def emit(line):
    """Prints a line of expected output, or with --filecheck its CHECK line."""
    if FILECHECK:
        line = "# CHECK-NEXT: " + re.sub(r"(\[\[|\]\])", lambda m: "{{" + re.escape(m.group(1)) + "}}", line)
    print(line)


SECTIONS = {"sgd_momentum": sgd_momentum, "adaptive": adaptive, "adam": adam,
            "schedulers": schedulers, "more": more}

if __name__ == "__main__":
    args = sys.argv[1:]
    FILECHECK = "--filecheck" in args
    for name in [a for a in args if a != "--filecheck"] or SECTIONS:
        print(f"# {name}")
        SECTIONS[name]()
