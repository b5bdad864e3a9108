"""Graphs written out as runnable code: a numpy script and a PyTorch check."""

from engine.codegen.custom import custom_code
from engine.codegen.numpy_script import numpy_script
from engine.codegen.templates import PROVIDERS, CodegenError, OpCode, code_for
from engine.codegen.torch_script import torch_script

PROVIDERS.append(custom_code)  # a custom operation's class comes from its derived derivatives

__all__ = ["PROVIDERS", "CodegenError", "OpCode", "code_for", "numpy_script", "torch_script"]
