import type { TFunction } from 'i18next';
import { ApiError } from '../api/api-client.ts';

/** Where a call goes: `POST /calls/:id/transfer` and `/consult` take any (a queue: its agent available longest). */
export type TransferTarget =
  | { readonly kind: 'agent'; readonly agentId: string }
  | { readonly kind: 'queue'; readonly queueId: string }
  | { readonly kind: 'number'; readonly number: string };

/** A target as the dialog lists it, with the words to show for it. */
export interface NamedTarget {
  readonly target: TransferTarget;
  readonly name: string;
}

/** The digits of a number typed for a transfer (the API's `^\+?[0-9]{2,20}$`), or null. */
export function transferNumber(text: string): string | null {
  const digits = text.replace(/[\s().-]/g, '');
  return /^\+?[0-9]{2,20}$/.test(digits) ? digits : null;
}

/** An E.164 number typed to dial (a plus, a country code, 7 to 15 digits in all), or null. */
export function dialNumber(text: string): string | null {
  const digits = text.replace(/[\s().-]/g, '');
  return /^\+[1-9]\d{6,14}$/.test(digits) ? digits : null;
}

/** Why routing would not engage an agent (`details.reason` of a 409). */
const targetReasons = [
  'offline',
  'break',
  'wrap-up',
  'ringing',
  'on-contact',
  'engaged',
  'nobody-available',
];

/** Why the API would not dial out for the agent (`details.reason` of a 409 or 503). */
const dialReasons = [
  'offline',
  'on-contact',
  'ringing',
  'wrap-up',
  'engaged',
  'already-dialling',
  'no-phone',
  'voice-unavailable',
];

function reasonOf(error: ApiError): string | undefined {
  const details = error.details as { reason?: unknown } | undefined;
  return typeof details?.reason === 'string' ? details.reason : undefined;
}

/** A transfer's or consultation's refusal in the user's language. */
export function transferRefusal(error: unknown, t: TFunction): string {
  if (!(error instanceof ApiError)) return t('errors.network');
  const reason = reasonOf(error);
  if (error.status === 409 && reason !== undefined && targetReasons.includes(reason)) {
    return t(`transfer.refused.${reason}`);
  }
  if (error.status === 503 && reason === 'no-answer') return t('transfer.refused.no-answer');
  if (error.status === 503) return t('transfer.refused.unavailable');
  if (error.status === 404) return t('transfer.refused.notFound');
  return t('errors.generic', { message: error.message });
}

/** A click-to-dial refusal in the user's language. */
export function dialRefusal(error: unknown, t: TFunction): string {
  if (!(error instanceof ApiError)) return t('errors.network');
  const reason = reasonOf(error);
  if (reason !== undefined && dialReasons.includes(reason)) return t(`dial.refused.${reason}`);
  if (error.status === 503) return t('dial.refused.voice-unavailable');
  return t('errors.generic', { message: error.message });
}
