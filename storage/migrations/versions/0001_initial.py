"""Initial tables: audit log, member records, facility registry and catalogue.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 17:48:00.631771
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('who', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('member_ref', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_member_ref'), ['member_ref'], unique=False)

    op.create_table('catalog_items',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('catalog_category', sa.String(length=20), nullable=True),
    sa.Column('item_type', sa.String(length=30), nullable=True),
    sa.Column('restrictions', sa.JSON(), nullable=True),
    sa.Column('chronic_disease_codes', sa.JSON(), nullable=True),
    sa.Column('declared_by_facility', sa.JSON(), nullable=True),
    sa.Column('unit_price', sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_catalog_items'))
    )
    op.create_table('facilities',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=True),
    sa.Column('level', sa.String(length=20), nullable=True),
    sa.Column('region', sa.JSON(), nullable=True),
    sa.Column('designated_for', sa.JSON(), nullable=True),
    sa.Column('agreement_status', sa.String(length=20), nullable=True),
    sa.Column('suspended_until', sa.Date(), nullable=True),
    sa.Column('cross_region_networked', sa.JSON(), nullable=True),
    sa.Column('province_pa_networked', sa.Boolean(), nullable=True),
    sa.Column('specialty', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facilities'))
    )
    op.create_table('members',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.String(length=64), nullable=False),
    sa.Column('member_ref', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('gender', sa.String(length=1), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('region_name', sa.String(length=100), nullable=True),
    sa.Column('policy_ref', sa.String(length=60), nullable=True),
    sa.Column('scheme', sa.String(length=20), nullable=True),
    sa.Column('resident_tier', sa.String(length=20), nullable=True),
    sa.Column('member_category', sa.String(length=30), nullable=True),
    sa.Column('hukou_type', sa.String(length=20), nullable=True),
    sa.Column('hukou_region', sa.JSON(), nullable=True),
    sa.Column('residence_permit_region', sa.JSON(), nullable=True),
    sa.Column('record_updated_at', sa.DateTime(), nullable=True),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_members')),
    sa.UniqueConstraint('member_id', name=op.f('uq_members_member_id')),
    sa.UniqueConstraint('member_ref', name=op.f('uq_members_member_ref'))
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_members_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_region_code'), ['region_code'], unique=False)

    op.create_table('assistance_status',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_pk', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=True),
    sa.Column('approved_date', sa.Date(), nullable=True),
    sa.Column('flag_synced_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['member_pk'], ['members.pk'], name=op.f('fk_assistance_status_member_pk_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_assistance_status')),
    sa.UniqueConstraint('member_pk', name=op.f('uq_assistance_status_member_pk'))
    )
    op.create_table('cards',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_pk', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('type', sa.String(length=30), nullable=True),
    sa.Column('no_masked', sa.String(length=40), nullable=True),
    sa.Column('issued_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['member_pk'], ['members.pk'], name=op.f('fk_cards_member_pk_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_cards')),
    sa.UniqueConstraint('member_pk', name=op.f('uq_cards_member_pk'))
    )
    op.create_table('chosen_facilities',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_pk', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.String(length=64), nullable=False),
    sa.Column('facility_name', sa.String(length=200), nullable=True),
    sa.Column('chosen_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['member_pk'], ['members.pk'], name=op.f('fk_chosen_facilities_member_pk_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_chosen_facilities'))
    )
    with op.batch_alter_table('chosen_facilities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chosen_facilities_member_pk'), ['member_pk'], unique=False)

    op.create_table('chronic_certs',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_pk', sa.Integer(), nullable=False),
    sa.Column('disease_code', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('disease_name', sa.String(length=100), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=True),
    sa.Column('applied_date', sa.Date(), nullable=True),
    sa.Column('approved_date', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('review_due', sa.Date(), nullable=True),
    sa.Column('last_review_date', sa.Date(), nullable=True),
    sa.Column('revoked_date', sa.Date(), nullable=True),
    sa.Column('entered_in_system', sa.Boolean(), nullable=True),
    sa.Column('designated_facility_ids', sa.JSON(), nullable=False),
    sa.Column('cert_no', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['member_pk'], ['members.pk'], name=op.f('fk_chronic_certs_member_pk_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_chronic_certs'))
    )
    with op.batch_alter_table('chronic_certs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chronic_certs_member_pk'), ['member_pk'], unique=False)

    op.create_table('chronic_dispense_history',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_pk', sa.Integer(), nullable=False),
    sa.Column('drug_code', sa.String(length=40), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('days_supply', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['member_pk'], ['members.pk'], name=op.f('fk_chronic_dispense_history_member_pk_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_chronic_dispense_history'))
    )
    with op.batch_alter_table('chronic_dispense_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chronic_dispense_history_member_pk'), ['member_pk'], unique=False)

    op.create_table('contributions',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_pk', sa.Integer(), nullable=False),
    sa.Column('paid_through', sa.Date(), nullable=True),
    sa.Column('last_payment_date', sa.Date(), nullable=True),
    sa.Column('cumulative_years', sa.Float(), nullable=True),
    sa.Column('local_actual_years', sa.Float(), nullable=True),
    sa.Column('avg_base_ratio', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['member_pk'], ['members.pk'], name=op.f('fk_contributions_member_pk_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_contributions')),
    sa.UniqueConstraint('member_pk', name=op.f('uq_contributions_member_pk'))
    )
    op.create_table('cross_region_filings',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_pk', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('dest_region', sa.JSON(), nullable=False),
    sa.Column('scope', sa.JSON(), nullable=False),
    sa.Column('start', sa.Date(), nullable=True),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['member_pk'], ['members.pk'], name=op.f('fk_cross_region_filings_member_pk_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_cross_region_filings'))
    )
    with op.batch_alter_table('cross_region_filings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cross_region_filings_member_pk'), ['member_pk'], unique=False)

    op.create_table('employer_arrears',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_pk', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=64), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('arrears_since', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['member_pk'], ['members.pk'], name=op.f('fk_employer_arrears_member_pk_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_employer_arrears')),
    sa.UniqueConstraint('member_pk', name=op.f('uq_employer_arrears_member_pk'))
    )
    op.create_table('enrollments',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_pk', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('terminated_reason', sa.String(length=20), nullable=True),
    sa.Column('terminated_date', sa.Date(), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('concentrated_period_paid', sa.Boolean(), nullable=True),
    sa.Column('lapse_years', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['member_pk'], ['members.pk'], name=op.f('fk_enrollments_member_pk_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_enrollments')),
    sa.UniqueConstraint('member_pk', name=op.f('uq_enrollments_member_pk'))
    )
    op.create_table('ltc_assessments',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_pk', sa.Integer(), nullable=False),
    sa.Column('assessment_status', sa.String(length=20), nullable=True),
    sa.Column('level', sa.String(length=20), nullable=True),
    sa.Column('assessed_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['member_pk'], ['members.pk'], name=op.f('fk_ltc_assessments_member_pk_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_ltc_assessments')),
    sa.UniqueConstraint('member_pk', name=op.f('uq_ltc_assessments_member_pk'))
    )
    op.create_table('other_enrollments',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_pk', sa.Integer(), nullable=False),
    sa.Column('region', sa.JSON(), nullable=False),
    sa.Column('scheme', sa.String(length=20), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('start', sa.Date(), nullable=True),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['member_pk'], ['members.pk'], name=op.f('fk_other_enrollments_member_pk_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_other_enrollments'))
    )
    with op.batch_alter_table('other_enrollments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_other_enrollments_member_pk'), ['member_pk'], unique=False)

    op.create_table('personal_accounts',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_pk', sa.Integer(), nullable=False),
    sa.Column('balance', sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=True),
    sa.ForeignKeyConstraint(['member_pk'], ['members.pk'], name=op.f('fk_personal_accounts_member_pk_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_personal_accounts')),
    sa.UniqueConstraint('member_pk', name=op.f('uq_personal_accounts_member_pk'))
    )
    op.create_table('referrals',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_pk', sa.Integer(), nullable=False),
    sa.Column('approved', sa.Boolean(), nullable=False),
    sa.Column('from_facility', sa.String(length=64), nullable=True),
    sa.Column('to_facility', sa.String(length=64), nullable=True),
    sa.Column('to_region', sa.JSON(), nullable=True),
    sa.Column('date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['member_pk'], ['members.pk'], name=op.f('fk_referrals_member_pk_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_member_pk'), ['member_pk'], unique=False)

    op.create_table('sanctions',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_pk', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('case_no', sa.String(length=60), nullable=True),
    sa.Column('appeal_status', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['member_pk'], ['members.pk'], name=op.f('fk_sanctions_member_pk_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_sanctions'))
    )
    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sanctions_member_pk'), ['member_pk'], unique=False)

    op.create_table('special_approvals',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_pk', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=40), nullable=False),
    sa.Column('approved_by', sa.String(length=20), nullable=False),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['member_pk'], ['members.pk'], name=op.f('fk_special_approvals_member_pk_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_special_approvals'))
    )
    with op.batch_alter_table('special_approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_special_approvals_member_pk'), ['member_pk'], unique=False)

    op.create_table('supplementary_covers',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_pk', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('start', sa.Date(), nullable=True),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['member_pk'], ['members.pk'], name=op.f('fk_supplementary_covers_member_pk_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_supplementary_covers'))
    )
    with op.batch_alter_table('supplementary_covers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplementary_covers_member_pk'), ['member_pk'], unique=False)

    op.create_table('ytd_usage',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('member_pk', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('pooled_fund_paid', sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=True),
    sa.Column('outpatient_pooling_paid', sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=True),
    sa.Column('chronic_paid', sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=True),
    sa.Column('oop_compliant', sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=True),
    sa.Column('deductible_met', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['member_pk'], ['members.pk'], name=op.f('fk_ytd_usage_member_pk_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_ytd_usage')),
    sa.UniqueConstraint('member_pk', name=op.f('uq_ytd_usage_member_pk'))
    )


def downgrade() -> None:
    op.drop_table('ytd_usage')
    with op.batch_alter_table('supplementary_covers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplementary_covers_member_pk'))

    op.drop_table('supplementary_covers')
    with op.batch_alter_table('special_approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_special_approvals_member_pk'))

    op.drop_table('special_approvals')
    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sanctions_member_pk'))

    op.drop_table('sanctions')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_member_pk'))

    op.drop_table('referrals')
    op.drop_table('personal_accounts')
    with op.batch_alter_table('other_enrollments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_other_enrollments_member_pk'))

    op.drop_table('other_enrollments')
    op.drop_table('ltc_assessments')
    op.drop_table('enrollments')
    op.drop_table('employer_arrears')
    with op.batch_alter_table('cross_region_filings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cross_region_filings_member_pk'))

    op.drop_table('cross_region_filings')
    op.drop_table('contributions')
    with op.batch_alter_table('chronic_dispense_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chronic_dispense_history_member_pk'))

    op.drop_table('chronic_dispense_history')
    with op.batch_alter_table('chronic_certs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chronic_certs_member_pk'))

    op.drop_table('chronic_certs')
    with op.batch_alter_table('chosen_facilities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chosen_facilities_member_pk'))

    op.drop_table('chosen_facilities')
    op.drop_table('cards')
    op.drop_table('assistance_status')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_members_region_code'))
        batch_op.drop_index(batch_op.f('ix_members_id_number'))

    op.drop_table('members')
    op.drop_table('facilities')
    op.drop_table('catalog_items')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_member_ref'))
        batch_op.drop_index(batch_op.f('ix_audit_log_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
