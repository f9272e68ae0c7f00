import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../api/api-client.ts';
import type { Queue } from '../api/api-types.ts';

/** The agent's queues, found by id (the API's) or by name (routing's). */
export function useQueues(): ReadonlyMap<string, Queue> {
  const list = useQuery({
    queryKey: ['queues'],
    queryFn: () => api.get<{ items: Queue[] }>('/queues'),
  });
  return useMemo(
    () =>
      new Map(
        (list.data?.items ?? []).flatMap((queue) => [
          [queue.id, queue],
          [queue.name, queue],
        ]),
      ),
    [list.data],
  );
}
