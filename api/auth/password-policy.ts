import { z } from 'zod';
import { commonPasswords } from './common-passwords.ts';

/** At least this many characters: length is what slows guessing most. */
export const minimumPasswordLength = 12;
/** At least this many different characters, so `aaaaaaaaaaaa` or twelve spaces are not a password. */
const minimumDistinct = 5;

/**
 * What is wrong with `password` as a login password, or undefined when it
 * will do. The rule: 12 to 1024 characters, not only white space, at least
 * 5 different characters, not a straight run (`abcdefghijkl`,
 * `987654321098`), and not one of the common passwords attackers try first
 * ({@link commonPasswords}, compared without case and punctuation). No
 * rules on character classes: they make passwords harder to remember, not
 * to guess.
 *
 * @example
 * passwordProblem('            '); // 'must not be only spaces'
 */
export function passwordProblem(password: string): string | undefined {
  const characters = [...password];
  if (characters.length < minimumPasswordLength) {
    return `must be at least ${minimumPasswordLength} characters`;
  }
  if (characters.length > 1024) return 'must be at most 1024 characters';
  if (password.trim() === '') return 'must not be only spaces';
  if (new Set(characters).size < minimumDistinct) {
    return `must use at least ${minimumDistinct} different characters`;
  }
  if (isStraightRun(characters)) return 'must not be a run such as abcdef… or 123456…';
  const normalised = password.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  if (commonPasswords.has(normalised)) return 'is one of the most common passwords; choose another';
  return undefined;
}

/** A password to set (create a user, set a password), checked against {@link passwordProblem}. */
export const newPassword = z.string().superRefine((password, ctx) => {
  const problem = passwordProblem(password);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/** Every next character one up or one down from the last, digits wrapping 9 to 0. */
function isStraightRun(characters: readonly string[]): boolean {
  const codes = characters.map((c) => c.toLowerCase().codePointAt(0) ?? 0);
  const step = (a: number, b: number) => {
    const isDigit = (c: number) => c >= 48 && c <= 57;
    if (isDigit(a) && isDigit(b))
      return ((b - a + 10) % 10 === 1 ? 1 : 0) || ((a - b + 10) % 10 === 1 ? -1 : 0);
    return b - a === 1 ? 1 : a - b === 1 ? -1 : 0;
  };
  const first = step(codes[0]!, codes[1]!);
  if (first === 0) return false;
  for (let i = 2; i < codes.length; i += 1)
    if (step(codes[i - 1]!, codes[i]!) !== first) return false;
  return true;
}
