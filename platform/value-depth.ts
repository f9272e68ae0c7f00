/**
 * True when objects and arrays in `value` nest more than `maxDepth` levels
 * (`{}` and `[]` are one level, a scalar none). Walks with its own stack, never
 * recursion, and stops descending past the limit, so a value of any depth,
 * shared parts (YAML aliases) or cycles included, is measured in bounded time.
 *
 * @example
 * exceedsDepth({ a: [1] }, 2); // false
 * exceedsDepth({ a: [[1]] }, 2); // true
 */
export function exceedsDepth(value: unknown, maxDepth: number): boolean {
  // The deepest level each object was reached at: a shared object is walked
  // again only from deeper, which bounds the work by objects × maxDepth.
  const reached = new Map<object, number>();
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 1 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { node, depth } = top;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > maxDepth) return true;
    if ((reached.get(node) ?? 0) >= depth) continue;
    reached.set(node, depth);
    for (const child of Object.values(node)) stack.push({ node: child, depth: depth + 1 });
  }
  return false;
}
