import { describe, expect, it } from 'vitest';
import { appStrings } from '../../../src/i18n';
import type { DescribedIssue } from '../../../src/i18n/issues';
import { createWrite, refusalIssues, type Refusal } from '../../../src/islands/writeForm';

/** The write life cycle every island shares (src/islands/writeForm.ts), without a DOM: no summary, no focus. */
const t = appStrings('en');
const refused = (issues: DescribedIssue[], rule = 'resident-station', reason = 'the server’s own words'): Refusal => ({ ok: false, rule, reason, issues });
const atField: DescribedIssue = { path: 'payload.address', id: 'value.required', message: 'Address is required.' };

describe('refusalIssues: what a refused write shows', () => {
  it('the issues at their fields when the write check names fields', () => {
    expect(refusalIssues(t, refused([atField]))).toEqual([atField]);
  });
  it('else the whole refusal, in the user’s words for a known rule and the server’s words otherwise', () => {
    expect(refusalIssues(t, refused([]))).toEqual([{ path: '', id: 'value.invalid', message: (t.refusalRules as Record<string, string>)['resident-station'] }]);
    expect(refusalIssues(t, refused([], 'no-such-rule', 'the server’s own words'))[0]!.message).toBe('the server’s own words');
    expect(refusalIssues(appStrings('zh-CN'), refused([]))[0]!.message).toBe((appStrings('zh-CN').refusalRules as Record<string, string>)['resident-station']);
  });
});

describe('createWrite: busy, issues at fields, the saved notice, what was typed kept', () => {
  it('a saved write: busy while it runs, then no issues and its notice', async () => {
    const w = createWrite({ t });
    let busyDuring = false;
    const ok = await w.record(async () => {
      busyDuring = w.busy();
      return { ok: true as const, id: 'ev-1' };
    }, (saved) => `saved as ${saved.id}`);
    expect([ok, busyDuring, w.busy(), w.issues(), w.saved()]).toEqual([true, true, false, [], 'saved as ev-1']);
  });

  it('a refused write: false, its issues at their fields, the saved notice gone', async () => {
    const w = createWrite({ t });
    w.succeed('saved before');
    const ok = await w.record(async () => refused([atField, { path: 'payload.rooms[0].areaM2', id: 'value.number', message: 'Too small.' }]), 'saved');
    expect(ok).toBe(false);
    expect(w.saved()).toBeNull();
    expect(w.busy()).toBe(false);
    expect(w.issueOf('payload.address')).toBe('Address is required.');
    expect(w.issueOf('payload.contact')).toBeUndefined();
    expect(w.hasIssueUnder('payload.rooms')).toBe(true);
    expect(w.hasIssueUnder('payload.room')).toBe(false);
  });

  it('a second submit while one runs is ignored (no double record)', async () => {
    const w = createWrite({ t });
    let release!: () => void;
    let calls = 0;
    const slow = () => {
      calls += 1;
      return new Promise<{ ok: true }>((resolve) => (release = () => resolve({ ok: true })));
    };
    const first = w.record(slow, 'saved');
    const second = await w.record(slow, 'saved');
    release();
    expect([await first, second, calls]).toEqual([true, false, 1]);
  });

  it('busy ends when the write throws, and the error reaches the form', async () => {
    const w = createWrite({ t });
    await expect(w.whileBusy(async () => Promise.reject(new Error('network')))).rejects.toThrow('network');
    expect(w.busy()).toBe(false);
  });

  it('show answers a field without touching the notice; succeed can leave an issue beside the saved notice; clear empties both', () => {
    const w = createWrite({});
    w.succeed('Sent as number 123456.', [{ path: 'payload.photos', message: 'At most 3 photos.' }]);
    expect([w.saved(), w.issueOf('payload.photos')]).toEqual(['Sent as number 123456.', 'At most 3 photos.']);
    w.show([]);
    expect([w.saved(), w.issues()]).toEqual(['Sent as number 123456.', []]);
    w.show([{ path: 'login', message: 'Enter your account number.' }]);
    expect(w.refuse([{ path: '', message: 'Wrong password.' }])).toBe(false);
    expect([w.saved(), w.issueOf(''), w.issueOf('login')]).toEqual([null, 'Wrong password.', undefined]);
    w.clear();
    expect([w.saved(), w.issues()]).toEqual([null, []]);
  });
});
