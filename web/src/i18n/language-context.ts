import { createContext, useContext } from 'react';
import type { Language } from './i18n.ts';

export interface LanguageChoice {
  readonly language: Language;
  readonly setLanguage: (language: Language) => void;
}

export const LanguageContext = createContext<LanguageChoice>({
  language: 'en',
  setLanguage: () => undefined,
});

export const useLanguage = (): LanguageChoice => useContext(LanguageContext);
