import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { loginErrorText } from './login-error.ts';
import { useLogIn } from './session.ts';

/**
 * Log in again over the page when the session ends mid-shift: the page, its
 * live call and its unsaved notes stay; the data is re-read afterwards.
 */
export function ReLoginDialog(props: { open: boolean; email: string; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const login = useLogIn(() => {
    void queryClient.invalidateQueries();
    props.onDone();
  });
  return (
    <Modal
      open={props.open}
      title={t('login.title')}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      footer={null}
      destroyOnHidden
    >
      <Alert className="sb-gap" type="warning" showIcon title={t('login.expiredDuringCall')} />
      {login.isError && (
        <Alert
          className="sb-gap"
          type="error"
          role="alert"
          title={loginErrorText(login.error, t)}
        />
      )}
      <Form<{ password: string }>
        layout="vertical"
        onFinish={(v) => login.mutate({ email: props.email, password: v.password })}
      >
        <Form.Item label={t('login.email')} htmlFor="relogin-email">
          <Input id="relogin-email" value={props.email} disabled />
        </Form.Item>
        <Form.Item
          label={t('login.password')}
          name="password"
          rules={[{ required: true, message: t('login.passwordRequired') }]}
        >
          <Input.Password autoComplete="current-password" autoFocus />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={login.isPending} block>
          {t('login.submit')}
        </Button>
      </Form>
    </Modal>
  );
}
