import { describe, expect, it } from 'vitest';
import {
  checkJsonText,
  checkParsedDepth,
  checkYamlText,
  describeRefusal,
  maxDocumentDepth,
} from './document-limits.ts';

const deepJson = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('document limits', () => {
  it('passes JSON at the depth limit and names the problem one level past it', () => {
    expect(checkJsonText(deepJson(maxDocumentDepth), 'request body', 1000)).toBeUndefined();
    const refused = checkJsonText(deepJson(5000), 'request body', 20_000);
    expect(refused).toEqual({
      kind: 'too-deep',
      message: 'request body is nested more than 64 levels deep; at most 64 are accepted',
      line: 1,
      column: 65,
    });
    expect(describeRefusal(refused!)).toBe(
      'request body is nested more than 64 levels deep; at most 64 are accepted (line 1, column 65)',
    );
  });

  it('refuses text over the size limit by its UTF-8 size, before looking at depth', () => {
    expect(checkJsonText('"ab"', 'body', 4)).toBeUndefined();
    // Four characters, six bytes: é is two in UTF-8.
    expect(checkJsonText('"\u00e9\u00e9"', 'body', 5)).toEqual({
      kind: 'too-large',
      message: 'body is 6 bytes; at most 5 are accepted',
    });
    expect(checkJsonText(Buffer.from(deepJson(2000)), 'body', 3000)?.kind).toBe('too-large');
  });

  it('names what is wrong with YAML text', () => {
    expect(checkYamlText('a: [1, {b: 2}]\n', 'the flow', 1000)).toBeUndefined();
    expect(checkYamlText('a: ' + '['.repeat(65), 'the flow', 1000)?.message).toBe(
      'the flow has flow collections ([ and {) nested more than 64 levels deep; at most 64 are accepted',
    );
    expect(checkYamlText(' '.repeat(300) + 'a: 1', 'the flow', 1000)?.message).toBe(
      'the flow indents content past column 256; at most 256 columns of indentation and - ? : indicators are accepted, which bounds nesting',
    );
    expect(checkYamlText('a: b: c', 'the flow', 1000)).toEqual({
      kind: 'too-deep',
      message:
        'the flow has a second ": " after a key on one line, which YAML does not allow and which would nest without bound',
      line: 1,
      column: 5,
    });
  });

  it('checks a parsed value against the depth limit', () => {
    let value: unknown = 1;
    for (let i = 0; i < maxDocumentDepth; i++) value = [value];
    expect(checkParsedDepth(value, 'the flow')).toBeUndefined();
    expect(checkParsedDepth([value], 'the flow')).toEqual({
      kind: 'too-deep',
      message: 'the flow is nested more than 64 levels deep; at most 64 are accepted',
    });
  });
});
