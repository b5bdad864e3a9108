"""The expression language in the editor and on the command line: the expression bar,
Copy as Expression, New from Expression, `main.py build` and `export OUT.txt`."""
