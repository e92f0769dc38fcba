"""``python -m rgpd_check`` runs the CLI."""

from rgpd_check.cli import main

main()
