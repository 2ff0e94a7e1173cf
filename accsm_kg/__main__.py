"""Run the command line: ``python -m accsm_kg``."""

from .cli import main

if __name__ == "__main__":
    main()
