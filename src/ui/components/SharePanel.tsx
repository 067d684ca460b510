import { useState } from 'preact/hooks';
import { QrCode } from './QrCode';

/** The ways to invite the other person: the code in groups for reading aloud, a copy-link button, a QR code. */
export const SharePanel = ({ code, link, hasPassword }: { code: string; link: string; hasPassword: boolean }) => {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = () =>
    void navigator.clipboard?.writeText(link).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  return (
    <section class="share" aria-label="Invite the other person">
      <p>
        Room code: <code data-testid="room-code">{code}</code>
      </p>
      <button type="button" onClick={copy}>
        {copied === 'yes' ? 'Link copied' : 'Copy link'}
      </button>
      {copied === 'failed' && <p class="error">Could not copy; select the code above instead.</p>}
      {hasPassword && <p class="help">Tell them the password another way: it is not in the link.</p>}
      <QrCode text={link} label="QR code of the link to this call" />
    </section>
  );
};
