"""The suite's exceptions: one tree, so callers can catch exactly what they mean.

::

    RobustnessError                 anything the suite raises on purpose
     ├── ConfigError                a bad flag, option or configuration value (CLI exit code 2)
     ├── DatasetError               a dataset that cannot be read at all (CLI exit code 2)
     │    └── DataRowError          one malformed row; carries file and line
     ├── ImageError                 one image that cannot be used; the run records it and goes on
     ├── ModelError                 a model that cannot be built or fails on a batch
     └── StoreError                 the result store cannot be opened or is of another schema

    RobustnessWarning (UserWarning) something the user should know that stops nothing
     └── DatasetWarning             rows skipped as duplicates (same image and boxes)

Per-item problems (``DataRowError``, ``ImageError``) never stop a run: the runner turns them into
``error`` predictions with the message as the reason. The others stop the command with one line.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DataRowError",
    "DatasetError",
    "DatasetWarning",
    "ImageError",
    "ModelError",
    "RobustnessError",
    "RobustnessWarning",
    "StoreError",
]


class RobustnessError(Exception):
    """Base of every error the suite raises on purpose."""


class ConfigError(RobustnessError):
    """Raised when a flag, option or configuration value is invalid; the message quotes it."""


class DatasetError(RobustnessError):
    """Raised when a dataset cannot be read at all (missing file, unknown format, no rows)."""


class DataRowError(DatasetError):
    """Raised for one malformed annotation row; the message starts with ``file:line``."""

    def __init__(self, message: str, *, path: str, line: int) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line


class ImageError(RobustnessError):
    """Raised when one image is missing, empty, truncated, unreadable or outside its dataset."""


class ModelError(RobustnessError):
    """Raised when a model cannot be built, or fails on a whole batch."""


class StoreError(RobustnessError):
    """Raised when the result store cannot be opened, or was written by an incompatible schema."""


class RobustnessWarning(UserWarning):
    """Base of the suite's warnings; the CLI prints each as one ``warning:`` line."""


class DatasetWarning(RobustnessWarning):
    """Issued when loading a dataset skipped rows (duplicates of an earlier row's image and box)."""
