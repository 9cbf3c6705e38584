"""Migration 0017 on existing data: each organization's first user becomes its owner, and every
account made before registration asked for a confirmation link stays usable."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from reviewapp.extensions import db


def test_existing_users_become_owners_and_stay_confirmed(app):
    downgrade(revision="0019_unit_levels")
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO organizations (id, name, org_type, province, credit_code, contact_person, mobile, email, "
            "created_at) VALUES (1, '协会', 'sports_association', 'beijing', '51110000MJ00000012', '王丽', "
            "'13800138000', 'a@example.cn', '2026-01-01 00:00:00')"))
        for user_id, email, organization in ((1, "a@example.cn", 1), (2, "b@example.cn", 1), (3, "x@example.cn", None)):
            connection.execute(text(
                "INSERT INTO users (id, email, name, role, active, session_nonce, organization_id, created_at) "
                "VALUES (:id, :email, '某人', :role, TRUE, 'n', :organization, '2026-01-02 03:04:05')"),
                {"id": user_id, "email": email, "organization": organization,
                 "role": "organization" if organization else "expert"})
    upgrade(revision="heads")
    with db.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT id, organization_owner, email_confirmed_at FROM users ORDER BY id")).all()
    assert [(row[0], bool(row[1])) for row in rows] == [(1, True), (2, False), (3, False)]
    assert all(row[2] is not None and str(row[2]).startswith("2026-01-02 03:04:05") for row in rows)
