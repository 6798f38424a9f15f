// @ts-check
/**
 * The domain pieces the backend takes from src/ (shared with the device), in one place:
 *   couchRolesFor({ role, station? })  → the CouchDB roles of a Hearthline role
 *   validateWrite({ database, doc, user, existing }) → { ok: true, event } | { ok: false, status, rule, reason }
 * The server runs under tsx (`node --import tsx server/main.mjs`) to import TypeScript.
 */
export { couchRolesFor, OPERATIONS_ROLES, STAFF_ROLES, STATION_ROLES } from '../../src/db/schema/roles.ts';
export { WRITE_RULES } from '../../src/db/validateWrite.ts';
// Events through validateWrite, operations records (outages, calls, …) through their own rules.
export { validateDocumentWrite as validateWrite } from '../../src/db/validateRecordWrite.ts';

/**
 * @typedef {import('../../src/db/validateWrite.ts').WriteInput} WriteInput
 * @typedef {import('../../src/db/validateWrite.ts').WriteVerdict} WriteVerdict
 * @typedef {import('../../src/db/validateRecordWrite.ts').DocumentWriteInput} DocumentWriteInput
 * @typedef {(input: DocumentWriteInput) => { ok: true, event?: unknown } | { ok: false, status: number, rule: string, reason: string }} ValidateWrite
 */
