"""The expert pool: profiles, conflicts of interest and bids on blind cases."""
