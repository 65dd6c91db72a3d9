"""The Builder: checks, then renders into a staging folder and swaps it in; serve."""
