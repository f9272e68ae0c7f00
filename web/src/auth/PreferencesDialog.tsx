import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Form, Modal, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.ts';
import type { Me } from '../api/api-types.ts';
import { isLanguage, languages } from '../i18n/i18n.ts';
import { useLanguage } from '../i18n/language-context.ts';
import { meKey, userTimeZone, useSignedInUser } from './session.ts';

interface Preferences {
  readonly language: string;
  readonly timeZone: string;
  readonly autoAccept: boolean;
}

const zones = ['UTC', ...Intl.supportedValuesOf('timeZone')];

/** Language, time zone and auto-accept, remembered on the server (PUT /me/preferences). */
export function PreferencesDialog(props: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useSignedInUser();
  const { setLanguage } = useLanguage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Preferences>();
  const save = useMutation({
    mutationFn: (values: Preferences) => api.put<Preferences>('/me/preferences', values),
    onSuccess: (saved, values) => {
      queryClient.setQueryData<Me>(meKey, { ...me, ...values, ...saved });
      if (isLanguage(values.language)) setLanguage(values.language);
      void message.success(t('preferences.saved'));
      props.onClose();
    },
  });
  return (
    <Modal
      open={props.open}
      title={t('preferences.title')}
      okText={t('preferences.save')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      destroyOnHidden
    >
      <Form<Preferences>
        form={form}
        layout="vertical"
        initialValues={{
          language: me.language ?? 'en',
          timeZone: userTimeZone(me),
          autoAccept: me.autoAccept ?? false,
        }}
        onFinish={(values) => save.mutate(values)}
      >
        <Form.Item label={t('preferences.language')} name="language">
          <Select
            options={languages.map((value) => ({
              value,
              label: value === 'en' ? 'English' : '简体中文',
            }))}
          />
        </Form.Item>
        <Form.Item label={t('preferences.timeZone')} name="timeZone">
          <Select showSearch options={zones.map((zone) => ({ value: zone, label: zone }))} />
        </Form.Item>
        <Form.Item
          label={t('preferences.autoAccept')}
          name="autoAccept"
          valuePropName="checked"
          extra={t('preferences.autoAcceptHelp')}
        >
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}
