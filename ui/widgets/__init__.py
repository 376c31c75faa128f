"""The widget kit shared by pages, dialogs and wizards: form rows with their errors,
the form dialog, contact and address rows, table models, file dialogs, the breadcrumb."""
