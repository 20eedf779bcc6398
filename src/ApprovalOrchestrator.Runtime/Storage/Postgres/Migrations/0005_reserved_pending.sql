-- Placeholder on the pending branch only: number 5 belongs to another branch of this wave (killswitch 3, budgets 4,
-- timers 5). Migrations must be numbered without gaps, so this keeps 0006 loadable here. Delete this file when merging.
SELECT 1;
