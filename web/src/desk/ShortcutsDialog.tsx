import { Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { deskShortcuts } from './use-desk-shortcuts.ts';

export function ShortcutsDialog(props: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      open={props.open}
      title={t('shortcuts.title')}
      onCancel={props.onClose}
      onOk={props.onClose}
      okText={t('shortcuts.close')}
      cancelButtonProps={{ style: { display: 'none' } }}
    >
      <dl className="sb-shortcuts">
        {deskShortcuts.map((shortcut) => (
          <div key={shortcut.key} className="sb-shortcut">
            <dt>
              <kbd>{shortcut.key.toUpperCase()}</kbd>
            </dt>
            <dd>{t(`shortcuts.${shortcut.action}`)}</dd>
          </div>
        ))}
      </dl>
    </Modal>
  );
}
