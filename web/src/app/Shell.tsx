import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Avatar, Button, Dropdown, Layout, Result } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes, useNavigate } from 'react-router';
import { api } from '../api/api-client.ts';
import { ChangePasswordDialog } from '../auth/ChangePasswordDialog.tsx';
import { PreferencesDialog } from '../auth/PreferencesDialog.tsx';
import { signedInMemory, useSignedInUser } from '../auth/session.ts';
import { AgentDesktop } from '../desk/AgentDesktop.tsx';
import { DeskProvider } from '../desk/DeskProvider.tsx';
import { ShortcutsDialog } from '../desk/ShortcutsDialog.tsx';
import { StateMenu } from '../desk/StateMenu.tsx';
import { SoftphoneCallBar } from '../softphone/SoftphoneCallBar.tsx';
import { SoftphoneIndicator } from '../softphone/SoftphoneIndicator.tsx';
import { SoftphoneProvider } from '../softphone/SoftphoneProvider.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

type Dialog = 'password' | 'preferences' | 'shortcuts' | null;

/**
 * The logged-in frame: header (brand, status, browser phone, language,
 * account) over the page. The browser phone is outside the desk so the
 * desk's Accept and Reject can answer or decline its calls.
 */
export function Shell() {
  const { t } = useTranslation();
  const me = useSignedInUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<Dialog>(null);
  const logOut = useMutation({
    mutationFn: () => api.post<void>('/auth/logout'),
    onSettled: () => {
      signedInMemory.clear();
      queryClient.clear();
      void navigate('/login', { replace: true });
    },
  });
  const initials = me.displayName
    .split(/\s+/)
    .map((part) => part[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();

  return (
    <SoftphoneProvider>
      <DeskProvider onShortcutHelp={() => setDialog('shortcuts')}>
        <Layout className="sb-shell">
          <a className="sb-skip" href="#main">
            {t('app.skipToContent')}
          </a>
          <Layout.Header className="sb-header">
            <Link to="/desk" className="sb-brand">
              <span className="sb-brand-mark" aria-hidden="true" />
              {t('app.name')}
            </Link>
            <StateMenu />
            <div className="sb-header-end">
              <SoftphoneIndicator />
              <LanguageSwitch />
              <Dropdown
                trigger={['click']}
                menu={{
                  items: [
                    { key: 'preferences', label: t('app.preferences') },
                    { key: 'password', label: t('app.changePassword') },
                    { key: 'shortcuts', label: t('app.shortcuts') },
                    { type: 'divider' },
                    { key: 'logout', label: t('app.logOut'), danger: true },
                  ],
                  onClick: ({ key }) => {
                    if (key === 'logout') logOut.mutate();
                    else setDialog(key as Dialog);
                  },
                }}
              >
                <Button type="text" className="sb-account" aria-haspopup="menu">
                  <Avatar size="small" className="sb-avatar" aria-hidden="true">
                    {initials}
                  </Avatar>
                  <span className="sb-account-name">{me.displayName}</span>
                  <span className="sb-visually-hidden">{t('app.account')}</span>
                </Button>
              </Dropdown>
            </div>
          </Layout.Header>
          <Layout.Content id="main" className="sb-main">
            <SoftphoneCallBar />
            <Routes>
              <Route path="/" element={<Navigate to="/desk" replace />} />
              <Route path="/desk" element={<AgentDesktop />} />
              <Route
                path="*"
                element={
                  <Result
                    status="404"
                    title={t('app.notFound')}
                    extra={<Link to="/desk">{t('app.backToDesk')}</Link>}
                  />
                }
              />
            </Routes>
          </Layout.Content>
        </Layout>
        <ChangePasswordDialog open={dialog === 'password'} onClose={() => setDialog(null)} />
        <PreferencesDialog open={dialog === 'preferences'} onClose={() => setDialog(null)} />
        <ShortcutsDialog open={dialog === 'shortcuts'} onClose={() => setDialog(null)} />
      </DeskProvider>
    </SoftphoneProvider>
  );
}
