"""The ``dvk`` command: argument parsing, reporters, exit codes."""
