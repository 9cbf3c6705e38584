"""The home page and each role's dashboard: what is there, what to do next."""
