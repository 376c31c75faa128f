"""Use cases: one function each, taking the open :class:`~studio.context.Studio` and the actor.

Each one validates, writes in one transaction with its audit record, and returns a plain
result or raises a typed error (:class:`~studio.errors.FieldError` names the field).
"""
