package cache

// latestMigration is the newest migration embedded in the program
// (00003_actions.sql).
const latestMigration = 7
