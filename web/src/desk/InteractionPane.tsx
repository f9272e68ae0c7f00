import { EyeOutlined } from '@ant-design/icons';
import { Alert, Button, Descriptions } from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { userTimeZone, useSignedInUser } from '../auth/session.ts';
import { clockDuration, timeOfDay } from '../format/formatters.ts';
import { useLanguage } from '../i18n/language-context.ts';
import { useCall } from './call-queries.ts';
import { ConsultationBanner } from './ConsultationBanner.tsx';
import { contactTitle, useDesk, type Supervision } from './desk-context.ts';
import { useDialledNumber } from './DialDialog.tsx';
import { CallControls } from './CallControls.tsx';
import { TransferDialog } from './TransferDialog.tsx';
import { useNow } from './use-now.ts';
import { WrapUpForm } from './WrapUpForm.tsx';

function supervisionText(s: Supervision, t: TFunction): string {
  const name = s.supervisorName ?? t('interaction.aSupervisor');
  if (s.mode === 'whisper') return t('interaction.coachedBy', { name });
  if (s.mode === 'barge') return t('interaction.bargedBy', { name });
  return t('interaction.monitoredBy', { name });
}

/** Middle pane: the selected interaction with its controls, or the wrap-up form after it. */
export function InteractionPane() {
  const { t } = useTranslation();
  const desk = useDesk();
  const now = useNow();
  const me = useSignedInUser();
  const { language } = useLanguage();
  const [transferring, setTransferring] = useState(false);
  const contacts = desk.status?.contacts ?? [];
  const contact =
    contacts.find((c) => c.contactId === desk.selectedContactId) ?? contacts[0] ?? undefined;
  const call = useCall(contact?.contactId ?? null);
  const dialled = useDialledNumber(contact?.contactId ?? null);

  if (desk.wrapping !== null && contact === undefined) {
    return (
      <section className="sb-pane sb-interaction" aria-label={t('wrapUp.title')}>
        <WrapUpForm />
      </section>
    );
  }
  if (contact === undefined) {
    return (
      <section className="sb-pane sb-interaction" aria-label={t('interaction.title')}>
        <h2 className="sb-pane-title">{t('interaction.title')}</h2>
        {desk.status?.state === 'offline' ||
        (desk.status?.state === 'break' && desk.status.reason !== 'missed-offers') ? (
          <div className="sb-idle">
            <p className="sb-muted">{t('work.empty')}</p>
            <Button type="primary" size="large" onClick={() => desk.setState('available')}>
              {t('state.goAvailable')} <kbd className="sb-kbd-hint">V</kbd>
            </Button>
          </div>
        ) : (
          <p className="sb-muted sb-pane-empty">{t('interaction.nothing')}</p>
        )}
      </section>
    );
  }
  const watched = desk.supervision.filter((s) => s.callId === contact.contactId);
  return (
    <section className="sb-pane sb-interaction" aria-label={t('interaction.title')}>
      {watched.map((s) => (
        <Alert
          key={s.supervisorId}
          className="sb-gap"
          type="info"
          showIcon
          icon={<EyeOutlined />}
          role="status"
          title={supervisionText(s, t)}
        />
      ))}
      <ConsultationBanner callId={contact.contactId} />
      <div className="sb-call-head">
        <div>
          <div className="sb-call-number sb-number">
            {(call.data?.direction === 'outbound' ? call.data.to : call.data?.from) ??
              dialled ??
              '—'}
          </div>
          <div className="sb-muted">{contactTitle(contact, desk.queues, t)}</div>
        </div>
        <div
          className="sb-call-timer"
          aria-label={t('work.connectedFor', { duration: clockDuration(now - contact.acceptedAt) })}
        >
          {clockDuration(now - contact.acceptedAt)}
        </div>
      </div>
      <Descriptions size="small" column={1} className="sb-gap">
        <Descriptions.Item label={t('interaction.queue')}>
          {contact.queueId === ''
            ? t('interaction.noQueue')
            : contactTitle(contact, desk.queues, t)}
        </Descriptions.Item>
        <Descriptions.Item label={t('interaction.started')}>
          {timeOfDay(contact.acceptedAt, language, userTimeZone(me))}
        </Descriptions.Item>
      </Descriptions>
      {contact.channel === 'voice' && call.data !== undefined && (
        <CallControls call={call.data} onTransfer={() => setTransferring(true)} />
      )}
      <div className="sb-call-controls">
        <Button
          type="primary"
          danger
          onClick={() => desk.complete(contact.contactId)}
          loading={desk.busyAction === `complete:${contact.contactId}`}
        >
          {t('interaction.complete')} <kbd className="sb-kbd-hint">E</kbd>
        </Button>
      </div>
      {call.data !== undefined && (
        <TransferDialog
          callId={call.data.id}
          open={transferring}
          onClose={() => setTransferring(false)}
        />
      )}
    </section>
  );
}
