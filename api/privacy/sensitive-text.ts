/**
 * Card numbers and national identity numbers in free text (chat messages,
 * email bodies, log lines) replaced by a marker. A card number is a run of 13
 * to 19 digits, optionally split by single spaces or dashes, that passes the
 * Luhn check (so order numbers rarely match). National ids: US SSN
 * (`123-45-6789`) and UK National Insurance numbers (`QQ 12 34 56 C`).
 *
 * @example
 * redactSensitiveText('card 4111 1111 1111 1111 ok'); // 'card [card redacted] ok'
 */
export function redactSensitiveText(text: string): string {
  return redact(text, () => cardMarker);
}

/**
 * The same for one JSON log line, which stays valid JSON: a card number
 * that stands as a bare JSON number (`"digits":4111111111111111`, or as the
 * integer part of a float) becomes the marker as a string; the digits of a
 * float's fraction or exponent (`"ms":9.4567890123456789`, common in
 * timings) are not a card and are left alone; and pino's own leading
 * `"time"` (13 digits, Luhn-valid one time in ten) is not user data.
 */
export function redactSensitiveJsonLine(line: string): string {
  const head = pinoHead.exec(line)?.[0] ?? '';
  const floats = line
    .slice(head.length)
    .replace(cardFloat, (match: string, digits: string) =>
      luhnValid(digits) ? `"${cardMarker}"` : match,
    );
  const rest = redact(floats, (match, offset, whole) => {
    // The fraction or exponent of a number: `9.` / `1e` / `e-` just before.
    if (/\d[.eE]$|[eE][+-]$/.test(whole.slice(Math.max(0, offset - 2), offset))) return match;
    const before = whole[offset - 1];
    const after = whole[offset + match.length];
    const bareNumber =
      (before === ':' || before === '[' || before === ',') &&
      (after === ',' || after === '}' || after === ']' || after === undefined);
    return bareNumber ? `"${cardMarker}"` : cardMarker;
  });
  return head + rest;
}

/** The one redaction pass: `cardReplacement` says what a Luhn-valid card number becomes where it stands. */
function redact(
  text: string,
  cardReplacement: (match: string, offset: number, whole: string) => string,
): string {
  return text
    .replace(cardCandidate, (match, offset: number, whole: string) =>
      luhnValid(match.replace(/\D/g, '')) ? cardReplacement(match, offset, whole) : match,
    )
    .replace(ssn, idMarker)
    .replace(niNumber, idMarker);
}

// A bare JSON float whose integer part is card-sized: `:4111111111111111.5`.
const cardFloat = /(?<=[:[,])-?(\d{13,19})(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+)(?=[,}\]])/g;

// pino starts every line with its level and time: `{"level":30,"time":1796411414454,`.
const pinoHead = /^\{"level":\d+,"time":\d+,/;

export const cardMarker = '[card redacted]';
export const idMarker = '[national id redacted]';

// Digit runs with optional single separators; bounded so a longer number is not split.
const cardCandidate = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])/g;
const ssn = /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g;
const niNumber =
  /\b(?![DFIQUV])[A-CEGHJ-PR-TW-Z](?![DFIQUVO])[A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g;

/** The Luhn checksum used by every card scheme. */
export function luhnValid(digits: string): boolean {
  if (!/^\d{13,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
