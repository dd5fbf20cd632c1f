//! A small GIF89a encoder: a fixed 256-colour palette (the recording's colours and their
//! anti-aliasing blends), full frames compressed with LZW, looping forever. Written here rather
//! than taken from a crate: it is about 150 lines, and the same pixels always give the same
//! bytes.

/// Most codes an LZW table holds (12-bit codes).
const MAX_CODES: u32 = 4096;
/// GIF's colour indices are 8 bits here: a 256-entry global colour table.
const MIN_CODE_SIZE: u8 = 8;

/// A fixed palette and the nearest-colour lookup for it, cached per 15-bit colour.
pub struct Palette {
    colours: Vec<[u8; 3]>,
    /// Nearest palette index per 5-5-5 bit RGB, `u16::MAX` until first asked.
    nearest: Vec<u16>,
}

impl Palette {
    /// At most 256 colours; the table is padded to 256 with the first.
    pub fn new(colours: &[[u8; 3]]) -> Palette {
        let mut colours: Vec<[u8; 3]> = colours.iter().copied().take(256).collect();
        let first = colours.first().copied().unwrap_or([0, 0, 0]);
        colours.resize(256, first);
        Palette {
            colours,
            nearest: vec![u16::MAX; 1 << 15],
        }
    }

    pub fn colours(&self) -> &[[u8; 3]] {
        &self.colours
    }

    /// The palette index nearest to `rgb` (squared distance; ties go to the lower index).
    pub fn index_of(&mut self, rgb: [u8; 3]) -> u8 {
        let key = (usize::from(rgb[0] >> 3) << 10)
            | (usize::from(rgb[1] >> 3) << 5)
            | usize::from(rgb[2] >> 3);
        let cached = self.nearest[key];
        if cached != u16::MAX {
            return cached as u8;
        }
        // The centre of the 5-bit cell stands for every colour in it.
        let c = [rgb[0] | 4, rgb[1] | 4, rgb[2] | 4];
        let mut best = (u32::MAX, 0u16);
        for (i, p) in self.colours.iter().enumerate() {
            let d: u32 = (0..3)
                .map(|k| (i32::from(p[k]) - i32::from(c[k])).pow(2) as u32)
                .sum();
            if d < best.0 {
                best = (d, i as u16);
            }
        }
        self.nearest[key] = best.1;
        best.1 as u8
    }

    /// Maps RGBA pixels (a canvas's `getImageData`) to palette indices; alpha is ignored.
    pub fn indices(&mut self, rgba: &[u8]) -> Vec<u8> {
        rgba.chunks_exact(4)
            .map(|p| self.index_of([p[0], p[1], p[2]]))
            .collect()
    }
}

/// Writes the header, the palette and the loop block; frames are added one by one.
pub struct GifWriter {
    pub bytes: Vec<u8>,
    width: u16,
    height: u16,
}

impl GifWriter {
    pub fn new(width: u16, height: u16, palette: &Palette) -> GifWriter {
        let mut b = Vec::with_capacity(1 << 16);
        b.extend_from_slice(b"GIF89a");
        b.extend_from_slice(&width.to_le_bytes());
        b.extend_from_slice(&height.to_le_bytes());
        // Global colour table, 8 bits of colour resolution, 2^(7+1) = 256 entries.
        b.extend_from_slice(&[0xF7, 0, 0]);
        for c in palette.colours() {
            b.extend_from_slice(c);
        }
        // NETSCAPE2.0 application extension: loop forever (count 0).
        b.extend_from_slice(&[0x21, 0xFF, 0x0B]);
        b.extend_from_slice(b"NETSCAPE2.0");
        b.extend_from_slice(&[0x03, 0x01, 0x00, 0x00, 0x00]);
        GifWriter {
            bytes: b,
            width,
            height,
        }
    }

    /// Adds a full frame of palette indices (row by row), shown for `delay_cs` hundredths of a
    /// second.
    pub fn frame(&mut self, indices: &[u8], delay_cs: u16) {
        debug_assert_eq!(
            indices.len(),
            usize::from(self.width) * usize::from(self.height)
        );
        let b = &mut self.bytes;
        // Graphic control extension: disposal "leave in place", no transparency.
        b.extend_from_slice(&[0x21, 0xF9, 0x04, 0x04]);
        b.extend_from_slice(&delay_cs.to_le_bytes());
        b.extend_from_slice(&[0x00, 0x00]);
        // Image descriptor: the whole screen, no local colour table, not interlaced.
        b.push(0x2C);
        b.extend_from_slice(&[0, 0, 0, 0]);
        b.extend_from_slice(&self.width.to_le_bytes());
        b.extend_from_slice(&self.height.to_le_bytes());
        b.push(0x00);
        b.push(MIN_CODE_SIZE);
        let data = lzw(indices, MIN_CODE_SIZE);
        for block in data.chunks(255) {
            b.push(block.len() as u8);
            b.extend_from_slice(block);
        }
        b.push(0x00);
    }

    /// The finished file.
    pub fn finish(mut self) -> Vec<u8> {
        self.bytes.push(0x3B);
        self.bytes
    }
}

