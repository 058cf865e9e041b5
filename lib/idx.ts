/**
 * The IDX file format of MNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte magic number
 * — two zero bytes, a type code, the number of dimensions — then one big-endian uint32 per
 * dimension, then the data, big-endian, row-major. Files may be gzipped.
 *
 * Every error names the file, what was expected, and the byte offset where it went wrong.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { takeReadAhead } from './read-ahead.ts';

export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

const TYPES: Record<number, { type: IdxType; bytes: number }> = {
  8: { type: 'uint8', bytes: 1 },
  9: { type: 'int8', bytes: 1 },
  11: { type: 'int16', bytes: 2 },
  12: { type: 'int32', bytes: 4 },
  13: { type: 'float32', bytes: 4 },
  14: { type: 'float64', bytes: 8 },
};
const CODES = Object.fromEntries(Object.entries(TYPES).map(([code, t]) => [t.type, Number(code)])) as Record<
  IdxType,
  number
>;

export interface IdxArray {
  type: IdxType;
  shape: number[];
  data: IdxData;
}

/** What the caller requires of the file; a mismatch is an IdxError naming both. */
export interface IdxExpectation {
  type?: IdxType;
  rank?: number;
  /** sizes per axis; null leaves an axis free */
  dims?: (number | null)[];
}

export class IdxError extends Error {
  override name = 'IdxError';
  readonly file: string;
  readonly offset: number;
  readonly detail: string;
  constructor(file: string, offset: number, detail: string) {
    super(`${file}: at byte ${offset}: ${detail}`);
    this.file = file;
    this.offset = offset;
    this.detail = detail;
  }
}

const hex = (bytes: Uint8Array, from: number, n: number): string =>
  `0x${Array.from(bytes.subarray(from, from + n), (b) => b.toString(16).padStart(2, '0')).join('')}`;

/**
 * Parses IDX bytes (already gunzipped). `file` is only used in error messages. The data is
 * a copy, unless `owned` says nobody else holds `bytes`: then 1-byte data is a view of them
 * (MNIST's 55 MB not copied a second time: ≈0.4 s of a run of exercise 10 on a busy VM).
 */
export function parseIdx(bytes: Uint8Array, file: string, expect: IdxExpectation = {}, owned = false): IdxArray {
  if (bytes.length < 4) {
    throw new IdxError(file, bytes.length, `file ends after ${bytes.length} bytes, before the 4-byte magic number`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxError(
      file,
      0,
      `bad magic number ${hex(bytes, 0, 4)}: an IDX file starts with two zero bytes (is this an IDX file?)`,
    );
  }
  const code = bytes[2];
  const info = TYPES[code];
  if (!info) {
    throw new IdxError(
      file,
      2,
      `unknown data type code 0x${code.toString(16).padStart(2, '0')} (known: 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64)`,
    );
  }
  if (expect.type && expect.type !== info.type) {
    throw new IdxError(
      file,
      2,
      `data type is ${info.type} (0x${code.toString(16)}), expected ${expect.type} (0x${CODES[expect.type].toString(16)})`,
    );
  }
  const rank = bytes[3];
  if (expect.rank !== undefined && expect.rank !== rank) {
    throw new IdxError(file, 3, `rank is ${rank}, expected ${expect.rank}`);
  }
  const headerEnd = 4 + 4 * rank;
  if (bytes.length < headerEnd) {
    throw new IdxError(
      file,
      bytes.length,
      `file ends inside the header: ${rank} dimensions need bytes 4 to ${headerEnd}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i, false));
  expect.dims?.forEach((want, i) => {
    if (want !== null && shape[i] !== want) {
      throw new IdxError(
        file,
        4 + 4 * i,
        `dimension ${i} is ${shape[i]}, expected ${want} (shape [${shape.join(',')}])`,
      );
    }
  });
  const count = shape.reduce((n, d) => n * d, 1);
  const dataBytes = count * info.bytes;
  const end = headerEnd + dataBytes;
  if (bytes.length < end) {
    throw new IdxError(
      file,
      bytes.length,
      `truncated: the header says [${shape.join(',')}] ${info.type} = ${dataBytes} data bytes from byte ${headerEnd} to ${end}, but the file ends at byte ${bytes.length}`,
    );
  }
  if (bytes.length > end) {
    throw new IdxError(
      file,
      end,
      `${bytes.length - end} unexpected bytes after the data, which ends at byte ${end} for shape [${shape.join(',')}]`,
    );
  }
  return { type: info.type, shape, data: readData(view, headerEnd, count, info.type, owned) };
}

function readData(view: DataView, offset: number, n: number, type: IdxType, owned: boolean): IdxData {
  switch (type) {
    case 'uint8': {
      const data = new Uint8Array(view.buffer, view.byteOffset + offset, n);
      return owned ? data : data.slice();
    }
    case 'int8': {
      const data = new Int8Array(view.buffer, view.byteOffset + offset, n);
      return owned ? data : data.slice();
    }
    case 'int16': {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/** Reads an IDX file from disk, gunzipping it if it is gzipped (by content, not by name). */
export function readIdxFile(file: string, expect: IdxExpectation = {}): IdxArray {
  let bytes: Uint8Array = takeReadAhead(file) ?? readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new IdxError(file, 0, `looks gzipped but cannot be decompressed: ${(e as Error).message}`);
    }
  }
  // Read for this call alone: its data need not be copied.
  return parseIdx(bytes, file, expect, true);
}

/** Encodes an array as IDX bytes (for fixtures and tests). */
export function encodeIdx(type: IdxType, shape: readonly number[], values: ArrayLike<number>): Uint8Array {
  const info = TYPES[CODES[type]] as { bytes: number };
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + values.length * info.bytes);
  const view = new DataView(out.buffer);
  out[2] = CODES[type];
  out[3] = shape.length;
  shape.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const o = header + i * info.bytes;
    if (type === 'uint8') view.setUint8(o, v);
    else if (type === 'int8') view.setInt8(o, v);
    else if (type === 'int16') view.setInt16(o, v, false);
    else if (type === 'int32') view.setInt32(o, v, false);
    else if (type === 'float32') view.setFloat32(o, v, false);
    else view.setFloat64(o, v, false);
  }
  return out;
}
