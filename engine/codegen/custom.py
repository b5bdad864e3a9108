"""A custom operation's code in an exported script: a class like the built-ins', whose
forward is the formula and whose backward is the derivative the app derived, one per
port, each `unbroadcast(local · grad)` as the engine computes it.

The code is printed from the sympy trees the app built from the parsed formula (never
from the user's text), piece by piece in the same order of operations as the engine's
own numpy walk (engine/custom/symbolic.py), so the script's numbers are the engine's."""

from __future__ import annotations

from typing import Any

from engine.codegen.names import identifier
from engine.codegen.templates import OpCode
from engine.custom.definitions import CustomOp
from engine.ops import Op

_CLASH = frozenset({"self", "np", "grad", "unbroadcast", "torch"})
"""Names a class's own code uses: a port called so gets another name inside the class."""


def custom_code(op: Op) -> OpCode | None:
    """The code of a custom operation (a provider for templates.code_for)."""
    if not isinstance(op, CustomOp) or op.expression is None:
        return None
    ports = [identifier(port) for port in op.port_names]
    local = {port: (name if name not in _CLASH else f"{name}_") for port, name in zip(op.port_names, ports)}
    numpy = _Printer(local, "np")
    class_name = _class_name(op.name)
    keep = ", ".join(f"self.{local[p]}" for p in op.port_names)
    read = ", ".join(local[p] for p in op.port_names)
    # One port: the gradient itself, as the built-in unary classes return it; more: a tuple.
    grads = ",\n                ".join(
        f"unbroadcast({numpy.code(derivative)} * grad, np.shape({local[port]}))"
        for port, derivative in zip(op.port_names, op.derivatives))
    if len(op.port_names) > 1:
        grads = f"({grads})"
    source = f'''class {class_name}:
    def forward(self, {read}):
        {keep} = {read}
        with np.errstate(all="ignore"):
            return {numpy.code(op.expression)}

    def backward(self, grad):
        {read} = {keep}
        with np.errstate(all="ignore"):
            return {grads}
'''
    torch = _Printer({port: "{" + port + "}" for port in op.port_names}, "torch")
    return OpCode(class_name, source, torch.code(op.expression))


def _class_name(name: str) -> str:
    words = [word for word in identifier(name).split("_") if word]
    # "Custom" keeps it apart from the built-ins' classes (a custom op `multiply`).
    return "".join(word[:1].upper() + word[1:] for word in words) + "Custom"


class _Printer:
    """Python source for a sympy expression, with `module` (np or torch) for functions."""

    def __init__(self, names: dict[str, str], module: str) -> None:
        import sympy as sp

        self.sp = sp
        self.names = names
        self.module = module
        self.functions = {sp.exp: "exp", sp.log: "log", sp.sin: "sin", sp.cos: "cos", sp.tan: "tan",
                          sp.tanh: "tanh", sp.cosh: "cosh", sp.sinh: "sinh", sp.Abs: "abs", sp.sign: "sign"}

    def code(self, node: Any) -> str:
        sp, m = self.sp, self.module
        if isinstance(node, sp.Symbol):
            return self.names[node.name]
        if not node.free_symbols:  # a number, or a constant sympy keeps exact (log(2))
            return repr(float(node))
        args = [self.code(arg) for arg in node.args]
        if isinstance(node, sp.Add):
            return "(" + " + ".join(args) + ")"
        if isinstance(node, sp.Mul):
            return "(" + " * ".join(args) + ")"
        if isinstance(node, sp.Pow):
            if node.exp == -1:
                return f"(1.0 / {args[0]})"
            if node.exp == sp.Rational(1, 2):
                return f"{m}.sqrt({args[0]})"
            if node.exp == 2:
                return f"({args[0]} * {args[0]})"
            return f"{m}.pow({args[0]}, {args[1]})" if m == "torch" else f"np.power({args[0]}, {args[1]})"
        if isinstance(node, sp.Heaviside):
            zero = "0.0" if m == "np" else f"torch.zeros_like({args[0]})"
            return f"{m}.heaviside({args[0]}, {zero})"
        if isinstance(node, (sp.Max, sp.Min)):
            function = f"{m}.maximum" if isinstance(node, sp.Max) else f"{m}.minimum"
            if m == "torch":  # torch's maximum takes tensors only
                args = [f"torch.as_tensor({arg}, dtype=torch.float64)" for arg in args]
            result = args[0]
            for arg in args[1:]:
                result = f"{function}({result}, {arg})"
            return result
        return f"{m}.{self.functions[type(node)]}({args[0]})"