/// Packs codes least-significant bit first, as GIF wants.
struct Bits {
    out: Vec<u8>,
    acc: u32,
    n: u32,
}

impl Bits {
    fn put(&mut self, code: u32, size: u8) {
        self.acc |= code << self.n;
        self.n += u32::from(size);
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }
}

/// The LZW table: (prefix code, next index) → code, open addressing over 8,192 slots (at most
/// 4,096 entries, so never more than half full and cheap to clear).
struct Table {
    keys: Vec<u32>,
    codes: Vec<u16>,
}

impl Table {
    const SLOTS: usize = 8192;

    fn slot(&self, key: u32) -> usize {
        let mut i = (key.wrapping_mul(0x9E37_79B1) >> 19) as usize & (Self::SLOTS - 1);
        while self.keys[i] != u32::MAX && self.keys[i] != key {
            i = (i + 1) & (Self::SLOTS - 1);
        }
        i
    }

    fn clear(&mut self) {
        self.keys.fill(u32::MAX);
    }
}

/// LZW-compresses `indices` with GIF's variable code size (the unblocked code stream).
pub fn lzw(indices: &[u8], min_code_size: u8) -> Vec<u8> {
    let clear = 1u32 << min_code_size;
    let end = clear + 1;
    let mut bits = Bits {
        out: Vec::with_capacity(indices.len() / 2),
        acc: 0,
        n: 0,
    };
    let mut size = min_code_size + 1;
    let mut next = end + 1;
    let mut table = Table {
        keys: vec![u32::MAX; Table::SLOTS],
        codes: vec![0; Table::SLOTS],
    };
    bits.put(clear, size);
    let Some((&first, rest)) = indices.split_first() else {
        bits.put(end, size);
        if bits.n > 0 {
            bits.out.push(bits.acc as u8);
        }
        return bits.out;
    };
    let mut prefix = u32::from(first);
    for &k in rest {
        let key = (prefix << 8) | u32::from(k);
        let i = table.slot(key);
        if table.keys[i] == key {
            prefix = u32::from(table.codes[i]);
            continue;
        }
        bits.put(prefix, size);
        if next == MAX_CODES {
            // The table is full: start again (the decoder resets on the clear code).
            bits.put(clear, size);
            table.clear();
            size = min_code_size + 1;
            next = end + 1;
        } else {
            // The code size grows when the next code no longer fits (decoders do the same one
            // code later, when they add the entry this one implies).
            if next >= 1 << size {
                size += 1;
            }
            table.keys[i] = key;
            table.codes[i] = next as u16;
            next += 1;
        }
        prefix = u32::from(k);
    }
    bits.put(prefix, size);
    bits.put(end, size);
    if bits.n > 0 {
        bits.out.push(bits.acc as u8);
    }
    bits.out
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A GIF decoder written independently from the spec (no shared code with the encoder): the
    /// screen size, the palette and each frame's delay and indices.
    pub struct Decoded {
        pub width: u16,
        pub height: u16,
        pub palette: Vec<[u8; 3]>,
        pub loops: bool,
        pub frames: Vec<(u16, Vec<u8>)>,
    }

    pub fn decode(b: &[u8]) -> Decoded {
        assert_eq!(&b[..6], b"GIF89a");
        let u16at = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
        let (width, height) = (u16at(6), u16at(8));
        let packed = b[10];
        assert!(packed & 0x80 != 0, "global colour table");
        let entries = 2usize << (packed & 7);
        let palette = (0..entries)
            .map(|i| [b[13 + 3 * i], b[14 + 3 * i], b[15 + 3 * i]])
            .collect();
        let mut i = 13 + 3 * entries;
        let mut loops = false;
        let mut delay = 0;
        let mut frames = Vec::new();
        loop {
            match b[i] {
                0x3B => break,
                0x21 => {
                    let label = b[i + 1];
                    if label == 0xF9 {
                        delay = u16at(i + 4);
                    }
                    if label == 0xFF && &b[i + 3..i + 14] == b"NETSCAPE2.0" {
                        loops = true;
                    }
                    i += 2;
                    while b[i] != 0 {
                        i += 1 + usize::from(b[i]);
                    }
                    i += 1;
                }
                0x2C => {
                    let (w, h) = (u16at(i + 5), u16at(i + 7));
                    assert_eq!(b[i + 9] & 0x80, 0, "no local colour table");
                    let min = b[i + 10];
                    i += 11;
                    let mut data = Vec::new();
                    while b[i] != 0 {
                        let n = usize::from(b[i]);
                        data.extend_from_slice(&b[i + 1..i + 1 + n]);
                        i += 1 + n;
                    }
                    i += 1;
                    let pixels = unlzw(&data, min);
                    assert_eq!(pixels.len(), usize::from(w) * usize::from(h));
                    frames.push((delay, pixels));
                }
                other => panic!("unexpected block {other:#x} at {i}"),
            }
        }
        assert_eq!(i, b.len() - 1, "nothing after the trailer");
        Decoded {
            width,
            height,
            palette,
            loops,
            frames,
        }
    }

    fn unlzw(data: &[u8], min: u8) -> Vec<u8> {
        let clear = 1usize << min;
        let end = clear + 1;
        let reset = || -> Vec<Vec<u8>> {
            let mut t: Vec<Vec<u8>> = (0..clear).map(|c| vec![c as u8]).collect();
            t.push(Vec::new());
            t.push(Vec::new());
            t
        };
        let mut table = reset();
        let mut size = min + 1;
        let mut prev: Option<usize> = None;
        let mut out = Vec::new();
        let (mut pos, total) = (0usize, data.len() * 8);
        while pos + usize::from(size) <= total {
            let mut code = 0usize;
            for k in 0..usize::from(size) {
                let bit = (data[(pos + k) / 8] >> ((pos + k) % 8)) & 1;
                code |= usize::from(bit) << k;
            }
            pos += usize::from(size);
            if code == clear {
                table = reset();
                size = min + 1;
                prev = None;
                continue;
            }
            if code == end {
                return out;
            }
            let entry = match prev {
                None => table[code].clone(),
                Some(p) => {
                    let entry = if code < table.len() {
                        table[code].clone()
                    } else {
                        assert_eq!(code, table.len(), "code out of the table");
                        let mut e = table[p].clone();
                        e.push(table[p][0]);
                        e
                    };
                    let mut added = table[p].clone();
                    added.push(entry[0]);
                    table.push(added);
                    if table.len() == 1 << size && size < 12 {
                        size += 1;
                    }
                    entry
                }
            };
            out.extend_from_slice(&entry);
            prev = Some(code);
        }
        panic!("no end code");
    }

    /// A pseudo-random but fixed picture with long runs (like a rendered frame) and noise.
    fn picture(w: usize, h: usize, seed: u32) -> Vec<u8> {
        let mut x = seed;
        (0..w * h)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                if (i / 7) % 5 == 0 {
                    (x % 256) as u8
                } else {
                    ((i / w) % 6) as u8
                }
            })
            .collect()
    }

    #[test]
    fn what_is_written_decodes_to_the_same_pixels() {
        let palette = Palette::new(&[[0, 0, 0], [255, 255, 255], [255, 0, 0]]);
        let (w, h) = (97u16, 61u16);
        let frames = [picture(97, 61, 1), picture(97, 61, 2), vec![3; 97 * 61]];
        let mut g = GifWriter::new(w, h, &palette);
        for f in &frames {
            g.frame(f, 4);
        }
        let bytes = g.finish();
        let d = decode(&bytes);
        assert_eq!((d.width, d.height), (97, 61));
        assert!(d.loops);
        assert_eq!(d.palette.len(), 256);
        assert_eq!(&d.palette[..3], &[[0, 0, 0], [255, 255, 255], [255, 0, 0]]);
        assert_eq!(d.frames.len(), 3);
        for (got, want) in d.frames.iter().zip(&frames) {
            assert_eq!(got.0, 4);
            assert!(got.1 == *want, "a frame decoded differently");
        }
    }

    /// Long inputs fill the 4,096-code table many times over and cross every code size.
    #[test]
    fn the_table_resets_when_full_and_codes_grow_to_twelve_bits() {
        let noisy = picture(640, 360, 7);
        let d = unlzw(&lzw(&noisy, 8), 8);
        assert!(d == noisy);
        // Runs of one value: tiny output.
        let flat = vec![9u8; 640 * 360];
        let packed = lzw(&flat, 8);
        assert!(packed.len() < 2_000, "{}", packed.len());
        assert!(unlzw(&packed, 8) == flat);
        assert!(unlzw(&lzw(&[], 8), 8).is_empty());
        assert_eq!(unlzw(&lzw(&[200], 8), 8), vec![200]);
    }

    /// A 2 × 2 frame of index 1, its code stream worked out by hand from the spec.
    #[test]
    fn a_tiny_frame_has_the_known_code_stream() {
        let packed = lzw(&[1, 1, 1, 1], 8);
        // Codes: clear 256, 1, 258 ("1 1"), 1, end 257 — five 9-bit codes = 45 bits = 6 bytes.
        let codes = [256u32, 1, 258, 1, 257];
        let mut want = Vec::new();
        let (mut acc, mut n) = (0u64, 0u32);
        for c in codes {
            acc |= u64::from(c) << n;
            n += 9;
        }
        for _ in 0..n.div_ceil(8) {
            want.push(acc as u8);
            acc >>= 8;
        }
        assert_eq!(packed, want);
    }

    #[test]
    fn colours_map_to_the_nearest_palette_entry() {
        let mut p = Palette::new(&[[0, 0, 0], [250, 250, 250], [200, 30, 30]]);
        assert_eq!(p.index_of([10, 5, 0]), 0);
        assert_eq!(p.index_of([255, 255, 255]), 1);
        assert_eq!(p.index_of([190, 40, 20]), 2);
        assert_eq!(p.indices(&[0, 0, 0, 255, 250, 250, 250, 0]), vec![0, 1]);
    }
}
