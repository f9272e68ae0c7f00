import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy.ts';

describe('passwordProblem', () => {
  it.each([
    { password: 'short', problem: 'must be at least 12 characters' },
    { password: ' '.repeat(12), problem: 'must not be only spaces' },
    { password: '\t\n '.repeat(5), problem: 'must not be only spaces' },
    { password: 'a'.repeat(12), problem: 'must use at least 5 different characters' },
    { password: 'abababababab', problem: 'must use at least 5 different characters' },
    { password: 'abcdefghijklmnop', problem: 'must not be a run such as abcdef… or 123456…' },
    { password: '987654321098', problem: 'must not be a run such as abcdef… or 123456…' },
    { password: 'Password1234!', problem: 'is one of the most common passwords; choose another' },
    { password: 'qwerty 123 456', problem: 'is one of the most common passwords; choose another' },
    { password: 'x'.repeat(1025), problem: 'must be at most 1024 characters' },
  ])('refuses $password: $problem', ({ password, problem }) => {
    expect(passwordProblem(password)).toBe(problem);
  });

  it.each([
    'correct horse battery staple',
    'a long enough password',
    'Zebra-lamp-42-violin',
    '7 kittens ate 3 plums',
    '日本語のながいパスワードです',
  ])('accepts %j', (password) => {
    expect(passwordProblem(password)).toBeUndefined();
  });
});
