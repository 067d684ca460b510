import type { ComponentChildren } from 'preact';
import type { SignalingState } from '../../models/ports';
import type { RoomCode } from '../../core/room-code';
import type { CallModel, CallStatus } from '../../models/call';
import { CallPanels } from './CallPanels';
import { Controls } from '../components/Controls';
import { PasswordPrompt } from '../components/PasswordPrompt';
import { SharePanel } from '../components/SharePanel';
import { VerifyPanel, VerifyWarning, verifyBadge } from '../components/VerifyPanel';
import { RememberPrompt } from '../components/RememberPrompt';
import { VerifiedBadge } from '../components/VerifiedBadge';
import { VideoTile } from '../components/VideoTile';
import { formatDuration, formatTime } from '../format';
import { mediaText } from '../media-text';
import { CallMedia, cameraUsable } from './CallMedia';

const statusText = (s: CallStatus, hasRemoteMedia: boolean, signaling: SignalingState): string => {
  switch (s.kind) {
    case 'password':
      return 'Password needed.';
    case 'joining':
      return 'Joining the room…';
    case 'waiting':
      if (signaling === 'offline') return 'Signaling relay unreachable. Reconnecting to signaling…';
      if (signaling === 'connecting') return 'Connecting to signaling…';
      if (s.previous === 'hung-up') return 'They hung up. The room stays open if they come back.';
      if (s.previous === 'lost') return 'They left (connection lost). Waiting for them to come back…';
      return 'Waiting for the other person. Share the link to invite them.';
    case 'connected':
      return hasRemoteMedia ? 'Connected' : 'Connected. Waiting for their video…';
    case 'reconnecting':
      return 'Connection interrupted. Reconnecting…';
    case 'unrestored':
      return 'The connection could not be restored.';
    case 'ended':
      return 'Call ended.';
    case 'expired':
      return `This room expired at ${formatTime(s.at)} and no longer accepts anyone. Start a new call to talk again.`;
    case 'full':
      return 'This room is full: two people are already in this call.';
    case 'intercepted':
      return 'Call ended: the connection was being intercepted. The security check found that your devices are not talking to each other directly: someone (possibly with your link) is in the middle. Start a new call and share the new link in a safer way.';
    case 'codes-differ':
      return s.by === 'self'
        ? 'Call ended: you said the codes differ. Someone may be in the middle of the connection. Start a new call and share the new link in a safer way.'
        : 'Call ended: the other person said the codes differ. Someone may be in the middle of the connection. Start a new call and share the new link in a safer way.';
    case 'failed':
      return s.message;
  }
};

/** Said on both screens when a seat kept for someone who did not come back went to someone else. */
const someoneNewText = {
  them: 'Someone new: the person you were talking to did not reconnect in time, and this is a different device, not theirs.',
  us: 'Someone new: the other person was waiting for someone else to reconnect, and you got the place instead.',
} as const;

/**
 * The call: a status line, the invitation while waiting (with `whileWaiting`, e.g. the opt-in to be
 * told when they join: waiting is when people switch to another tab), both videos and the controls.
 */
