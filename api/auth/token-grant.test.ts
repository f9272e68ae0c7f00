import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { UserRole } from '../../sql/tables/people-tables.ts';
import type { Principal, TokenScope } from '../access/principal.ts';
import { checkTokenGrant, grantableScopes } from './token-grant.ts';

const session = (role: UserRole): Principal => ({
  userId: 'u1',
  role,
  label: 'u1@example.test',
  credential: { kind: 'session', sessionId: 's1' },
});
const token = (role: UserRole, scopes: TokenScope[], expiresAt: Date | null = null): Principal => ({
  userId: 'u1',
  role,
  label: 'u1@example.test',
  credential: { kind: 'token', tokenId: 't1', scopes, expiresAt },
});

const noon = new Date('2026-12-07T12:00:00Z');

describe('grantableScopes', () => {
  it.each([
    { who: 'agent session', principal: session('agent'), grantable: ['read', 'write', 'events'] },
    {
      who: 'supervisor session',
      principal: session('supervisor'),
      grantable: ['read', 'write', 'events', 'pii'],
    },
    {
      who: 'admin session',
      principal: session('admin'),
      grantable: ['read', 'write', 'events', 'pii'],
    },
    {
      who: 'admin read,write token',
      principal: token('admin', ['read', 'write']),
      grantable: ['read', 'write'],
    },
    {
      who: 'agent token claiming pii',
      principal: token('agent', ['read', 'pii']),
      grantable: ['read'],
    },
  ])('$who may grant $grantable', ({ principal, grantable }) => {
    expect(grantableScopes(principal)).toEqual(grantable);
  });
});

describe('checkTokenGrant', () => {
  const refusedField = (principal: Principal, scopes: TokenScope[], expiresAt: Date | null) => {
    try {
      checkTokenGrant(principal, { scopes, expiresAt });
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(SwitchboardError);
      expect((error as SwitchboardError).code).toBe('forbidden');
      return (error as SwitchboardError).message.split(':')[0];
    }
  };

  it.each([
    {
      case: 'a token widening itself with pii and events',
      principal: token('admin', ['read', 'write']),
      scopes: ['read', 'pii', 'events'] as TokenScope[],
      expiresAt: null,
      refused: 'body.scopes',
    },
    {
      case: 'a token narrowing itself',
      principal: token('admin', ['read', 'write']),
      scopes: ['read'] as TokenScope[],
      expiresAt: null,
      refused: undefined,
    },
    {
      case: 'a token repeating its own scopes',
      principal: token('supervisor', ['read', 'pii']),
      scopes: ['read', 'pii'] as TokenScope[],
      expiresAt: null,
      refused: undefined,
    },
    {
      case: 'an agent asking for pii',
      principal: session('agent'),
      scopes: ['read', 'pii'] as TokenScope[],
      expiresAt: null,
      refused: 'body.scopes',
    },
    {
      case: 'a supervisor asking for pii',
      principal: session('supervisor'),
      scopes: ['pii'] as TokenScope[],
      expiresAt: null,
      refused: undefined,
    },
    {
      case: 'an expiring token minting one that never expires',
      principal: token('admin', ['read'], noon),
      scopes: ['read'] as TokenScope[],
      expiresAt: null,
      refused: 'body.expiresAt',
    },
    {
      case: 'an expiring token minting one that outlives it',
      principal: token('admin', ['read'], noon),
      scopes: ['read'] as TokenScope[],
      expiresAt: new Date(noon.getTime() + 1),
      refused: 'body.expiresAt',
    },
    {
      case: 'an expiring token minting one that ends with it',
      principal: token('admin', ['read'], noon),
      scopes: ['read'] as TokenScope[],
      expiresAt: noon,
      refused: undefined,
    },
    {
      case: 'a session minting one that never expires',
      principal: session('admin'),
      scopes: ['read'] as TokenScope[],
      expiresAt: null,
      refused: undefined,
    },
  ])('$case: refused on $refused', ({ principal, scopes, expiresAt, refused }) => {
    expect(refusedField(principal, scopes, expiresAt)).toBe(refused);
  });

  it('names what the caller holds in the message', () => {
    expect(() =>
      checkTokenGrant(token('admin', ['read', 'write']), { scopes: ['pii'], expiresAt: null }),
    ).toThrow('body.scopes: this token cannot grant pii; it may grant read, write');
  });
});
