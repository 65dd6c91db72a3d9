"""The checking rules, the lints and the partial checks; ``run`` does load + rules + lints."""
