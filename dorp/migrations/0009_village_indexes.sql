-- 0009: indexes for what one page of one pilot reads (issue 16). DuckDB scans these small
-- tables quickly without them; PostgreSQL would read the whole table for every lookup of one
-- village (tens of milliseconds at 1000 villages). Portable DDL (DuckDB and PostgreSQL).
CREATE INDEX IF NOT EXISTS consent_village ON consent (village_id);
CREATE INDEX IF NOT EXISTS mbc_village ON mbc (village_id, assessed_on);
CREATE INDEX IF NOT EXISTS mbc_effects_mbc ON mbc_effects (mbc_id);
CREATE INDEX IF NOT EXISTS partners_village ON partners (village_id);
CREATE INDEX IF NOT EXISTS steering_members_village ON steering_members (village_id);
CREATE INDEX IF NOT EXISTS actions_village ON actions (village_id, meeting_id);
CREATE INDEX IF NOT EXISTS working_modes_village ON working_modes (village_id);
CREATE INDEX IF NOT EXISTS initiatives_village ON initiatives (village_id);
CREATE INDEX IF NOT EXISTS step_moves_village ON step_moves (village_id, moved_on);
CREATE INDEX IF NOT EXISTS pitches_village ON pitches (village_id);
CREATE INDEX IF NOT EXISTS budget_village ON budget (village_id);
CREATE INDEX IF NOT EXISTS audit_log_record ON audit_log (table_name, record_id);
CREATE INDEX IF NOT EXISTS read_log_user ON read_log (username, what);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);
