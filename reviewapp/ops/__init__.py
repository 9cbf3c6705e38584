"""Operating the service: health check, request ids and structured logs, the audit log page."""
