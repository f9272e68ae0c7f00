import { AudioMutedOutlined, AudioOutlined, PhoneOutlined } from '@ant-design/icons';
import { Alert, App, Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { NoMicrophoneError } from './softphone.ts';
import { useSoftphone } from './softphone-context.ts';
import { SoftphoneProblem } from './SoftphoneProblem.tsx';

/**
 * Under the header: what blocks the browser phone (microphone, account),
 * a call ringing the browser that is not a routing offer (a supervisor's
 * leg, a click-to-dial leg: offers are answered with the desk's Accept),
 * and such a call's own controls once answered (mute, hang up).
 */
export function SoftphoneCallBar() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const softphone = useSoftphone();
  const others = softphone.ringing.filter((call) => call.offerId === null);
  const failed = (error: unknown) => {
    if (error instanceof NoMicrophoneError) return; // The problem banner says it.
    void message.error(t('softphone.callFailed'));
  };
  return (
    <div className="sb-softphone-bar">
      <SoftphoneProblem />
      {others.map((call) => (
        <Alert
          key={call.key}
          type="info"
          showIcon
          icon={<PhoneOutlined />}
          title={t('softphone.incoming', { caller: call.caller })}
          role="alert"
          action={
            <Space>
              <Button type="primary" onClick={() => void softphone.answer(call.key).catch(failed)}>
                {t('softphone.answer')}
              </Button>
              <Button danger onClick={() => void softphone.decline(call.key).catch(failed)}>
                {t('softphone.decline')}
              </Button>
            </Space>
          }
        />
      ))}
      {/* An offer's call has the desk's own controls (mute, hold, keys, end). */}
      {softphone.call !== null && softphone.call.offerId === null && (
        <Alert
          type="success"
          title={t(softphone.call.established ? 'softphone.inCall' : 'softphone.connectingCall', {
            caller: softphone.call.caller,
          })}
          action={
            <Space>
              <Button
                aria-pressed={softphone.muted}
                icon={softphone.muted ? <AudioMutedOutlined /> : <AudioOutlined />}
                onClick={() => softphone.setMuted(!softphone.muted)}
              >
                {softphone.muted ? t('softphone.unmute') : t('softphone.mute')}
              </Button>
              <Button danger onClick={() => void softphone.hangUp().catch(failed)}>
                {t('softphone.hangUp')}
              </Button>
            </Space>
          }
        />
      )}
    </div>
  );
}
