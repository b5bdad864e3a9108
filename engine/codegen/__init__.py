"""Graphs written out as runnable code: a numpy script and a PyTorch check."""

from engine.codegen.numpy_script import numpy_script
from engine.codegen.templates import PROVIDERS, CodegenError, OpCode, code_for
from engine.codegen.torch_script import torch_script

__all__ = ["PROVIDERS", "CodegenError", "OpCode", "code_for", "numpy_script", "torch_script"]
