// The floor Parley adds to: a page that does only Trystero joinRoom + addStream against the same relay.
// Query: ?relay=ws://…&room=…  It shows the remote stream in #remote; the benchmark times its first frame.
import { joinRoom } from '@trystero-p2p/nostr';

const params = new URLSearchParams(location.search);
const relay = params.get('relay') ?? '';
const roomId = params.get('room') ?? '';
const video = document.getElementById('remote') as HTMLVideoElement;

const room = joinRoom(
  { appId: 'parley-bench-bare', relayConfig: { urls: [relay] }, rtcConfig: { iceServers: [] } },
  roomId,
);
const media = navigator.mediaDevices.getUserMedia({ audio: true, video: true });
void media.then((stream) => room.addStream(stream));
room.onPeerJoin = (peerId) => void media.then((stream) => room.addStream(stream, { target: peerId }));
room.onPeerStream = (stream) => {
  video.srcObject = stream;
  void video.play().catch(() => undefined);
};
addEventListener('pagehide', () => void room.leave());
