// @ts-check
/**
 * One publication: an approved commitments set (and the previous year's results, computed from
 * the operations records) becomes content files, and the site is built from them into a fresh
 * folder. Shared by the running server's publisher (./publisher.mjs) and the headless
 * `npm run publish` (server/cli/publish.mjs).
 *
 * Nothing half-done is ever left behind:
 * - the build runs on a staged copy of the project (src/, public/, the config) whose content/
 *   is a copy of the live content folder with the new files in it; the live content folder is
 *   not touched until the build has succeeded (installContent);
 * - the built site goes to a folder of its own; the caller swaps it in only on success;
 * - a failed build throws a PublishFailure whose reason is the build's own error (for content:
 *   `content/commitments/2026.yaml:14:9 indicators[2].target.unit: …`), and the staged copy and
 *   the half-built folder are removed.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { Commitments } from '../../src/db/schema/commitments.ts';
import { Results } from '../../src/db/schema/results.ts';
import { ResultsFold } from '../../src/rules/results/engine.ts';
import { toResultsFile } from '../../src/rules/results/file.ts';
import { publicationStamp, stampedCommitments } from '../../src/rules/committee/publication.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUILD_SCRIPT = fileURLToPath(new URL('./buildStaged.mjs', import.meta.url));
/** What a build reads besides content/ (server/build.mjs fingerprints the same). */
const PROJECT_ENTRIES = ['src', 'public', 'scripts', 'astro.config.mjs', 'tsconfig.json', 'package.json'];
/** The outcome record's reason is at most this long (commitmentsRecords.ts MAX_FAILURE_REASON). */
const MAX_REASON = 4000;

export class PublishFailure extends Error {
  /** @param {string} reason */
  constructor(reason) {
    super(reason);
    this.name = 'PublishFailure';
    this.reason = reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason;
  }
}

/** @param {string} text */
const stripAnsi = (text) => text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

/**
 * The part of a failed build's output a committee member can act on: the content errors
 * (file:line field: message) when there are, else the last lines of the error.
 * @param {string} output
 */
export function buildFailureReason(output) {
  const lines = stripAnsi(output).split('\n').map((l) => l.trimEnd());
  const contentLines = lines.filter((l) => /^\s*content\/\S+:\d+:\d+ /.test(l)).map((l) => l.trim());
  if (contentLines.length) return `the site's build failed: content does not match its schema:\n${[...new Set(contentLines)].join('\n')}`;
  const errorAt = lines.findIndex((l) => /error/i.test(l) && !/^\s+at /.test(l));
  const tail = (errorAt >= 0 ? lines.slice(errorAt) : lines).filter((l) => l.trim() && !/^\s+at /.test(l)).slice(0, 12);
  return `the site's build failed: ${tail.join('\n') || 'no output'}`;
}

/**
 * Builds the staged project into outDir. Resolves when it succeeded; rejects with a
 * PublishFailure carrying the reason otherwise.
 * @param {{ project: string, outDir: string, env?: NodeJS.ProcessEnv, log?: (msg: string) => void, signal?: AbortSignal }} options
 */
