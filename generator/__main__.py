"""``python -m generator`` is ``dvk``."""

from generator.cli.main import run

run()
