//! What a recording is asked for: the format, the span of simulated time, the picture size, the
//! speed and the frame rate; how many frames that makes and what the file is called.

/// The file a recording becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// An animated GIF, encoded in Rust frame by frame (plays everywhere, loops).
    Gif,
    /// A WebM video, encoded by the browser's `MediaRecorder` from the painted canvas.
    Webm,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Gif => "gif",
            Format::Webm => "webm",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Gif => "image/gif",
            Format::Webm => "video/webm",
        }
    }

    /// Frame rates offered. A GIF's frame delay is a whole number of hundredths of a second,
    /// so only rates that divide 100 keep its timing exact.
    pub fn frame_rates(self) -> &'static [u32] {
        match self {
            Format::Gif => &[10, 20, 25],
            Format::Webm => &[15, 24, 30],
        }
    }

    pub fn default_fps(self) -> u32 {
        match self {
            Format::Gif => 10,
            Format::Webm => 30,
        }
    }
}

/// Picture sizes offered (16:9, like a slide).
pub const SIZES: &[(u32, u32)] = &[(320, 180), (640, 360), (1280, 720)];
/// Simulated seconds per second of video offered.
pub const SPEEDS: &[u32] = &[1, 2, 5];
/// The longest span a recording may cover, simulated seconds (a GIF of it at 25 fps and 1×
/// is 7,500 frames: larger is not something to mail or put on a slide).
pub const MAX_SPAN_S: f64 = 300.0;
/// The latest simulated second a span may end at.
pub const MAX_TO_S: f64 = 3_600.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    pub format: Format,
    pub from_s: f64,
    pub to_s: f64,
    pub width: u32,
    pub height: u32,
    /// Simulated seconds per second of video.
    pub speed: u32,
    pub fps: u32,
}

/// Why settings cannot be recorded, naming the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invalid {
    From,
    To,
    SpanTooLong,
    Size,
    Speed,
    FrameRate,
}

impl Settings {
    /// The dialog's first offer: the last 10 simulated seconds of the live run, or 0–10 s before
    /// the run has reached 10 s.
    pub fn default_for(format: Format, live_time_s: f64) -> Settings {
        let to = if live_time_s.is_finite() && live_time_s >= 10.0 {
            live_time_s.floor().min(MAX_TO_S)
        } else {
            10.0
        };
        Settings {
            format,
            from_s: to - 10.0,
            to_s: to,
            width: 640,
            height: 360,
            speed: 1,
            fps: format.default_fps(),
        }
    }

    /// Checks every field; the first problem found is returned.
    pub fn check(&self) -> Result<(), Invalid> {
        if !self.from_s.is_finite() || self.from_s < 0.0 || self.from_s >= MAX_TO_S {
            return Err(Invalid::From);
        }
        if !self.to_s.is_finite() || self.to_s <= self.from_s || self.to_s > MAX_TO_S {
            return Err(Invalid::To);
        }
        if self.to_s - self.from_s > MAX_SPAN_S {
            return Err(Invalid::SpanTooLong);
        }
        if !SIZES.contains(&(self.width, self.height)) {
            return Err(Invalid::Size);
        }
        if !SPEEDS.contains(&self.speed) {
            return Err(Invalid::Speed);
        }
        if !self.format.frame_rates().contains(&self.fps) {
            return Err(Invalid::FrameRate);
        }
        // A span shorter than one frame would make an empty file.
        if self.frames() == 0 {
            return Err(Invalid::To);
        }
        Ok(())
    }

    /// Frames in the recording: the span's video seconds (span ÷ speed) × frame rate, rounded.
    pub fn frames(&self) -> u32 {
        let video_s = (self.to_s - self.from_s) / f64::from(self.speed.max(1));
        (video_s * f64::from(self.fps)).round().max(0.0) as u32
    }

    /// Simulated nanoseconds between two frames (rounded down: 1/30 s is not a whole number
    /// of nanoseconds; frame times are computed from the start, so the rounding never adds up).
    pub fn frame_step_ns(&self) -> u64 {
        u64::from(self.speed) * 1_000_000_000 / u64::from(self.fps.max(1))
    }

