"""Custom operations: a graph's own elementwise ops defined by formula (definitions),
their derivatives derived with sympy (symbolic), written in our notation (symbolic_text)
and checked numerically for the New Operation dialog (derivative_check)."""
