import { useEffect } from 'react';
import type { Desk } from './desk-context.ts';

/** The desk's keys; each is listed in the shortcuts dialog. */
export const deskShortcuts = [
  { key: 'a', action: 'accept' },
  { key: 'r', action: 'reject' },
  { key: 'e', action: 'hangUp' },
  { key: 'm', action: 'mute' },
  { key: 'h', action: 'hold' },
  { key: 'v', action: 'available' },
  { key: 's', action: 'break' },
  { key: '?', action: 'help' },
] as const;

export type ShortcutAction = (typeof deskShortcuts)[number]['action'];

/** Other parts of the desk (call controls, status menu) listen for the shortcuts they own. */
export const shortcutEvent = 'switchboard:shortcut';

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
}

/**
 * Single keys, as in the Connect CCP and Flex, ignored while typing in a
 * field or with a modifier held (the browser's own shortcuts stay).
 */
export function useDeskShortcuts(desk: Desk): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) return;
      const shortcut = deskShortcuts.find((s) => s.key === event.key.toLowerCase());
      if (shortcut === undefined) return;
      const offer = desk.status?.offers[0];
      switch (shortcut.action) {
        case 'accept':
          if (offer !== undefined) desk.accept(offer);
          break;
        case 'reject':
          if (offer !== undefined) desk.reject(offer);
          break;
        case 'available':
          desk.setState('available');
          break;
        case 'help':
          desk.openHelp();
          break;
        case 'hangUp': {
          const contact =
            desk.status?.contacts.find((c) => c.contactId === desk.selectedContactId) ??
            desk.status?.contacts[0];
          if (contact !== undefined) desk.complete(contact.contactId);
          break;
        }
        case 'break':
        case 'mute':
        case 'hold':
          window.dispatchEvent(new CustomEvent(shortcutEvent, { detail: shortcut.action }));
          break;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [desk]);
}
