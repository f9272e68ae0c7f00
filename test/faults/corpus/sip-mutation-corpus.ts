/**
 * A seeded mutation corpus of the three requests Switchboard's SIP handlers
 * take from the network: an INVITE (with SDP) to a published number, a
 * REGISTER answering a Digest challenge, and a REFER from an agent's phone.
 * Each corpus entry is a valid request with one to three mutations: header
 * values replaced by what attackers send (bad percent escapes, NULs,
 * expansions, unbalanced quotes and brackets, huge values), URIs broken,
 * headers dropped or repeated, bytes flipped, the message cut short, the
 * SDP mangled, the Content-Length made to lie. The same seed gives the
 * same corpus, so a failure names an entry that can be replayed.
 */
import { seededRandom } from '../../seeded-random.ts';

export type MutatedMethod = 'INVITE' | 'REGISTER' | 'REFER';

export interface MutatedRequest {
  readonly method: MutatedMethod;
  /** What was done to the valid request, e.g. `header From: %C3%28; truncate at 212`. */
  readonly mutations: readonly string[];
  readonly text: string;
}

interface Draft {
  requestLine: string;
  headers: string[];
  body: string;
  /** The Content-Length header is left as a mutation set it. */
  lengthSet: boolean;
}

const sdp = [
  'v=0',
  'o=- 1 1 IN IP4 192.0.2.66',
  's=-',
  'c=IN IP4 192.0.2.66',
  't=0 0',
  'm=audio 4000 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  '',
].join('\r\n');

function base(method: MutatedMethod, did: string, n: number): Draft {
  const common = (cseq: string) => [
    `Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-m${n}`,
    'Max-Forwards: 70',
    `Call-ID: mutant-${method.toLowerCase()}-${n}@198.51.100.7`,
    `CSeq: ${cseq}`,
  ];
  if (method === 'INVITE') {
    return {
      requestLine: `INVITE sip:${did}@switchboard.example SIP/2.0`,
      headers: [
        ...common('1 INVITE'),
        `To: <sip:${did}@switchboard.example>`,
        'From: "Caller" <sip:+15550006666@carrier.example>;tag=m1',
        'Contact: <sip:+15550006666@198.51.100.7:5060>',
        'P-Asserted-Identity: <sip:+15550006666@carrier.example>',
        'Content-Type: application/sdp',
      ],
      body: sdp,
      lengthSet: false,
    };
  }
  if (method === 'REGISTER') {
    return {
      requestLine: 'REGISTER sip:pbx.example.com SIP/2.0',
      headers: [
        ...common('2 REGISTER'),
        'To: <sip:alice@pbx.example.com>',
        'From: <sip:alice@pbx.example.com>;tag=r1',
        'Contact: <sip:alice@198.51.100.7:5060>;expires=600',
        'Expires: 600',
        'Authorization: Digest username="alice", realm="switchboard", nonce="MTcwMDAwMDAwMDAwMC5hYmNkZWY.c2lnbmF0dXJl", uri="sip:pbx.example.com", response="0123456789abcdef0123456789abcdef", algorithm=MD5, qop=auth, nc=00000001, cnonce="c0ffee"',
      ],
      body: '',
      lengthSet: false,
    };
  }
  return {
    requestLine: 'REFER sip:switchboard@192.0.2.1 SIP/2.0',
    headers: [
      ...common('3 REFER'),
      'From: <sip:alice@example.com>;tag=a',
      'To: <sip:switchboard@192.0.2.1>;tag=b',
      'Refer-To: <sip:+15559990000@example.com>',
      'Referred-By: <sip:alice@example.com>',
    ],
    body: '',
    lengthSet: false,
  };
}

/** What attackers put in header values and URIs. */
const hostileValues = [
  '%',
  '%zz',
  'caller%C3%28',
  '%FF%FE%00',
  'a%00b',
  '\u0000',
  '${system(touch pwned)}',
  '$${esl_password}',
  '"unbalanced <sip:x@y>',
  '<<sip:x@y>>',
  '<sip:>',
  'sip:',
  'sip:@',
  'sip:%@%',
  'sip:user@[::1',
  'sip:user@host:99999999999',
  'tel:+1%',
  ';;;;,,,,',
  '\u00ff\u00fe',
  '\u5927\u505c\u96fb',
  'x'.repeat(10_000),
  `${'%7B'.repeat(2_000)}`,
  '-1',
  '18446744073709551617',
  '',
  ' ',
];

const headerNames = [
  'From',
  'To',
  'Contact',
  'Via',
  'Call-ID',
  'CSeq',
  'Max-Forwards',
  'Content-Length',
  'Content-Type',
  'Expires',
  'Authorization',
  'Refer-To',
  'P-Asserted-Identity',
];

const digestParts = [
  'username="a\\"b"',
  'username=',
  'nonce=""',
  'nonce="%%%"',
  'response="zz"',
  'nc=zzzzzzzz',
  'nc=ffffffffffffffffff',
  'qop=auth-int',
  'algorithm=SHA-512-256',
  'uri="sip:%"',
  'realm="other"',
  'cnonce',
];

const flips = ['\u0000', '\u00ff', '\r', '\n', '<', '>', '"', ';', ':', '%', '@', ' '];

type Mutation = (draft: Draft, pick: <T>(items: readonly T[]) => T, next: () => number) => string;

