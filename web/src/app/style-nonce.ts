/**
 * The nonce the server put in this page load's Content-Security-Policy
 * (`style-src 'nonce-…'`), for the design system's run-time `<style>`
 * elements. Empty when the page was not served by Switchboard (vite dev).
 */
export function styleNonce(): string {
  const content = document.querySelector('meta[name="style-nonce"]')?.getAttribute('content');
  return content === null || content === undefined || content.startsWith('__') ? '' : content;
}
