"""The code each op becomes in an exported script, looked up per op.

`code_for(op)` gives an `OpCode`: the name and source of a small numpy class with
`forward` and `backward` (the founding write-up's style: forward keeps what backward
needs, backward returns one gradient per input, summed back where numpy broadcast),
and the PyTorch expression that computes the same op. The built-in ops are in
`BUILTIN`; anything else is asked of the providers in `PROVIDERS`, which is how a
custom operation (a formula with derived derivatives) will supply its own class.

Each class computes exactly what engine/ops.py computes, in the same order of
operations (a gradient is `local derivative · upstream gradient`), so the script's
numbers are the engine's to the last bit in all but rare cases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.errors import StudioError
from engine.ops import Op


class CodegenError(StudioError):
    """A graph that cannot be written as a script (one sentence)."""


@dataclass(frozen=True)
class OpCode:
    class_name: str
    numpy_class: str
    """The class's source, starting `class {class_name}:`; its forward's parameters are the op's port names."""
    torch_expression: str
    """The same op on torch tensors; `{port}` placeholders stand for the port names."""


Provider = Callable[[Op], "OpCode | None"]
PROVIDERS: list[Provider] = []
"""Asked in turn for an op that is not built in (custom operations will register one)."""


def code_for(op: Op) -> OpCode:
    """The code of an op, built in or from a provider; CodegenError when none has it."""
    code = BUILTIN.get(op.name)
    if code is not None:
        return code
    for provider in PROVIDERS:
        code = provider(op)
        if code is not None:
            return code
    raise CodegenError(f"the operation '{op.name}' cannot be written as code yet")


def _binary(class_name: str, a: str, b: str, forward: str, grads: tuple[str, str], torch: str) -> OpCode:
    """A two-input op whose gradients are summed back to each input's shape."""
    source = f'''class {class_name}:
    def forward(self, {a}, {b}):
        self.{a}, self.{b} = {a}, {b}
        return {forward}

    def backward(self, grad):
        {a}, {b} = self.{a}, self.{b}
        return (unbroadcast({grads[0]}, np.shape({a})),
                unbroadcast({grads[1]}, np.shape({b})))
'''
    return OpCode(class_name, source, torch)


def _unary(class_name: str, forward: str, grad: str, torch: str, keep: str = "x") -> OpCode:
    """A one-input op, elementwise (or a reduction): its gradient has the input's shape."""
    if keep == "out":
        body = f"        self.out = {forward}\n        return self.out"
        read = "out = self.out"
    else:
        body = f"        self.x = x\n        return {forward}"
        read = "x = self.x"
    source = f'''class {class_name}:
    def forward(self, x):
{body}

    def backward(self, grad):
        {read}
        return {grad}
'''
    return OpCode(class_name, source, torch)


_MATMUL = '''class MatMul:
    def forward(self, a, b):
        self.a, self.b = a, b
        return a @ b

    def backward(self, grad):
        # A vector is a row on the left of @ and a column on the right: put back the
        # axes numpy dropped, take the two products, and drop the axes again.
        a = self.a[np.newaxis, :] if self.a.ndim == 1 else self.a
        b = self.b[:, np.newaxis] if self.b.ndim == 1 else self.b
        g = np.asarray(grad)
        if self.b.ndim == 1:
            g = g[..., np.newaxis]
        if self.a.ndim == 1:
            g = g[..., np.newaxis, :]
        grad_a = g @ np.swapaxes(b, -1, -2)
        grad_b = np.swapaxes(a, -1, -2) @ g
        if self.a.ndim == 1:
            grad_a = grad_a.squeeze(-2)
        if self.b.ndim == 1:
            grad_b = grad_b.squeeze(-1)
        return unbroadcast(grad_a, self.a.shape), unbroadcast(grad_b, self.b.shape)
'''

