import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { LanguageSwitch } from '../app/LanguageSwitch.tsx';
import { loginErrorText } from './login-error.ts';
import { useLogIn } from './session.ts';

interface Credentials {
  readonly email: string;
  readonly password: string;
}

/** Only same-app paths: `?next=https://evil.example` must not become a redirect. */
function safeNext(next: string | null): string {
  return next !== null && next.startsWith('/') && !next.startsWith('//') ? next : '/desk';
}

export function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const login = useLogIn(() => void navigate(safeNext(params.get('next')), { replace: true }));

  return (
    <main className="sb-login">
      <div className="sb-login-language">
        <LanguageSwitch />
      </div>
      <Card className="sb-login-card">
        <div className="sb-brand sb-brand-large" aria-hidden="true">
          <span className="sb-brand-mark" />
          {t('app.name')}
        </div>
        <Typography.Title level={1} className="sb-login-title">
          {t('login.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
        {params.get('expired') === '1' && !login.isError && (
          <Alert className="sb-gap" type="info" showIcon title={t('login.expired')} />
        )}
        {login.isError && (
          <Alert
            className="sb-gap"
            type="error"
            showIcon
            role="alert"
            title={loginErrorText(login.error, t)}
          />
        )}
        <Form<Credentials>
          layout="vertical"
          requiredMark={false}
          onFinish={(values) => login.mutate(values)}
        >
          <Form.Item
            label={t('login.email')}
            name="email"
            rules={[{ required: true, message: t('login.emailRequired') }]}
          >
            <Input type="email" autoComplete="username" autoFocus size="large" />
          </Form.Item>
          <Form.Item
            label={t('login.password')}
            name="password"
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" size="large" block loading={login.isPending}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
