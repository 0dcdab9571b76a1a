-- 0010: who recorded a steering meeting or an action. A steering member may correct and remove
-- what they recorded themselves, in their own village (issue 14, point 7; dorp.access.can_change).
-- Existing records get the user of their insert in the audit log; where that is unknown
-- (loaded by an import or the demo) it stays NULL and only a lead may change the record.
ALTER TABLE steering_meetings ADD COLUMN created_by VARCHAR;
ALTER TABLE actions ADD COLUMN created_by VARCHAR;

UPDATE steering_meetings SET created_by = (
    SELECT a.username FROM audit_log a
    WHERE a.table_name = 'steering_meetings' AND a.action = 'insert'
      AND a.record_id = steering_meetings.id
    ORDER BY a.id LIMIT 1);

UPDATE actions SET created_by = (
    SELECT a.username FROM audit_log a
    WHERE a.table_name = 'actions' AND a.action = 'insert' AND a.record_id = actions.id
    ORDER BY a.id LIMIT 1);
