"""Where something is in a file. Its own module, apart from the model (model.py re-exports it):
findings and diagnostics point at locations, and a warm run that reads them back from the
result cache loads no model."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """A span in a file; lines and columns are 1-based, end is exclusive like Terraform's."""

    path: Path
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"
