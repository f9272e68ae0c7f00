import type { HttpMethod } from './route-definition.ts';

/** What a request path matched: the route and its decoded `:name` parameters. */
export interface RouteMatch<R> {
  readonly route: R;
  readonly params: Record<string, string>;
}

type Segment = { readonly literal: string } | { readonly param: string };

/**
 * Matches a method and path (relative to where the routes are mounted)
 * against route paths such as `/users/:userId/skills`, as express's router
 * would with its defaults: the first route declared wins, literal segments
 * ignore case, a trailing slash is ignored, a `:name` segment takes one
 * non-empty segment (percent-decoded), and HEAD is served by GET routes.
 * Answers 'bad-path' when a parameter is not validly percent-encoded.
 */
export function routeMatcher<R extends { readonly method: HttpMethod; readonly path: string }>(
  routes: readonly R[],
): (method: string, path: string) => RouteMatch<R> | 'bad-path' | undefined {
  const compiled = routes.map((route) => ({
    route,
    segments: split(route.path).map((s): Segment =>
      s.startsWith(':') ? { param: s.slice(1) } : { literal: s.toLowerCase() },
    ),
  }));
  /** Routes by method and segment count: most requests compare against a handful. */
  const index = new Map<string, typeof compiled>();
  for (const entry of compiled) {
    const key = `${entry.route.method}:${entry.segments.length}`;
    const list = index.get(key);
    if (list === undefined) index.set(key, [entry]);
    else list.push(entry);
  }
  return (method, path) => {
    const verb = method === 'HEAD' ? 'get' : method.toLowerCase();
    const parts = split(path);
    const candidates = index.get(`${verb}:${parts.length}`);
    if (candidates === undefined) return undefined;
    for (const { route, segments } of candidates) {
      let params: Record<string, string> | undefined = {};
      for (let i = 0; i < segments.length && params !== undefined; i += 1) {
        const segment = segments[i]!;
        const part = parts[i]!;
        if ('literal' in segment) {
          if (segment.literal !== part.toLowerCase()) params = undefined;
        } else if (part === '') {
          params = undefined;
        } else {
          try {
            params[segment.param] = decodeURIComponent(part);
          } catch {
            return 'bad-path';
          }
        }
      }
      if (params !== undefined) return { route, params };
    }
    return undefined;
  };
}

/** `/a/b/` -> ['a', 'b']; empty segments (`//`) are kept, so they match nothing. */
function split(path: string): string[] {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed === '' ? [] : trimmed.slice(1).split('/');
}
