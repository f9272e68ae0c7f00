import { describe, expect, it } from 'vitest';
import { legIdFor } from './leg-id.ts';

// Expected ids computed independently with Python's uuid.uuid5 and the same
// namespace: uuid.uuid5(uuid.UUID('6f1c2a4e9b7d4c3a8e5f0a1b2c3d4e5f'), name).
describe('legIdFor', () => {
  it.each([
    ['offer:op-1.o1', '6176b52d-f315-5d83-9af9-81ccfd1220ca'],
    ['11111111-1111-4111-8111-111111111111:caller', '84314a84-fae0-57bd-8266-3ed2cae362c2'],
    ['offer:Ω', '0146ba25-e5a8-538c-a9b5-0979203da26b'],
  ])('names %s as the version 5 UUID %s', (name, id) => {
    expect(legIdFor(name)).toBe(id);
  });
});
