"""Tools for editors: ``dvk new`` and ``dvk schema``."""
