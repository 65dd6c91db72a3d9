"""The only layer that knows MkDocs and Material: config, plugin, the build loop."""
