"""Account management: each user's profile, and administrators managing people and invitations."""
