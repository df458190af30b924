"""The web viewer (``ledgerflow ui``) and audit reports (``ledgerflow report``): read-only pages over a store.

``reading`` opens nothing itself: it is handed a store opened for reading and keeps the live
projection up to date; ``app`` serves the pages; ``report`` writes one submission as a file.
"""
