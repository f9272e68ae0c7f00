import { CheckOutlined, PhoneOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Directory, DirectoryAgent, DirectoryQueue } from '../api/api-types.ts';
import { clockDuration } from '../format/formatters.ts';
import type { NamedTarget } from './transfer-target.ts';
import { useNow } from './use-now.ts';

/** One row of the directory: a colleague, a queue, or the number typed. */
export interface DirectoryOption {
  readonly key: string;
  readonly named: NamedTarget;
  /** Shown but not selectable (a colleague who cannot take a transfer now). */
  readonly disabled: boolean;
  readonly agent?: DirectoryAgent;
  readonly queue?: DirectoryQueue;
}

export interface DirectoryOptions {
  readonly number: readonly DirectoryOption[];
  readonly agents: readonly DirectoryOption[];
  readonly queues: readonly DirectoryOption[];
  /** Every row in the order shown: what the arrow keys walk. */
  readonly all: readonly DirectoryOption[];
}

/** The rows for the directory's answer and a number typed (E.164 digits) if any. */
export function directoryOptions(
  directory: Directory | undefined,
  number: string | null,
): DirectoryOptions {
  const numbers: DirectoryOption[] =
    number === null
      ? []
      : [
          {
            key: `number:${number}`,
            named: { target: { kind: 'number', number }, name: number },
            disabled: false,
          },
        ];
  const agents: DirectoryOption[] = (directory?.agents ?? []).map((agent) => ({
    key: `agent:${agent.id}`,
    named: { target: { kind: 'agent', agentId: agent.id }, name: agent.displayName },
    disabled: !agent.canTakeTransfer,
    agent,
  }));
  const queues: DirectoryOption[] = (directory?.queues ?? []).map((queue) => ({
    key: `queue:${queue.id}`,
    named: { target: { kind: 'queue', queueId: queue.id }, name: queue.displayName || queue.name },
    disabled: false,
    queue,
  }));
  return { number: numbers, agents, queues, all: [...numbers, ...agents, ...queues] };
}

export const optionId = (listId: string, key: string) => `${listId}-${key.replace(/[^\w-]/g, '_')}`;

/**
 * The directory as a listbox the search box drives (`aria-activedescendant`):
 * the number typed, colleagues with their state (coloured) and time in it,
 * queues with how many wait.
 */
export function DirectoryList(props: {
  listId: string;
  options: DirectoryOptions;
  activeKey: string | null;
  chosenKey: string | null;
  onChoose: (option: DirectoryOption) => void;
  onHover: (option: DirectoryOption) => void;
}) {
  const { t } = useTranslation();
  const now = useNow();
  const { options, listId } = props;
  const row = (option: DirectoryOption) => {
    const chosen = option.key === props.chosenKey;
    return (
      <div
        key={option.key}
        id={optionId(listId, option.key)}
        role="option"
        aria-selected={chosen}
        aria-disabled={option.disabled || undefined}
        className={[
          'sb-dir-option',
          option.key === props.activeKey ? 'sb-dir-active' : '',
          chosen ? 'sb-dir-chosen' : '',
          option.disabled ? 'sb-dir-disabled' : '',
        ].join(' ')}
        onMouseDown={(event) => event.preventDefault()}
        onMouseMove={() => props.onHover(option)}
        onClick={() => !option.disabled && props.onChoose(option)}
      >
        {option.agent !== undefined && <AgentRow agent={option.agent} now={now} />}
        {option.queue !== undefined && (
          <>
            <span className="sb-dir-name">{option.named.name}</span>
            <span className="sb-dir-detail">
              {option.queue.waiting === null
                ? t('transfer.waitingUnknown')
                : t('transfer.waiting', { count: option.queue.waiting })}
            </span>
          </>
        )}
        {option.named.target.kind === 'number' && (
          <>
            <PhoneOutlined aria-hidden="true" />
            <span className="sb-dir-name">
              {t('transfer.callNumber', { number: option.named.name })}
            </span>
          </>
        )}
        {chosen && <CheckOutlined className="sb-dir-check" aria-hidden="true" />}
      </div>
    );
  };
  const group = (
    name: 'number' | 'agents' | 'queues',
    rows: readonly DirectoryOption[],
    empty?: string,
  ) =>
    rows.length === 0 && empty === undefined ? null : (
      <div role="group" aria-labelledby={`${listId}-${name}`} className="sb-dir-group">
        <div id={`${listId}-${name}`} role="presentation" className="sb-dir-heading">
          {t(`transfer.groups.${name}`)}
        </div>
        {rows.length === 0 ? <div className="sb-dir-empty sb-muted">{empty}</div> : rows.map(row)}
      </div>
    );
  return (
    <div id={listId} role="listbox" aria-label={t('transfer.directory')} className="sb-dir-list">
      {group('number', options.number)}
      {group('agents', options.agents, t('transfer.noAgents'))}
      {group('queues', options.queues, t('transfer.noQueues'))}
    </div>
  );
}

function AgentRow(props: { agent: DirectoryAgent; now: number }) {
  const { t } = useTranslation();
  const { agent } = props;
  const state = agent.state;
  const since =
    agent.stateSince > 0 ? clockDuration(Math.max(0, props.now - agent.stateSince)) : '';
  return (
    <>
      <span className={`sb-state-dot sb-state-${state}`} aria-hidden="true" />
      <span className="sb-dir-name">{agent.displayName}</span>
      <span className={`sb-dir-state sb-state-${state}`}>
        {t(`state.${state}`)}
        {since !== '' && <span className="sb-dir-since"> · {since}</span>}
      </span>
      {!agent.canTakeTransfer && <span className="sb-dir-detail">{t('transfer.cannotTake')}</span>}
    </>
  );
}
