import type { ComponentChildren } from 'preact';
import { useMemo, useRef, useState } from 'preact/hooks';
import type { SignalingState } from '../../models/ports';
import type { RoomCode } from '../../core/room-code';
import type { CallModel, CallStatus } from '../../models/call';
import { Controls } from '../components/Controls';
import { PasswordPrompt } from '../components/PasswordPrompt';
import { RememberPrompt } from '../components/RememberPrompt';
import { SelfView } from '../components/SelfView';
import { SharePanel } from '../components/SharePanel';
import { ShortcutsHelp } from '../components/ShortcutsHelp';
import { VerifiedBadge } from '../components/VerifiedBadge';
import { VerifyPanel, VerifyWarning, verifyBadge } from '../components/VerifyPanel';
import { VideoTile } from '../components/VideoTile';
import { formatDuration, formatTime } from '../format';
import { mediaText } from '../media-text';
import { relayProblemText } from '../relay-verdict-text';
import type { Corner } from '../self-view-corner';
import { useShortcuts } from '../shortcuts';
import { CallDetails } from './CallDetails';
import { QualityBadge, useCallPanels } from './CallPanels';
import { language, t } from '../i18n/i18n';
import { directionOf } from '../i18n/languages';

const statusText = (s: CallStatus, hasRemoteMedia: boolean, signaling: SignalingState): string => {
  switch (s.kind) {
    case 'password':
      return t('status.password');
    case 'joining':
      return t('status.joining');
    case 'waiting':
      if (signaling === 'offline') return t('status.signalingOffline');
      if (signaling === 'connecting') return t('status.signalingConnecting');
      if (s.previous === 'hung-up') return t('status.hungUp');
      if (s.previous === 'lost') return t('status.lost');
      return t('status.waiting');
    case 'connected':
      return hasRemoteMedia ? t('status.connected') : t('status.connectedNoVideo');
    case 'reconnecting':
      return t('status.reconnecting');
    case 'unrestored':
      return t('status.unrestored');
    case 'ended':
      return t('status.ended');
    case 'expired':
      return t('status.expired', { time: formatTime(s.at) });
    case 'full':
      return t('status.full');
    case 'intercepted':
      return t('status.intercepted');
    case 'codes-differ':
      return s.by === 'self' ? t('status.codesDifferSelf') : t('status.codesDifferPeer');
    case 'failed':
      // The error's own words (a browser's message, in its language) follow our sentence as data.
      return t('status.joinFailed', { detail: s.detail });
  }
};

/** Said on both screens when a seat kept for someone who did not come back went to someone else. */
const someoneNewText = { them: 'call.someoneNewThem', us: 'call.someoneNewUs' } as const;

const OVER: ReadonlyArray<CallStatus['kind']> = ['ended', 'failed', 'expired', 'full', 'intercepted', 'codes-differ'];

export type CallProps = {
  call: CallModel;
  code: RoomCode;
  onHome: () => void;
  /** Shown while waiting, e.g. the opt-in to be told when they join: waiting is when people switch tabs. */
  whileWaiting?: ComponentChildren;
};

/**
 * The call screen: the other person's video fills the screen, our own is a movable corner tile, one
 * control bar stays below. Status and warnings are compact overlays; the invitation, the verification
 * code, chat and details are sheets beside (landscape) or over the bottom of (portrait) the video, so
 * nothing ever pushes the video or the controls out of view. A call that is over is a plain page.
 */
export const CallScreen = (p: CallProps) =>
  OVER.includes(p.call.status.value.kind) ? <CallOver {...p} /> : <CallLive {...p} />;

const CallOver = ({ call, onHome }: CallProps) => {
  const status = call.status.value;
  return (
    <main class="call call--over" data-self-id={call.selfId.value ?? undefined}>
      <h1 class="visually-hidden">{t('app.callHeading')}</h1>
      <p
        class="status"
        role="status"
        aria-live="polite"
        data-testid="status"
        data-status={status.kind}
        data-signaling={call.signaling.value}
      >
        {statusText(status, false, call.signaling.value)}
      </p>
      {status.kind === 'full' && <p class="help">{t('call.fullHelp')}</p>}
      <button type="button" class="primary" onClick={onHome}>
        {t('common.backHome')}
      </button>
    </main>
  );
};

