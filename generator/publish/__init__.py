"""The files published beside the pages: feeds, open data, cards, headers, fonts, search.

Engine-neutral: each file is a path and its bytes; ``render`` hands them to MkDocs."""
