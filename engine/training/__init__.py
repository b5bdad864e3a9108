"""Training: gradient descent on a graph's trainable inputs (run), compiled per-node
closures (kernels), PyTorch's optimisers (optimizers), toy data (datasets), small
networks as graph files (networks) and a 2-D classifier's picture (boundary)."""