const CallLive = ({ call, code, whileWaiting }: CallProps) => {
  const status = call.status.value;
  const signaling = call.signaling.value;
  const remote = call.remoteStream.value;
  const problem = call.mediaProblem.value;
  const left = call.joinTimeLeft.value;
  const verification = call.verification.value;
  const view = verification?.view.value ?? null;
  const verifyInfo = verification?.info.value;
  const badge = verifyBadge(view);
  // While reconnecting the call is still with the same person: keep its panels where they are.
  const inCall = status.kind === 'connected' || status.kind === 'reconnecting';
  const waiting = status.kind === 'waiting';
  const someoneNew = call.someoneNew.value;
  const devices = call.devices;
  const sharing = devices?.sharing.value ?? false;
  const switchProblem = devices?.switchProblem.value ?? null;
  const chatOpen = call.chat.open.value;
  const panels = useCallPanels(inCall);
  const continuity = call.continuity.value.kind;
  const fileModel = call.files.model.value;

  const [detailsOpen, setDetailsOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const [fit, setFit] = useState<'cover' | 'contain'>('cover');
  // Our own video starts in the top corner where lines end (top-right, or top-left right-to-left), so
  // the status starts where reading does.
  const [corner, setCorner] = useState<Corner>(() =>
    directionOf(language.value) === 'rtl' ? 'top-left' : 'top-right',
  );
  const remoteVideo = useRef<HTMLVideoElement>(null);

  // The code sheet is open until the check is done, and can be hidden and reopened; a new code (a new
  // check) or the end of the check resets what the person chose for the last one.
  const hasCode = view?.phase === 'comparing' || view?.phase === 'confirmed' || view?.phase === 'verified';
  const codeKey = hasCode ? `${view.sas.decimal.join('-')}:${view.phase === 'verified'}` : '';
  const [codeToggled, setCodeToggled] = useState<string | null>(null);
  const codeOpen = hasCode && (view.phase !== 'verified') !== (codeToggled === codeKey);

  const canCamera = call.hasCamera.value && !sharing;
  const canMic = call.hasMic.value;
  const handlers = useMemo(
    () => ({
      mic: () => canMic && call.toggleMic(),
      camera: () => canCamera && call.toggleCamera(),
      help: () => setHelpOpen(true),
    }),
    [call, canMic, canCamera],
  );
  useShortcuts(handlers, true);

  const joinWindow = (
    <p class="help" data-testid="join-window">
      {left > 0
        ? t('call.joinWindow', { time: formatTime(code.expiresAt), left: formatDuration(left) })
        : t('call.joinClosed')}
    </p>
  );

  const sheets = [
    status.kind === 'password' && (
      <section key="password" class="sheet" aria-label={t('call.passwordSheet')}>
        <PasswordPrompt wrong={status.wrong} onSubmit={call.submitPassword} />
      </section>
    ),
    call.nobodyAnswered.value && waiting && (
      <div key="nobody" class="sheet notice" role="alert">
        <p>{t('call.nobodyAnswered')}</p>
        <button type="button" onClick={() => void call.retryPassword()}>
          {t('call.passwordAgain')}
        </button>
      </div>
    ),
    status.kind === 'unrestored' && (
      <div key="unrestored" class="sheet notice" role="alert">
        <p>{t('call.unrestoredHelp')}</p>
        <button type="button" class="primary" onClick={() => void call.rejoin()}>
          {t('call.rejoin')}
        </button>
      </div>
    ),
    waiting && (
      <section key="invite" class="sheet" aria-label={t('call.invitation')}>
        {call.relayProblem.value && (
          <p class="notice" role="alert" data-testid="relay-problem">
            {relayProblemText(call.relayProblem.value)}
          </p>
        )}
        <SharePanel code={code.text} link={location.href} hasPassword={code.hasPassword} />
        {joinWindow}
        {whileWaiting}
      </section>
    ),
    // Remembered contacts: a broken continuity is as loud as any verification warning.
    inCall && continuity === 'broken' && (
      <div key="continuity" class="sheet">
        <VerifiedBadge call={call} />
      </div>
    ),
    inCall && (continuity === 'offer' || continuity === 'remembered') && (
      <div key="remember" class="sheet">
        <RememberPrompt call={call} />
      </div>
    ),
    inCall && view && verifyInfo && (
      <VerifyWarning key="verify-warning" view={view} info={verifyInfo} onAgain={call.verifyAgain} />
    ),
    inCall && view && (!hasCode || codeOpen) && (
      <VerifyPanel
        key="verify"
        view={view}
        {...(verifyInfo ? { info: verifyInfo } : {})}
        onAnswer={call.confirmCodes}
      />
    ),
    inCall && chatOpen && panels && (
      <panels.ChatPanel
        key="chat"
        messages={call.chat.messages.value}
        refusal={call.chat.refusal.value}
        onSend={call.chat.send}
        onRetry={call.chat.retry}
        files={fileModel && <panels.FileTransfer model={fileModel} />}
      />
    ),
    detailsOpen && (
      <CallDetails
        key="details"
        call={call}
        inCall={inCall}
        panels={panels}
        fit={fit}
        onFit={setFit}
        remoteVideo={remoteVideo}
        onHelp={() => setHelpOpen(true)}
        joinWindow={waiting ? undefined : joinWindow}
      />
    ),
  ].filter((s) => s !== false && s !== null && s !== undefined);

  return (
    <main
      class="call"
      data-self-id={call.selfId.value ?? undefined}
      data-peer-id={call.partner.value ?? undefined}
      data-dropped-rate={call.dropped.value.rate}
      data-dropped-malformed={call.dropped.value.malformed}
    >
      {/* Each screen needs a top-level heading for screen-reader navigation; the status line says the rest. */}
      <h1 class="visually-hidden">{t('app.callHeading')}</h1>
      <div class={`call__stage${sheets.length > 0 ? ' call__stage--sheets' : ''}`}>
        <div class="call__view">
          <VideoTile
            stream={remote}
            self={false}
            label={t('common.them')}
            placeholder={waiting ? t('call.nobodyYet') : t('call.noVideoYet')}
            testId="remote-video"
            sinkId={devices?.choices.value.speaker ?? null}
            videoRef={remoteVideo}
            fit={fit}
            onFrame={call.remotePictureShown}
          />
          <SelfView stream={call.localStream.value} corner={corner} onCorner={setCorner} />
          <div class={`call__top call__top--${corner}`}>
            <p
              class="status"
              role="status"
              aria-live="polite"
              data-testid="status"
              data-status={status.kind}
              data-signaling={signaling}
            >
              {statusText(status, remote !== null, signaling)}
            </p>
            {inCall && (
              <div class="call__badges">
                <p class={`badge badge--${badge.tone}`} data-testid="verify-state" aria-live="polite">
                  {badge.text}
                </p>
                {continuity === 'recognised' && <VerifiedBadge call={call} />}
                {hasCode && (
                  <button
                    type="button"
                    class="badge-button"
                    aria-expanded={codeOpen}
                    aria-controls={codeOpen ? 'verify-sheet' : undefined}
                    onClick={() => setCodeToggled(codeToggled === codeKey ? null : codeKey)}
                  >
                    {codeOpen
                      ? t('call.hideCode')
                      : view.phase === 'verified'
                        ? t('call.showCode')
                        : t('call.compareCodes')}
                  </button>
                )}
                <QualityBadge quality={call.connection.quality.value} />
              </div>
            )}
            {inCall && someoneNew && (
              <p class="notice" role="alert" data-testid="someone-new" data-someone-new={someoneNew}>
                {t(someoneNewText[someoneNew])}
                {view?.phase !== 'verified' && ` ${t('call.someoneNewUnverified')}`}
              </p>
            )}
            {status.kind === 'connected' && signaling === 'offline' && <p class="notice">{t('call.signalingDown')}</p>}
            {problem && (
              <p class="notice" role="alert">
                {mediaText(problem)}
              </p>
            )}
            {sharing && (
              <p class="notice" role="status" data-testid="sharing-notice">
                {t('call.sharingScreen')}
              </p>
            )}
            {switchProblem && (
              <p class="notice" role="alert">
                {t('media.switchFailed', { problem: mediaText(switchProblem) })}
              </p>
            )}
          </div>
        </div>
        {sheets.length > 0 && <div class="call__sheets">{sheets}</div>}
      </div>
      <Controls
        micOn={call.micOn.value}
        cameraOn={call.cameraOn.value}
        hasMic={canMic}
        hasCamera={canCamera}
        onToggleMic={call.toggleMic}
        onToggleCamera={call.toggleCamera}
        onHangUp={() => void call.hangUp()}
        onFlip={
          devices?.canFlip.value && call.hasCamera.value && !sharing ? () => void devices.flipCamera() : undefined
        }
        share={
          devices?.canShareScreen
            ? {
                sharing,
                disabled: call.localStream.value === null,
                onToggle: () => (sharing ? devices.stopSharing() : void devices.startSharing()),
              }
            : undefined
        }
        chat={
          inCall
            ? { open: chatOpen, unread: call.chat.unread.value, onToggle: () => call.chat.setOpen(!chatOpen) }
            : undefined
        }
        details={{ open: detailsOpen, onToggle: () => setDetailsOpen(!detailsOpen) }}
      />
      <ShortcutsHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
    </main>
  );
};
