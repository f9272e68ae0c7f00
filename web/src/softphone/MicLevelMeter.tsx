import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { openMicrophone, stopStream } from './media-devices.ts';
import { type MicrophoneProblem, microphoneProblem } from './microphone-problem.ts';

/** 0–100 from the RMS of one frame of samples (-1…1): speech sits around 20–60. */
export function levelOf(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  return Math.min(100, Math.round(rms * 400));
}

/**
 * The microphone's level, live (an AnalyserNode on the chosen microphone),
 * so the agent sees the browser hears them before a call. An ARIA meter;
 * the microphone is open only while the meter is shown.
 */
export function MicLevelMeter(props: { deviceId: string | undefined }) {
  const { t } = useTranslation();
  const [level, setLevel] = useState(0);
  const [problem, setProblem] = useState<MicrophoneProblem | null>(null);
  useEffect(() => {
    let stream: MediaStream | undefined;
    let context: AudioContext | undefined;
    let frame = 0;
    let cancelled = false;
    openMicrophone(props.deviceId).then(
      (opened) => {
        if (cancelled) return stopStream(opened);
        stream = opened;
        setProblem(null);
        context = new AudioContext();
        void context.resume().catch(() => undefined);
        const analyser = context.createAnalyser();
        analyser.fftSize = 1024;
        context.createMediaStreamSource(opened).connect(analyser);
        const samples = new Float32Array(analyser.fftSize);
        let last = -1;
        const tick = () => {
          analyser.getFloatTimeDomainData(samples);
          const next = levelOf(samples);
          if (next !== last) setLevel((last = next));
          frame = requestAnimationFrame(tick);
        };
        tick();
      },
      (error: unknown) => {
        if (!cancelled) setProblem(microphoneProblem(error));
      },
    );
    return () => {
      cancelled = true;
      cancelAnimationFrame(frame);
      stopStream(stream);
      void context?.close().catch(() => undefined);
    };
  }, [props.deviceId]);

  if (problem !== null)
    return <p className="sb-softphone-problem">{t(`softphone.mic.${problem}`)}</p>;
  return (
    <div
      className="sb-meter"
      role="meter"
      aria-label={t('softphone.settings.level')}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={level}
      aria-valuetext={t('softphone.settings.levelValue', { level })}
    >
      <div className="sb-meter-fill" style={{ width: `${level}%` }} />
    </div>
  );
}
