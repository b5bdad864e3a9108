"""The expression language: a subset of Python syntax, read with `ast` and never run,
that builds graphs from text (`o = tanh(x1*w1 + x2*w2 + b)`) and writes them back.

`parse_program` turns text into a typed `Program` (or raises ExpressionError, one
sentence naming line and column); the builder and writer live beside it."""

from engine.expression.parser import parse_formula, parse_program
from engine.expression.program import (
    Assign,
    Call,
    Definition,
    Expr,
    ExpressionError,
    Literal,
    Name,
    Place,
    Program,
    Statement,
    walk,
)

__all__ = ["Assign", "Call", "Definition", "Expr", "ExpressionError", "Literal", "Name", "Place", "Program",
           "Statement", "parse_formula", "parse_program", "walk"]
