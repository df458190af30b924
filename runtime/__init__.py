"""The application core: recording commands into the log, their metadata, and the skip rule.

Below the executor and above projections and storage: everything here works on one ``Runtime``
(the log, the writer, the blob store and the live projection of one process).
"""
