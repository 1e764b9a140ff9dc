"""`python -m caesar` runs the command line."""

from caesar.cli.app import main

main()
