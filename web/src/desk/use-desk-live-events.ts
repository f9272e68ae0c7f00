import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { LiveEvents, type LiveConnection } from '../api/live-events.ts';
import {
  consultationFromEvent,
  nextConsultations,
  type Consultation,
  type Consultations,
} from './consultation-state.ts';
import type { Supervision } from './desk-context.ts';

/**
 * The agent's event socket: `refresh` on every event about the agent and
 * after every (re)connection, supervisors on the agent's calls from the
 * `supervision.*` events, the call re-read on `call.connected` and
 * `call.controls`, the agent's warm transfers from the `consultation.*`
 * events (kept per call id; `noteConsultation` adds the API's answers to
 * the agent's own steps), and the connection's state for the banner.
 */
export function useDeskLiveEvents(agentId: string, refresh: () => void) {
  const [connection, setConnection] = useState<LiveConnection>('connecting');
  const [supervision, setSupervision] = useState<readonly Supervision[]>([]);
  const [consultations, setConsultations] = useState<Consultations>(() => new Map());
  const noteConsultation = useCallback((callId: string, change: Consultation | null) => {
    setConsultations((current) => {
      if (change !== null) return nextConsultations(current, change, 'answer');
      const next = new Map(current);
      next.delete(callId);
      return next;
    });
  }, []);
  const queryClient = useQueryClient();
  useEffect(() => {
    const live = new LiveEvents({
      topics: ['agent', 'offer', 'contact', 'supervision', 'call', 'consultation'],
      onEvent: (event) => {
        if (event.topic === 'consultation') {
          const change = consultationFromEvent(event.type, event.data);
          if (change === undefined || event.data.agentId !== agentId) return;
          setConsultations((current) => nextConsultations(current, change, 'event'));
          // Completed: the caller went to the target and routing ends the agent's part.
          void queryClient.invalidateQueries({ queryKey: ['call', change.callId] });
          refresh();
          return;
        }
        if (event.topic === 'call') {
          // The agent was bridged (controls work now), or hold and mute changed
          // (here, in another tab, or by a supervisor).
          if (event.data.callId !== undefined) {
            void queryClient.invalidateQueries({ queryKey: ['call', event.data.callId] });
          }
          return;
        }
        if (event.topic === 'supervision') {
          setSupervision((current) => nextSupervision(current, event.type, event.data));
          return;
        }
        if (event.data.agentId === agentId) refresh();
      },
      onReady: refresh,
      onConnection: setConnection,
      onCredentialEnded: refresh,
    });
    live.start();
    return () => live.stop();
  }, [agentId, refresh, queryClient]);
  return { connection, supervision, consultations, noteConsultation };
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
