import type { TFunction } from 'i18next';
import { DownOutlined } from '@ant-design/icons';
import { Button, Dropdown, type MenuProps } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AgentState } from '../api/api-types.ts';
import { clockDuration } from '../format/formatters.ts';
import { useDesk } from './desk-context.ts';
import { useNow } from './use-now.ts';
import { shortcutEvent } from './use-desk-shortcuts.ts';

export const breakReasons = ['lunch', 'coffee', 'training', 'meeting', 'coaching'] as const;
const missedOffers = 'missed-offers';

/** The state the desk shows: routing's, with "missed" for a break routing imposed. */
export function shownState(state: AgentState, reason: string): string {
  return state === 'break' && reason === missedOffers ? 'missed' : state;
}

/**
 * The header's status: what routing says, with the time in it, and a menu
 * of the states an agent may choose (available, break with a reason,
 * offline). Ringing, on a call, wrap-up and missed are routing's to set.
 */
export function StateMenu() {
  const { t } = useTranslation();
  const desk = useDesk();
  const now = useNow();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onShortcut = (event: Event) => {
      if ((event as CustomEvent<string>).detail === 'break') setOpen(true);
    };
    window.addEventListener(shortcutEvent, onShortcut);
    return () => window.removeEventListener(shortcutEvent, onShortcut);
  }, []);
  const status = desk.status;
  if (status === undefined) return <div className="sb-state-menu" />;
  const shown = shownState(status.state, status.reason);
  const since = status.stateSince > 0 ? now - status.stateSince : 0;
  const label =
    status.state === 'break' && shown !== 'missed' && status.reason !== ''
      ? t('state.breakWith', { reason: reasonLabel(status.reason, t) })
      : t(`state.${shown}`);
  const items: MenuProps['items'] = [
    { key: 'available', label: t('state.goAvailable'), disabled: status.state === 'available' },
    { type: 'divider' },
    ...breakReasons.map((reason) => ({
      key: `break:${reason}`,
      label: t('state.breakWith', { reason: t(`state.reasons.${reason}`) }),
    })),
    { type: 'divider' },
    { key: 'offline', label: t('state.goOffline'), disabled: status.contacts.length > 0 },
  ];
  return (
    <div className="sb-state-menu">
      <Dropdown
        open={open}
        onOpenChange={setOpen}
        trigger={['click']}
        menu={{
          items,
          onClick: ({ key }) => {
            setOpen(false);
            if (key === 'available' || key === 'offline') desk.setState(key);
            else desk.setState('break', key.slice('break:'.length));
          },
        }}
      >
        <Button
          className={`sb-state sb-state-${shown}`}
          aria-haspopup="menu"
          loading={desk.busyAction?.startsWith('state:')}
        >
          <span className="sb-state-dot" aria-hidden="true" />
          <span className="sb-state-label">{label}</span>
          <span className="sb-state-time">{clockDuration(since)}</span>
          <span className="sb-visually-hidden">{t('state.change')}</span>
          <DownOutlined aria-hidden="true" />
        </Button>
      </Dropdown>
    </div>
  );
}

/** A break reason in the user's language when the app knows it, else the code as routing has it. */
export function reasonLabel(reason: string, t: TFunction): string {
  return t(`state.reasons.${reason}`, { defaultValue: reason });
}
