import { Spin } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { ApiError, onSessionEnded } from '../api/api-client.ts';
import { isLanguage } from '../i18n/i18n.ts';
import { useLanguage } from '../i18n/language-context.ts';
import { ReLoginDialog } from './ReLoginDialog.tsx';
import { signedInMemory, useMe } from './session.ts';

/**
 * Lets the app in only with a session. Without one on arrival: the log-in
 * page, remembering where the user was going. When the session ends while
 * the app is open (expired, logged out elsewhere): a log-in dialog over the
 * page, so nothing on it (a live call in the softphone) is torn down.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const location = useLocation();
  const me = useMe();
  const { setLanguage } = useLanguage();
  const [ended, setEnded] = useState(false);

  useEffect(() => onSessionEnded(() => setEnded(true)), []);
  const serverLanguage = me.data?.language;
  useEffect(() => {
    if (isLanguage(serverLanguage)) setLanguage(serverLanguage);
  }, [serverLanguage, setLanguage]);

  if (me.isPending) {
    return (
      <div className="sb-centred" role="status">
        <Spin />
        <span className="sb-visually-hidden">{t('app.loading')}</span>
      </div>
    );
  }
  if (me.isError) {
    if (me.error instanceof ApiError && me.error.status === 401) {
      const next = `${location.pathname}${location.search}`;
      const expired = signedInMemory.was() ? '&expired=1' : '';
      signedInMemory.clear();
      return <Navigate to={`/login?next=${encodeURIComponent(next)}${expired}`} replace />;
    }
    return (
      <div className="sb-centred" role="alert">
        {t('errors.network')}
      </div>
    );
  }
  return (
    <>
      {children}
      <ReLoginDialog open={ended} email={me.data.email} onDone={() => setEnded(false)} />
    </>
  );
}
