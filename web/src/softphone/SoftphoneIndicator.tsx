import { AudioMutedOutlined, PhoneOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSoftphone } from './softphone-context.ts';
import { SoftphoneSettingsDialog } from './SoftphoneSettingsDialog.tsx';
import type { SoftphoneStatus } from './softphone-status.ts';

/** The header's word for the phone's status, and its colour class. */
function shown(status: SoftphoneStatus): { key: string; tone: string } {
  switch (status.kind) {
    case 'disabled':
      return status.reason === 'loading'
        ? { key: 'softphone.status.loading', tone: 'idle' }
        : status.reason === 'unavailable'
          ? { key: 'softphone.status.unavailable', tone: 'bad' }
          : { key: 'softphone.status.notConfigured', tone: 'idle' };
    case 'connecting':
      return { key: 'softphone.status.connecting', tone: 'pending' };
    case 'registered':
      return { key: 'softphone.status.registered', tone: 'good' };
    case 'offline':
      return { key: 'softphone.status.offline', tone: 'bad' };
    case 'micBlocked':
      return { key: 'softphone.status.micBlocked', tone: 'bad' };
    case 'error':
      return { key: 'softphone.status.error', tone: 'bad' };
  }
}

/**
 * The browser phone in the header: one word for where it stands (ready,
 * connecting, offline, microphone blocked, not set up), opening its
 * settings. A live region, so a screen reader hears the phone drop.
 */
export function SoftphoneIndicator() {
  const { t } = useTranslation();
  const { status } = useSoftphone();
  const [open, setOpen] = useState(false);
  const { key, tone } = shown(status);
  return (
    <>
      <Button
        type="text"
        className={`sb-softphone sb-softphone-${tone}`}
        onClick={() => setOpen(true)}
        aria-haspopup="dialog"
        icon={status.kind === 'micBlocked' ? <AudioMutedOutlined /> : <PhoneOutlined />}
      >
        <span role="status" className="sb-softphone-label">
          {t(key)}
        </span>
        <span className="sb-visually-hidden">{t('softphone.openSettings')}</span>
      </Button>
      <SoftphoneSettingsDialog open={open} onClose={() => setOpen(false)} />
    </>
  );
}
