import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { EVENT_TYPES, EventDoc, EventRecord, REQUEST_KINDS } from '../../../src/db/schema/index';
import { MESSAGES } from '../../../src/i18n/messages';
import { FIELD_LABELS, fieldLabel, formatPath } from '../../../src/i18n/fieldLabels';
import { describeEventIssues } from '../../../src/i18n/issues';
import { aSubmitted, anEvent, asCouchDoc } from '../../support/builders/events';

function describe1(candidate: unknown, lang: 'en' | 'zh-CN') {
  const result = v.safeParse(EventRecord, candidate);
  if (result.success) throw new Error('expected a problem');
  return describeEventIssues(result.issues, lang);
}

describe('the message table', () => {
  it('has every message in both languages, each naming the field', () => {
    for (const [id, text] of Object.entries(MESSAGES)) {
      expect(text.en, id).toContain('{field}');
      expect(text['zh-CN'], id).toContain('{field}');
      expect(text.en.trim(), id).toMatch(/[.]$/);
      expect(text['zh-CN'].trim(), id).toMatch(/。$/);
    }
  });

  it('labels every field of every event schema in both languages', () => {
    const keys = new Set<string>();
    const walk = (schema: unknown, seen = new Set<unknown>()): void => {
      if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
      seen.add(schema);
      const s = schema as { entries?: Record<string, unknown>; options?: unknown[]; pipe?: unknown[]; wrapped?: unknown; item?: unknown };
      if (s.entries) for (const [key, value] of Object.entries(s.entries)) (keys.add(key), walk(value, seen));
      s.options?.forEach((o) => walk(o, seen));
      s.pipe?.forEach((p) => walk(p, seen));
      walk(s.wrapped, seen);
      walk(s.item, seen);
    };
    walk(EventRecord);
    walk(EventDoc);
    expect(keys.size).toBeGreaterThan(60);
    const labels = FIELD_LABELS as Record<string, { en: string; 'zh-CN': string }>;
    const missing = [...keys].filter((k) => !labels[k]);
    expect(missing).toEqual([]);
    for (const label of Object.values(labels)) {
      expect(label.en).not.toBe('');
      expect(label['zh-CN']).not.toBe('');
    }
  });
});

describe('describeEventIssues', () => {
  const test = aSubmitted('temperature-test');
  const badArea = { ...test, payload: { ...test.payload, rooms: [{ name: '客厅', areaM2: 0 }] } };

  it('gives the path and a sentence naming the field, in English', () => {
    expect(describe1(badArea, 'en')).toEqual([
      { path: 'payload.rooms[0].areaM2', id: 'number.area', message: 'Area must be more than 0 m² and at most 1000 m².' },
    ]);
  });

  it('and in Chinese', () => {
    expect(describe1(badArea, 'zh-CN')).toEqual([
      { path: 'payload.rooms[0].areaM2', id: 'number.area', message: '面积必须大于 0 ㎡且不超过 1000 ㎡。' },
    ]);
  });

  it('fills in the bound of the check', () => {
    const repair = aSubmitted('repair');
    const long = { ...repair, payload: { ...repair.payload, fault: 'other', details: '字'.repeat(501) } };
    expect(describe1(long, 'en')[0]?.message).toBe('Details must be at most 500 characters.');
    expect(describe1(long, 'zh-CN')[0]?.message).toBe('情况说明不能超过 500 个字符。');
  });

  it('lists the choices of a picklist', () => {
    const e = { ...anEvent('reply'), visibility: 'public' };
    expect(describe1(e, 'en')[0]?.message).toBe('Visibility must be one of "resident", "internal".');
  });

  it('labels a shared name by its parent', () => {
    expect(fieldLabel(['payload', 'contact', 'name'], 'zh-CN')).toBe('联系人');
    expect(fieldLabel(['payload', 'rooms', 3, 'name'], 'zh-CN')).toBe('房间名称');
    expect(fieldLabel(['author', 'name'], 'en')).toBe("author's user name");
    expect(fieldLabel(['payload', 'mystery'], 'en')).toBe('mystery');
    expect(fieldLabel([], 'en')).toBe('the record');
  });

  it('formats paths', () => {
    expect(formatPath(['payload', 'rooms', 0, 'readings', 2])).toBe('payload.rooms[0].readings[2]');
    expect(formatPath([])).toBe('');
  });

  it('falls back to a generic message for an issue that carries no id', () => {
    const result = v.safeParse(v.object({ n: v.number() }), { n: 'x' });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(describeEventIssues(result.issues, 'en')).toEqual([{ path: 'n', id: 'value.invalid', message: 'N is not valid.' }]);
    }
  });
});

describe('every check carries a message id', () => {
  /** All leaf paths of a JSON value. */
  function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
    if (Array.isArray(value)) return [path, ...value.flatMap((item, i) => leaves(item, [...path, i]))];
    if (value && typeof value === 'object') return [path, ...Object.entries(value).flatMap(([k, item]) => leaves(item, [...path, k]))];
    return [path];
  }
  function setAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
    if (path.length === 0) return replacement;
    const [head, ...rest] = path;
    const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
    copy[head!] = setAt(copy[head!], rest, replacement);
    return copy;
  }
  const weird = [null, 12345, -1, 1.5, '', ' ', 'x'.repeat(3000), [], {}, true, '2025-13-45'];
  const samples = [
    ...REQUEST_KINDS.map((k) => aSubmitted(k)),
    ...EVENT_TYPES.filter((t) => t !== 'submitted').map((t) => anEvent(t)),
  ];

  it('no broken event gets the generic message (device and CouchDB shapes)', () => {
    let broken = 0;
    for (const sample of samples) {
      for (const shape of [sample, asCouchDoc(sample)]) {
        const schema = shape === sample ? EventRecord : EventDoc;
        for (const path of leaves(shape)) {
          for (const w of weird) {
            const result = v.safeParse(schema, setAt(shape, path, w));
            if (result.success) continue;
            broken += 1;
            const generic = describeEventIssues(result.issues, 'en').filter((i) => i.id === 'value.invalid');
            expect(generic, `${sample.type} ${formatPath(path)} = ${JSON.stringify(w)?.slice(0, 20)}`).toEqual([]);
          }
        }
      }
    }
    expect(broken).toBeGreaterThan(5000);
    // Over 5,000 parses: about 3 s alone, longer when the unit files share the two cores.
  }, 30_000);
});

describe('a field left empty (issue 21: the words on screen)', () => {
  it('asks to choose a date, a time of day, a choice; asks to fill in a text', async () => {
    const { parseEvent } = await import('../../../src/db/schema/events/event');
    const { aSubmitted, SUBMISSIONS } = await import('../../support/builders/events');
    const e = aSubmitted('appointment-repair');
    const parsed = parseEvent({ ...e, payload: { ...SUBMISSIONS['appointment-repair'], preferredDate: '', slot: undefined } });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const zh = describeEventIssues(parsed.issues, 'zh-CN').map((i) => i.message);
    const en = describeEventIssues(parsed.issues, 'en').map((i) => i.message);
    expect(zh).toContain('请选择上门日期。');
    expect(en).toContain('Choose the date of the visit.');
    const complaint = aSubmitted('complaint');
    const blank = parseEvent({ ...complaint, payload: { ...(complaint.payload as object), about: '' } });
    expect(blank.success).toBe(false);
    if (blank.success) return;
    expect(describeEventIssues(blank.issues, 'zh-CN').map((i) => i.message)).toContain('请填写投诉事项。');
    expect(describeEventIssues(blank.issues, 'en').map((i) => i.message)).toContain('What the complaint is about is required.');
  });
});
