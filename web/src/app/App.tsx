import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCNLocale from 'antd/locale/zh_CN';
import { useEffect, useMemo, useState } from 'react';
import { I18nextProvider } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { ApiError } from '../api/api-client.ts';
import { LoginPage } from '../auth/LoginPage.tsx';
import { RequireSession } from '../auth/RequireSession.tsx';
import { browserLanguage, createI18n, isLanguage, type Language } from '../i18n/i18n.ts';
import { LanguageContext } from '../i18n/language-context.ts';
import { Shell } from './Shell.tsx';
import { nonceEveryStyleElement, styleNonce } from './style-nonce.ts';
import { switchboardTheme } from './theme.ts';

const csp = { nonce: styleNonce() };
nonceEveryStyleElement(csp.nonce);
// "登录", not antd's default "登 录": labels read as written in every language.
const buttonConfig = { autoInsertSpace: false };

const storedLanguageKey = 'switchboard.language';

function initialLanguage(): Language {
  const stored = localStorage.getItem(storedLanguageKey);
  return isLanguage(stored) ? stored : browserLanguage();
}

/** Providers (data, language, design system) around the two kinds of page: log-in and the app. */
export function App() {
  const [language, setLanguage] = useState<Language>(initialLanguage);
  const i18n = useMemo(() => createI18n(initialLanguage()), []);
  const queryClient = useMemo(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            // Live events tell the desktop when to re-read; no background polling.
            refetchOnWindowFocus: false,
            staleTime: 30_000,
            retry: (failures, error) =>
              !(error instanceof ApiError && error.status < 500) && failures < 2,
          },
        },
      }),
    [],
  );

  useEffect(() => {
    void i18n.changeLanguage(language);
    document.documentElement.lang = language;
    localStorage.setItem(storedLanguageKey, language);
  }, [i18n, language]);

  const languageContext = useMemo(() => ({ language, setLanguage }), [language]);

  return (
    <QueryClientProvider client={queryClient}>
      <I18nextProvider i18n={i18n}>
        <LanguageContext.Provider value={languageContext}>
          <ConfigProvider
            locale={language === 'zh-CN' ? zhCNLocale : enUS}
            theme={switchboardTheme}
            csp={csp}
            button={buttonConfig}
          >
            <AntApp>
              <BrowserRouter>
                <Routes>
                  <Route path="/login" element={<LoginPage />} />
                  <Route
                    path="/*"
                    element={
                      <RequireSession>
                        <Shell />
                      </RequireSession>
                    }
                  />
                  <Route path="/" element={<Navigate to="/desk" replace />} />
                </Routes>
              </BrowserRouter>
            </AntApp>
          </ConfigProvider>
        </LanguageContext.Provider>
      </I18nextProvider>
    </QueryClientProvider>
  );
}
