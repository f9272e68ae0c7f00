import { hasScope, type Principal } from '../access/principal.ts';

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

/** A masker for one principal: identity for those who may see, masking otherwise. */
export function contactMaskerFor(principal: Principal): {
  readonly phone: (value: string) => string;
  readonly email: (value: string) => string;
} {
  if (seesFullContactDetails(principal)) return { phone: (v) => v, email: (v) => v };
  return { phone: maskPhone, email: maskEmail };
}
