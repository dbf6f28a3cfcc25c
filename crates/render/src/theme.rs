//! Colours: Grafana's light and dark themes and its status palette, and the mapping of
//! statuses and values to colours.

use mcp_model::{Band, Status};

use crate::format;

/// An sRGB colour with alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Colour {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
    /// Opacity, 255 opaque.
    pub a: u8,
}

impl Colour {
    /// An opaque colour from `0xRRGGBB`.
    pub const fn hex(rgb: u32) -> Colour {
        Colour {
            r: (rgb >> 16) as u8,
            g: (rgb >> 8) as u8,
            b: rgb as u8,
            a: 255,
        }
    }

    /// The same colour with opacity `alpha` (0 to 1).
    pub fn alpha(self, alpha: f32) -> Colour {
        Colour {
            a: (alpha.clamp(0.0, 1.0) * 255.0).round() as u8,
            ..self
        }
    }

    /// This colour over the opaque `under`, opaque: what the canvas shows where it is drawn
    /// once over `under`.
    pub fn over(self, under: Colour) -> Colour {
        let a = u16::from(self.a);
        let mix = |s: u8, u: u8| ((u16::from(s) * a + u16::from(u) * (255 - a) + 127) / 255) as u8;
        Colour {
            r: mix(self.r, under.r),
            g: mix(self.g, under.g),
            b: mix(self.b, under.b),
            a: 255,
        }
    }

    /// Parses the CSS forms Grafana's theme uses: `#rgb`, `#rrggbb`, `#rrggbbaa`,
    /// `rgb(r, g, b)` and `rgba(r, g, b, a)`.
    pub fn parse(css: &str) -> Option<Colour> {
        let css = css.trim();
        if let Some(hex) = css.strip_prefix('#') {
            let digit = |i: usize| u8::from_str_radix(hex.get(i..i + 1)?, 16).ok();
            let pair = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
            return match hex.len() {
                3 => Some(Colour {
                    r: digit(0)? * 17,
                    g: digit(1)? * 17,
                    b: digit(2)? * 17,
                    a: 255,
                }),
                6 | 8 => Some(Colour {
                    r: pair(0)?,
                    g: pair(2)?,
                    b: pair(4)?,
                    a: if hex.len() == 8 { pair(6)? } else { 255 },
                }),
                _ => None,
            };
        }
        let inner = css
            .strip_prefix("rgba(")
            .or_else(|| css.strip_prefix("rgb("))?
            .strip_suffix(')')?;
        let mut parts = inner.split(',').map(str::trim);
        let mut channel = || -> Option<u8> {
            let v = format::parse_decimal_f32(parts.next()?)?;
            (0.0..=255.0).contains(&v).then_some(v.round() as u8)
        };
        let (r, g, b) = (channel()?, channel()?, channel()?);
        let a = match parts.next() {
            Some(a) => {
                let a = format::parse_decimal_f32(a)?;
                (0.0..=1.0)
                    .contains(&a)
                    .then_some((a * 255.0).round() as u8)?
            }
            None => 255,
        };
        parts.next().is_none().then_some(Colour { r, g, b, a })
    }

    /// Writes the colour as CSS (`#rrggbbaa`) into `out`, which is cleared first: every
    /// byte exact, and no number formatting (a panel's first draw writes each colour once).
    pub fn write_css(self, out: &mut String) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        out.clear();
        out.push('#');
        for byte in [self.r, self.g, self.b, self.a] {
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        }
    }

    /// Relative luminance (WCAG), 0 black to 1 white.
    pub fn luminance(self) -> f32 {
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }
}

/// An sRGB channel as linear light (WCAG), 0 to 1.
fn linear(c: u8) -> f32 {
    let c = f32::from(c) / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        pow_2_4((c + 0.055) / 1.055)
    }
}

