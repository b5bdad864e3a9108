"""Text → `Program`, by an allow-list walk over Python's own parse tree (`ast.parse`).

Nothing is evaluated or compiled: `ast.parse` only reads the text, and every node kind
not named here is refused with one sentence naming its line and column. The walk over
expressions keeps its own stack, so a long chain of `+` cannot exhaust Python's.
"""

from __future__ import annotations

import ast
import difflib
import re
import warnings
from collections.abc import Collection

from engine.errors import BadValue
from engine.expression.program import (
    Assign,
    Call,
    Definition,
    Expr,
    ExpressionError,
    Literal,
    Name,
    Number,
    Place,
    Program,
    Statement,
)
from engine.ops import OPS, OpRegistry
from engine.values import parse_value

BINARY_OPS: dict[type[ast.operator], str] = {
    ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow", ast.MatMult: "matmul",
}
"""The operators of the language and the op each one makes."""

_REFUSED_OPERATORS = {
    ast.FloorDiv: "the operator // is not available; use / for division",
    ast.Mod: "the operator % is not available",
    ast.LShift: "the operator << is not available",
    ast.RShift: "the operator >> is not available",
    ast.BitOr: "the operator | is not available",
    ast.BitXor: "the operator ^ is not available; write a power as a ** b",
    ast.BitAnd: "the operator & is not available",
    ast.Not: "not is not available",
    ast.Invert: "the operator ~ is not available",
}

_REFUSED_EXPRESSIONS = {
    ast.Attribute: "attribute access (x.y) is not allowed",
    ast.Subscript: "subscripts (x[i]) are not allowed",
    ast.Slice: "subscripts (x[i]) are not allowed",
    ast.Lambda: "lambdas are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.IfExp: "conditional expressions (a if c else b) are not allowed",
    ast.Compare: "comparisons are not allowed",
    ast.BoolOp: "and / or are not allowed",
    ast.NamedExpr: "the walrus operator := is not allowed",
    ast.Starred: "starred arguments (*x) are not allowed",
    ast.Tuple: "tuples are not allowed; write a list of numbers in square brackets",
    ast.Dict: "dictionaries are not allowed",
    ast.Set: "sets are not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.FormattedValue: "strings are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
}

_REFUSED_STATEMENTS = {
    ast.Import: "imports are not allowed",
    ast.ImportFrom: "imports are not allowed",
    ast.For: "loops are not allowed",
    ast.AsyncFor: "loops are not allowed",
    ast.While: "loops are not allowed",
    ast.If: "if statements are not allowed",
    ast.With: "with statements are not allowed",
    ast.AsyncWith: "with statements are not allowed",
    ast.Try: "try statements are not allowed",
    ast.ClassDef: "classes are not allowed",
    ast.AsyncFunctionDef: "async def is not allowed; define an operation with def NAME(P): return EXPR",
    ast.Return: "return belongs in an operation: def NAME(P): return EXPR",
    ast.Delete: "del is not allowed",
    ast.Global: "global is not allowed",
    ast.Nonlocal: "nonlocal is not allowed",
    ast.Raise: "raise is not allowed",
    ast.Assert: "assert is not allowed",
    ast.Pass: "pass is not allowed",
    ast.Break: "break is not allowed",
    ast.Continue: "continue is not allowed",
    ast.AnnAssign: "annotations (x: T = ...) are not allowed; write NAME = EXPR",
}
for _name in ("TryStar", "Match", "TypeAlias"):  # newer Pythons' statements
    if hasattr(ast, _name):
        _REFUSED_STATEMENTS[getattr(ast, _name)] = f"{_name.lower()} statements are not allowed"

LINE_BREAK = re.compile(r"\r\n|\r|\n")


