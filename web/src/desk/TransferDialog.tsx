import { useMutation } from '@tanstack/react-query';
import { Alert, App, AutoComplete, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/api-client.ts';
import { useDesk } from './desk-context.ts';

type Target = { kind: 'queue'; queueId: string } | { kind: 'number'; number: string };

/** A queue from the directory, or a number typed in (E.164 digits). */
function targetOf(
  text: string,
  queues: ReadonlyMap<string, { id: string; name: string }>,
): Target | null {
  const queue = queues.get(text.trim());
  if (queue !== undefined) return { kind: 'queue', queueId: queue.id };
  const digits = text.replace(/[\s()-]/g, '');
  return /^\+?[0-9]{2,20}$/.test(digits) ? { kind: 'number', number: digits } : null;
}

/** Blind transfer of the caller to a queue or number (POST /calls/:id/transfer). */
export function TransferDialog(props: { callId: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const desk = useDesk();
  const [text, setText] = useState('');
  const target = targetOf(text, desk.queues);
  const transfer = useMutation({
    mutationFn: (to: Target) => api.post(`/calls/${props.callId}/transfer`, { target: to }),
    onSuccess: () => {
      void message.success(t('interaction.transferred'));
      props.onClose();
    },
  });
  const names = [...new Set([...desk.queues.values()].map((q) => q.name))];
  return (
    <Modal
      open={props.open}
      title={t('interaction.transferTo')}
      okText={t('interaction.transferBlind')}
      okButtonProps={{ disabled: target === null }}
      confirmLoading={transfer.isPending}
      onOk={() => target !== null && transfer.mutate(target)}
      onCancel={props.onClose}
      destroyOnHidden
    >
      {transfer.isError && (
        <Alert
          className="sb-gap"
          type="error"
          role="alert"
          title={transfer.error instanceof ApiError ? transfer.error.message : t('errors.network')}
        />
      )}
      <AutoComplete
        className="sb-full-width"
        aria-label={t('interaction.transferSearch')}
        placeholder={t('interaction.transferSearch')}
        value={text}
        onChange={setText}
        options={names
          .filter((name) => name.includes(text.trim().toLowerCase()))
          .map((name) => ({ value: name }))}
        autoFocus
      />
    </Modal>
  );
}
