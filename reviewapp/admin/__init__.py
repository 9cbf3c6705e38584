"""The department's administration pages: people, registrations, invitations, outbox."""
