"""The engine: data loaders, model adapters, runner, store, metrics and CLI."""

__all__: list[str] = []
