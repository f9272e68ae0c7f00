/**
 * Decodes percent escapes in text a peer controls, without ever throwing.
 * `decodeURIComponent` throws `URIError` on a stray escape (`%C3(`, `%zz`,
 * a lone `%`); where that text came off a socket, one bad value ended the
 * process. Each run of escapes is decoded where it forms valid UTF-8; where
 * it does not, its ASCII escapes are decoded and the stray bytes stay
 * escaped, so nothing is lost and nothing throws.
 *
 * @example
 * decodePercentEscapes('caller%C3%28') // 'caller%C3('
 */
export function decodePercentEscapes(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run.replace(/%([0-7][0-9A-Fa-f])/g, (_, hex: string) =>
        String.fromCharCode(parseInt(hex, 16)),
      );
    }
  });
}
