import { describe, expect, it } from 'vitest';
import { FORBIDDEN_PHRASES, REPLY_TEMPLATES, forbiddenPhrasesIn } from '../../../src/rules/index';

// 002 ch.1 §17: 禁止使用服务忌语.
describe('forbiddenPhrasesIn', () => {
  it('finds nothing in a reply built from the standard phrases', () => {
    for (const t of REPLY_TEMPLATES) expect(forbiddenPhrasesIn(t.text), t.id).toEqual([]);
  });

  it('finds each forbidden phrase of the norms, however punctuated', () => {
    for (const phrase of FORBIDDEN_PHRASES) expect(forbiddenPhrasesIn(`您好。${phrase}！`)).toEqual([phrase]);
    expect(forbiddenPhrasesIn('你问我我问谁')).toEqual(['你问我，我问谁']);
    expect(forbiddenPhrasesIn('这是规定, 就不行。')).toEqual(['这是规定，就不行']);
    expect(forbiddenPhrasesIn('不是刚才和你说过了吗？怎么还问')).toEqual(['不是刚才和你说过了吗，怎么还问']);
  });

  it('lists several in the order of the list, each once', () => {
    expect(forbiddenPhrasesIn('我就这态度，不满意到别处问。我就这态度。')).toEqual(['我就这态度', '不满意到别处问']);
  });

  it('does not flag a polite apology that shares words', () => {
    expect(forbiddenPhrasesIn('对不起，我这里听不清您的讲话，方便时请您重新拨打过来，再见！')).toEqual([]);
  });

  it('takes another list', () => {
    expect(forbiddenPhrasesIn('No way.', ['no way'])).toEqual(['no way']);
  });
});
