import {
  AudioMutedOutlined,
  AudioOutlined,
  NumberOutlined,
  PauseCircleOutlined,
  PlayCircleOutlined,
  SwapOutlined,
} from '@ant-design/icons';
import { Button, Popover, Tag } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { clockDuration } from '../format/formatters.ts';
import type { CallDetail } from './call-queries.ts';
import { useCallControl, useSendDigits } from './call-control-queries.ts';
import { Dialpad } from './Dialpad.tsx';
import { shortcutEvent } from './use-desk-shortcuts.ts';
import { useNow } from './use-now.ts';
import { useSoftphone } from '../softphone/softphone-context.ts';

/**
 * The controls of the agent's live call: mute, hold (the customer hears
 * music), the dialpad and transfer. Hold and mute are the server's (shown
 * as it reports them, so a second tab agrees, and they work whatever the
 * agent's phone); M and H toggle them.
 */
export function CallControls(props: { call: CallDetail; onTransfer: () => void }) {
  const { call, onTransfer } = props;
  const softphone = useSoftphone();
  const { t } = useTranslation();
  // One each, so a quick M after H is not lost while the hold is on its way.
  const holdControl = useCallControl(call.id);
  const muteControl = useCallControl(call.id);
  const digits = useSendDigits(call.id);
  const now = useNow();
  const held = call.controls?.held ?? false;
  const muted = call.controls?.muted ?? false;
  const live = call.controls != null;
  const heldSince = useRef<number | null>(null);
  if (held && heldSince.current === null) heldSince.current = now;
  if (!held) heldSince.current = null;
  const [padOpen, setPadOpen] = useState(false);

  const toggleMute = useCallback(() => {
    if (live && !muteControl.isPending) muteControl.mutate(muted ? 'unmute' : 'mute');
  }, [muteControl, live, muted]);
  const toggleHold = useCallback(() => {
    if (live && !holdControl.isPending) holdControl.mutate(held ? 'resume' : 'hold');
  }, [holdControl, held, live]);
  useEffect(() => {
    const onShortcut = (event: Event) => {
      const action = (event as CustomEvent<string>).detail;
      if (action === 'mute') toggleMute();
      else if (action === 'hold') toggleHold();
    };
    window.addEventListener(shortcutEvent, onShortcut);
    return () => window.removeEventListener(shortcutEvent, onShortcut);
  }, [toggleHold, toggleMute]);

  // The browser phone sends keys itself (RFC 2833 in its own media, as a
  // desk phone's keypad would); for a desk phone the server sends them.
  const inBrowser = softphone.call?.established === true;
  const { sendDtmf } = softphone;
  const onKey = useCallback(
    (key: string) => {
      if (inBrowser) void sendDtmf(key);
      else digits.mutate(key);
    },
    [digits, inBrowser, sendDtmf],
  );

  return (
    <>
      {(held || muted) && (
        <div className="sb-call-flags" role="status">
          {held && (
            <Tag className="sb-flag-held">
              {t('interaction.onHold', {
                duration: clockDuration(now - (heldSince.current ?? now)),
              })}
            </Tag>
          )}
          {muted && <Tag color="red">{t('interaction.muted')}</Tag>}
        </div>
      )}
      <div className="sb-call-controls" role="group" aria-label={t('interaction.controls')}>
        <Button
          icon={muted ? <AudioMutedOutlined /> : <AudioOutlined />}
          aria-pressed={muted}
          disabled={!live}
          onClick={toggleMute}
        >
          {muted ? t('interaction.unmute') : t('interaction.mute')}{' '}
          <kbd className="sb-kbd-hint">M</kbd>
        </Button>
        <Button
          icon={held ? <PlayCircleOutlined /> : <PauseCircleOutlined />}
          aria-pressed={held}
          disabled={!live}
          onClick={toggleHold}
        >
          {held ? t('interaction.resume') : t('interaction.hold')}{' '}
          <kbd className="sb-kbd-hint">H</kbd>
        </Button>
        <Popover
          trigger="click"
          open={padOpen}
          onOpenChange={setPadOpen}
          content={<Dialpad onKey={onKey} />}
          destroyOnHidden
        >
          <Button icon={<NumberOutlined />} disabled={!live} aria-expanded={padOpen}>
            {t('interaction.dialpad')}
          </Button>
        </Popover>
        <Button icon={<SwapOutlined />} onClick={onTransfer}>
          {t('interaction.transfer')}
        </Button>
      </div>
    </>
  );
}
