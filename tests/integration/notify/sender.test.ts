/**
 * The notification sender (server/notify/sender.mjs) on real storage (the embedded PouchDB):
 * exactly once across restarts and with two senders, retries with backoff, gives up after N and
 * marks the record failed, never sends twice after a crash mid-send. Its channels are the e-mail
 * channel against a real SMTP server on loopback, and an in-process channel object that fails on
 * command.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NOTIFICATIONS_DB } from '../../../src/db/databaseNames';
import { createSender } from '../../../server/notify/sender.mjs';
import { channelError, createEmailChannel } from '../../../server/notify/channels.mjs';
import { openWorld, quiet, type World } from '../router/support/world';
import { startSmtp, type LoopbackSmtp } from '../support/smtp';

let world: World;
let smtp: LoopbackSmtp;
let n = 0;

function record(overrides: Record<string, unknown> = {}) {
  n += 1;
  return {
    _id: `nt:ev-test-${n}:r-1000000${n}:email`,
    docType: 'notification',
    kind: 'dispatched',
    channel: 'email',
    recipient: `r-1000000${n}`,
    to: `resident${n}@example.cn`,
    requestId: 'rq-01JCZ0000000000000000000000',
    params: { technicianName: '王师傅', visitTime: '12月3日 14:30' },
    subject: '维修人员已派出 / A technician is on the way',
    text: '您的诉求已派单，王师傅将于12月3日 14:30上门服务。',
    textEn: 'Your request has been dispatched: 王师傅 will visit at 2025-12-03 14:30 (China time).',
    createdAt: '2025-12-03T01:00:00.000Z',
    notBefore: '2025-12-03T01:00:00.000Z',
    state: 'pending',
    attempts: 0,
    ...overrides,
  };
}

/** An in-process channel: fails the next `failures` sends with `retryable`. */
function scriptedChannel() {
  const sent: { to: string; text: string }[] = [];
  const script = { failures: 0, retryable: true };
  return {
    sent,
    script,
    channel: {
      name: 'sms' as const,
      async send({ to, text }: { to: string; text: string }) {
        if (script.failures > 0) {
          script.failures -= 1;
          throw channelError('provider busy', script.retryable);
        }
        sent.push({ to, text });
        return { providerId: `p-${sent.length}` };
      },
    },
  };
}

beforeAll(async () => {
  world = await openWorld();
  smtp = await startSmtp();
});

beforeEach(async () => {
  await world.deleteAll();
  await world.createDb(NOTIFICATIONS_DB);
});

afterAll(async () => {
  await smtp?.stop();
  await world?.close();
});

const clockAt = (iso: string) => {
  const c = { ms: Date.parse(iso) };
  return { c, now: () => c.ms };
};

