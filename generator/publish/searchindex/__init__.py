"""The site's own search index (docs/search-index.md): a static index made for Vietnamese.

A query downloads a manifest, a dictionary shard per syllable, the postings of
the syllables it names and the cards it shows, never the whole index.
"""

from generator.publish.searchindex.writer import SearchIndex, index_files, write_index

__all__ = ["SearchIndex", "index_files", "write_index"]
