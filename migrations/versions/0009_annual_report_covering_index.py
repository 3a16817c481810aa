"""annual report covering index

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 20:45:00.000000

The statistics count every annual report by year, joined to its organisation. The
report rows carry the reports' contents and are large; an index of the three columns the
count reads, year first as it filters, lets SQLite count from the index alone (PostgreSQL
takes it for an index-only scan when it is cheaper than reading the table).
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("annual_report", schema=None) as batch_op:
        batch_op.create_index(
            "ix_annual_report_year_org_submitted",
            ["year", "organisation_id", "submitted_on"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("annual_report", schema=None) as batch_op:
        batch_op.drop_index("ix_annual_report_year_org_submitted")
