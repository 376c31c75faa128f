"""The rules of the product, with no I/O: what a valid reseller, customer, user, server,
website, plan quota or job is. Services and the job runner import these modules; a module
here imports nothing from ``studio.services``, ``studio.db``, ``studio.provisioning`` or
``studio.security``, so each rule can be read and tested without a database."""
