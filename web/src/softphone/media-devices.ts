import { MicrophoneError, microphoneProblem } from './microphone-problem.ts';

export interface AudioDevices {
  readonly microphones: readonly MediaDeviceInfo[];
  readonly speakers: readonly MediaDeviceInfo[];
}

/** The audio inputs and outputs present (labels only once the microphone was allowed). */
export async function listAudioDevices(): Promise<AudioDevices> {
  if (navigator.mediaDevices?.enumerateDevices === undefined) {
    return { microphones: [], speakers: [] };
  }
  const devices = await navigator.mediaDevices.enumerateDevices();
  return {
    microphones: devices.filter((d) => d.kind === 'audioinput' && d.deviceId !== ''),
    speakers: devices.filter((d) => d.kind === 'audiooutput' && d.deviceId !== ''),
  };
}

/** Told when a device is plugged in or out. */
export function onDevicesChanged(listener: () => void): () => void {
  const media = navigator.mediaDevices;
  if (media === undefined) return () => undefined;
  media.addEventListener('devicechange', listener);
  return () => media.removeEventListener('devicechange', listener);
}

/**
 * The microphone (the chosen one, else the default), with the browser's
 * echo cancellation and noise suppression; a chosen device that is gone
 * falls back to the default. Fails with a {@link MicrophoneError}.
 */
export async function openMicrophone(deviceId: string | undefined): Promise<MediaStream> {
  if (navigator.mediaDevices?.getUserMedia === undefined) throw new MicrophoneError('unsupported');
  const audio: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true };
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: deviceId === undefined ? audio : { ...audio, deviceId: { exact: deviceId } },
      video: false,
    });
  } catch (error) {
    const problem = microphoneProblem(error);
    if (problem === 'missing' && deviceId !== undefined) return openMicrophone(undefined);
    throw new MicrophoneError(problem, error);
  }
}

export function stopStream(stream: MediaStream | null | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** Plays through `deviceId` where the browser lets a page choose (setSinkId); else the default. */
export async function routeToDevice(
  element: HTMLMediaElement,
  deviceId: string | undefined,
): Promise<void> {
  const sinkable = element as HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };
  if (sinkable.setSinkId === undefined) return;
  await sinkable.setSinkId(deviceId ?? '').catch(() => sinkable.setSinkId?.(''));
}
