package cache

// latestMigration is the newest migration embedded in the program
// (00008_outbox_ops.sql).
const latestMigration = 8