export function runStagedBuild({ project, outDir, env = process.env, log = () => {}, signal }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILD_SCRIPT, project, outDir], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...env, NODE_ENV: 'production', ASTRO_TELEMETRY_DISABLED: '1' },
      ...(signal ? { signal } : {}),
    });
    let output = '';
    /** @param {Buffer} chunk */
    const keep = (chunk) => {
      output = (output + chunk.toString('utf8')).slice(-64_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => reject(new PublishFailure(err.name === 'AbortError' ? 'the build was stopped: the server is stopping' : `the site's build could not start: ${err.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) return resolve(undefined);
      log(`[publish] build failed (${signal ?? `exit ${code}`}):\n${stripAnsi(output).slice(-4000)}`);
      reject(new PublishFailure(buildFailureReason(output)));
    });
  });
}

/**
 * @typedef {object} ContentFile
 * @property {string} path relative to the content folder: commitments/2026.yaml
 * @property {string} text
 */

/**
 * The previous year's results file computed from the records (the results command's
 * computation, src/rules/results), or null when there are no commitments for that year or no
 * record measured any of its figures.
 * @param {{ commitmentsText: string | null, docs: () => AsyncIterable<Record<string, unknown>>, asOf: number, stamp: { on: string, approvedBy: { zh: string, en: string } } }} options
 */
export async function computeResults({ commitmentsText, docs, asOf, stamp }) {
  if (commitmentsText === null) return null;
  const commitments = v.parse(Commitments, parseYaml(commitmentsText));
  const fold = new ResultsFold(commitments, { asOf });
  for await (const doc of docs()) fold.add(doc);
  const computed = fold.finish();
  if (!computed.figures.some((f) => f.value !== null)) return null;
  return v.parse(Results, { ...toResultsFile(computed, { sample: false }), published: stamp });
}

/**
 * @typedef {object} PublicationInput
 * @property {number} year the commitments' year
 * @property {Readonly<Record<string, unknown>>} commitments the approved set
 * @property {{ name: string, role: import('../../src/db/schema/roles.ts').Role }} approver the approval's author
 * @property {Date} publishedAt
 * @property {string} contentDir the live content folder (copied, not changed)
 * @property {string} outDir where the site is built (must not exist yet)
 * @property {(() => AsyncIterable<Record<string, unknown>>) | null} [docs] the operations records, for the results; null: no results
 * @property {string} [root] the project (default: this repository)
 * @property {string} [stagingParent] where the staged copy goes (default: the OS temp folder)
 * @property {AbortSignal} [signal] stops the build (the server is stopping)
 * @property {(msg: string) => void} [log]
 * @property {typeof runStagedBuild} [build] the build (tests may pass a failing one)
 */

/**
 * Stages, writes the content files and builds. Returns the files to install into the live
 * content folder; throws PublishFailure (nothing left behind) when anything fails.
 * @param {PublicationInput} input
 * @returns {Promise<{ files: ContentFile[], resultsYear: number | null, outDir: string }>}
 */
export async function buildPublication({
  year,
  commitments,
  approver,
  publishedAt,
  contentDir,
  outDir,
  docs = null,
  root = ROOT,
  stagingParent = os.tmpdir(),
  signal,
  log = () => {},
  build = runStagedBuild,
}) {
  const parsed = v.safeParse(Commitments, commitments);
  if (!parsed.success) throw new PublishFailure(`the approved set does not match the commitments schema: ${parsed.issues[0]?.message ?? ''}`);
  if (parsed.output.year !== year) throw new PublishFailure(`the approved set is for ${parsed.output.year}, not ${year}`);
  if (existsSync(outDir)) throw new Error(`buildPublication: ${outDir} exists already`);
  const stamp = publicationStamp(approver, publishedAt);
  /** @type {ContentFile[]} */
  const files = [
    {
      path: `commitments/${year}.yaml`,
      text:
        `# Published by the service committee: approved by ${stamp.approvedBy.en} (Hearthline publisher, ${publishedAt.toISOString()}).\n` +
        stringifyYaml(stampedCommitments(commitments, stamp), { lineWidth: 0 }),
    },
  ];
  let resultsYear = null;
  if (docs) {
    const previous = path.join(contentDir, `commitments/${year - 1}.yaml`);
    const commitmentsText = existsSync(previous) ? await readFile(previous, 'utf8') : null;
    let results;
    try {
      results = await computeResults({ commitmentsText, docs, asOf: publishedAt.getTime(), stamp });
    } catch (err) {
      throw new PublishFailure(`the results of ${year - 1} could not be computed: ${/** @type {Error} */ (err).message}`);
    }
    if (results) {
      files.push({ path: `results/${year - 1}.json`, text: `${JSON.stringify(results, null, 2)}\n` });
      resultsYear = year - 1;
    }
  }

  const staging = await mkdtemp(path.join(stagingParent, `hearthline-publish-${year}-`));
  try {
    for (const entry of PROJECT_ENTRIES) {
      if (existsSync(path.join(root, entry))) await cp(path.join(root, entry), path.join(staging, entry), { recursive: true });
    }
    await symlink(path.join(root, 'node_modules'), path.join(staging, 'node_modules'), 'dir');
    await cp(contentDir, path.join(staging, 'content'), { recursive: true });
    for (const f of files) {
      await mkdir(path.dirname(path.join(staging, 'content', f.path)), { recursive: true });
      await writeFile(path.join(staging, 'content', f.path), f.text);
    }
    log(`[publish] building the site with the commitments of ${year}${resultsYear ? ` and the results of ${resultsYear}` : ''}`);
    await build({ project: staging, outDir, log, ...(signal ? { signal } : {}) });
    return { files, resultsYear, outDir };
  } catch (err) {
    await rm(outDir, { recursive: true, force: true });
    if (err instanceof PublishFailure) throw err;
    throw new PublishFailure(`publishing failed: ${/** @type {Error} */ (err).message}`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Writes the files into the live content folder, each whole or not at all (a temporary file
 * renamed over the old one), after a successful build.
 * @param {string} contentDir
 * @param {ContentFile[]} files
 */
export async function installContent(contentDir, files) {
  for (const f of files) {
    const target = path.join(contentDir, f.path);
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    await writeFile(tmp, f.text);
    await rename(tmp, target);
  }
}
