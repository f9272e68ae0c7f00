import { Alert, Button, Form, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DeviceRole } from './device-choice.ts';
import { MicLevelMeter } from './MicLevelMeter.tsx';
import { useSoftphone } from './softphone-context.ts';
import { SoftphoneProblem } from './SoftphoneProblem.tsx';

/**
 * The browser phone's settings: where it stands (and Retry), the
 * microphone, speaker and ringer (remembered on this browser for this
 * user), a live microphone level and a test ring.
 */
export function SoftphoneSettingsDialog(props: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const softphone = useSoftphone();
  const { status, devices, choice } = softphone;
  const configured = !(status.kind === 'disabled' && status.reason !== 'stopped');
  const defaultOption = { value: 'default', label: t('softphone.settings.systemDefault') };
  const options = (list: readonly MediaDeviceInfo[], fallback: string) => [
    defaultOption,
    ...list
      .filter((device) => device.deviceId !== 'default')
      .map((device, index) => ({
        value: device.deviceId,
        label: device.label || t(fallback, { number: index + 1 }),
      })),
  ];
  const select = (role: DeviceRole, list: readonly MediaDeviceInfo[], fallback: string) => (
    <Select
      id={`sb-softphone-${role}`}
      value={choice[role] ?? 'default'}
      options={options(list, fallback)}
      onChange={(value: string) => softphone.choose(role, value)}
      disabled={role !== 'microphone' && !softphone.canChooseOutput}
    />
  );
  return (
    <Modal
      open={props.open}
      title={t('softphone.settings.title')}
      onCancel={props.onClose}
      footer={<Button onClick={props.onClose}>{t('softphone.settings.close')}</Button>}
      destroyOnHidden
    >
      <SoftphoneProblem inDialog />
      {!configured ? (
        <Alert type="info" showIcon title={t('softphone.notConfiguredHelp')} />
      ) : (
        <Form layout="vertical" className="sb-softphone-settings">
          <Form.Item label={t('softphone.settings.microphone')} htmlFor="sb-softphone-microphone">
            {select('microphone', devices.microphones, 'softphone.settings.microphoneN')}
          </Form.Item>
          <Form.Item label={t('softphone.settings.level')}>
            {status.kind === 'micBlocked' ? (
              <p className="sb-muted">{t('softphone.settings.levelBlocked')}</p>
            ) : (
              <MicLevelMeter deviceId={softphone.choice.microphone} />
            )}
          </Form.Item>
          <Form.Item
            label={t('softphone.settings.speaker')}
            htmlFor="sb-softphone-speaker"
            extra={softphone.canChooseOutput ? undefined : t('softphone.settings.noOutputChoice')}
          >
            {select('speaker', devices.speakers, 'softphone.settings.speakerN')}
          </Form.Item>
          <Form.Item label={t('softphone.settings.ringer')} htmlFor="sb-softphone-ringer">
            {select('ringer', devices.speakers, 'softphone.settings.speakerN')}
          </Form.Item>
          <Button onClick={() => softphone.ringer.testRing()}>
            {t('softphone.settings.testRing')}
          </Button>
        </Form>
      )}
    </Modal>
  );
}
