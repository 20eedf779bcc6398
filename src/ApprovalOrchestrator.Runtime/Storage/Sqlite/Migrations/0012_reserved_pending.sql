-- Placeholder on the pending branch only: number 12 belongs to another branch of this wave (killswitch 11, budgets 12,
-- timers 13). Migrations must be numbered without gaps, so this keeps 0014 loadable here. Delete this file when merging.
SELECT 1;
