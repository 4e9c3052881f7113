package cache

// latestMigration is the newest migration embedded in the program
// (00009_pro_rules.sql).
const latestMigration = 10
