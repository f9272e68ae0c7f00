import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Space } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.ts';
import type { Consultation } from './consultation-state.ts';
import { useDesk } from './desk-context.ts';
import { transferRefusal } from './transfer-target.ts';

function targetName(c: Consultation, t: TFunction): string {
  return c.targetName ?? c.number ?? t('consult.aColleague');
}

/**
 * The warm transfer of the shown call: while the consulted party rings or
 * talks with the agent (the caller on hold), what is happening with
 * Complete transfer and Cancel (back to caller); afterwards, why it ended
 * when the agent did not end it (no answer, the target hung up).
 */
export function ConsultationBanner(props: { callId: string }) {
  const { t } = useTranslation();
  const desk = useDesk();
  const consultation = desk.consultations.get(props.callId);
  const step = useMutation({
    mutationFn: (action: 'complete' | 'cancel') =>
      api.post<{ consultation: 'completed' | 'cancelled' }>(
        `/calls/${props.callId}/consult/${action}`,
      ),
    onSuccess: (answer) => {
      if (consultation === undefined) return;
      desk.noteConsultation(props.callId, {
        ...consultation,
        phase: answer.consultation,
        ...(answer.consultation === 'cancelled' ? { reason: 'agent' } : {}),
      });
      desk.refresh();
    },
  });
  if (consultation === undefined) return null;
  const name = targetName(consultation, t);
  const forget = () => desk.noteConsultation(props.callId, null);
  if (consultation.phase === 'completed') {
    return (
      <Alert
        className="sb-gap"
        type="success"
        showIcon
        role="status"
        title={t('consult.completed', { name })}
        closable={{ 'aria-label': t('consult.dismiss'), onClose: forget }}
      />
    );
  }
  if (consultation.phase === 'cancelled') {
    if (consultation.reason === 'agent' || consultation.reason === undefined) return null;
    const why = ['no-answer', 'target-hung-up', 'call-ended'].includes(consultation.reason)
      ? consultation.reason
      : 'other';
    return (
      <Alert
        className="sb-gap"
        type="warning"
        showIcon
        role="status"
        title={t(`consult.ended.${why}`, { name })}
        closable={{ 'aria-label': t('consult.dismiss'), onClose: forget }}
      />
    );
  }
  const ringing = consultation.phase === 'ringing';
  return (
    <Alert
      className="sb-gap sb-consultation"
      type="info"
      showIcon
      role="status"
      title={ringing ? t('consult.ringing', { name }) : t('consult.connected', { name })}
      description={
        step.isError ? (
          <span role="alert">{transferRefusal(step.error, t)}</span>
        ) : ringing ? (
          t('consult.ringingHelp')
        ) : undefined
      }
      action={
        <Space>
          <Button
            type="primary"
            disabled={ringing || step.isPending}
            loading={step.isPending && step.variables === 'complete'}
            onClick={() => step.mutate('complete')}
          >
            {t('consult.complete')}
          </Button>
          <Button
            disabled={step.isPending}
            loading={step.isPending && step.variables === 'cancel'}
            onClick={() => step.mutate('cancel')}
          >
            {t('consult.cancel')}
          </Button>
        </Space>
      }
    />
  );
}
