// The connected call's panels, in one lazily loaded chunk (see screens/CallPanels).
export { ChatPanel } from './ChatPanel';
export { ConnectionDetails } from './ConnectionDetails';
export { FileTransfer } from './FileTransfer';
