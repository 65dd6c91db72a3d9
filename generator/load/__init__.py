"""Reading files: the YAML guard, front matter, entries, image headers, heads, history.

Below the checking rules: loading turns a file into a typed value or located problems."""