/// `x.powf(2.4)` for `x` in 0.09 to 1, correctly rounded (as glibc's, the native build's),
/// as `x^2` times the fifth root of `x^2`, the root by Newton's method. Written out because
/// libm's `powf` is 1.6 KB of the renderer's WebAssembly (0.9 KB gzip); the text colour
/// [`Theme::text_on`] chooses with it is libm's on every background but one, a tie
/// libm's rounding decided (tested).
fn pow_2_4(x: f32) -> f32 {
    let a = f64::from(x) * f64::from(x);
    // From above, each step falls towards the root: by a fifth while far, then doubling
    // the digits right; twelve steps reach it from x = 0.09 on.
    let mut t = 1.0;
    for _ in 0..12 {
        t = (4.0 * t + a / (t * t * t * t)) / 5.0;
    }
    // The exponent is 2.4 as an f32, 2.4000000954: times x^0.0000000954, or 1 plus
    // 0.0000000954 ln x (ln x = 2.5 ln t, by its series in (t - 1) / (t + 1)).
    let u = (t - 1.0) / (t + 1.0);
    let u2 = u * u;
    let ln_t = 2.0 * u * (1.0 + u2 * (1.0 / 3.0 + u2 * (1.0 / 5.0 + u2 / 7.0)));
    let excess = f64::from(2.4f32) - 2.4;
    (a * t * (1.0 + excess * 2.5 * ln_t)) as f32
}

/// Light or dark, as Grafana's theme says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Grafana's light theme.
    Light,
    /// Grafana's dark theme.
    Dark,
}

/// Every colour the panel draws with. Defaults are Grafana's; the panel shell overrides
/// them with [`Theme::set`] from the running Grafana's theme.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// Light or dark.
    pub mode: Mode,
    /// Panel background (`background.primary`).
    pub background: Colour,
    /// Tile and bar background (`background.secondary`).
    pub surface: Colour,
    /// Main text (`text.primary`).
    pub text: Colour,
    /// Secondary text (`text.secondary`).
    pub text_weak: Colour,
    /// Borders and grid lines (`border.weak`).
    pub border: Colour,
    /// Keyboard focus and hover outline (`primary.main`).
    pub focus: Colour,
    /// Status ok: the palette's `green`.
    pub ok: Colour,
    /// Status warn: the palette's `orange`.
    pub warn: Colour,
    /// Status critical: the palette's `red`.
    pub critical: Colour,
    /// Text of status ok (`success.text`): see [`Theme::status_text`].
    pub ok_text: Colour,
    /// Text of status warn (`warning.text`).
    pub warn_text: Colour,
    /// Text of status critical (`error.text`).
    pub critical_text: Colour,
    /// No value to judge.
    pub no_data: Colour,
    /// Latency lines, by their percentile's rank among those drawn (see
    /// [`Theme::percentile`]); named `lowestPercentile`, `middlePercentile` and
    /// `highestPercentile` (p50, p95 and p99 by default).
    pub percentiles: [Colour; 3],
    /// Exemplars of calls that did not fail.
    pub exemplar: Colour,
}

impl Theme {
    /// Grafana's dark theme (status hues are the dark palette's primary shades).
    pub fn dark() -> Theme {
        Theme {
            mode: Mode::Dark,
            background: Colour::hex(0x181b1f),
            surface: Colour::hex(0x22252b),
            text: Colour::hex(0xccccdc),
            text_weak: Colour::hex(0xccccdc).alpha(0.65),
            border: Colour::hex(0xccccdc).alpha(0.12),
            focus: Colour::hex(0x6e9fff),
            ok: Colour::hex(0x73bf69),
            warn: Colour::hex(0xff9830),
            critical: Colour::hex(0xf2495c),
            ok_text: Colour::hex(0x6ccf8e),
            warn_text: Colour::hex(0xfbad37),
            critical_text: Colour::hex(0xff5286),
            no_data: Colour::hex(0x8e8e8e),
            percentiles: [
                Colour::hex(0x8ab8ff),
                Colour::hex(0x5794f2),
                Colour::hex(0xb877d9),
            ],
            // The secondary text's, as the shell sets it from Grafana's theme.
            exemplar: Colour::hex(0xccccdc).alpha(0.65),
        }
    }

