"""The reseller panel: the window a reseller works in (its own data only), also opened
by a provider administrator "as" a reseller. Pages are small widgets over the panel
services of :mod:`studio.services`; all their work runs off the GUI thread."""
