import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSoftphone } from './softphone-context.ts';

/**
 * What stops the browser phone, said so the agent can fix it: the
 * microphone blocked (allow it for this site, then Retry), the SIP server
 * unreachable (reconnecting by itself; Retry now), the registrar refusing
 * the account. Nothing when the phone works or is not set up.
 */
export function SoftphoneProblem(props: { inDialog?: boolean }) {
  const { t } = useTranslation();
  const { status, retry } = useSoftphone();
  const retryButton = (
    <Button size="small" onClick={retry}>
      {t('softphone.retry')}
    </Button>
  );
  if (status.kind === 'micBlocked') {
    return (
      <Alert
        className="sb-softphone-alert"
        type="error"
        showIcon
        title={t(`softphone.mic.${status.problem}`)}
        action={retryButton}
      />
    );
  }
  if (status.kind === 'error') {
    return (
      <Alert
        className="sb-softphone-alert"
        type="error"
        showIcon
        title={t('softphone.rejected', { code: status.code })}
        action={retryButton}
      />
    );
  }
  if (status.kind === 'offline' && props.inDialog === true) {
    return (
      <Alert
        className="sb-softphone-alert"
        type="warning"
        showIcon
        title={t(`softphone.offlineHelp.${status.reason}`, { attempt: status.attempt })}
        action={retryButton}
      />
    );
  }
  return null;
}