    /// Grafana's light theme (status hues are the light palette's primary shades).
    pub fn light() -> Theme {
        Theme {
            mode: Mode::Light,
            background: Colour::hex(0xffffff),
            surface: Colour::hex(0xf4f5f5),
            text: Colour::hex(0x24292e),
            text_weak: Colour::hex(0x24292e).alpha(0.75),
            border: Colour::hex(0x24292e).alpha(0.12),
            focus: Colour::hex(0x3d71d9),
            ok: Colour::hex(0x56a64b),
            warn: Colour::hex(0xff780a),
            critical: Colour::hex(0xe02f44),
            ok_text: Colour::hex(0x0a764e),
            warn_text: Colour::hex(0xb5510d),
            critical_text: Colour::hex(0xcf0e5b),
            no_data: Colour::hex(0x8e8e8e),
            percentiles: [
                Colour::hex(0x5794f2),
                Colour::hex(0x3274d9),
                Colour::hex(0xa352cc),
            ],
            exemplar: Colour::hex(0x24292e).alpha(0.75),
        }
    }

    /// The theme of `mode`.
    pub fn of(mode: Mode) -> Theme {
        match mode {
            Mode::Light => Theme::light(),
            Mode::Dark => Theme::dark(),
        }
    }

    /// Sets the colour called `name` (a field name of [`Theme`]: `background`, `ok`, ...)
    /// from CSS text.
    pub fn set(&mut self, name: &str, css: &str) -> Result<(), ThemeError> {
        let colour = Colour::parse(css).ok_or_else(|| ThemeError {
            name: name.to_string(),
            value: css.to_string(),
            reason: "not a colour; use #rrggbb, rgb(r, g, b) or rgba(r, g, b, a)",
        })?;
        let slot = match name {
            "background" => &mut self.background,
            "surface" => &mut self.surface,
            "text" => &mut self.text,
            "textWeak" => &mut self.text_weak,
            "border" => &mut self.border,
            "focus" => &mut self.focus,
            "ok" => &mut self.ok,
            "warn" => &mut self.warn,
            "critical" => &mut self.critical,
            "okText" => &mut self.ok_text,
            "warnText" => &mut self.warn_text,
            "criticalText" => &mut self.critical_text,
            "noData" => &mut self.no_data,
            "exemplar" => &mut self.exemplar,
            "lowestPercentile" => &mut self.percentiles[0],
            "middlePercentile" => &mut self.percentiles[1],
            "highestPercentile" => &mut self.percentiles[2],
            _ => {
                return Err(ThemeError {
                    name: name.to_string(),
                    value: css.to_string(),
                    reason: "unknown colour; use background, surface, text, textWeak, border, \
                             focus, ok, warn, critical, okText, warnText, criticalText, noData, \
                             exemplar, lowestPercentile, middlePercentile or highestPercentile",
                })
            }
        };
        *slot = colour;
        Ok(())
    }

    /// The colour of a status.
    pub fn status(&self, status: Status) -> Colour {
        match status {
            Status::Ok => self.ok,
            Status::Warn => self.warn,
            Status::Critical => self.critical,
        }
    }

    /// A service tile's background by its status, as shown: the status colour's tint over
    /// the surface (over the background, where the surface lets it through).
    pub fn tile(&self, status: Status) -> Colour {
        self.tint(status).over(self.surface.over(self.background))
    }

    /// The tint of a service tile of `status`, drawn over the surface: its status colour,
    /// faint.
    pub fn tint(&self, status: Status) -> Colour {
        let a = if status == Status::Ok { 0.10 } else { 0.20 };
        self.status(status).alpha(a)
    }

