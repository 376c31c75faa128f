"""Talking to the MachPanel Provisioning Service: protocol, client, health, and the stub.

``docs/provisioning-protocol.md`` is the contract; :mod:`~studio.provisioning.protocol`
holds its names, :mod:`~studio.provisioning.client` speaks it, and
:mod:`~studio.provisioning.stub` is a real server of it for demos and tests.
"""
