// A minimal PNG decoder for screenshots (8-bit RGB or RGBA, not interlaced: what Chromium writes),
// so that tests can look at pixels without an image library.
import { inflateSync } from 'node:zlib';

export interface Image {
    readonly width: number;
    readonly height: number;
    /** RGBA, row-major. */
    readonly rgba: Uint8Array;
}

export function decodePng(png: Buffer): Image {
    if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG file');
    let offset = 8;
    let width = 0;
    let height = 0;
    let channels = 0;
    const idat: Buffer[] = [];
    while (offset < png.length) {
        const length = png.readUInt32BE(offset);
        const type = png.toString('latin1', offset + 4, offset + 8);
        const data = png.subarray(offset + 8, offset + 8 + length);
        if (type === 'IHDR') {
            width = data.readUInt32BE(0);
            height = data.readUInt32BE(4);
            const depth = data[8]!;
            const color = data[9]!;
            if (depth !== 8 || (color !== 2 && color !== 6) || data[12] !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${color}, interlace ${data[12]}`);
            channels = color === 6 ? 4 : 3;
        } else if (type === 'IDAT') idat.push(data);
        else if (type === 'IEND') break;
        offset += 12 + length;
    }
    const raw = inflateSync(Buffer.concat(idat));
    const stride = width * channels;
    const pixels = new Uint8Array(height * stride);
    for (let y = 0; y < height; y++) {
        const filter = raw[y * (stride + 1)]!;
        const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
        for (let x = 0; x < stride; x++) {
            const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
            const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
            const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
            let predictor = 0;
            if (filter === 1) predictor = a;
            else if (filter === 2) predictor = b;
            else if (filter === 3) predictor = (a + b) >> 1;
            else if (filter === 4) {
                const p = a + b - c;
                const pa = Math.abs(p - a);
                const pb = Math.abs(p - b);
                const pc = Math.abs(p - c);
                predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
            }
            pixels[y * stride + x] = (line[x]! + predictor) & 0xff;
        }
    }
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
        for (let k = 0; k < 3; k++) rgba[4 * i + k] = pixels[i * channels + k]!;
        rgba[4 * i + 3] = channels === 4 ? pixels[i * channels + 3]! : 255;
    }
    return { width, height, rgba };
}
