import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/api-client.ts';
import type { CallDetail } from './call-queries.ts';

export type CallControlAction = 'hold' | 'resume' | 'mute' | 'unmute';

/**
 * Hold, resume, mute and unmute of the agent's live call, done by the
 * server (FreeSWITCH), so they work whatever the agent's phone, and every
 * tab and the supervisor see the same state (`call.controls` events).
 */
export function useCallControl(callId: string) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (action: CallControlAction) =>
      api.post<{ held?: boolean; muted?: boolean }>(
        `/calls/${encodeURIComponent(callId)}/${action}`,
      ),
    onSuccess: (answer) => {
      queryClient.setQueryData<CallDetail>(['call', callId], (call) =>
        call?.controls == null
          ? call
          : {
              ...call,
              controls: {
                held: answer.held ?? call.controls.held,
                muted: answer.muted ?? call.controls.muted,
              },
            },
      );
    },
    onError: (error) => {
      void message.error(error instanceof ApiError ? error.message : t('errors.network'));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['call', callId] }),
  });
}

/** Keys sent to the customer's line by the server (desk phones; the browser phone sends its own). */
export function useSendDigits(callId: string) {
  const { message } = App.useApp();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (digits: string) =>
      api.post(`/calls/${encodeURIComponent(callId)}/dtmf`, { digits }),
    onError: (error) => {
      void message.error(error instanceof ApiError ? error.message : t('errors.network'));
    },
  });
}
