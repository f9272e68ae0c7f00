import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useCallback, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/api-client.ts';
import type { AgentStatus, Offer } from '../api/api-types.ts';
import { useSignedInUser } from '../auth/session.ts';
import { NoMicrophoneError } from '../softphone/softphone.ts';
import { useSoftphone } from '../softphone/softphone-context.ts';
import { isCallId } from './call-queries.ts';
import { DeskContext, type Desk } from './desk-context.ts';
import { useDeskLiveEvents } from './use-desk-live-events.ts';
import { useDeskShortcuts } from './use-desk-shortcuts.ts';
import { useOfferAlerts } from './use-offer-alerts.ts';
import { useQueues } from './use-queues.ts';
import { useWrappingContact } from './use-wrapping-contact.ts';

export const statusKey = ['agent-status'] as const;

/**
 * The agent's desk as the server has it: GET /agent/status, re-read when a
 * live event concerns this agent (never polled), so the desktop never shows
 * a state routing does not have. Also rings and announces new offers,
 * accepts them when the agent chose auto-accept, and tracks supervisors on
 * the agent's calls and the contact being wrapped up.
 */
/** The call had already ended, or no agent was on it: End goes on to wrap-up. */
function ignoreCallGone(error: unknown): void {
  if (error instanceof ApiError && [404, 409, 503].includes(error.status)) return;
  throw error;
}

export function DeskProvider(props: { children: ReactNode; onShortcutHelp: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useSignedInUser();
  const queryClient = useQueryClient();
  const [selectedContactId, select] = useState<string | null>(null);
  const [busyAction, setBusyAction] = useState<string | null>(null);
  const softphone = useSoftphone();
  // One ring for offers and the browser phone's calls, on the agent's ringer device.
  const alert = softphone.ringer;
  const { answerOffer, declineOffer } = softphone;

  const status = useQuery({
    queryKey: statusKey,
    queryFn: () => api.get<AgentStatus>('/agent/status'),
    staleTime: Infinity,
  });
  const queues = useQueues();

  const refresh = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: statusKey }),
    [queryClient],
  );

  const { connection, supervision, consultations, noteConsultation } = useDeskLiveEvents(
    me.id,
    refresh,
  );

  const current = status.data;
  const [wrapping, setWrapping] = useWrappingContact(current);

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
      if (error instanceof NoMicrophoneError) {
        void message.error(t(`softphone.mic.${error.problem}`));
        return;
      }
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
          // When the offer's INVITE rings the browser phone, answering it is the accept.
          if (!(await answerOffer(offer.offerId))) {
            await api.post(`/agent/offers/${encodeURIComponent(offer.offerId)}/accept`);
          }
          select(offer.contactId);
        },
      });
    },
    [act, alert, answerOffer],
  );
  const reject = useCallback(
    (offer: Offer) => {
      alert.stop();
      act.mutate({
        name: `reject:${offer.offerId}`,
        run: async () => {
          // Declining the offer's INVITE (603) is the reject when it rings the browser phone.
          if (!(await declineOffer(offer.offerId))) {
            await api.post(`/agent/offers/${encodeURIComponent(offer.offerId)}/reject`);
          }
        },
      });
    },
    [act, alert, declineOffer],
  );

  useOfferAlerts({
    alert,
    offers: current?.offers,
    autoAccept: me.autoAccept === true,
    accept,
    queues,
    select,
  });

  const desk: Desk = {
    status: current,
    statusError: status.error,
    queues,
    connection,
    supervision,
    consultations,
    noteConsultation,
    refresh,
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
        run: async () => {
          // End hangs the agent's voice call up: the browser phone's itself, a
          // desk phone's through the server (nothing to hang up any more: fine).
          if (isCallId(contactId)) {
            if (softphone.call !== null) await softphone.hangUp();
            else await api.post(`/calls/${contactId}/hangup`).catch(ignoreCallGone);
          }
          await api.post(`/agent/contacts/${encodeURIComponent(contactId)}/complete`);
        },
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
