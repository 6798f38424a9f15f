import { describe, expect, it } from 'vitest';
import { dictionary } from '../../../src/i18n';
import { REQUEST_KINDS } from '../../../src/db/schema/requestKind';

/**
 * Words of a vocabulary shown on their own (a kind as a card's heading or a choice, a role
 * beside a name, a message's kind and state in the deliveries list) are labels: in English they
 * begin with a capital, written so in the dictionary (never capitalised in code); the same word
 * inside a sentence stays lower case (requestKinds: "your repair was…").
 */
const en = dictionary('en');
const zh = dictionary('zh-CN');
const label = /^[A-Z]/;

describe('labels of vocabulary values', () => {
  it('every request kind has a label in both languages; the English one capitalised, the sentence word not', () => {
    for (const k of REQUEST_KINDS) {
      expect(en.requestKindLabels[k], k).toMatch(label);
      expect(en.requestKindLabels[k].toLowerCase(), k).toBe(en.requestKinds[k]);
      expect(zh.requestKindLabels[k], k).toBe(zh.requestKinds[k]);
    }
    expect(en.requestKindLabels.repair).toBe('Repair');
  });

  it('the staff console’s roles, submission channels and message kinds and states are labels', () => {
    const sc = en.staffConsole;
    for (const [key, word] of [
      ...Object.entries(sc.roles),
      ...Object.entries(sc.submissionChannels),
      ...Object.entries(sc.deliveries.kinds),
      ...Object.entries(sc.deliveries.states),
      ['internal', sc.internal],
    ]) {
      expect(word, key).toMatch(label);
    }
  });
});
