/**
 * One unmasked, final WebSocket text frame (RFC 6455 section 5.2) holding
 * `payload`, header and payload in one buffer.
 *
 * Why not `WebSocket.send`: it builds a header per socket and writes header
 * and payload as two corked writes (a writev each time). An event fanned out
 * to thousands of sockets is the same bytes for all of them, so the frame is
 * built once and each socket gets one plain write of it.
 */
export function textFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81; // FIN + opcode 1 (text)
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}