_POWER = '''class Power:
    def forward(self, base, exponent):
        self.base, self.exponent = base, exponent
        self.out = np.power(base, exponent)
        return self.out

    def backward(self, grad):
        base, exponent, out = self.base, self.exponent, self.out
        # base^exponent · ln base is 0 · (−inf) at base 0; its limit there is 0 (as in PyTorch).
        d_exponent = np.where((base == 0) & (exponent >= 0), 0.0, out * np.log(base))[()]
        return (unbroadcast(exponent * np.power(base, exponent - 1.0) * grad, np.shape(base)),
                unbroadcast(d_exponent * grad, np.shape(exponent)))
'''

_MSE = '''class MSE:
    def forward(self, prediction, target):
        self.prediction, self.target = prediction, target
        diff = prediction - target
        return np.mean(diff * diff)

    def backward(self, grad):
        diff = self.prediction - self.target
        n = np.size(diff)
        return (unbroadcast((2.0 / n) * diff * grad, np.shape(self.prediction)),
                unbroadcast((-2.0 / n) * diff * grad, np.shape(self.target)))
'''

BUILTIN: dict[str, OpCode] = {
    "add": _binary("Add", "a", "b", "a + b", ("grad", "grad"), "{a} + {b}"),
    "sub": _binary("Subtract", "a", "b", "a - b", ("grad", "-grad"), "{a} - {b}"),
    "mul": _binary("Multiply", "a", "b", "a * b", ("b * grad", "a * grad"), "{a} * {b}"),
    "div": _binary("Divide", "a", "b", "a / b", ("(1.0 / b) * grad", "(-a / (b * b)) * grad"), "{a} / {b}"),
    "pow": OpCode("Power", _POWER, "torch.pow({base}, {exponent})"),
    "neg": _unary("Negate", "-x", "-grad", "-{x}"),
    "square": _unary("Square", "x * x", "2.0 * x * grad", "torch.square({x})"),
    "sqrt": _unary("Sqrt", "np.sqrt(x)", "(0.5 / out) * grad", "torch.sqrt({x})", keep="out"),
    "abs": _unary("Abs", "np.abs(x)", "np.sign(x) * grad", "torch.abs({x})"),
    "exp": _unary("Exp", "np.exp(x)", "out * grad", "torch.exp({x})", keep="out"),
    "log": _unary("Log", "np.log(x)", "(1.0 / x) * grad", "torch.log({x})"),
    "sin": _unary("Sin", "np.sin(x)", "np.cos(x) * grad", "torch.sin({x})"),
    "cos": _unary("Cos", "np.cos(x)", "-np.sin(x) * grad", "torch.cos({x})"),
    "tanh": _unary("Tanh", "np.tanh(x)", "(1.0 - out * out) * grad", "torch.tanh({x})", keep="out"),
    "sigmoid": _unary("Sigmoid", "1.0 / (1.0 + np.exp(-x))", "out * (1.0 - out) * grad",
                      "torch.sigmoid({x})", keep="out"),
    "relu": _unary("ReLU", "np.maximum(x, 0.0)", "(x > 0) * grad", "torch.relu({x})"),
    # Ties go to a, as in the app (torch.maximum would split the gradient between a and b).
    "max": _binary("Maximum", "a", "b", "np.maximum(a, b)", ("(a >= b) * grad", "(b > a) * grad"),
                   "torch.where({a} >= {b}, {a}, {b})"),
    "min": _binary("Minimum", "a", "b", "np.minimum(a, b)", ("(a <= b) * grad", "(b < a) * grad"),
                   "torch.where({a} <= {b}, {a}, {b})"),
    "sum": _unary("Sum", "np.sum(x)", "np.ones(np.shape(x)) * grad", "torch.sum({x})"),
    "mean": _unary("Mean", "np.mean(x)", "np.full(np.shape(x), 1.0 / np.size(x)) * grad", "torch.mean({x})"),
    "matmul": OpCode("MatMul", _MATMUL, "{a} @ {b}"),
    "mse": OpCode("MSE", _MSE, "torch.mean(({prediction} - {target}) ** 2)"),
}
