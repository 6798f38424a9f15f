#!/usr/bin/env node
// @ts-check
/**
 * Reads vitest's JSON report and prints one plain line, last: `N passed, N failed` (with
 * `, N skipped` when tests were skipped or todo). A test file that failed outside any test (an
 * import error, a failing beforeAll or globalSetup) counts as one failed test, so that it cannot
 * hide behind "0 failed".
 *
 *   node scripts/print-test-summary.mjs [report.json] [--exit-code=N]
 *
 * --exit-code is vitest's own exit code: when it is non-zero although no test failed (an
 * unhandled error between tests), a note says so above the line. Exits 1 when any test failed,
 * when no test passed, when the report is missing or unreadable, or when --exit-code is non-zero.
 */
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--')) ?? 'test-results/vitest.json';
const exitArg = args.find((a) => a.startsWith('--exit-code='));
const runnerExit = exitArg ? Number(exitArg.slice('--exit-code='.length)) : 0;

/**
 * @typedef {{ status: string, title: string, fullName?: string }} Assertion
 * @typedef {{ name: string, status: string, message?: string, assertionResults?: Assertion[] }} FileResult
 * @typedef {{ numPassedTests?: number, numFailedTests?: number, numPendingTests?: number,
 *   numTodoTests?: number, numTotalTests?: number, testResults?: FileResult[] }} Report
 */

/** @type {Report | undefined} */
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.log(`No readable test report at ${file}: ${/** @type {Error} */ (err).message}`);
}

if (!report) {
  console.log('0 passed, 0 failed');
  process.exit(1);
}

const passed = report.numPassedTests ?? 0;
let failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);

for (const result of report.testResults ?? []) {
  const failedTests = (result.assertionResults ?? []).filter((a) => a.status === 'failed').length;
  if (result.status === 'failed' && failedTests === 0) {
    failed += 1;
    const firstLine = (result.message ?? '').split('\n').find((l) => l.trim()) ?? 'failed outside its tests';
    console.log(`FAILED FILE ${result.name}: ${firstLine}`);
  }
}

if (runnerExit !== 0 && failed === 0) {
  console.log(`vitest exited with code ${runnerExit} although no test failed (an unhandled error? see above)`);
}
if (passed === 0 && failed === 0) console.log('No test ran.');

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 || runnerExit !== 0 ? 1 : 0);
