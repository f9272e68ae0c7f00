import type { TFunction } from 'i18next';

/**
 * A disposition code in the user's language when it is one of the codes the
 * app knows, else as the admin wrote it (their label, or the code itself).
 */
export function codeLabel(code: string, t: TFunction, label?: string): string {
  return t(`wrapUp.codes.${code}`, { defaultValue: label ?? code });
}
