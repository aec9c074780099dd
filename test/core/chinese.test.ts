import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { ChineseReader, isChinese } from '../../src/core/chinese.js';
import { conversation, sharedBot } from '../support/article.js';

const { engine, knowledge } = await sharedBot();
const zh = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'data', 'zh.json'), 'utf8')) as {
  gloss: Record<string, string>;
  choosing: string[];
};
const names = new Set(
  [...knowledge.people, ...knowledge.organizations, ...knowledge.places].flatMap((e) =>
    [e.name, ...e.aliases].map((n) => n.toLowerCase().replace(/^the /, '')),
  ),
);
const reader = new ChineseReader(zh.gloss, names, zh.choosing);

describe('reading Chinese', () => {
  it('reads a question with any Han character as Chinese', () => {
    expect(isChinese('linkedin 中国会员数')).toBe(true);
    expect(isChinese('How many members does LinkedIn have?')).toBe(false);
  });

  it.each([
    ['天际网成立于哪一年', 'which year tianji founded in'],
    ['那天际网呢？', 'and tianji?'],
    ['领英中国总裁是谁', 'who is derek shen'],
    ['他什么时候加入领英的', 'when he joined linkedin'],
  ])('glosses %s as "%s"', (question, gloss) => {
    expect(reader.gloss(question)).toBe(gloss);
  });

  it('cuts into the fewest unknown pieces, the article names whole where the segmenter splits them', () => {
    expect(reader.segment('Analysys International在哪个城市')).toEqual(['analysys', 'international', '在', '哪个城市']);
    expect(reader.segment('领英的中国用户')).toEqual(['领英', '的', '中国用户']);
    // A word the vocabulary lacks is kept, cut by Intl.Segmenter.
    expect(reader.segment('领英的股票代码')).toContain('领英');
  });

  it('reads "A和B哪个…" as a choice between the two, and "哪天" as asking a day', () => {
    expect(reader.gloss('天际网和领英哪个用户多')).toBe('which tianji or linkedin users more');
    expect(reader.gloss('领英和微信绑定账号的功能哪天上线')).toMatch(/^which day linkedin and wechat /);
  });

  it('reads a short question that names nothing as asking of "it", as Chinese leaves it out', () => {
    expect(reader.gloss('具体是哪几所大学？')).toBe('which universities details is it?');
    expect(reader.gloss('为什么？')).toBe('why it?');
    expect(reader.gloss('她在哪家公司？')).toBe('which company she in?');
  });

  it('writes figures as the article does', () => {
    expect(reader.gloss('3亿')).toBe('300 million');
    expect(reader.gloss('三亿')).toBe('300 million');
    expect(reader.gloss('1.4亿')).toBe('140 million');
    expect(reader.gloss('五十万')).toBe('500000');
    expect(reader.gloss('百分之八十')).toBe('80 percent');
    expect(reader.gloss('2005年')).toBe('2005');
    expect(reader.gloss('2月')).toBe('february');
  });
});

describe('answers in the language of the question', () => {
  it.each([
    ['领英的中国用户有多少', '领英报告称，到5月底，其中国用户已超过500万（第7段）。'],
    ['微信用户有多少', '微信在中国拥有超过5亿用户（第4段）。'],
    ['天际网成立于哪一年', '天际网成立于2005年（第13段）。'],
    ['linkedin 中国会员数', '领英报告称，到5月底，其中国用户已超过500万（第7段）。'],
  ])('%s', (question, text) => {
    const { reply } = engine.respond(question);
    expect(reply).toMatchObject({ lang: 'zh', fallback: false, text });
    expect(reply.suggestions.every((s) => isChinese(s))).toBe(true);
  });

  it('answers English exactly in English', () => {
    const { reply } = engine.respond('How many users does WeChat have?');
    expect(reply.lang).toBe('en');
    expect(reply.text).toBe('WeChat has more than 500 million users in China (paragraph 4).');
  });

  it("keeps a quote in the article's exact words, followed by a rendering labelled as a translation", () => {
    const { reply } = engine.respond('He Miao说了什么？');
    expect(reply.lang).toBe('zh');
    const quote = reply.quotes[0]!;
    expect(reply.text).toContain(`"${quote.text}"`);
    expect(reply.text).toMatch(/\n【中文译文，仅供参考，以上英文为原文】\S+/);
  });

  it('follows up with 他, 它 and "那…呢"', () => {
    const [, joined] = conversation(engine, ['领英中国总裁是谁', '他什么时候加入领英的']);
    expect(joined!.text).toContain('Derek Shen于1月加入');
    const [, tianji, founded] = conversation(engine, ['微信用户有多少', '那天际网呢？', '它是哪一年成立的？']);
    expect(tianji!.text).toContain('天际网拥有超过1800万用户');
    expect(founded!.text).toBe('天际网成立于2005年（第13段）。');
  });

  it('says in Chinese what the article does not say, and suggests Chinese questions', () => {
    const { reply } = engine.respond('领英中文网站是2月几号上线的？');
    expect(reply).toMatchObject({ lang: 'zh', fallback: true, intent: null });
    expect(reply.text).toMatch(/^文章没有说是哪一天。\n文章说的是：领英的中文网站于2月底上线（第8段）。/);
    expect(reply.text).toContain('你可以问：“');
    expect(engine.respond('领英在印度有多少用户？').reply.text).toMatch(/^抱歉，文章没有提到这一点（关于领英）/);
    const weather = engine.respond('今天北京天气怎么样').reply;
    expect(weather).toMatchObject({ lang: 'zh', fallback: true });
    expect(weather.text).toMatch(/^抱歉，文章没有提到这一点/);
  });

  it('greets and asks for a shorter question in Chinese', () => {
    expect(engine.respond('你好').reply).toMatchObject({ lang: 'zh', intent: 'smalltalk.greeting' });
    expect(engine.welcome('zh').text).toMatch(/^你好！/);
    expect(engine.notice('很长的问题', 'tooLong', { max: '2000' }).text).toBe(
      '抱歉，这个问题太长了（超过2000个字符）；请用更短的话问。',
    );
  });
});

describe('names typed with a sound-alike, as pinyin input mistypes them', () => {
  it.each([
    ['领音有多少会员', '领英在全球拥有超过3亿会员（第2段）。'],
    ['微心用户有多少', '微信在中国拥有超过5亿用户（第4段）。'],
    ['天记网哪年成立的', '天际网成立于2005年（第13段）。'],
  ])('%s', (question, text) => {
    expect(engine.respond(question).reply).toMatchObject({ lang: 'zh', fallback: false, text });
  });

  it('never reads words spelled right as a sound-alike of a longer term', () => {
    // 涨多少 (zhang duo shao) is near 占多少 (zhan duo shao) in sound, but 涨 and 多少 are words of their own.
    expect(engine.respond('天际网每个月大概涨多少用户？').reply.text).toContain('平均每月激增50万');
  });

  it('does not read a word the vocabulary spells as a sound-alike of another', () => {
    // 公式 (gong shi) is near 公司 (gong si) in sound, but not a name and shorter than three characters.
    expect(reader.gloss('公式')).toBe('公式');
  });
});
