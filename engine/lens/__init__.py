"""The teaching lens: gradients checked against finite differences (gradcheck), and each
backward step's pattern in words (explain)."""
