"""``python -m robustness`` runs the command line."""

from ._cli import main

main()
