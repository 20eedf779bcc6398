-- Placeholder on the budgets branch only: number 11 belongs to the killswitch branch (0011_execution_halts.sql).
-- Migrations must be numbered without gaps, so this keeps 0012 loadable here. Delete this file when merging.
SELECT 1;
