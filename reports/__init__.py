"""HTML stability reports rendered from plain result tables.

Empty until the report work lands; the package exists so the distribution's layout is stable.
"""

__all__: list[str] = []
