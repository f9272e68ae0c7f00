import { useQueryClient } from '@tanstack/react-query';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.ts';
import type { Me } from '../api/api-types.ts';
import { meKey } from '../auth/session.ts';
import { isLanguage, languages } from '../i18n/i18n.ts';
import { useLanguage } from '../i18n/language-context.ts';

const names: Record<(typeof languages)[number], string> = { en: 'English', 'zh-CN': '简体中文' };

/** Changes the page's language at once and, when logged in, the user's language on the server. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const { language, setLanguage } = useLanguage();
  const queryClient = useQueryClient();
  return (
    <Select
      aria-label={t('app.language')}
      value={language}
      variant="borderless"
      popupMatchSelectWidth={false}
      options={languages.map((value) => ({ value, label: names[value] }))}
      onChange={(value: string) => {
        if (!isLanguage(value)) return;
        setLanguage(value);
        const me = queryClient.getQueryData<Me>(meKey);
        if (me !== undefined) {
          queryClient.setQueryData(meKey, { ...me, language: value });
          void api.put('/me/preferences', { language: value }).catch(() => undefined);
        }
      }}
    />
  );
}
