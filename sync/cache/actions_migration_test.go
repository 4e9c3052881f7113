package cache

// latestMigration is the newest migration embedded in the program
// (00012: the Go migration migrationRegimeQuestionnaires).
const latestMigration = 14
