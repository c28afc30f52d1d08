/** The drag data type a palette entry carries: the node kind to add where it is dropped. */
export const PALETTE_DRAG_TYPE = 'application/x-decant-node-kind';
