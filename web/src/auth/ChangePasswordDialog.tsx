import { useMutation } from '@tanstack/react-query';
import { Alert, App, Form, Input, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/api-client.ts';

interface PasswordForm {
  readonly currentPassword: string;
  readonly newPassword: string;
  readonly confirm: string;
}

/** Change one's own password (PUT /auth/password); other sessions end, this one stays. */
export function ChangePasswordDialog(props: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PasswordForm>();
  const change = useMutation({
    mutationFn: (values: PasswordForm) =>
      api.put<void>('/auth/password', {
        currentPassword: values.currentPassword,
        newPassword: values.newPassword,
      }),
    onSuccess: () => {
      void message.success(t('password.saved'));
      form.resetFields();
      props.onClose();
    },
  });
  const error = change.error;
  return (
    <Modal
      open={props.open}
      title={t('password.title')}
      okText={t('password.save')}
      cancelText={t('password.cancel')}
      confirmLoading={change.isPending}
      onOk={() => form.submit()}
      onCancel={() => {
        change.reset();
        props.onClose();
      }}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('password.rules')}</Typography.Paragraph>
      {error !== null && (
        <Alert
          className="sb-gap"
          type="error"
          role="alert"
          title={error instanceof ApiError ? error.message : t('errors.network')}
        />
      )}
      <Form form={form} layout="vertical" onFinish={(values) => change.mutate(values)}>
        <Form.Item
          label={t('password.current')}
          name="currentPassword"
          rules={[{ required: true, message: t('login.passwordRequired') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          label={t('password.next')}
          name="newPassword"
          rules={[{ required: true, min: 12, message: t('password.rules') }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label={t('password.confirm')}
          name="confirm"
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('password.mismatch') },
            ({ getFieldValue }) => ({
              validator: (_rule, value) =>
                value === getFieldValue('newPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('password.mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
