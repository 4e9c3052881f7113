package cache

// latestMigration is the newest migration embedded in the program
// (00011_questionnaires.sql).
const latestMigration = 11
