"""Multi-step ``QWizard``s: New / Edit Reseller and Subscribe As Reseller."""
