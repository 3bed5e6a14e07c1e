"""``python -m graph`` is the ``kg`` command."""

from graph.cli import main

if __name__ == "__main__":
    main()
