"""The three optimisers training offers, each with exactly PyTorch's update rule
(torch.optim.SGD, SGD(momentum=0.9), Adam with its defaults), written for float64
numpy arrays that the optimiser updates in place.

Parameters are arrays (a scalar parameter is a 0-d array) owned by the trainer, so
updating them in place is safe; gradients may be arrays other nodes still hold, so
they are only ever read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from engine.errors import StudioError

OPTIMIZERS = ("sgd", "momentum", "adam")
MOMENTUM = 0.9
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8


class Optimizer:
    """Updates `params[k]` in place from `grads[k]`, once per call to step."""

    name = ""

    def __init__(self, lr: float) -> None:
        self.lr = lr

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray | np.float64]) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """torch.optim.SGD(lr): p ← p − lr·g."""

    name = "sgd"

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray | np.float64]) -> None:
        lr = self.lr
        for p, g in zip(params, grads):
            p -= lr * g


class Momentum(Optimizer):
    """torch.optim.SGD(lr, momentum=0.9), dampening 0, not Nesterov: the buffer starts
    as a copy of the first gradient (not 0.9·0 + g, which is the same number, but
    PyTorch clones), then b ← 0.9·b + g; p ← p − lr·b."""

    name = "momentum"

    def __init__(self, lr: float, momentum: float = MOMENTUM) -> None:
        super().__init__(lr)
        self.momentum = momentum
        self.buffers: list[np.ndarray] | None = None

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray | np.float64]) -> None:
        lr, momentum = self.lr, self.momentum
        if self.buffers is None:
            self.buffers = [np.array(g, dtype=np.float64) for g in grads]  # torch.clone(grad)
        else:
            for b, g in zip(self.buffers, grads):
                b *= momentum
                b += g
        for p, b in zip(params, self.buffers):
            p -= lr * b


class Adam(Optimizer):
    """torch.optim.Adam(lr) with betas (0.9, 0.999), eps 1e-8, no weight decay, no
    amsgrad, in the order of operations of its single-tensor path:
        t ← t + 1;  m ← m + (1 − β1)·(g − m)   (torch's lerp);  v ← β2·v + (1 − β2)·g²
        p ← p + (−lr / (1 − β1ᵗ))·m / (√v / √(1 − β2ᵗ) + eps)"""

    name = "adam"

    def __init__(self, lr: float, betas: tuple[float, float] = ADAM_BETAS, eps: float = ADAM_EPS) -> None:
        super().__init__(lr)
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.t = 0
        self.m: list[np.ndarray] = []
        self.v: list[np.ndarray] = []

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray | np.float64]) -> None:
        if not self.m:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.t += 1
        beta1, beta2 = self.beta1, self.beta2
        step_size = self.lr / (1 - beta1 ** self.t)
        correction2_sqrt = math.sqrt(1 - beta2 ** self.t)
        weight1, weight2, eps = 1 - beta1, 1 - beta2, self.eps
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m += weight1 * (g - m)
            v *= beta2
            v += (weight2 * g) * g  # torch's addcmul: (value·t1)·t2
            denom = np.sqrt(v)
            denom /= correction2_sqrt
            denom += eps
            p += (-step_size * m) / denom  # torch's addcdiv: (value·t1)/t2


def make_optimizer(name: str, lr: float) -> Optimizer:
    """The optimiser called `name` (one of OPTIMIZERS) with learning rate `lr`."""
    kinds = {"sgd": SGD, "momentum": Momentum, "adam": Adam}
    if name not in kinds:
        raise StudioError(f"there is no optimiser called '{name}'; choose one of {', '.join(OPTIMIZERS)}")
    if not (math.isfinite(lr) and lr > 0):
        raise StudioError(f"the learning rate must be a positive number, not {lr}")
    return kinds[name](lr)
