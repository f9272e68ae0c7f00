import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Descriptions, Empty, List, Select, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.ts';
import { userTimeZone, useSignedInUser } from '../auth/session.ts';
import { useCall, useCustomer, type Customer360 } from './call-queries.ts';
import { useDesk } from './desk-context.ts';
import { PastCallItem } from './PastCallItem.tsx';

function TagEditor({ customer }: { customer: Customer360 }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (tags: string[]) => api.put(`/contacts/${customer.id}/tags`, { tags }),
    onSuccess: () => {
      void message.success(t('customer.tagSaved'));
      void queryClient.invalidateQueries({ queryKey: ['customer', customer.id] });
    },
  });
  return (
    <Select
      mode="tags"
      className="sb-full-width"
      aria-label={t('customer.tags')}
      placeholder={t('customer.addTag')}
      value={[...customer.tags]}
      loading={save.isPending}
      onChange={(tags: string[]) => save.mutate(tags.map((tag) => tag.trim().toLowerCase()))}
      tagRender={({ label, closable, onClose }) => (
        <Tag closable={closable} onClose={onClose} color="blue">
          {label}
        </Tag>
      )}
    />
  );
}

/**
 * Right pane: the customer 360 of the interaction in hand, or of the caller
 * ringing now (screen pop): profile, tags, past calls with dispositions,
 * conversations and tickets.
 */
export function CustomerPane() {
  const { t } = useTranslation();
  const desk = useDesk();
  const me = useSignedInUser();
  const zone = userTimeZone(me);
  const contacts = desk.status?.contacts ?? [];
  const focus =
    contacts.find((c) => c.contactId === desk.selectedContactId)?.contactId ??
    contacts[0]?.contactId ??
    desk.status?.offers[0]?.contactId ??
    (desk.wrapping?.contactId || null);
  const call = useCall(focus);
  const customer = useCustomer(call.data?.contactId);
  const view = customer.data;

  let body;
  if (focus === null) body = <p className="sb-muted sb-pane-empty">{t('customer.noContact')}</p>;
  else if (view === undefined) {
    body =
      call.data?.contactId === null || customer.isError ? (
        <p className="sb-muted sb-pane-empty">{t('customer.unknown')}</p>
      ) : null;
  } else {
    const name = `${view.givenName} ${view.familyName}`.trim();
    const pastCalls = view.calls.filter((c) => c.id !== focus);
    body = (
      <>
        <Typography.Title level={3} className="sb-customer-name">
          {name || view.phones[0]?.phone || '—'}
        </Typography.Title>
        {view.company !== '' && <div className="sb-muted">{view.company}</div>}
        <Descriptions size="small" column={1} className="sb-gap">
          {view.phones.map((p) => (
            <Descriptions.Item key={p.phone} label={t('customer.phone')}>
              <span className="sb-number">{p.phone}</span>
            </Descriptions.Item>
          ))}
          {view.emails.map((e) => (
            <Descriptions.Item key={e.email} label={t('customer.email')}>
              {e.email}
            </Descriptions.Item>
          ))}
        </Descriptions>
        <h3 className="sb-pane-subtitle">{t('customer.tags')}</h3>
        <TagEditor customer={view} />
        <h3 className="sb-pane-subtitle">{t('customer.pastCalls')}</h3>
        {pastCalls.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customer.noCalls')} />
        ) : (
          <List
            size="small"
            dataSource={pastCalls.slice(0, 10)}
            renderItem={(c) => <PastCallItem call={c} zone={zone} />}
          />
        )}
        <h3 className="sb-pane-subtitle">{t('customer.conversations')}</h3>
        {view.conversations.length === 0 ? (
          <p className="sb-muted">{t('customer.noConversations')}</p>
        ) : (
          <List
            size="small"
            dataSource={view.conversations.slice(0, 5)}
            renderItem={(c) => (
              <List.Item>
                <span>{c.subject || t(`channel.${c.channel ?? 'chat'}`)}</span>
                <Tag>
                  {t(`customer.conversationStatus.${c.status}`, { defaultValue: c.status })}
                </Tag>
              </List.Item>
            )}
          />
        )}
        <h3 className="sb-pane-subtitle">{t('customer.tickets')}</h3>
        {view.tickets.length === 0 ? (
          <p className="sb-muted">{t('customer.noTickets')}</p>
        ) : (
          <List
            size="small"
            dataSource={view.tickets.slice(0, 5)}
            renderItem={(ticket) => (
              <List.Item>
                <span>{ticket.subject}</span>
                <Tag>
                  {t(`customer.ticketStatus.${ticket.status}`, { defaultValue: ticket.status })}
                </Tag>
              </List.Item>
            )}
          />
        )}
      </>
    );
  }
  return (
    <aside className="sb-pane sb-customer" aria-label={t('customer.title')}>
      <h2 className="sb-pane-title">{t('customer.title')}</h2>
      {body}
    </aside>
  );
}