const mutations: readonly Mutation[] = [
  (d, pick) => {
    const name = pick(headerNames);
    const value = pick(hostileValues);
    d.headers = d.headers.filter((h) => !h.toLowerCase().startsWith(`${name.toLowerCase()}:`));
    d.headers.push(`${name}: ${value}`);
    if (name === 'Content-Length') d.lengthSet = true;
    return `header ${name}: ${label(value)}`;
  },
  (d, pick) => {
    const value = pick(hostileValues);
    const [method = '', , version = 'SIP/2.0'] = d.requestLine.split(' ');
    d.requestLine = `${method} sip:${value}@switchboard.example ${version}`;
    return `request-URI user ${label(value)}`;
  },
  (d, pick) => {
    const name = pick(['From', 'To', 'Contact', 'Refer-To']);
    const escape = pick(['%', '%zz', '%C3%28', '%00', '%E2%82', '%2']);
    d.headers = d.headers.map((h) =>
      h.startsWith(`${name}:`) ? h.replace(/:([^@:]*)@/, `:$1${escape}@`) : h,
    );
    return `${name} URI escape ${escape}`;
  },
  (d, pick) => {
    const dropped = d.headers.length === 0 ? '' : pick(d.headers);
    d.headers = d.headers.filter((h) => h !== dropped);
    return `drop ${dropped.split(':')[0] ?? ''}`;
  },
  (d, pick) => {
    const copy = d.headers.length === 0 ? 'Via: SIP/2.0/UDP 192.0.2.1' : pick(d.headers);
    d.headers.push(copy.replace(/tag=\w+/, 'tag=other'));
    return `repeat ${copy.split(':')[0] ?? ''}`;
  },
  (d, pick, next) => {
    const text = render(d);
    const at = Math.floor(next() * text.length);
    const flip = pick(flips);
    const flipped = text.slice(0, at) + flip + text.slice(at + 1);
    Object.assign(d, parse(flipped));
    return `byte ${at} -> ${JSON.stringify(flip)}`;
  },
  (d, pick) => {
    const part = pick(digestParts);
    d.headers = d.headers.map((h) => (h.startsWith('Authorization:') ? `${h}, ${part}` : h));
    if (!d.headers.some((h) => h.startsWith('Authorization:'))) {
      d.headers.push(`Authorization: Digest ${part}`);
    }
    return `digest ${part}`;
  },
  (d, pick, next) => {
    const lines = (d.body === '' ? sdp : d.body).split('\r\n');
    const kind = pick(['drop', 'port', 'codecs', 'many', 'connection', 'binary']);
    const at = Math.floor(next() * lines.length);
    if (kind === 'drop') lines.splice(at, 1);
    if (kind === 'port') lines[5] = `m=audio ${pick(['-1', '99999999', 'x', ''])} RTP/AVP 0`;
    if (kind === 'codecs')
      lines.push(`a=rtpmap:${pick(['abc', '-5', '999999', ''])} ${pick(hostileValues)}`);
    if (kind === 'many')
      lines.push(...Array.from({ length: 300 }, (_, i) => `m=audio ${i} RTP/AVP 0`));
    if (kind === 'connection') lines[3] = `c=IN ${pick(['IP9', 'IP4', ''])} ${pick(hostileValues)}`;
    d.body =
      kind === 'binary'
        ? String.fromCharCode(...Array.from({ length: 200 }, (_, i) => (i * 31) % 256))
        : lines.join('\r\n');
    if (!d.headers.some((h) => h.startsWith('Content-Type:')))
      d.headers.push('Content-Type: application/sdp');
    return `sdp ${kind}`;
  },
  (d, _pick, next) => {
    const lie = Math.floor(next() * 3) === 0 ? -5 : Math.floor(next() * 5_000);
    d.headers.push(`Content-Length: ${lie}`);
    d.lengthSet = true;
    return `content-length ${lie}`;
  },
  (d, _pick, next) => {
    const text = render(d);
    const at = Math.floor(next() * text.length);
    Object.assign(d, parse(text.slice(0, at)), { lengthSet: true });
    return `truncate at ${at}`;
  },
];

/**
 * `perMethod` mutated INVITEs, REGISTERs and REFERs, interleaved.
 *
 * @example
 * for (const request of mutationCorpus({ seed: 4475, perMethod: 120, did: '+15550004444' })) ...
 */
export function mutationCorpus(options: {
  readonly seed: number;
  readonly perMethod: number;
  readonly did: string;
}): MutatedRequest[] {
  const next = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const corpus: MutatedRequest[] = [];
  for (let n = 0; n < options.perMethod; n += 1) {
    for (const method of ['INVITE', 'REGISTER', 'REFER'] as const) {
      const draft = base(method, options.did, n);
      const applied: string[] = [];
      const count = 1 + Math.floor(next() * 3);
      for (let m = 0; m < count; m += 1) applied.push(pick(mutations)(draft, pick, next));
      corpus.push({ method, mutations: applied, text: render(draft) });
    }
  }
  return corpus;
}

function render(d: Draft): string {
  const headers = d.lengthSet
    ? d.headers
    : [
        ...d.headers.filter((h) => !h.startsWith('Content-Length:')),
        `Content-Length: ${Buffer.byteLength(d.body)}`,
      ];
  return `${[d.requestLine, ...headers].join('\r\n')}\r\n\r\n${d.body}`;
}

/** Back from text after a byte-level change; whatever it now says is what is sent. */
function parse(text: string): Draft {
  const split = text.indexOf('\r\n\r\n');
  const head = split === -1 ? text : text.slice(0, split);
  const [requestLine = '', ...headers] = head.split('\r\n');
  return { requestLine, headers, body: split === -1 ? '' : text.slice(split + 4), lengthSet: true };
}

function label(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 20)}…(${value.length})` : value);
}
