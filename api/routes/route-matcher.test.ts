import { describe, expect, it } from 'vitest';
import type { HttpMethod } from './route-definition.ts';
import { routeMatcher } from './route-matcher.ts';

const routes: { method: HttpMethod; path: string; name: string }[] = [
  { method: 'get', path: '/users', name: 'list' },
  { method: 'post', path: '/flows/validate', name: 'validate' },
  { method: 'get', path: '/flows/:flowName', name: 'flow' },
  { method: 'post', path: '/flows/:flowName', name: 'upload' },
  { method: 'get', path: '/users/:userId', name: 'user' },
  { method: 'get', path: '/users/:userId/skills', name: 'skills' },
  { method: 'get', path: '/users/me', name: 'shadowed' },
];
const match = routeMatcher(routes);
const name = (method: string, path: string) => {
  const found = match(method, path);
  return typeof found === 'object' ? found.route.name : found;
};

describe('routeMatcher', () => {
  it('matches literal and parameter segments, first declared route first', () => {
    expect(name('GET', '/users')).toBe('list');
    expect(match('GET', '/users/u%201/skills')).toEqual({
      route: routes[5],
      params: { userId: 'u 1' },
    });
    expect(name('GET', '/users/me')).toBe('user');
    expect(name('POST', '/flows/validate')).toBe('validate');
    expect(name('POST', '/flows/main')).toBe('upload');
    expect(name('GET', '/flows/validate')).toBe('flow');
  });

  it('behaves like express defaults: case, trailing slash, HEAD', () => {
    expect(name('GET', '/USERS/')).toBe('list');
    expect(name('HEAD', '/users')).toBe('list');
  });

  it('matches nothing for other methods, lengths or empty segments', () => {
    expect(name('DELETE', '/users')).toBeUndefined();
    expect(name('GET', '/users/a/b/c')).toBeUndefined();
    expect(name('GET', '/users//skills')).toBeUndefined();
    expect(name('GET', '/')).toBeUndefined();
  });

  it('reports a parameter that is not validly percent-encoded', () => {
    expect(name('GET', '/users/%E0%A4%A')).toBe('bad-path');
  });
});
