"""Questions asked of a built graph: which entities hold it together (:mod:`.centrality`), how two
entities are joined (:mod:`.paths`), what changed between two versions (:mod:`.diff`), and which
entities of several sources are probably the same (:mod:`.resolve`).

Everything here reads the views the explorer already makes once per graph
(:func:`~graph.explorer.network.network_view`, :func:`~graph.explorer.statements.statement_view`),
so an analysis can only say what the graph says.
"""