class _Reader:
    """One parse: the text's lines (to turn byte offsets into columns), the ops known so
    far (the registry's and the text's own definitions)."""

    def __init__(self, text: str, registry: OpRegistry) -> None:
        self.lines = LINE_BREAK.split(text)
        self.registry = registry
        self.defined: dict[str, tuple[str, ...]] = {}
        self.defining: str | None = None
        """The operation whose body is being read (it cannot call itself)."""

    # ------------------------------------------------------------------ places
    def _column(self, line: int, byte_offset: int | None) -> int:
        if byte_offset is None:
            return 1
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")) + 1

    def place(self, node: ast.AST) -> Place:
        line = getattr(node, "lineno", 1) or 1
        end_line = getattr(node, "end_lineno", None) or line
        return Place(line, self._column(line, getattr(node, "col_offset", 0)),
                     end_line, self._column(end_line, getattr(node, "end_col_offset", None)))

    def refuse(self, node: ast.AST, reason: str) -> ExpressionError:
        return ExpressionError(self.place(node), reason)

    # -------------------------------------------------------------- statements
    def statement(self, node: ast.stmt) -> Statement:
        if isinstance(node, ast.Assign):
            if len(node.targets) != 1:
                raise self.refuse(node.targets[1], "assign one name at a time (a = b = ... is not allowed)")
            name = self.target(node.targets[0])
            return Assign(name, self.expression(node.value, None), self.place(node))
        if isinstance(node, ast.AugAssign):
            # x += e reads as x = x + e: a new node named x, as in Python.
            name = self.target(node.target)
            op = self.operator(node.op, node)
            value = self.expression(node.value, None)
            place = self.place(node)
            return Assign(name, Call(op, (Name(name, self.place(node.target)), value), place), place)
        if isinstance(node, ast.FunctionDef):
            return self.definition(node)
        if isinstance(node, ast.Expr):
            self.expression(node.value, None)  # a refused piece inside is the better message
            raise self.refuse(node, "an expression on its own builds nothing; give it a name: NAME = EXPR")
        reason = _REFUSED_STATEMENTS.get(type(node), f"{type(node).__name__} statements are not allowed")
        raise self.refuse(node, reason)

    def target(self, node: ast.expr) -> str:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, (ast.Tuple, ast.List, ast.Starred)):
            raise self.refuse(node, "assign one name at a time (a, b = ... is not allowed)")
        raise self.refuse(node, _REFUSED_EXPRESSIONS.get(type(node), "only a name can be assigned to"))

    def definition(self, node: ast.FunctionDef) -> Definition:
        if node.decorator_list:
            raise self.refuse(node.decorator_list[0], "decorators are not allowed")
        args = node.args
        for extra, what in ((args.vararg, "*args"), (args.kwarg, "**kwargs")):
            if extra is not None:
                raise self.refuse(extra, f"{what} parameters are not allowed")
        if args.posonlyargs or args.kwonlyargs:
            raise self.refuse(node, "parameters are plain names: def NAME(P1, P2): return EXPR")
        if args.defaults:
            raise self.refuse(args.defaults[0], "parameters cannot have default values")
        if node.returns is not None:
            raise self.refuse(node.returns, "annotations are not allowed")
        params: list[str] = []
        for arg in args.args:
            if arg.annotation is not None:
                raise self.refuse(arg.annotation, "annotations are not allowed")
            if arg.arg in params:
                raise self.refuse(arg, f"the parameter {arg.arg} is named twice")
            params.append(arg.arg)
        if not params:
            raise self.refuse(node, f"the operation {node.name} needs at least one parameter")
        known = self.registry.get(node.name)
        if node.name in self.defined or (known is not None and getattr(known, "parsed", None) is None):
            raise self.refuse(node, f"{node.name} is already an operation; give yours another name")
        body = node.body
        if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
            raise self.refuse(body[0], f"the body of {node.name} must be one line: return EXPR")
        self.defining = node.name
        expr = self.expression(body[0].value, tuple(params))
        self.defining = None
        # A custom op the document has, defined again word for word (text copied from it
        # and typed back) is the same op; any other definition of its name is refused.
        if known is not None and (known.parsed != expr or known.port_names != tuple(params)):
            raise self.refuse(node, f"{node.name} is already an operation; give yours another name")
        self.defined[node.name] = tuple(params)
        return Definition(node.name, tuple(params), expr, self.place(node))

    # ------------------------------------------------------------- expressions
    def operator(self, op: ast.AST, node: ast.AST) -> str:
        name = BINARY_OPS.get(type(op))
        if name is None:
            raise self.refuse(node, _REFUSED_OPERATORS.get(type(op), "this operator is not available"))
        return name

    def arity(self, func: ast.expr) -> tuple[str, tuple[str, ...]]:
        """The called op's name and port names; refuses what is not an op."""
        if not isinstance(func, ast.Name):
            reason = _REFUSED_EXPRESSIONS.get(type(func), "only an operation can be called, by its name")
            raise self.refuse(func, reason)
        name = func.id
        if name == self.defining:
            raise self.refuse(func, f"{name} calls itself; an operation cannot be recursive")
        if name in self.defined:
            return name, self.defined[name]
        op = self.registry.get(name)
        if op is None:
            known = [o.name for o in self.registry if not o.is_leaf] + list(self.defined)
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise self.refuse(func, f"there is no operation named {name}{hint}")
        if op.is_leaf:
            raise self.refuse(func, f"{name} is not an operation to call; "
                                    "write NAME = NUMBER for an input, or a number for a constant")
        return name, op.port_names

    def expression(self, root: ast.expr, params: Collection[str] | None) -> Expr:
        """`params`: inside a definition, the only names allowed; None at the top level."""
        # Post-order with an explicit stack: ("visit", node) checks a node and schedules
        # its operands (left first, so refusals come in reading order); ("make", ...)
        # builds the Call from the last results.
        results: list[Expr] = []
        stack: list[tuple[bool, ast.expr, str, int]] = [(False, root, "", 0)]
        while stack:
            made, node, op, count = stack.pop()
            if made:
                args = tuple(results[-count:])
                del results[-count:]
                results.append(Call(op, args, self.place(node)))
                continue
            value = self.literal(node)
            if value is not None:
                results.append(Literal(value, self.place(node)))
            elif isinstance(node, ast.Name):
                if params is not None and node.id not in params:
                    raise self.refuse(node, f"{node.id} is not a parameter; the operation may use only "
                                            f"{', '.join(params)}, numbers and operations")
                results.append(Name(node.id, self.place(node)))
            elif isinstance(node, ast.BinOp):
                self.schedule(stack, node, self.operator(node.op, node), [node.left, node.right])
            elif isinstance(node, ast.UnaryOp):
                if isinstance(node.op, ast.UAdd):
                    stack.append((False, node.operand, "", 0))
                elif isinstance(node.op, ast.USub):
                    self.schedule(stack, node, "neg", [node.operand])
                else:
                    raise self.refuse(node, _REFUSED_OPERATORS[type(node.op)])
            elif isinstance(node, ast.Call):
                self.schedule(stack, node, *self.call(node))
            elif isinstance(node, ast.Constant):
                raise self.refuse(node, _constant_problem(node.value))
            elif isinstance(node, ast.List):
                raise self.refuse(node, "a list may hold only numbers (or lists of numbers)")
            else:
                raise self.refuse(node, _REFUSED_EXPRESSIONS.get(type(node), "this is not part of the language"))
        return results[0]

    @staticmethod
    def schedule(stack: list, node: ast.expr, op: str, operands: list[ast.expr]) -> None:
        stack.append((True, node, op, len(operands)))
        stack.extend((False, operand, "", 0) for operand in reversed(operands))

    def call(self, node: ast.Call) -> tuple[str, list[ast.expr]]:
        name, ports = self.arity(node.func)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.refuse(arg, _REFUSED_EXPRESSIONS[ast.Starred])
        if node.keywords:
            keyword = node.keywords[0]
            raise self.refuse(keyword, "keyword arguments (name=value) are not allowed; "
                                       "give the arguments in order")
        if len(node.args) != len(ports):
            count = len(ports)
            raise self.refuse(node, f"{name} takes {count} argument{'s' if count != 1 else ''} "
                                    f"({', '.join(ports)}), not {len(node.args)}")
        return name, list(node.args)

    def literal(self, node: ast.expr) -> Number | None:
        """A number (with any signs in front) or a nested list of them, checked as a value;
        None when `node` is something else."""
        sign, inner = 1.0, node
        while isinstance(inner, ast.UnaryOp) and isinstance(inner.op, (ast.USub, ast.UAdd)):
            sign = -sign if isinstance(inner.op, ast.USub) else sign
            inner = inner.operand
        if isinstance(inner, ast.Constant) and _is_number(inner.value):
            number = self.checked(node, inner.value)
            return sign * number if sign < 0 else number
        if inner is node and isinstance(node, ast.List) and node.elts:
            items = [self.literal(item) for item in node.elts]
            if any(item is None for item in items):
                return None
            try:
                parse_value(items)
            except BadValue as error:
                raise self.refuse(node, str(error)) from None
            return items
        return None

    def checked(self, node: ast.expr, number: int | float) -> float:
        try:
            return float(parse_value(number))
        except BadValue as error:
            raise self.refuse(node, str(error)) from None


