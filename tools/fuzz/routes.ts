/**
 * The cases thrown at each public route, one fast-check arbitrary per route: structurally valid payloads with
 * fuzzed field values, signed right most of the time (and forged, stale or missing otherwise), damaged and
 * junk bodies, wrong content types and encodings, other methods and paths; and the cases the fuzzer found
 * breaking an invariant, kept for replay.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { isHttpUrl } from '../../src/channels/bot-framework/activity.js';
import {
  fieldValue,
  headerValue,
  hostileString,
  hugeString,
  Members,
  oneof,
  PROTO_WORDS,
  question,
  RawJson,
  wrongValue,
} from './arbitraries.js';
import {
  authOf,
  type Draft,
  type FuzzCase,
  finish,
  forgedHeader,
  hex,
  payload,
  ROUTE_PATHS,
  type RouteName,
  type RouteSpec,
  routeArbitrary,
  SECRETS,
  smallId,
  step,
  usually,
} from './cases.js';
import { wechatSign, wechatSpec } from './wechat-cases.js';

export * from './cases.js';

function webhookSpec(): RouteSpec {
  const sign = (d: Draft) => `sha256=${createHmac('sha256', SECRETS.webhookSecret).update(d.body).digest('hex')}`;
  const id = oneof(
    { weight: 4, arbitrary: fc.nat({ max: 200 }).map((n) => `fuzz-${n}`) },
    { weight: 2, arbitrary: fc.constantFrom(...PROTO_WORDS) },
    { weight: 2, arbitrary: hostileString() },
    { weight: 1, arbitrary: fc.constantFrom('c'.repeat(128), 'c'.repeat(129), '', ' ') },
    { weight: 2, arbitrary: wrongValue() },
  );
  return {
    route: 'webhook',
    method: 'POST',
    contentTypes: ['application/json', 'application/json; charset=utf-8'],
    payload: payload(
      'valid',
      fc
        .record({
          text: oneof(
            { weight: 5, arbitrary: question() },
            { weight: 4, arbitrary: fieldValue() },
            { weight: 1, arbitrary: fc.constant(undefined) },
          ),
          conversationId: oneof(fc.constant(undefined), id),
          userId: oneof(fc.constant(undefined), id),
        })
        .map(({ text, conversationId, userId }) => [
          ['text', text],
          ['conversationId', conversationId],
          ['userId', userId],
        ]),
    ),
    auth: authOf(
      step('signed', (d) => (d.headers['x-signature-256'] = sign(d))),
      oneof(
        forgedHeader('x-signature-256', sign),
        fc.constant(
          step(
            'forged:other-secret',
            (d) =>
              (d.headers['x-signature-256'] =
                `sha256=${createHmac('sha256', 'not-the-secret').update(d.body).digest('hex')}`),
          ),
        ),
        fc.constant(step('forged:hex-only', (d) => (d.headers['x-signature-256'] = sign(d).slice('sha256='.length)))),
        fc.constant(
          step('forged:sha1-prefix', (d) => (d.headers['x-signature-256'] = `sha1=${sign(d).slice('sha256='.length)}`)),
        ),
      ),
    ),
  };
}

function telegramSpec(): RouteSpec {
  const name = 'x-telegram-bot-api-secret-token';
  const chat = oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        id: fc.integer({ min: -1e12, max: 1e12 }),
        type: fc.constantFrom('private', 'group', 'supergroup', 'channel'),
      }),
    },
    { weight: 1, arbitrary: fc.record({ id: wrongValue(), type: oneof(hostileString(), wrongValue()) }) },
    { weight: 1, arbitrary: wrongValue() },
  );
  const text = oneof(
    { weight: 5, arbitrary: question() },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '/start',
        '/help',
        '/help@ArticleBot',
        '/help@ArticleBot Who is Derek Shen?',
        '/start@x extra',
        '/',
        '/ ',
        '/_',
      ),
    },
    { weight: 4, arbitrary: fieldValue() },
  );
  const message = fc
    .record({
      message_id: usually(fc.nat()),
      date: usually(fc.nat()),
      chat: chat,
      from: usually(fc.record({ id: fc.nat(), is_bot: fc.boolean(), first_name: hostileString() })),
      text,
      is_topic_message: oneof(fc.constant(undefined), fc.boolean(), wrongValue()),
      message_thread_id: oneof(fc.constant(undefined), fc.nat(), wrongValue()),
      entities: oneof(
        fc.constant(undefined),
        wrongValue(),
        fc.constant([{ type: 'bot_command', offset: 0, length: 5 }]),
      ),
    })
    .map((m) => new Members(Object.entries(m)));
  const updateId = oneof(
    { weight: 8, arbitrary: fc.nat({ max: 2 ** 31 }) },
    { weight: 1, arbitrary: fc.constantFrom(-1, 2 ** 53, 1.5) },
    { weight: 2, arbitrary: wrongValue() },
  );
  const other = fc.constantFrom(
    'edited_message',
    'channel_post',
    'callback_query',
    'my_chat_member',
    'inline_query',
    '__proto__',
    'message',
  );
  return {
    route: 'telegram',
    method: 'POST',
    contentTypes: ['application/json'],
    payload: oneof(
      {
        weight: 4,
        arbitrary: payload(
          'valid',
          fc.tuple(updateId, message).map(([u, m]) => [
            ['update_id', u],
            ['message', m],
          ]),
        ),
      },
      {
        weight: 1,
        arbitrary: payload(
          'other-update',
          fc.tuple(updateId, other, oneof(message, wrongValue())).map(([u, k, m]) => [
            ['update_id', u],
            [k, m],
          ]),
        ),
      },
      {
        weight: 1,
        arbitrary: payload(
          'message-wrong-type',
          fc.tuple(updateId, wrongValue()).map(([u, m]) => [
            ['update_id', u],
            ['message', m],
          ]),
        ),
      },
    ),
    auth: authOf(
      step('secret', (d) => (d.headers[name] = SECRETS.telegramSecretToken)),
      oneof(
        forgedHeader(name, () => SECRETS.telegramSecretToken),
        fc.constant(step('forged:prefix', (d) => (d.headers[name] = SECRETS.telegramSecretToken.slice(0, 8)))),
        fc.constant(
          step('forged:in-wrong-header', (d) => (d.headers['x-telegram-bot-api-secret'] = SECRETS.telegramSecretToken)),
        ),
      ),
    ),
  };
}

function slackSpec(): RouteSpec {
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (ts: string, body: Buffer) => {
    const hmac = createHmac('sha256', SECRETS.slackSigningSecret);
    hmac.update(`v0:${ts}:`);
    hmac.update(body);
    return `v0=${hmac.digest('hex')}`;
  };
  const signAt = (kind: string, ts: () => string) =>
    step(kind, (d) => {
      const t = ts();
      d.headers['x-slack-request-timestamp'] = t;
      d.headers['x-slack-signature'] = sign(t, d.body);
    });
  const text = oneof(
    { weight: 4, arbitrary: question() },
    { weight: 2, arbitrary: question().map((q) => `<@U0BOT> ${q}`) },
    { weight: 4, arbitrary: fieldValue() },
  );
  const event = fc
    .record({
      type: oneof(
        { weight: 6, arbitrary: fc.constantFrom('message', 'app_mention') },
        { weight: 1, arbitrary: oneof(hostileString(), wrongValue()) },
      ),
      channel_type: usually(fc.constantFrom('im', 'channel', 'group', 'mpim')),
      user: usually(fc.constantFrom('U1', 'U2', 'W3')),
      channel: usually(oneof(fc.constantFrom('D1', 'C1', 'G1'), smallId())),
      ts: usually(fc.nat({ max: 1e9 }).map((n) => `${n}.000100`)),
      thread_ts: oneof(
        { weight: 4, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.nat().map((n) => `${n}.000200`) },
        { weight: 1, arbitrary: wrongValue() },
      ),
      text,
      bot_id: oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom<unknown>('B1', null, '', 0) },
      ),
      subtype: oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        {
          weight: 2,
          arbitrary: fc.constantFrom<unknown>('message_changed', 'file_share', 'thread_broadcast', 'bot_message', null),
        },
        { weight: 1, arbitrary: wrongValue() },
      ),
    })
    .map((e) => new Members(Object.entries(e)));
  const eventCallback = fc
    .record({
      token: fc.constant('verification-token'),
      team_id: usually(fc.constantFrom('T1', 'T2')),
      api_app_id: fc.constant('A1'),
      event: oneof({ weight: 6, arbitrary: event }, { weight: 1, arbitrary: wrongValue() }),
      type: fc.constant('event_callback'),
      event_id: usually(hex(10).map((h) => `Ev${h}`)),
      event_time: fc.nat(),
    })
    .map((r) => Object.entries(r) as [string, unknown][]);
  const urlVerification = fc
    .record({
      token: fc.constant('t'),
      challenge: oneof({ weight: 3, arbitrary: hostileString() }, { weight: 1, arbitrary: wrongValue() }),
      type: fc.constant('url_verification'),
    })
    .map((r) => Object.entries(r) as [string, unknown][]);
  const otherType = fc
    .record({
      type: oneof(fc.constantFrom('app_rate_limited', 'block_actions', ''), hostileString(), wrongValue()),
      team_id: fc.constant('T1'),
      minute_rate_limited: fc.nat(),
    })
    .map((r) => Object.entries(r) as [string, unknown][]);
  const stale = oneof(fc.integer({ min: 301, max: 100_000 }), fc.integer({ min: -100_000, max: -301 }));
  return {
    route: 'slack',
    method: 'POST',
    contentTypes: ['application/json'],
    payload: oneof(
      { weight: 5, arbitrary: payload('valid', eventCallback) },
      { weight: 2, arbitrary: payload('url-verification', urlVerification) },
      { weight: 1, arbitrary: payload('other-type', otherType) },
    ),
    auth: oneof(
      { weight: 7, arbitrary: fc.constant(signAt('signed', () => String(now()))) },
      { weight: 1, arbitrary: stale.map((off) => signAt('forged:stale', () => String(now() - off))) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(
            '',
            'abc',
            '1.5',
            '-1',
            ' 1',
            '1e9',
            '0x10',
            '9999999999999',
            '\u00b9\u00b2\u00b3',
            '00000000000001700000000',
          )
          .map((t) => signAt('forged:bad-timestamp', () => t)),
      },
      {
        weight: 2,
        arbitrary: oneof(
          forgedHeader('x-slack-signature', (d) => sign(String(now()), d.body)).map((s) =>
            step(s.kind, (d) => {
              d.headers['x-slack-request-timestamp'] = String(now());
              s.apply(d);
            }),
          ),
          fc.constant(
            step('forged:no-timestamp', (d) => (d.headers['x-slack-signature'] = sign(String(now()), d.body))),
          ),
          fc.constant(
            step('forged:v1', (d) => {
              d.headers['x-slack-request-timestamp'] = String(now());
              d.headers['x-slack-signature'] = sign(String(now()), d.body).replace('v0=', 'v1=');
            }),
          ),
          fc.constant(
            step('forged:other-timestamp', (d) => {
              d.headers['x-slack-request-timestamp'] = String(now());
              d.headers['x-slack-signature'] = sign(String(now() - 1), d.body);
            }),
          ),
        ),
      },
    ),
  };
}

function lineSpec(): RouteSpec {
  const sign = (d: Draft) => createHmac('sha256', SECRETS.lineChannelSecret).update(d.body).digest('base64');
  const source = oneof(
    {
      weight: 4,
      arbitrary: fc.record({ type: fc.constant('user'), userId: usually(fc.nat({ max: 50 }).map((n) => `U${n}`)) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('group'),
        groupId: usually(fc.constant('G1')),
        userId: fc.constant('U1'),
      }),
    },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('room'), roomId: usually(fc.constant('R1')) }) },
    { weight: 1, arbitrary: fc.record({ type: oneof(hostileString(), wrongValue()), userId: fc.constant('U1') }) },
    { weight: 1, arbitrary: fieldValue() },
  );
  const message = oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        type: fc.constant('text'),
        id: fc.nat().map(String),
        text: oneof(question(), fieldValue()),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ type: fc.constantFrom('image', 'sticker', 'location'), id: fc.nat().map(String) }),
    },
    { weight: 1, arbitrary: fieldValue() },
  );
  const event = fc
    .record({
      type: oneof(
        { weight: 6, arbitrary: fc.constantFrom('message', 'follow', 'join') },
        { weight: 1, arbitrary: fc.constantFrom('unfollow', 'postback', 'beacon', 'leave') },
        { weight: 1, arbitrary: fieldValue() },
      ),
      mode: oneof(
        { weight: 6, arbitrary: fc.constant('active') },
        { weight: 1, arbitrary: fc.constantFrom<unknown>('standby', undefined) },
        { weight: 1, arbitrary: fieldValue() },
      ),
      timestamp: fc.nat(),
      source,
      webhookEventId: usually(hex(26).map((h) => h.toUpperCase())),
      deliveryContext: usually(fc.record({ isRedelivery: fc.boolean() })),
      replyToken: usually(hex(32)),
      message,
    })
    .map((e) => new Members(Object.entries(e)));
  const events = oneof(
    { weight: 6, arbitrary: fc.array(event, { minLength: 1, maxLength: 4 }) },
    { weight: 1, arbitrary: fc.constant([]) },
    // Many events none of which is answered: dropped as they are parsed.
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 100, max: 20_000 })
        .map((n) => RawJson.of(`[${Array.from({ length: n }, () => '{"type":"unfollow"}').join(',')}]`)),
    },
    { weight: 1, arbitrary: oneof(wrongValue(), fc.constant([null]), fc.constant([1, 2]), fc.constant([[]])) },
  );
  return {
    route: 'line',
    method: 'POST',
    contentTypes: ['application/json', 'application/json; charset=utf-8'],
    payload: payload(
      'valid',
      fc.record({ destination: usually(fc.constant('Ufuzzbot')), events }).map(({ destination, events: e }) => [
        ['destination', destination],
        ['events', e],
      ]),
    ),
    auth: authOf(
      step('signed', (d) => (d.headers['x-line-signature'] = sign(d))),
      oneof(
        forgedHeader('x-line-signature', sign),
        fc.constant(
          step(
            'forged:base64url',
            (d) => (d.headers['x-line-signature'] = sign(d).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')),
          ),
        ),
        fc.constant(
          step(
            'forged:hex',
            (d) =>
              (d.headers['x-line-signature'] = createHmac('sha256', SECRETS.lineChannelSecret)
                .update(d.body)
                .digest('hex')),
          ),
        ),
      ),
    ),
  };
}

/** Bot Framework activities; `serviceUrl` is the fake connector, junk that is not an http(s) URL, or absent. */
function messagesSpec(connectorUrl: string): RouteSpec {
  const junkUrl = fc
    .oneof(
      fc.constantFrom(
        'not a url',
        'ftp://127.0.0.1/',
        'javascript:alert(1)',
        'file:///etc/passwd',
        '//127.0.0.1',
        'http//x',
        '',
        ' ',
        'mailto:a@b',
      ),
      hostileString(),
    )
    .filter((s) => !isHttpUrl(s));
  const serviceUrl = oneof(
    { weight: 24, arbitrary: fc.constant(connectorUrl) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        `${connectorUrl}/`,
        `${connectorUrl}/some/base`,
        `${connectorUrl}?q=1`,
        connectorUrl.replace('http:', 'HTTP:'),
      ),
    },
    { weight: 2, arbitrary: junkUrl },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: wrongValue().filter((v) => !(typeof v === 'string' && isHttpUrl(v))) },
  );
  const account = (id: string) =>
    oneof(
      {
        weight: 18,
        arbitrary: fc.record({ id: fc.constant(id), name: oneof(fc.constant(undefined), hostileString()) }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          id: oneof(hostileString(), wrongValue()),
          role: fc.constantFrom('user', 'bot', 'skill'),
        }),
      },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: wrongValue() },
    );
  const activity = fc
    .record({
      type: oneof(
        { weight: 16, arbitrary: fc.constant('message') },
        { weight: 5, arbitrary: fc.constant('conversationUpdate') },
        {
          weight: 3,
          arbitrary: fc.constantFrom(
            'typing',
            'event',
            'invoke',
            'messageReaction',
            'endOfConversation',
            'installationUpdate',
            'contactRelationUpdate',
            'deleteUserData',
            'handoff',
            'trace',
            'suggestion',
            'command',
            'commandResult',
            'messageUpdate',
            'messageDelete',
            'Message',
            'MESSAGE',
          ),
        },
        { weight: 1, arbitrary: hostileString() },
        { weight: 1, arbitrary: wrongValue() },
      ),
      id: usually(fc.nat().map((n) => `act-${n}`)),
      timestamp: oneof(
        fc.constant(undefined),
        fc.constant(new Date(0).toISOString()),
        fc.constantFrom('not a date', '2024-13-45T99:99:99Z', '', '0', '+275760-09-13T00:00:00.001Z'),
        wrongValue(),
      ),
      localTimestamp: oneof(
        { weight: 4, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom('2024-05-10T12:00:00+08:00', 'garbage') },
        { weight: 1, arbitrary: wrongValue() },
      ),
      channelId: oneof(
        { weight: 18, arbitrary: fc.constantFrom('emulator', 'msteams', 'webchat', 'directline', 'slack', 'telegram') },
        { weight: 1, arbitrary: hostileString() },
        { weight: 1, arbitrary: wrongValue() },
      ),
      serviceUrl,
      from: account('user-1'),
      recipient: account('bot-1'),
      conversation: oneof(
        {
          weight: 18,
          arbitrary: fc.record({
            id: smallId(),
            isGroup: oneof(fc.constant(undefined), fc.boolean()),
            tenantId: oneof(fc.constant(undefined), hostileString()),
          }),
        },
        { weight: 1, arbitrary: fc.record({ id: oneof(wrongValue(), hugeString()) }) },
        { weight: 1, arbitrary: wrongValue() },
      ),
      text: oneof(
        { weight: 5, arbitrary: question() },
        { weight: 4, arbitrary: fieldValue() },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      textFormat: oneof(
        { weight: 4, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom('plain', 'markdown', 'xml') },
        { weight: 1, arbitrary: wrongValue() },
      ),
      locale: oneof(
        { weight: 4, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: oneof(fc.constantFrom('en-US', 'zh-CN'), hostileString()) },
      ),
      deliveryMode: oneof(
        { weight: 6, arbitrary: fc.constant('expectReplies') },
        { weight: 3, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom('normal', 'notification', 'stream', 'ephemeral', 'ExpectReplies') },
        { weight: 1, arbitrary: oneof(hostileString(), wrongValue()) },
      ),
      membersAdded: oneof(
        { weight: 5, arbitrary: fc.constant(undefined) },
        {
          weight: 2,
          arbitrary: fc.array(
            oneof(fc.constant({ id: 'user-1' }), fc.constant({ id: 'bot-1' }), fc.record({ id: hostileString() })),
            {
              maxLength: 3,
            },
          ),
        },
        { weight: 1, arbitrary: oneof(wrongValue(), fc.constant([null]), fc.constant([{ id: 5 }])) },
      ),
      membersRemoved: oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: oneof(wrongValue(), fc.constant([{ id: 'user-1' }])) },
      ),
      entities: oneof(
        { weight: 5, arbitrary: fc.constant(undefined) },
        {
          weight: 2,
          arbitrary: fc.array(
            fc.record({
              type: fc.constantFrom('mention', 'clientInfo', '__proto__'),
              text: oneof(fc.constant('<at>bot</at>'), hostileString(), wrongValue()),
              mentioned: oneof(fc.constant({ id: 'bot-1' }), wrongValue()),
            }),
            { maxLength: 3 },
          ),
        },
        { weight: 1, arbitrary: oneof(wrongValue(), fc.constant([null]), fc.constant([1])) },
      ),
      attachments: oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: wrongValue() }),
      channelData: oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: wrongValue() }),
      value: oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: wrongValue() }),
      name: oneof(
        { weight: 5, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: oneof(hostileString(), wrongValue()) },
      ),
      replyToId: oneof(
        { weight: 5, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: oneof(hostileString(), wrongValue()) },
      ),
      relatesTo: oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: wrongValue() }),
    })
    .map((a) => Object.entries(a) as [string, unknown][]);
  // Tokens that are refused without a network call: not JWTs, or JWTs from an issuer Bot Framework never trusts.
  const jwt = (claims: object) =>
    `${[{ alg: 'none', typ: 'JWT' }, claims].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.')}.`;
  const forged = oneof(
    headerValue().map((v) => step('forged:authorization', (d) => (d.headers.authorization = v))),
    fc
      .constantFrom(
        'Bearer',
        'Bearer ',
        'Bearer x',
        'Bearer a b',
        'Basic dXNlcjpwYXNz',
        'bearer abc',
        `Bearer ${jwt({ iss: 'https://issuer.invalid', aud: 'x' })}`,
        `Bearer ${jwt({})}`,
        'Bearer e30.e30.',
      )
      .map((v) => step('forged:authorization', (d) => (d.headers.authorization = v))),
  );
  return {
    route: 'messages',
    method: 'POST',
    contentTypes: ['application/json', 'application/json; charset=utf-8'],
    payload: payload('valid', activity),
    // With an empty app id the route is open to the Emulator: no Authorization header is the valid case.
    auth: oneof({ weight: 9, arbitrary: fc.constant(step('', () => {})) }, { weight: 1, arbitrary: forged }),
  };
}

