import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/api-client.ts';
import type { AgentStatus, Offer, Queue } from '../api/api-types.ts';
import { LiveEvents, type LiveConnection } from '../api/live-events.ts';
import { useSignedInUser } from '../auth/session.ts';
import {
  DeskContext,
  queueName,
  type Desk,
  type FinishedContact,
  type Supervision,
} from './desk-context.ts';
import { OfferAlert } from './offer-alert.ts';
import { useDeskShortcuts } from './use-desk-shortcuts.ts';

export const statusKey = ['agent-status'] as const;

const isCallId = (id: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);

/**
 * The agent's desk as the server has it: GET /agent/status, re-read when a
 * live event concerns this agent (never polled), so the desktop never shows
 * a state routing does not have. Also rings and announces new offers,
 * accepts them when the agent chose auto-accept, and tracks supervisors on
 * the agent's calls and the contact being wrapped up.
 */
export function DeskProvider(props: { children: ReactNode; onShortcutHelp: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useSignedInUser();
  const queryClient = useQueryClient();
  const [connection, setConnection] = useState<LiveConnection>('connecting');
  const [supervision, setSupervision] = useState<readonly Supervision[]>([]);
  const [selectedContactId, select] = useState<string | null>(null);
  const [wrapping, setWrapping] = useState<FinishedContact | null>(null);
  const [busyAction, setBusyAction] = useState<string | null>(null);
  const alert = useMemo(() => new OfferAlert(), []);

  const status = useQuery({
    queryKey: statusKey,
    queryFn: () => api.get<AgentStatus>('/agent/status'),
    staleTime: Infinity,
  });
  const queueList = useQuery({
    queryKey: ['queues'],
    queryFn: () => api.get<{ items: Queue[] }>('/queues'),
  });
  const queues = useMemo(
    () =>
      new Map(
        (queueList.data?.items ?? []).flatMap((queue) => [
          [queue.id, queue],
          [queue.name, queue],
        ]),
      ),
    [queueList.data],
  );

  const refresh = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: statusKey }),
    [queryClient],
  );

  useEffect(() => {
    const live = new LiveEvents({
      topics: ['agent', 'offer', 'contact', 'supervision'],
      onEvent: (event) => {
        if (event.topic === 'supervision') {
          setSupervision((current) => nextSupervision(current, event.type, event.data));
          return;
        }
        if (event.data.agentId === me.id) refresh();
      },
      onReady: refresh,
      onConnection: setConnection,
      onCredentialEnded: refresh,
    });
    live.start();
    return () => live.stop();
  }, [me.id, refresh]);

  // Which contact is being wrapped up: the one that left the agent's list
  // as the state became wrap-up (ended by the caller, or by the agent).
  const previousContacts = useRef<AgentStatus['contacts']>([]);
  const current = status.data;
  useEffect(() => {
    if (current === undefined) return;
    const gone = previousContacts.current.filter(
      (before) => !current.contacts.some((now) => now.contactId === before.contactId),
    );
    previousContacts.current = current.contacts;
    if (current.state === 'wrap-up' && gone[0] !== undefined) setWrapping(gone[0]);
    if (current.state !== 'wrap-up' && current.contacts.length === 0) setWrapping(null);
    if (current.state === 'wrap-up' && gone.length === 0) {
      setWrapping((w) => w ?? { contactId: '', queueId: '', channel: 'voice' });
    }
  }, [current]);

  const act = useMutation({
    mutationFn: async (action: { name: string; run: () => Promise<unknown> }) => {
      setBusyAction(action.name);
      try {
        await action.run();
      } finally {
        setBusyAction(null);
      }
    },
    onSettled: refresh,
    onError: (error) => {
      if (error instanceof ApiError && error.status === 401) return;
      void message.error(
        error instanceof ApiError
          ? t('errors.generic', { message: error.message })
          : t('errors.network'),
      );
    },
  });

  const accept = useCallback(
    (offer: Offer) => {
      alert.stop();
      act.mutate({
        name: `accept:${offer.offerId}`,
        run: async () => {
          await api.post(`/agent/offers/${encodeURIComponent(offer.offerId)}/accept`);
          select(offer.contactId);
        },
      });
    },
    [act, alert],
  );
  const reject = useCallback(
    (offer: Offer) => {
      alert.stop();
      act.mutate({
        name: `reject:${offer.offerId}`,
        run: () => api.post(`/agent/offers/${encodeURIComponent(offer.offerId)}/reject`),
      });
    },
    [act, alert],
  );

  // New offers: ring, notify, and accept at once for agents who chose that.
  const announced = useRef(new Set<string>());
  useEffect(() => {
    const offers = current?.offers ?? [];
    if (offers.length === 0) alert.stop();
    for (const offer of offers) {
      if (announced.current.has(offer.offerId)) continue;
      announced.current.add(offer.offerId);
      if (me.autoAccept === true) {
        accept(offer);
        continue;
      }
      alert.ring();
      const queue = queueName(queues, offer.queueId);
      alert.notify(
        t('offer.notificationTitle', { channel: t(`channel.${offer.channel}`) }),
        t('offer.notificationBody', { queue, caller: offer.callerNumber ?? '' }),
        () => select(offer.contactId),
      );
    }
  }, [current?.offers, me.autoAccept, accept, alert, queues, t]);
  useEffect(() => () => alert.stop(), [alert]);
  // Browsers allow sound only after a gesture: the first click or key on the
  // page (not only a status change) readies the ring, e.g. after a reload.
  useEffect(() => {
    const prepare = () => alert.prepare();
    window.addEventListener('pointerdown', prepare, { once: true });
    window.addEventListener('keydown', prepare, { once: true });
    return () => {
      window.removeEventListener('pointerdown', prepare);
      window.removeEventListener('keydown', prepare);
    };
  }, [alert]);

  const desk: Desk = {
    status: current,
    statusError: status.error,
    queues,
    connection,
    supervision,
    selectedContactId,
    select,
    wrapping,
    busyAction,
    openHelp: props.onShortcutHelp,
    setState: (state, reason) => {
      alert.prepare();
      act.mutate({
        name: `state:${state}`,
        run: async () => {
          if (state === 'offline') await api.post('/agent/logout');
          else if (current?.state === 'offline') {
            await api.post('/agent/login');
            if (state === 'break') await api.put('/agent/state', { state, reason });
          } else
            await api.put('/agent/state', reason === undefined ? { state } : { state, reason });
        },
      });
    },
    accept,
    reject,
    complete: (contactId) =>
      act.mutate({
        name: `complete:${contactId}`,
        run: () => api.post(`/agent/contacts/${encodeURIComponent(contactId)}/complete`),
      }),
    finishWrapUp: async (form) => {
      const contactId = wrapping?.contactId ?? '';
      await api.post('/agent/wrap-up', {
        ...(form.code === undefined ? {} : { code: form.code }),
        ...(form.notes === undefined || form.notes === '' ? {} : { notes: form.notes }),
        ...(isCallId(contactId) ? { callId: contactId } : {}),
      });
      setWrapping(null);
      select(null);
      refresh();
      void queryClient.invalidateQueries({ queryKey: ['agent-interactions'] });
    },
  };
  useDeskShortcuts(desk);

  return <DeskContext.Provider value={desk}>{props.children}</DeskContext.Provider>;
}

function nextSupervision(
  current: readonly Supervision[],
  type: string,
  data: Readonly<Record<string, string>>,
): readonly Supervision[] {
  const callId = data.callId ?? '';
  const supervisorId = data.supervisorId ?? '';
  const others = current.filter((s) => !(s.callId === callId && s.supervisorId === supervisorId));
  if (type === 'supervision.left') return others;
  const supervisorName = data.supervisorName ?? null;
  return [...others, { callId, supervisorId, supervisorName, mode: data.mode ?? 'listen' }];
}
