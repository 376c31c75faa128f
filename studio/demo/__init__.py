"""Demonstration data: ``machpanel-studio demo`` and the screenshots fill a data folder
with it (:mod:`studio.demo.seed`), from deterministic sample resellers
(:mod:`studio.demo.sample_resellers`)."""
