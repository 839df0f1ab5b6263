"""pinyin sort keys: name_key beside the name of users, volunteers, teams and homes

Names sort by pinyin, character by character (webapp/pinyin.py); the key is stored so that sorting
and paging by name stay in the database. Existing rows get their key here.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:00:00

"""
from alembic import op
import sqlalchemy as sa

from webapp.pinyin import sort_key


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TABLES = ("users", "volunteers", "teams", "homes")


def upgrade():
    bind = op.get_bind()
    for table in TABLES:
        op.add_column(
            table, sa.Column("name_key", sa.String(length=255), server_default="", nullable=False)
        )
        op.create_index(f"ix_{table}_name_key", table, ["name_key"], unique=False)
        rows = sa.table(table, sa.column("id", sa.Integer), sa.column("name", sa.String),
                        sa.column("name_key", sa.String))
        updates = [
            {"row_id": row_id, "key": sort_key(name)}
            for row_id, name in bind.execute(sa.select(rows.c.id, rows.c.name))
        ]
        if updates:
            bind.execute(
                rows.update().where(rows.c.id == sa.bindparam("row_id")).values(
                    name_key=sa.bindparam("key")
                ),
                updates,
            )


def downgrade():
    for table in reversed(TABLES):
        op.drop_index(f"ix_{table}_name_key", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("name_key")