export const Call = ({
  call,
  code,
  onHome,
  whileWaiting,
}: {
  call: CallModel;
  code: RoomCode;
  onHome: () => void;
  whileWaiting?: ComponentChildren;
}) => {
  const status = call.status.value;
  const signaling = call.signaling.value;
  const remote = call.remoteStream.value;
  const problem = call.mediaProblem.value;
  const left = call.joinTimeLeft.value;
  const over = ['ended', 'failed', 'expired', 'full', 'intercepted', 'codes-differ'].includes(status.kind);
  const verification = call.verification.value;
  const view = verification?.view.value ?? null;
  const verifyInfo = verification?.info.value;
  const badge = verifyBadge(view);
  // While reconnecting the call is still with the same person: keep its panels where they are.
  const inCall = status.kind === 'connected' || status.kind === 'reconnecting';
  const someoneNew = call.someoneNew.value;

  return (
    <main
      class="call"
      data-self-id={call.selfId.value ?? undefined}
      data-peer-id={call.partner.value ?? undefined}
      data-dropped-rate={call.dropped.value.rate}
      data-dropped-malformed={call.dropped.value.malformed}
    >
      {/* Each screen needs a top-level heading for screen-reader navigation; the status line below says the rest. */}
      <h1 class="visually-hidden">Parley call</h1>
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
      {inCall && someoneNew && (
        <p class="notice" role="alert" data-testid="someone-new" data-someone-new={someoneNew}>
          {someoneNewText[someoneNew]}
          {view?.phase !== 'verified' &&
            ' This call is not verified: compare the codes before you say anything private.'}
        </p>
      )}
      {inCall && (
        <p class={`badge badge--${badge.tone}`} data-testid="verify-state" aria-live="polite">
          {badge.text}
        </p>
      )}
      {inCall && <VerifiedBadge call={call} />}
      {inCall && <RememberPrompt call={call} />}
      {inCall && <CallPanels call={call} />}
      {inCall && view && verifyInfo && <VerifyWarning view={view} info={verifyInfo} onAgain={call.verifyAgain} />}
      {inCall && view && (
        <VerifyPanel view={view} {...(verifyInfo ? { info: verifyInfo } : {})} onAnswer={call.confirmCodes} />
      )}
      {status.kind === 'connected' && signaling === 'offline' && (
        <p class="notice">
          The signaling relay is unreachable. Your call is unaffected: audio and video go directly between you.
        </p>
      )}
      {problem && !over && (
        <p class="notice" role="alert">
          {mediaText[problem]}
        </p>
      )}
      {status.kind === 'password' && <PasswordPrompt wrong={status.wrong} onSubmit={call.submitPassword} />}
      {call.nobodyAnswered.value && status.kind === 'waiting' && (
        <div class="notice" role="alert">
          <p>
            No one with this password has answered yet. If the other person is already in the call, the password is
            probably wrong.
          </p>
          <button type="button" onClick={() => void call.retryPassword()}>
            Enter the password again
          </button>
        </div>
      )}
      {!over && (
        <p class="help" data-testid="join-window">
          {left > 0
            ? `Open for joining until ${formatTime(code.expiresAt)} (${formatDuration(left)} left).`
            : 'This room no longer accepts anyone new; your call goes on.'}
        </p>
      )}
      {status.kind === 'unrestored' && (
        <div class="notice" role="alert">
          <p>The network between you stayed down too long. If they are still here, they will rejoin too.</p>
          <button type="button" class="primary" onClick={() => void call.rejoin()}>
            Rejoin
          </button>
        </div>
      )}
      {status.kind === 'full' && (
        <p class="help">
          A call has room for two, and this one already has both. If you were expected, ask for a new link.
        </p>
      )}
      {status.kind === 'waiting' && call.relayProblem.value && (
        <p class="notice" role="alert" data-testid="relay-problem">
          {call.relayProblem.value}
        </p>
      )}
      {status.kind === 'waiting' && <SharePanel code={code.text} link={location.href} hasPassword={code.hasPassword} />}
      {status.kind === 'waiting' && whileWaiting}
      {!over && (
        <div class="tiles">
          <VideoTile
            stream={remote}
            self={false}
            label="Them"
            placeholder="No video from them yet"
            testId="remote-video"
            sinkId={call.devices?.choices.value.speaker ?? null}
            pictureInPicture={call.devices?.canPictureInPicture ?? false}
          />
          <VideoTile
            stream={call.localStream.value}
            self
            label="You"
            placeholder="Your camera is off"
            testId="local-video"
          />
        </div>
      )}
      {over ? (
        <button type="button" class="primary" onClick={onHome}>
          Back to home
        </button>
      ) : (
        <Controls
          micOn={call.micOn.value}
          cameraOn={call.cameraOn.value}
          hasMic={call.hasMic.value}
          hasCamera={cameraUsable(call)}
          onToggleMic={call.toggleMic}
          onToggleCamera={call.toggleCamera}
          onHangUp={() => void call.hangUp()}
        />
      )}
      {!over && <CallMedia call={call} />}
    </main>
  );
};
