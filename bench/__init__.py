"""The benchmark, its synthetic corpus and its peer (Hugo + Pagefind); not shipped."""