/** One arbitrary per route; `connectorUrl` is where Bot Framework replies go (the fake connector). */
export function routeArbitraries(connectorUrl: string): Record<RouteName, fc.Arbitrary<FuzzCase>> {
  return {
    webhook: routeArbitrary(webhookSpec()),
    messages: routeArbitrary(messagesSpec(connectorUrl)),
    telegram: routeArbitrary(telegramSpec()),
    slack: routeArbitrary(slackSpec()),
    wechat: routeArbitrary(wechatSpec()),
    line: routeArbitrary(lineSpec()),
  };
}

/**
 * Cases the fuzzer found breaking an invariant, reduced by shrinking: the vitest sample replays them first
 * on every run, so a fix is confirmed and a regression caught whatever the random cases are.
 */
export function knownCases(connectorUrl: string): Record<RouteName, FuzzCase[]> {
  const json = (route: RouteName, kind: string, body: unknown, headers: Record<string, string> = {}): FuzzCase =>
    finish(route, {
      kind: [`known:${kind}`],
      method: 'POST',
      path: ROUTE_PATHS[route],
      query: [],
      headers: { 'content-type': 'application/json', ...headers },
      body: Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body), 'utf8'),
      chunked: false,
    });
  const activity = {
    type: 'message',
    channelId: 'emulator',
    serviceUrl: connectorUrl,
    from: { id: 'user-1' },
    recipient: { id: 'bot-1' },
    conversation: { id: 'c-1' },
    text: 'How many members does LinkedIn have?',
  };
  const slackBody = Buffer.from('{"type":{"toString":1}}');
  const now = String(Math.floor(Date.now() / 1000));
  const slackSignature = `v0=${createHmac('sha256', SECRETS.slackSigningSecret).update(`v0:${now}:`).update(slackBody).digest('hex')}`;
  const [t, n] = ['1715325467', '1514711492'];
  return {
    webhook: [],
    messages: [
      json('messages', 'entities-not-a-list', { ...activity, entities: 5 }),
      json('messages', 'entity-null', { ...activity, entities: [null] }),
      json('messages', 'id-not-a-string', { ...activity, id: 5 }),
      json('messages', 'conversation-id-beyond-latin-1', { ...activity, id: '1', conversation: { id: 'Ā' } }),
      json('messages', 'id-lone-surrogate', { ...activity, id: '\ud800' }),
      json('messages', 'invoke', { ...activity, type: 'invoke', name: 'x' }),
    ],
    telegram: [],
    slack: [
      json('slack', 'type-without-string-form', slackBody, {
        'x-slack-request-timestamp': now,
        'x-slack-signature': slackSignature,
      }),
    ],
    wechat: [
      finish('wechat', {
        kind: ['known:url-over-16-KiB'],
        method: 'GET',
        path: ROUTE_PATHS.wechat,
        query: [
          ['signature', wechatSign(SECRETS.wechatToken, t, n)],
          ['timestamp', t],
          ['nonce', n],
          ['echostr', 'q'.repeat(20_000)],
        ],
        headers: {},
        body: Buffer.alloc(0),
        chunked: false,
      }),
    ],
    line: [],
  };
}
