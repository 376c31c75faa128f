"""The provisioning-service stub: a real HTTP server of the protocol, for demos and tests.

Run it with ``machpanel-studio stub …``. It keeps its jobs and resources in a journal
file, so a restart loses nothing, and it can be told to fail (see ``faults``).
"""
