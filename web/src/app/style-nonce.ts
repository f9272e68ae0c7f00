/**
 * The nonce the server put in this page load's Content-Security-Policy
 * (`style-src 'nonce-…'`), for the design system's run-time `<style>`
 * elements. Empty when the page was not served by Switchboard (vite dev).
 */
export function styleNonce(): string {
  const content = document.querySelector('meta[name="style-nonce"]')?.getAttribute('content');
  return content === null || content === undefined || content.startsWith('__') ? '' : content;
}

/**
 * Gives every `<style>` element the page creates the page's nonce. antd's
 * theme takes the nonce from ConfigProvider, but a few of its parts make
 * `<style>` elements without it (the dialog's scroll lock), which the CSP
 * then refuses. A nonce is only as secret as the page's own scripts, which
 * can already read it from the meta tag, so this widens nothing.
 */
export function nonceEveryStyleElement(nonce: string): void {
  if (nonce === '') return;
  const create = document.createElement.bind(document);
  document.createElement = (tagName: string, options?: ElementCreationOptions) => {
    const element = create(tagName, options);
    if (tagName.toLowerCase() === 'style') element.nonce = nonce;
    return element;
  };
}
