import { hasScope, type Principal } from '../access/principal.ts';
import { displayableVariables } from './flow-variables.ts';

/**
 * Agents work a contact through the desktop (click-to-call and replies go
 * through Switchboard), so they never need a customer's full phone number or
 * email; supervisors and admins may, and so may integration tokens granted
 * the `pii` scope.
 */
export function seesFullContactDetails(principal: Principal): boolean {
  if (principal.credential.kind === 'token') {
    return principal.role !== 'agent' && hasScope(principal, 'pii');
  }
  return principal.role !== 'agent';
}

/** `+15551230123` -> `+1•••••••0123`: keeps the country prefix and the last four digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 4) return '•'.repeat(digits.length);
  const lead = phone.startsWith('+') ? `+${digits.slice(0, 1)}` : '';
  const hidden = digits.length - 4 - (lead === '' ? 0 : 1);
  return `${lead}${'•'.repeat(Math.max(hidden, 0))}${digits.slice(-4)}`;
}

/** `jane.doe@example.com` -> `j•••@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '•••';
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

/** How one principal sees a customer's personal data. */
export interface ContactMasker {
  /** True when nothing is hidden from this principal. */
  readonly full: boolean;
  readonly phone: (value: string) => string;
  readonly email: (value: string) => string;
  /** Flow variables (screen-pop attributes): all of them, or only those the flow marks displayable. */
  readonly variables: (vars: Readonly<Record<string, unknown>>) => Record<string, unknown>;
}

const fullView: ContactMasker = Object.freeze({
  full: true,
  phone: (v: string) => v,
  email: (v: string) => v,
  variables: (vars: Readonly<Record<string, unknown>>) => ({ ...vars }),
});

const maskedView: ContactMasker = Object.freeze({
  full: false,
  phone: maskPhone,
  email: maskEmail,
  variables: displayableVariables,
});

/** A masker for one principal: identity for those who may see, masking otherwise. */
export function contactMaskerFor(principal: Principal): ContactMasker {
  return seesFullContactDetails(principal) ? fullView : maskedView;
}
