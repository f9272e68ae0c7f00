import { MailOutlined, MessageOutlined, PhoneOutlined, RetweetOutlined } from '@ant-design/icons';

export function ChannelIcon(props: { channel: string; callback?: boolean }) {
  if (props.callback === true) return <RetweetOutlined aria-hidden="true" />;
  if (props.channel === 'chat') return <MessageOutlined aria-hidden="true" />;
  if (props.channel === 'email') return <MailOutlined aria-hidden="true" />;
  return <PhoneOutlined aria-hidden="true" />;
}
