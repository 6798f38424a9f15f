// The database names moved to src/db/schema/databaseNames.ts (they are vocabulary: src/rules
// routes by them, and rules import schemas, never src/db). This forwarder keeps the server's
// and the islands' imports working; new code imports the schema module.
export * from './schema/databaseNames';
