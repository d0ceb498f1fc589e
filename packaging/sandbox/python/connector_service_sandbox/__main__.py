"""`python -m connector_service_sandbox [flags]`: the same as the `connector-sandbox` command."""

from connector_service_sandbox import main

main()
