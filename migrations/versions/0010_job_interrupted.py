"""Jobs: an "interrupted" status

A job whose heartbeat stopped (its process died) is now marked "interrupted"
instead of "failed". The status column is a VARCHAR without a CHECK
constraint, so the schema is unchanged: the rows `flask jobs-recover` marked
failed as interrupted become "interrupted", and a downgrade turns them back
into "failed" rows, which the previous code can read.

Revision ID: 0010_job_interrupted
Revises: 0009_case_start_and_snapshot
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_job_interrupted'
down_revision = '0009_case_start_and_snapshot'
branch_labels = None
depends_on = None

OLD_ERRORS = ("The job was interrupted; run it again.", "任务被中断，请重新运行。")
jobs = sa.table("jobs", sa.column("status", sa.String(32)), sa.column("error", sa.Text()))


def upgrade():
    op.execute(jobs.update().where(jobs.c.status == "failed", jobs.c.error.in_(OLD_ERRORS))
               .values(status="interrupted", error=None))


def downgrade():
    op.execute(jobs.update().where(jobs.c.status == "interrupted")
               .values(status="failed", error=OLD_ERRORS[0]))
