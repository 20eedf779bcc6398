-- Placeholder on the budgets branch only: number 3 belongs to the killswitch branch (0003_execution_halts.sql).
-- Migrations must be numbered without gaps, so this keeps 0004 loadable here. Delete this file when merging.
SELECT 1;