    /// The text colour of `status` readable on `background` (opaque): Grafana's text shade
    /// of the status, moved towards the main text colour, an eighth at a time, until it
    /// contrasts 4.5:1 (WCAG's AA for text this small) with the background; the main text
    /// colour when none does. Grafana's shades are made for its primary background: on a
    /// status-tinted tile the warning's reads 3.9:1 in the light theme, the error's 4.0:1
    /// in the dark.
    pub fn status_text(&self, status: Status, background: Colour) -> Colour {
        let shade = match status {
            Status::Ok => self.ok_text,
            Status::Warn => self.warn_text,
            Status::Critical => self.critical_text,
        }
        .over(background);
        let text = self.text.over(background);
        let bg = background.luminance();
        let mix =
            |a: u8, b: u8, k: u16| ((u16::from(a) * (8 - k) + u16::from(b) * k + 4) / 8) as u8;
        (0..=8)
            .map(|k| Colour {
                r: mix(shade.r, text.r, k),
                g: mix(shade.g, text.g, k),
                b: mix(shade.b, text.b, k),
                a: 255,
            })
            .find(|c| contrast(c.luminance(), bg) >= 4.5)
            .unwrap_or(text)
    }

    /// The status texts of the tiles: for a tile of each status (ok, warn, critical), the
    /// [`Theme::status_text`] of each status on it. Worked out once a repaint: nine pairs.
    pub fn tile_texts(&self) -> TileTexts {
        let statuses = [Status::Ok, Status::Warn, Status::Critical];
        TileTexts(statuses.map(|tile| statuses.map(|text| self.status_text(text, self.tile(tile)))))
    }

    /// The colour of `value` judged by `band`; grey when there is no value.
    pub fn judged(&self, band: Band, value: f64) -> Colour {
        if value.is_nan() {
            self.no_data
        } else {
            self.status(band.status(value))
        }
    }

    /// The colour of the latency lines of the `rank`th lowest of `count` percentiles drawn:
    /// the lowest takes the first colour, the highest the last, any between the middle one
    /// (p50, p95 and p99, the default, take one each; p90 and p99.9 the first and the last,
    /// the two furthest apart). A percentile alone takes the middle colour, as p95 alone
    /// does.
    pub fn percentile(&self, rank: usize, count: usize) -> Colour {
        match rank {
            _ if count < 2 => self.percentiles[1],
            0 => self.percentiles[0],
            r if r + 1 >= count => self.percentiles[2],
            _ => self.percentiles[1],
        }
    }

    /// Text colour readable on `background`: the theme's dark or light text, whichever
    /// contrasts more.
    pub fn text_on(&self, background: Colour) -> Colour {
        let (dark, light) = (Colour::hex(0x111217), Colour::hex(0xffffff));
        let bg = background.luminance();
        if contrast(bg, dark.luminance()) >= contrast(bg, light.luminance()) {
            dark
        } else {
            light
        }
    }
}

/// WCAG's contrast ratio of two relative luminances, 1 to 21.
pub fn contrast(a: f32, b: f32) -> f32 {
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// The readable status texts of the tiles: see [`Theme::tile_texts`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TileTexts([[Colour; 3]; 3]);

impl TileTexts {
    /// The text colour of status `text` on a tile of status `tile`.
    pub fn on(&self, tile: Status, text: Status) -> Colour {
        let i = |s: Status| match s {
            Status::Ok => 0,
            Status::Warn => 1,
            Status::Critical => 2,
        };
        self.0[i(tile)][i(text)]
    }
}

/// A theme colour that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeError {
    /// The colour's name.
    pub name: String,
    /// The value given.
    pub value: String,
    /// What is allowed.
    pub reason: &'static str,
}

impl std::fmt::Display for ThemeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "theme colour {} has value {:?}: {}",
            self.name, self.value, self.reason
        )
    }
}