    /// The simulated time frame `k` (from 0) shows: (k + 1) × speed ÷ fps seconds into the span,
    /// so the first frame is one step in and the last one is at the span's end.
    pub fn frame_time_ns(&self, k: u32) -> u64 {
        let into =
            u64::from(k + 1) * u64::from(self.speed) * 1_000_000_000 / u64::from(self.fps.max(1));
        scaleboard_sim::time::secs_to_ns(self.from_s) + into
    }

    /// The GIF frame delay in hundredths of a second.
    pub fn gif_delay_cs(&self) -> u16 {
        (100 / self.fps.max(1)) as u16
    }

    /// `<title>-<from>-<to>s.<ext>`, the title as a file stem.
    pub fn file_name(&self, title: &str) -> String {
        format!(
            "{}-{}-{}s.{}",
            crate::app::file_stem(title),
            seconds(self.from_s),
            seconds(self.to_s),
            self.format.extension()
        )
    }
}

/// Seconds for a file name: "12", or "12.5" when not whole.
fn seconds(s: f64) -> String {
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{}", (s * 10.0).round() / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_the_span_in_video_seconds_times_the_frame_rate() {
        let mut s = Settings::default_for(Format::Gif, 0.0);
        assert_eq!((s.from_s, s.to_s), (0.0, 10.0));
        assert_eq!(s.frames(), 100, "10 s at 1× and 10 fps");
        s.speed = 5;
        assert_eq!(s.frames(), 20);
        assert_eq!(s.frame_step_ns(), 500_000_000);
        assert_eq!(
            s.frame_time_ns(19),
            10_000_000_000,
            "the last frame is the span's end"
        );
        s.format = Format::Webm;
        s.fps = 30;
        s.speed = 1;
        assert_eq!(s.frames(), 300);
        assert_eq!(s.frame_step_ns(), 33_333_333);
        assert_eq!(
            s.frame_time_ns(29),
            1_000_000_000,
            "no drift from the rounded step"
        );
        assert_eq!(s.frame_time_ns(299), 10_000_000_000);
        assert!(s.check().is_ok());
    }

    #[test]
    fn the_default_span_is_the_last_ten_seconds_of_the_live_run() {
        let s = Settings::default_for(Format::Webm, 42.7);
        assert_eq!((s.from_s, s.to_s, s.fps), (32.0, 42.0, 30));
    }

    #[test]
    fn bad_fields_are_named() {
        let ok = Settings::default_for(Format::Gif, 0.0);
        let with = |f: &dyn Fn(&mut Settings)| {
            let mut s = ok;
            f(&mut s);
            s.check()
        };
        assert_eq!(with(&|s| s.from_s = -1.0), Err(Invalid::From));
        assert_eq!(with(&|s| s.from_s = f64::NAN), Err(Invalid::From));
        assert_eq!(with(&|s| s.to_s = 0.0), Err(Invalid::To));
        assert_eq!(with(&|s| s.to_s = 1e12), Err(Invalid::To));
        assert_eq!(
            with(&|s| s.to_s = 0.01),
            Err(Invalid::To),
            "less than a frame"
        );
        assert_eq!(with(&|s| s.to_s = 400.0), Err(Invalid::SpanTooLong));
        assert_eq!(with(&|s| s.width = 7), Err(Invalid::Size));
        assert_eq!(with(&|s| s.speed = 3), Err(Invalid::Speed));
        assert_eq!(
            with(&|s| s.fps = 30),
            Err(Invalid::FrameRate),
            "30 fps is not a GIF delay"
        );
        assert_eq!(with(&|s| s.fps = 25), Ok(()));
        assert_eq!(ok.gif_delay_cs(), 10);
    }

    #[test]
    fn the_file_is_named_after_the_design_and_the_span() {
        let mut s = Settings::default_for(Format::Gif, 0.0);
        assert_eq!(
            s.file_name("Three servers, one LB"),
            "three-servers-one-lb-0-10s.gif"
        );
        s.format = Format::Webm;
        s.from_s = 2.5;
        assert_eq!(s.file_name(""), "scaleboard-2.5-10s.webm");
    }
}
