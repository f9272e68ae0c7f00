import { Button } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;

/**
 * Twelve keys that send DTMF as they are pressed (to get through a
 * customer's own phone menu); the typed keys stay visible. Digits typed on
 * the keyboard work too while the pad is open.
 */
export function Dialpad(props: { onKey: (key: string) => void }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const { onKey } = props;
  const press = (key: string) => {
    setTyped((current) => (current + key).slice(-24));
    onKey(key);
  };
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (!/^[0-9*#]$/.test(event.key)) return;
      event.preventDefault();
      event.stopPropagation();
      setTyped((current) => (current + event.key).slice(-24));
      onKey(event.key);
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [onKey]);
  return (
    <div className="sb-dialpad">
      <output
        className="sb-dialpad-typed sb-number"
        aria-live="polite"
        aria-label={t('interaction.keysSent')}
      >
        {typed || '\u00a0'}
      </output>
      <div className="sb-dialpad-keys" role="group" aria-label={t('interaction.dialpad')}>
        {keys.map((key) => (
          <Button key={key} className="sb-dialpad-key" onClick={() => press(key)}>
            {key}
          </Button>
        ))}
      </div>
    </div>
  );
}
