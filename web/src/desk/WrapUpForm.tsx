import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/api-client.ts';
import { useCall } from './call-queries.ts';
import { codeLabel } from './code-label.ts';
import { queueName, useDesk } from './desk-context.ts';
import { useNow } from './use-now.ts';

interface DispositionCode {
  readonly id: string;
  readonly code: string;
  readonly label: string;
  readonly queueId: string | null;
  readonly active: boolean;
}

interface WrapUpValues {
  readonly code?: string;
  readonly notes?: string;
}

/**
 * Opens by itself when an interaction ends: disposition (required when the
 * queue says so), notes, and the time left before routing ends wrap-up.
 */
export function WrapUpForm() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const desk = useDesk();
  const now = useNow();
  const wrapping = desk.wrapping;
  const queue = wrapping === null ? undefined : desk.queues.get(wrapping.queueId);
  const codes = useQuery({
    queryKey: ['disposition-codes', queue?.id ?? null],
    queryFn: () =>
      api.get<{ items: DispositionCode[] }>(
        `/disposition-codes${queue === undefined ? '' : `?queueId=${queue.id}`}`,
      ),
    retry: false,
  });
  const required = (queue as { wrapUpCodeRequired?: boolean } | undefined)?.wrapUpCodeRequired;
  const done = useMutation({
    mutationFn: (values: WrapUpValues) => desk.finishWrapUp(values),
    onSuccess: () => void message.success(t('wrapUp.saved')),
  });
  const call = useCall(wrapping?.contactId || null);
  const until = desk.status?.wrapUpUntil ?? 0;
  const left = Math.ceil((until - now) / 1000);
  const active = (codes.data?.items ?? []).filter((code) => code.active);
  return (
    <div className="sb-wrap-up">
      <div className="sb-wrap-up-head">
        <h2 className="sb-pane-title">{t('wrapUp.title')}</h2>
        {until > 0 && (
          <span className={`sb-wrap-up-timer ${left <= 10 ? 'sb-urgent' : ''}`} role="timer">
            {left > 0 ? t('wrapUp.remaining', { seconds: left }) : t('wrapUp.overdue')}
          </span>
        )}
      </div>
      {wrapping !== null && wrapping.contactId !== '' && (
        <p className="sb-wrap-up-of">
          <span className="sb-number">{call.data?.from ?? '—'}</span>
          <span className="sb-muted"> · {queueName(desk.queues, wrapping.queueId)}</span>
        </p>
      )}
      {done.isError && (
        <Alert
          className="sb-gap"
          type="error"
          role="alert"
          title={done.error instanceof ApiError ? done.error.message : t('errors.network')}
        />
      )}
      <Form<WrapUpValues> layout="vertical" onFinish={(values) => done.mutate(values)}>
        <Form.Item
          label={t('wrapUp.code')}
          name="code"
          rules={[{ required: required === true, message: t('wrapUp.codeRequired') }]}
        >
          <Select
            allowClear
            placeholder={t('wrapUp.codePlaceholder')}
            loading={codes.isPending}
            options={active.map((code) => ({
              value: code.code,
              label: codeLabel(code.code, t, code.label),
            }))}
          />
        </Form.Item>
        <Form.Item label={t('wrapUp.notes')} name="notes">
          <Input.TextArea
            rows={4}
            maxLength={2000}
            showCount
            placeholder={t('wrapUp.notesPlaceholder')}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={done.isPending} block size="large">
          {t('wrapUp.done')}
        </Button>
      </Form>
    </div>
  );
}
