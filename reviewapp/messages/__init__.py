"""Messages: questions on a case between the department or its unit and the applicant,
reminders of unfinished drafts before the deadline, and mail to a filtered group."""