impl std::error::Error for ThemeError {}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_model::Thresholds;

    #[test]
    fn parses_the_css_forms_grafana_themes_use() {
        assert_eq!(Colour::parse("#73BF69"), Some(Colour::hex(0x73bf69)));
        assert_eq!(Colour::parse("#fff"), Some(Colour::hex(0xffffff)));
        assert_eq!(
            Colour::parse("rgba(204, 204, 220, 0.12)"),
            Some(Colour::hex(0xccccdc).alpha(0.12))
        );
        assert_eq!(
            Colour::parse(" rgb(36, 41, 46) "),
            Some(Colour::hex(0x24292e))
        );
        for bad in [
            "",
            "#12",
            "#ggg",
            "rgb(1,2)",
            "rgb(1,2,3,4,5)",
            "rgba(1,2,3,2)",
            "red",
        ] {
            assert_eq!(Colour::parse(bad), None, "{bad}");
        }
        let mut css = String::new();
        Colour::hex(0xf2495c).alpha(0.5).write_css(&mut css);
        assert_eq!(css, "#f2495c80");
        assert_eq!(Colour::parse(&css), Some(Colour::hex(0xf2495c).alpha(0.5)));
    }

    #[test]
    fn a_faint_colour_over_the_background_is_the_blend_opaque() {
        let c = Colour::hex(0xff0000)
            .alpha(0.35)
            .over(Colour::hex(0x000080));
        assert_eq!(
            c,
            Colour {
                r: 89,
                g: 0,
                b: 83,
                a: 255
            }
        );
    }

    #[test]
    fn statuses_take_grafanas_palette_per_theme() {
        let (dark, light) = (Theme::dark(), Theme::light());
        assert_eq!(dark.status(Status::Ok), Colour::hex(0x73bf69));
        assert_eq!(dark.status(Status::Warn), Colour::hex(0xff9830));
        assert_eq!(dark.status(Status::Critical), Colour::hex(0xf2495c));
        assert_eq!(light.status(Status::Ok), Colour::hex(0x56a64b));
        assert_eq!(light.status(Status::Critical), Colour::hex(0xe02f44));
        let band = Thresholds::default().tool_success_percent;
        assert_eq!(dark.judged(band, 99.0), dark.ok);
        assert_eq!(dark.judged(band, 92.0), dark.warn);
        assert_eq!(dark.judged(band, 40.0), dark.critical);
        assert_eq!(dark.judged(band, f64::NAN), dark.no_data);
    }

    #[test]
    fn percentiles_take_colours_by_their_rank_among_those_drawn() {
        let t = Theme::dark();
        let [low, mid, high] = t.percentiles;
        let of = |count: usize| {
            (0..count)
                .map(|r| t.percentile(r, count))
                .collect::<Vec<_>>()
        };
        assert_eq!(of(1), [mid]);
        assert_eq!(of(2), [low, high]);
        assert_eq!(of(3), [low, mid, high]);
        assert_eq!(of(5), [low, mid, mid, mid, high]);
    }

    #[test]
    fn the_shell_overrides_colours_by_name_and_bad_ones_are_named() {
        let mut t = Theme::dark();
        t.set("background", "#111217").unwrap();
        assert_eq!(t.background, Colour::hex(0x111217));
        let err = t.set("ok", "greenish").unwrap_err().to_string();
        assert!(
            err.contains("theme colour ok has value \"greenish\""),
            "{err}"
        );
        let err = t.set("nope", "#fff").unwrap_err().to_string();
        assert!(err.contains("unknown colour"), "{err}");
    }

    #[test]
    fn the_power_is_rounded_right_and_the_text_colour_is_libms_on_every_background_but_a_tie() {
        for c in 11..=255u8 {
            let x = (f32::from(c) / 255.0 + 0.055) / 1.055;
            // Correctly rounded: in f64, then to f32.
            let exact = f64::from(x).powf(f64::from(2.4f32)) as f32;
            assert_eq!(pow_2_4(x), exact, "{c}");
        }
        // text_on's choice with libm's powf (the WebAssembly build's until it was written
        // out), over all 2^24 backgrounds.
        let libm_linear: Vec<f32> = (0..=255u8)
            .map(|c| {
                let c = f32::from(c) / 255.0;
                if c <= 0.04045 {
                    c / 12.92
                } else {
                    libm::powf((c + 0.055) / 1.055, 2.4)
                }
            })
            .collect();
        let ours_linear: Vec<f32> = (0..=255u8).map(linear).collect();
        let luminance = |lin: &[f32], c: Colour| {
            let l = |c: u8| lin[usize::from(c)];
            0.2126 * l(c.r) + 0.7152 * l(c.g) + 0.0722 * l(c.b)
        };
        let (dark, light) = (Colour::hex(0x111217), Colour::hex(0xffffff));
        let contrast = |a: f32, b: f32| (a.max(b) + 0.05) / (a.min(b) + 0.05);
        let dark_text = |lin: &[f32], bg: Colour| {
            let bg = luminance(lin, bg);
            contrast(bg, luminance(lin, dark)) >= contrast(bg, luminance(lin, light))
        };
        let differ: Vec<u32> = (0..1u32 << 24)
            .filter(|&rgb| {
                let bg = Colour::hex(rgb);
                dark_text(&ours_linear, bg) != dark_text(&libm_linear, bg)
            })
            .collect();
        // One background: libm's powf, an ulp off in two of its channels, makes both
        // contrasts 4.324861; exactly they are 4.3248607 (dark text) and 4.3248618 (white),
        // as ours has them.
        assert_eq!(differ, [0xcf477e]);
        assert_eq!(Theme::dark().text_on(Colour::hex(0xcf477e)), light);
        let t = Theme::dark();
        for rgb in (0..1u32 << 24).step_by(4099) {
            let bg = Colour::hex(rgb);
            let want = if dark_text(&ours_linear, bg) {
                dark
            } else {
                light
            };
            assert_eq!(t.text_on(bg), want, "{rgb:06x}");
        }
    }

    #[test]
    fn text_on_a_status_colour_stays_readable() {
        let t = Theme::dark();
        assert_eq!(t.text_on(Colour::hex(0xffffff)), Colour::hex(0x111217));
        assert_eq!(t.text_on(Colour::hex(0x181b1f)), Colour::hex(0xffffff));
        assert_eq!(t.text_on(t.ok), Colour::hex(0x111217));
    }

    #[test]
    fn status_texts_read_at_4_5_to_1_on_every_tile_and_keep_grafanas_shade_where_it_does() {
        let statuses = [Status::Ok, Status::Warn, Status::Critical];
        for t in [Theme::light(), Theme::dark()] {
            let texts = t.tile_texts();
            for tile in statuses {
                let bg = t.tile(tile);
                for status in statuses {
                    let c = texts.on(tile, status);
                    let ratio = contrast(c.luminance(), bg.luminance());
                    assert!(ratio >= 4.5, "{:?} {status:?} on {tile:?}: {ratio}", t.mode);
                    // Grafana's shade itself where it reads; else the nearest eighth towards
                    // the main text that does.
                    let shade = match status {
                        Status::Ok => t.ok_text,
                        Status::Warn => t.warn_text,
                        Status::Critical => t.critical_text,
                    };
                    if contrast(shade.luminance(), bg.luminance()) >= 4.5 {
                        assert_eq!(c, shade);
                    } else {
                        assert_ne!(c, shade);
                        assert_ne!(c, t.text, "{:?} {status:?} on {tile:?}", t.mode);
                    }
                }
            }
        }
        // Dark: the warning's shade reads as it is; the error's does not, on any tile.
        let dark = Theme::dark().tile_texts();
        assert_eq!(dark.on(Status::Warn, Status::Warn), Colour::hex(0xfbad37));
        assert_ne!(
            dark.on(Status::Critical, Status::Critical),
            Colour::hex(0xff5286)
        );
    }
}
