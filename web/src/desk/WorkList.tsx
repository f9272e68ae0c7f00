import { useQuery } from '@tanstack/react-query';
import { Empty, List, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.ts';
import { clockDuration, timeOfDay } from '../format/formatters.ts';
import { userTimeZone, useSignedInUser } from '../auth/session.ts';
import { useLanguage } from '../i18n/language-context.ts';
import { ChannelIcon } from './ChannelIcon.tsx';
import { codeLabel } from './code-label.ts';
import { contactTitle, useDesk } from './desk-context.ts';
import { DialButton } from './DialDialog.tsx';
import { useNow } from './use-now.ts';

export const interactionsKey = ['agent-interactions'] as const;

interface Interaction {
  readonly callId: string;
  readonly startedAt: string;
  readonly queueName: string | null;
  readonly customerNumber: string;
  readonly wrapUpCode: string | null;
}

/** Left pane: the agent's live interactions (one per contact, with its timer), then recent ones. */
export function WorkList() {
  const { t } = useTranslation();
  const desk = useDesk();
  const now = useNow();
  const me = useSignedInUser();
  const { language } = useLanguage();
  const contacts = desk.status?.contacts ?? [];
  const recent = useQuery({
    queryKey: interactionsKey,
    queryFn: () => api.get<{ items: Interaction[] }>('/agent/interactions?limit=10'),
    retry: false,
  });
  const selected = desk.selectedContactId ?? contacts[0]?.contactId ?? null;
  return (
    <nav className="sb-pane sb-worklist" aria-label={t('work.title')}>
      <div className="sb-pane-head">
        <h2 className="sb-pane-title">{t('work.title')}</h2>
        <DialButton />
      </div>
      {contacts.length === 0 ? (
        <p className="sb-muted sb-pane-empty">
          {desk.status?.state === 'available' ? t('work.emptyBusy') : t('work.empty')}
        </p>
      ) : (
        <ul className="sb-tabs" role="list">
          {contacts.map((contact) => (
            <li key={contact.contactId}>
              <button
                type="button"
                className={`sb-tab ${selected === contact.contactId ? 'sb-tab-selected' : ''}`}
                aria-current={selected === contact.contactId ? 'true' : undefined}
                onClick={() => desk.select(contact.contactId)}
              >
                <ChannelIcon channel={contact.channel} />
                <span className="sb-tab-name">{contactTitle(contact, desk.queues, t)}</span>
                <span className="sb-tab-timer">{clockDuration(now - contact.acceptedAt)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <h3 className="sb-pane-subtitle">{t('work.recent')}</h3>
      {(recent.data?.items.length ?? 0) === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('work.recentEmpty')} />
      ) : (
        <List
          size="small"
          dataSource={recent.data?.items ?? []}
          renderItem={(item) => (
            <List.Item className="sb-recent">
              <div>
                <div className="sb-number">{item.customerNumber}</div>
                <div className="sb-muted">
                  {item.queueName ?? ''} · {timeOfDay(item.startedAt, language, userTimeZone(me))}
                </div>
              </div>
              {item.wrapUpCode !== null && <Tag>{codeLabel(item.wrapUpCode, t)}</Tag>}
            </List.Item>
          )}
        />
      )}
    </nav>
  );
}
