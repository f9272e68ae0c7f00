import { PlayCircleOutlined } from '@ant-design/icons';
import { Button, List, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiBase } from '../api/api-client.ts';
import { dateTime, spokenDuration } from '../format/formatters.ts';
import { useLanguage } from '../i18n/language-context.ts';
import type { CallDetail } from './call-queries.ts';
import { codeLabel } from './code-label.ts';

function callSeconds(call: CallDetail): number {
  if (call.answeredAt === null || call.endedAt === null) return 0;
  return Math.max(0, (Date.parse(call.endedAt) - Date.parse(call.answeredAt)) / 1000);
}

/**
 * One of the customer's past calls: when, how long, its disposition, and its
 * recording. The player appears under the row only when the agent asks for
 * it: nothing is fetched before, as every fetch of a recording is audited
 * (and the server answers Range requests, so the player can seek).
 */
export function PastCallItem(props: { call: CallDetail; zone: string }) {
  const { call, zone } = props;
  const { t } = useTranslation();
  const { language } = useLanguage();
  const [playing, setPlaying] = useState<string | null>(null);
  const recordings = call.recordings ?? [];
  return (
    <List.Item className="sb-past-call">
      <div className="sb-past-call-row">
        <span className="sb-past-call-when">{dateTime(call.startedAt, language, zone)}</span>
        <span className="sb-muted">
          {call.answeredAt === null
            ? t('customer.notAnswered')
            : call.endedAt === null
              ? ''
              : spokenDuration(callSeconds(call), language)}
        </span>
        <span className="sb-past-call-end">
          {call.wrapUpCode !== null && <Tag>{codeLabel(call.wrapUpCode, t)}</Tag>}
          {recordings.map((recording) => (
            <Button
              key={recording.id}
              size="small"
              shape="circle"
              icon={<PlayCircleOutlined />}
              onClick={() => setPlaying(recording.id)}
              aria-pressed={playing === recording.id}
              aria-label={t('customer.playRecording', {
                duration: spokenDuration(Math.round(recording.durationMs / 1000), language),
              })}
              title={t('customer.playRecording', {
                duration: spokenDuration(Math.round(recording.durationMs / 1000), language),
              })}
            />
          ))}
        </span>
      </div>
      {playing !== null && (
        <audio
          className="sb-recording"
          controls
          autoPlay
          preload="none"
          aria-label={t('customer.recording')}
          src={`${apiBase}/recordings/${encodeURIComponent(playing)}/audio`}
        />
      )}
    </List.Item>
  );
}
