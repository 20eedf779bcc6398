-- Migration 9 (SQLite): the W3C trace context (issue 14) that ties every step of a request into one trace. The
-- instance keeps the one its intake ran in (steps started by an HTTP decision or a timer continue it); an outbox row
-- keeps the one it was written in, so the dispatcher publishes it inside that trace. Null for rows written before.
ALTER TABLE instances ADD COLUMN traceparent TEXT;
ALTER TABLE outbox ADD COLUMN traceparent TEXT;
