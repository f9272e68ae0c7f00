import { describe, expect, it } from 'vitest';
import { maxSpokenCharacters, playbackSourceFor, speakableText } from './prompt-source.ts';

const options = {
  promptsDir: '/usr/share/switchboard/prompts',
  voices: { en: { engine: 'flite', voice: 'kal' } },
};

/** The caller-controlled strings the security review sent as SIP From users and CRM answers. */
const hostile = [
  '${system(touch pwned)}',
  '$${esl_password}',
  '${esl_password}',
  '\\${system(id)}',
  '$$$${system(id)}',
  'a|b|c',
  'line\r\nexecute-app-name: system',
  'nul\u0000byte',
  '^^:set:x',
  '<speak>x</speak>',
];

describe('speakableText', () => {
  it.each(hostile)('leaves nothing FreeSWITCH would expand or split in %j', (text) => {
    const safe = speakableText(text);
    expect(safe).not.toMatch(/[$|{}\\^<>\p{Cc}]/u);
  });

  it('reads the attack literally, minus the characters that made it one', () => {
    expect(speakableText('Hello ${system(touch pwned)}')).toBe('Hello system(touch pwned)');
  });

  it('keeps what a voice reads: letters of any script, digits and punctuation', () => {
    expect(speakableText("Your balance is 12.50, Ms. Zoë O'Neil! 您好")).toBe(
      "Your balance is 12.50, Ms. Zoë O'Neil! 您好",
    );
  });

  it(`stops at ${maxSpokenCharacters} characters`, () => {
    expect([...speakableText('九'.repeat(10_000))]).toHaveLength(maxSpokenCharacters);
  });
});

describe('playbackSourceFor', () => {
  it('speaks caller text through speakableText', () => {
    const source = playbackSourceFor(
      { kind: 'tts', text: 'Hello ${system(touch pwned)}|x', language: 'en' },
      options,
    );
    expect(source).toEqual({ kind: 'speak', argument: 'flite|kal|Hello system(touch pwned) x' });
  });

  it('says nothing when nothing speakable is left', () => {
    expect(playbackSourceFor({ kind: 'tts', text: '${}|$', language: 'en' }, options)).toBe(
      undefined,
    );
  });

  it('plays prompts from their sub-folder (queue/you-are-number, numbers/12)', () => {
    expect(
      playbackSourceFor({ kind: 'file', name: 'queue/you-are-number', language: 'en' }, options),
    ).toEqual({
      kind: 'play',
      file: '/usr/share/switchboard/prompts/en/queue/you-are-number.wav',
    });
  });

  it('keeps a prompt name inside the prompts folder', () => {
    const source = playbackSourceFor(
      { kind: 'file', name: '../../../etc/passwd', language: '../en' },
      options,
    );
    expect(source).toEqual({
      kind: 'play',
      file: '/usr/share/switchboard/prompts/__en/_/_/_/etc/passwd.wav',
    });
  });
});
