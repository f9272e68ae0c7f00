import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Input, Modal } from 'antd';
import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.ts';
import { useDesk } from './desk-context.ts';
import {
  directoryOptions,
  DirectoryList,
  optionId,
  type DirectoryOption,
} from './DirectoryList.tsx';
import { transferNumber, transferRefusal, type NamedTarget } from './transfer-target.ts';
import { useDirectory } from './use-directory.ts';

/**
 * Transfer the caller: search the directory (colleagues, queues) or type a
 * number, then Transfer now (blind: `POST /calls/:id/transfer`) or, for a
 * colleague or a number, Consult first (warm: `POST /calls/:id/consult`;
 * the interaction pane then follows the consultation). The search box has
 * the focus; arrows walk the list, Enter chooses.
 */
export function TransferDialog(props: { callId: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const desk = useDesk();
  const listId = useId();
  const [text, setText] = useState('');
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const [chosen, setChosen] = useState<DirectoryOption | null>(null);
  const directory = useDirectory(text, props.open);
  const number = transferNumber(text);
  const options = useMemo(() => directoryOptions(directory.data, number), [directory.data, number]);
  const selectable = options.all.filter((o) => !o.disabled);
  // The active row: the one the arrows reached while it is listed, else the first choosable one.
  const active =
    selectable.find((o) => o.key === activeKey) ??
    selectable.find((o) => o.key === chosen?.key) ??
    selectable[0];
  const chosenNow =
    chosen !== null && options.all.some((o) => o.key === chosen.key) ? chosen : null;

  const close = () => {
    setText('');
    setChosen(null);
    setActiveKey(null);
    transfer.reset();
    consult.reset();
    props.onClose();
  };
  const transfer = useMutation({
    mutationFn: (named: NamedTarget) =>
      api.post(`/calls/${props.callId}/transfer`, { target: named.target }),
    onSuccess: (_answer, named) => {
      void message.success(t('transfer.done', { name: named.name }));
      desk.refresh();
      close();
    },
  });
  const consult = useMutation({
    mutationFn: (named: NamedTarget) =>
      api.post<{ consultation: 'ringing'; agentId?: string }>(`/calls/${props.callId}/consult`, {
        target: named.target,
      }),
    onSuccess: (answer, named) => {
      const { target } = named;
      // A queue: the server chose its agent available longest; the banner names the queue.
      const agentId = target.kind === 'queue' ? answer.agentId : undefined;
      desk.noteConsultation(props.callId, {
        callId: props.callId,
        phase: 'ringing',
        targetKind: target.kind === 'number' ? 'number' : 'agent',
        ...(target.kind === 'agent'
          ? { targetAgentId: target.agentId }
          : target.kind === 'queue'
            ? { targetAgentId: agentId ?? '' }
            : { number: target.number }),
        targetName: named.name,
      });
      close();
    },
  });
  const failed = transfer.error ?? consult.error;

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (selectable.length === 0) return;
      const at = active === undefined ? -1 : selectable.indexOf(active);
      const step = event.key === 'ArrowDown' ? 1 : -1;
      const next = selectable[(at + step + selectable.length) % selectable.length];
      if (next !== undefined) setActiveKey(next.key);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (active !== undefined) setChosen(active);
    }
  };

  // One consultation at a time: the banner has the one under way.
  const phase = desk.consultations.get(props.callId)?.phase;
  const consulting = phase === 'ringing' || phase === 'connected';
  return (
    <Modal
      open={props.open}
      title={t('interaction.transferTo')}
      width={560}
      onCancel={close}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={close}>
          {t('transfer.cancel')}
        </Button>,
        <Button
          key="consult"
          disabled={chosenNow === null || consulting || transfer.isPending}
          loading={consult.isPending}
          onClick={() => chosenNow !== null && consult.mutate(chosenNow.named)}
        >
          {t('transfer.consult')}
        </Button>,
        <Button
          key="transfer"
          type="primary"
          disabled={chosenNow === null || consult.isPending}
          loading={transfer.isPending}
          onClick={() => chosenNow !== null && transfer.mutate(chosenNow.named)}
        >
          {t('interaction.transferBlind')}
        </Button>,
      ]}
    >
      {failed !== null && (
        <Alert className="sb-gap" type="error" role="alert" title={transferRefusal(failed, t)} />
      )}
      <Input
        role="combobox"
        aria-label={t('interaction.transferSearch')}
        aria-expanded
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={active === undefined ? undefined : optionId(listId, active.key)}
        placeholder={t('interaction.transferSearch')}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setActiveKey(null);
        }}
        onKeyDown={onKeyDown}
        autoFocus
        allowClear
      />
      <DirectoryList
        listId={listId}
        options={options}
        activeKey={active?.key ?? null}
        chosenKey={chosenNow?.key ?? null}
        onChoose={setChosen}
        onHover={(option) => !option.disabled && setActiveKey(option.key)}
      />
      <p className="sb-dir-chosen-line" aria-live="polite">
        {chosenNow === null
          ? t('transfer.chooseHint')
          : t('transfer.chosen', { name: chosenNow.named.name })}
      </p>
    </Modal>
  );
}
