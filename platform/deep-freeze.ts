/**
 * Freezes `value` and every object inside it, so data shared by many
 * readers (the configuration, a flow version's definition) cannot be changed
 * by one of them. Already frozen objects are not walked again.
 *
 * @example
 * const config = deepFreeze({ media: { maxCalls: 400 } });
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
