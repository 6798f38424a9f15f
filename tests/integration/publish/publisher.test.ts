/**
 * The publisher's turn-taking with a real PouchDB (memory adapter; with the suite's COUCHDB_URL,
 * a database on that CouchDB: support/database.ts) and a stand-in for Astro's
 * build that the test holds and releases: one build at a time, the served folder swapped only
 * after a build succeeded, a failed build changing neither the served folder nor the content.
 * (The real build runs in publish.test.ts.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPublisher } from '../../../server/publish/publisher.mjs';
import { PublishFailure } from '../../../server/publish/publication.mjs';
import { startFrom } from '../../../src/rules/committee/startFrom';
import { REPO_ROOT } from '../../support/server';
import { freshDatabase } from '../support/database';
import { approval, asJson, draft, publishRequest, publishedCommitments, resetCommittee } from '../../support/builders/committee';
import type { OperationsRecord } from '../../../src/db/schema/records';


let work: string;
let content: string;
let operations: any;
let served: string;
const builds: { outDir: string; release: (ok: boolean) => void }[] = [];
let running = 0;
let maxRunning = 0;

/** Stands in for the Astro build: waits until the test releases it, then writes a page or fails. */
function heldBuild({ outDir }: { project: string; outDir: string }): Promise<void> {
  running += 1;
  maxRunning = Math.max(maxRunning, running);
  return new Promise((resolve, reject) => {
    builds.push({
      outDir,
      release: (ok) => {
        running -= 1;
        if (!ok) return reject(new PublishFailure("the site's build failed: content/x.yaml:1:1 x: broken"));
        mkdirSync(outDir, { recursive: true });
        writeFileSync(path.join(outDir, 'index.html'), '<h1>new</h1>');
        resolve();
      },
    });
  });
}

async function until<T>(what: () => T | undefined | Promise<T | undefined>, label: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await what();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${label}`);
}

const toDoc = (r: OperationsRecord) => {
  const { id, ...rest } = r;
  return { _id: id, ...rest };
};

async function outcomes(): Promise<any[]> {
  const res = await operations.allDocs({ include_docs: true });
  return res.rows.map((r: any) => r.doc).filter((d: any) => d.type === 'publish-outcome');
}

beforeEach(async () => {
  resetCommittee();
  builds.length = 0;
  running = 0;
  maxRunning = 0;
  work = mkdtempSync(path.join(os.tmpdir(), 'hearthline-publisher-'));
  content = path.join(work, 'content');
  cpSync(path.join(REPO_ROOT, 'content'), content, { recursive: true });
  served = path.join(work, 'dist');
  operations = await freshDatabase('operations');
});

afterEach(async () => {
  await operations.destroy();
  rmSync(work, { recursive: true, force: true });
});

function publisher() {
  return createPublisher({
    couch: { mode: 'embedded', description: 'memory', listDatabases: async () => ['operations'], db: async () => operations },
    contentDir: content,
    sitesDir: path.join(work, 'sites'),
    swap: (dir) => {
      served = dir;
    },
    sweepIntervalMs: 0,
    build: heldBuild,
    log: () => {},
    logError: () => {},
  });
}

describe('the publisher', () => {
  it('builds one request at a time, swaps each build in only once it succeeded, and answers every request', async () => {
    const p = publisher();
    await p.start();
    const r1 = draft(2026, asJson(startFrom(publishedCommitments(2025), 2026)));
    const a1 = approval(r1);
    const q1 = publishRequest(a1);
    await operations.bulkDocs([r1, a1, q1].map(toDoc));
    p.notify('operations');
    const first = await until(() => builds[0], 'the first build');
    expect(served).toBe(path.join(work, 'dist'));

    // a second request while the first builds: it waits its turn
    const q2 = publishRequest(a1);
    await operations.put(toDoc(q2));
    p.notify('operations');
    await new Promise((r) => setTimeout(r, 300));
    expect(builds).toHaveLength(1);
    expect(served).toBe(path.join(work, 'dist')); // the old site serves while the build runs

    first.release(true);
    const second = await until(() => builds[1], 'the second build');
    expect(served).toBe(first.outDir);
    const stamped = readFileSync(path.join(content, 'commitments/2026.yaml'), 'utf8');
    expect(stamped).toContain('en: the manager');
    expect(stamped).not.toContain('mg-sun');
    second.release(true);
    const done = await until(async () => ((await outcomes()).length === 2 ? outcomes() : undefined), 'two outcomes');
    expect(done.map((o) => [o.payload.request, o.payload.outcome])).toEqual([
      [q1.id, 'succeeded'],
      [q2.id, 'succeeded'],
    ]);
    expect(maxRunning).toBe(1);
    expect(served).toBe(second.outDir);
    expect(JSON.parse(readFileSync(path.join(work, 'sites/current.json'), 'utf8')).dir).toBe(second.outDir);
    await p.stop();
  });

  it('a failed build leaves the served folder and the content as they were, and the outcome says why', async () => {
    const p = publisher();
    await p.start();
    const r1 = draft(2026, asJson(startFrom(publishedCommitments(2025), 2026)));
    const a1 = approval(r1);
    const q1 = publishRequest(a1);
    await operations.bulkDocs([r1, a1, q1].map(toDoc));
    p.notify('operations');
    (await until(() => builds[0], 'the build')).release(false);
    const [outcome] = await until(async () => ((await outcomes()).length ? outcomes() : undefined), 'the outcome');
    expect(outcome.payload).toMatchObject({ outcome: 'failed', request: q1.id, approval: a1.id, reason: expect.stringContaining('content/x.yaml:1:1') });
    expect(outcome.author.role).toBe('admin');
    expect(served).toBe(path.join(work, 'dist'));
    expect(existsSync(path.join(content, 'commitments/2026.yaml'))).toBe(false);
    expect(existsSync(builds[0]!.outDir)).toBe(false);
    await p.stop();
  });

  it('a request whose approval no longer holds (the draft changed since) is answered without a build', async () => {
    const p = publisher();
    await p.start();
    const set = asJson(startFrom(publishedCommitments(2025), 2026));
    const r1 = draft(2026, set);
    const a1 = approval(r1);
    const r2 = draft(2026, { ...set, title: { zh: '改过的', en: 'Changed' } }, { previous: r1.id });
    const q1 = publishRequest(a1);
    await operations.bulkDocs([r1, a1, r2, q1].map(toDoc));
    p.notify('operations');
    const [outcome] = await until(async () => ((await outcomes()).length ? outcomes() : undefined), 'the outcome');
    expect(outcome.payload).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('the latest revision must be approved') });
    expect(builds).toHaveLength(0);

    // a restart reads on from its checkpoint and does not answer the request twice
    await p.stop();
    const again = publisher();
    await again.start();
    expect(await outcomes()).toHaveLength(1);
    await again.stop();
  });
});
