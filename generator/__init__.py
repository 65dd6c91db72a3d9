"""dvk: the static-site generator for the "Dân vận khéo" showcase."""

__version__ = "0.1.0"
