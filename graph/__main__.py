"""``python -m graph`` is the ``kg`` command."""

from .cli import main

if __name__ == "__main__":
    main()