def _is_number(value: object) -> bool:
    return type(value) in (int, float)


def _constant_problem(value: object) -> str:
    if isinstance(value, bool):
        return f"{value} is not a number; values are numbers"
    if isinstance(value, (str, bytes)):
        return "strings are not allowed"
    if isinstance(value, complex):
        return "complex numbers are not allowed"
    return f"{value!r} is not a number"


_PYTHON_HINTS = re.compile(r"[.?]? *(Maybe|Perhaps|Did you mean)\b.*$", re.DOTALL)


def _python_reason(message: str) -> str:
    """Python's own sentence without its hints, which suggest Python we refuse anyway
    (`==`, a comma, print(...))."""
    message = _PYTHON_HINTS.sub("", message.replace("\n", " ")).strip()
    if not message or message.startswith("Missing parentheses in call"):
        return "invalid syntax"
    return message


def _python_tree(text: str, mode: str) -> ast.AST:
    """Python's parse tree of the text, or the refusal: Python's own message and place
    for bad syntax, and one sentence for text nested beyond what its parser can hold."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning about strings we refuse anyway
            return ast.parse(text, mode=mode)
    except SyntaxError as error:
        lines = LINE_BREAK.split(text)
        line = min(max(error.lineno or 1, 1), len(lines))
        column = min(max(error.offset or 1, 1), len(lines[line - 1]) + 1)
        reason = _python_reason(error.msg or "")
        raise ExpressionError(Place(line, column, line, column + 1), reason) from None
    except (RecursionError, MemoryError):
        raise ExpressionError(Place(1, 1, 1, 2), "the text is nested too deeply to read; "
                                                 "split it into several statements") from None
    except (ValueError, OverflowError):  # null bytes, lone surrogates
        raise ExpressionError(Place(1, 1, 1, 2), "the text holds characters that are not allowed") from None


def parse_program(text: str, registry: OpRegistry = OPS) -> Program:
    """The statements of `text`; raises ExpressionError (nothing in the text runs).
    Calls are checked against `registry` (a document's own) and the text's definitions."""
    tree = _python_tree(text, "exec")
    reader = _Reader(text, registry)
    try:
        return Program(tuple(reader.statement(node) for node in tree.body))
    except RecursionError:  # a literal list nested deeper than Python's parser allows
        raise ExpressionError(Place(1, 1, 1, 2), "the text is nested too deeply to read") from None


def parse_formula(text: str, params: Collection[str], registry: OpRegistry = OPS) -> Expr:
    """One expression that may use only `params`, numbers and the registry's operations
    (a custom operation's formula in a file); raises ExpressionError."""
    tree = _python_tree(text.strip(), "eval")
    reader = _Reader(text.strip(), registry)
    return reader.expression(tree.body, tuple(params))
