// Loads Trystero's own dist modules (as patched by patches/, see patches/README.md) so unit tests can
// drive the signal handler and the action wire directly. The package exports only its index, so the
// files are reached by path; their shapes are declared here as far as the tests use them.
import { fileURLToPath } from 'node:url';

const distFile = (file: string): string =>
  fileURLToPath(new URL(`../../node_modules/@trystero-p2p/core/dist/${file}`, import.meta.url));

const load = async <T>(file: string): Promise<T> => (await import(/* @vite-ignore */ distFile(file))) as T;

export interface Signal {
  type: string;
  sdp: string;
}

export type TrysteroPeer = { readonly isDead: boolean; readonly connection: unknown; destroy(): void };

export type SignalPeer = (topic: string, message: string) => void;

export interface SignalHandlerModule {
  createSignalHandler: (
    ctx: object,
  ) => (relayId: number) => (topic: string, msg: string, signalPeer: SignalPeer) => Promise<void>;
}

export interface CryptoModule {
  genKey: (secret: string, appId: string, roomId: string) => Promise<CryptoKey>;
  encrypt: (key: Promise<CryptoKey>, plaintext: string) => Promise<string>;
  decrypt: (key: Promise<CryptoKey>, ciphertext: string) => Promise<string>;
  sha1: (text: string) => Promise<string>;
}

export interface UtilsModule {
  selfId: string;
  topicPath: (...parts: string[]) => string;
}

export interface PeerModule {
  default: (initiator: boolean, config: object) => TrysteroPeer;
}

export interface SharedPeerModule {
  SharedPeerManager: new () => object;
}

/** Trystero's pool of pre-made offer peers, as far as the tests drive it. */
export interface OfferPool {
  readonly isActive: boolean;
  warmup(): void;
  checkout(
    n: number,
    leaseOffers: boolean,
    encryptOffer: (peer: never) => Promise<string>,
  ): Promise<Array<{ peer: unknown; offer: string }>>;
  destroy(): void;
}

export interface OfferPoolModule {
  OfferPool: new (makeOffer: () => TrysteroPeer) => OfferPool;
  offerTtl: number;
}

export interface WireAction {
  send: (data: unknown, targets?: string | string[], meta?: unknown) => Promise<unknown>;
  onMessage: (f: (payload: unknown, peerId: string, meta?: unknown) => void) => void;
}

export interface WireStats {
  pendingBytes: number;
  pendingChunks: number;
  pendingMessages: number;
  dropped: Record<'unknownType' | 'malformed' | 'tooLarge' | 'tooManyChunks' | 'evicted', number>;
}

export interface ActionWire {
  makeInternalAction: (type: string) => WireAction;
  handleData: (peerId: string, data: ArrayBuffer | Uint8Array) => void;
  clearPeer: (peerId: string) => void;
  /** Added by the parley patch; absent upstream. */
  stats?: (peerId: string) => WireStats;
}

export interface ActionWireModule {
  createActionWireManager: (deps: {
    getPeer: (id: string, includePending?: boolean) => unknown;
    getPeerIds: (includePending?: boolean) => string[];
    canReceiveFromPeer: (id: string, receiveWhilePending: boolean) => boolean;
    throwIfAborted: (signal?: AbortSignal) => void;
  }) => ActionWire;
}

export const loadSignalHandler = () => load<SignalHandlerModule>('signal-handler.mjs');
export const loadCrypto = () => load<CryptoModule>('crypto.mjs');
export const loadUtils = () => load<UtilsModule>('utils.mjs');
export const loadPeer = () => load<PeerModule>('peer.mjs');
export const loadSharedPeer = () => load<SharedPeerModule>('shared-peer.mjs');
export const loadOfferPool = () => load<OfferPoolModule>('offer-pool.mjs');
export const loadActionWire = () => load<ActionWireModule>('action-wire.mjs');

/** Trystero's topic strategy (what the Nostr strategy is made with), driven with a fake relay. */
export interface TopicStrategyModule {
  default: (relay: {
    init: (config: object) => unknown;
    subscribeTopic: (
      relay: unknown,
      topic: string,
      onMessage: (topic: string, msg: string) => void,
      context: { kind: string },
    ) => () => void;
    publishTopic: (relay: unknown, topic: string, msg: string, context: { kind: string }) => Promise<unknown>;
  }) => (config: object, roomId: string) => { leave: () => Promise<void> };
}

export const loadTopicStrategy = () => load<TopicStrategyModule>('topic-strategy.mjs');
