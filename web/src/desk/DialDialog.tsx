import { PhoneOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.ts';
import { useDesk } from './desk-context.ts';
import { dialNumber, dialRefusal } from './transfer-target.ts';

const dialledKey = (callId: string) => ['dialled', callId] as const;

/** The number the agent dialled for a click-to-dial call from this page, if they did here. */
export function useDialledNumber(callId: string | null): string | undefined {
  const dialled = useQuery<string | null>({
    queryKey: dialledKey(callId ?? ''),
    queryFn: () => null,
    enabled: false,
    staleTime: Infinity,
  });
  return dialled.data ?? undefined;
}

/**
 * "Call a number" (click-to-dial, `POST /agent/calls`): the agent's phone
 * rings, then the customer's. The number must be E.164; a refusal (logged
 * out, on a contact, ringing, wrap-up, already dialling, no phone) is said
 * in words. Routing then lists the call as the agent's contact.
 */
export function DialButton() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="small" icon={<PhoneOutlined />} onClick={() => setOpen(true)}>
        {t('dial.open')}
      </Button>
      <DialDialog open={open} onClose={() => setOpen(false)} />
    </>
  );
}

function DialDialog(props: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [checked, setChecked] = useState(false);
  const number = dialNumber(text);
  const close = () => {
    setText('');
    setChecked(false);
    dial.reset();
    props.onClose();
  };
  const dial = useMutation({
    mutationFn: (to: string) => api.post<{ callId: string }>('/agent/calls', { number: to }),
    onSuccess: ({ callId }, to) => {
      queryClient.setQueryData(dialledKey(callId), to);
      void message.success(t('dial.started', { number: to }));
      desk.select(callId);
      desk.refresh();
      close();
    },
  });
  const submit = () => {
    setChecked(true);
    if (number !== null) dial.mutate(number);
  };
  const invalid = checked && number === null;
  return (
    <Modal
      open={props.open}
      title={t('dial.title')}
      okText={t('dial.call')}
      cancelText={t('transfer.cancel')}
      onOk={submit}
      confirmLoading={dial.isPending}
      onCancel={close}
      destroyOnHidden
      width={420}
    >
      {dial.isError && (
        <Alert className="sb-gap" type="error" role="alert" title={dialRefusal(dial.error, t)} />
      )}
      <Form layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item
          label={t('dial.number')}
          htmlFor="sb-dial-number"
          validateStatus={invalid ? 'error' : undefined}
          help={invalid ? t('dial.invalid') : t('dial.help')}
        >
          <Input
            id="sb-dial-number"
            value={text}
            inputMode="tel"
            autoComplete="off"
            placeholder="+442071234567"
            aria-invalid={invalid}
            onChange={(event) => setText(event.target.value)}
            autoFocus
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