describe('the notification sender', () => {
  it('sends an e-mail once over SMTP, Chinese first and English after, and marks it sent; a restarted sender sends nothing again', async () => {
    const db = await world.db(NOTIFICATIONS_DB);
    const doc = record();
    await db.put(doc);
    const couch = world.couch();
    const email = createEmailChannel({ url: smtp.url, from: 'Hearthline <service@heat.example.cn>' });
    const { now } = clockAt('2025-12-03T02:00:00Z');
    const first = createSender({ couch, channels: { email }, now, sweepIntervalMs: 0, ...quiet });
    await first.drain();
    const stored = await db.get(doc._id);
    expect(stored).toMatchObject({ state: 'sent', attempts: 1 });
    expect(stored.providerId).toBeTruthy();
    const mail = smtp.to(doc.to);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe(doc.subject);
    expect(mail[0]!.text).toContain('王师傅将于12月3日 14:30上门服务');
    expect(mail[0]!.text.indexOf('您的诉求')).toBeLessThan(mail[0]!.text.indexOf('Your request'));
    await first.stop();

    const second = createSender({ couch, channels: { email }, now, sweepIntervalMs: 0, ...quiet });
    await second.drain();
    await second.drain();
    expect(smtp.to(doc.to)).toHaveLength(1);
    expect(second.stats.sent).toBe(0);
    await second.stop();
  });

  it('a 5xx answer from the SMTP server (no such mailbox) is failed at once, with the reason for staff', async () => {
    const db = await world.db(NOTIFICATIONS_DB);
    const doc = record({ to: 'nobody@example.cn' });
    smtp.refuse('nobody@example.cn', 550);
    await db.put(doc);
    const email = createEmailChannel({ url: smtp.url, from: 'service@heat.example.cn' });
    const sender = createSender({ couch: world.couch(), channels: { email }, now: clockAt('2025-12-03T02:00:00Z').now, sweepIntervalMs: 0, ...quiet });
    await sender.drain();
    const stored = await db.get(doc._id);
    expect(stored.state).toBe('failed');
    expect(stored.attempts).toBe(1);
    expect(stored.lastError).toMatch(/nobody@example\.cn/);
    await sender.stop();
  });

  it('retries a retryable failure with doubling backoff, and gives up after N attempts', async () => {
    const db = await world.db(NOTIFICATIONS_DB);
    const doc = record({ channel: 'sms', to: '13800000001', _id: 'nt:ev-retry:r-1:sms' });
    await db.put(doc);
    const sms = scriptedChannel();
    sms.script.failures = 2;
    const { c, now } = clockAt('2025-12-03T02:00:00Z');
    const sender = createSender({ couch: world.couch(), channels: { sms: sms.channel }, now, maxAttempts: 3, retryBaseMs: 60_000, sweepIntervalMs: 0, ...quiet });
    await sender.drain();
    let stored = await db.get(doc._id);
    expect(stored).toMatchObject({ state: 'pending', attempts: 1, lastError: 'provider busy' });
    expect(Date.parse(stored.nextTryAt) - c.ms).toBe(60_000);
    // not before its time
    c.ms += 59_000;
    await sender.drain();
    expect((await db.get(doc._id)).attempts).toBe(1);
    c.ms += 1_000;
    await sender.drain();
    stored = await db.get(doc._id);
    expect(stored).toMatchObject({ state: 'pending', attempts: 2 });
    expect(Date.parse(stored.nextTryAt) - c.ms).toBe(120_000);
    c.ms += 120_000;
    await sender.drain();
    expect(await db.get(doc._id)).toMatchObject({ state: 'sent', attempts: 3, providerId: 'p-1' });
    expect(sms.sent).toHaveLength(1);

    // a channel that keeps failing: failed after the third attempt
    const other = record({ channel: 'sms', to: '13800000002', _id: 'nt:ev-giveup:r-2:sms' });
    await db.put(other);
    sms.script.failures = 10;
    for (let i = 0; i < 5; i += 1) {
      await sender.drain();
      c.ms += 3_600_000;
    }
    stored = await db.get(other._id);
    expect(stored.state).toBe('failed');
    expect(stored.attempts).toBe(3);
    expect(stored.lastError).toMatch(/gave up after 3 attempts/);
    expect(sms.sent).toHaveLength(1);
    await sender.stop();
  });

  it('two senders on one database send each record once', async () => {
    const db = await world.db(NOTIFICATIONS_DB);
    const docs = Array.from({ length: 12 }, (_, i) => record({ channel: 'sms', to: `1380000${String(1000 + i)}`, _id: `nt:ev-two-${i}:r-${i}:sms` }));
    await db.bulkDocs(docs);
    const sms = scriptedChannel();
    const couch = world.couch();
    const now = clockAt('2025-12-03T02:00:00Z').now;
    const a = createSender({ couch, channels: { sms: sms.channel }, now, sweepIntervalMs: 0, ...quiet });
    const b = createSender({ couch, channels: { sms: sms.channel }, now, sweepIntervalMs: 0, ...quiet });
    await Promise.all([a.drain(), b.drain()]);
    await Promise.all([a.drain(), b.drain()]);
    expect(sms.sent.map((s) => s.to).sort()).toEqual(docs.map((d) => d.to).sort());
    expect(a.stats.sent + b.stats.sent).toBe(12);
    for (const d of docs) expect((await db.get(d._id)).state).toBe('sent');
    await a.stop();
    await b.stop();
  });

  it('a record left "sending" by a crash is not sent again: it is marked failed as interrupted, for staff to follow up', async () => {
    const db = await world.db(NOTIFICATIONS_DB);
    const doc = record({ channel: 'sms', to: '13800000003', _id: 'nt:ev-crash:r-3:sms', state: 'sending', attempts: 1, claimedAt: '2025-12-03T01:59:00.000Z' });
    await db.put(doc);
    const sms = scriptedChannel();
    const { c, now } = clockAt('2025-12-03T02:00:00Z');
    const sender = createSender({ couch: world.couch(), channels: { sms: sms.channel }, now, claimTimeoutMs: 5 * 60_000, sweepIntervalMs: 0, ...quiet });
    await sender.drain();
    // another process may still be sending it: left alone inside the claim's time
    expect((await db.get(doc._id)).state).toBe('sending');
    c.ms += 5 * 60_000;
    await sender.drain();
    expect(await db.get(doc._id)).toMatchObject({ state: 'failed', attempts: 1 });
    expect((await db.get(doc._id)).lastError).toMatch(/interrupted/);
    expect(sms.sent).toHaveLength(0);
    await sender.stop();
  });
});
