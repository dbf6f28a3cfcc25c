//! What the plugin's memory is made of, for `mcp_plugin_heap_*` ([`crate::metrics`]): the
//! bytes the plugin holds, counted at the global allocator, and on glibc what `malloc`
//! itself holds from the system and keeps free.
//!
//! The resident set alone cannot tell a leak from an allocator that keeps freed pages for
//! reuse (glibc gives each thread of the runtime its own arena and returns an arena's free
//! pages only from its top). The live count grows with what the plugin holds, a leak or
//! work and connections still alive (it falls back when they end); the allocator's free
//! bytes grow only with what it retains.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting the bytes allocated and not yet freed. `gpx_mcp`
/// installs it as its global allocator; elsewhere (unit tests, benchmarks) nothing is
/// counted and [`live_bytes`] stays 0.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to `System` unchanged; the counter only observes sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `layout` is `System`'s.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`; `new_size` is the caller's to keep valid.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // On failure the old block stays allocated and counted.
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

/// Bytes allocated through [`Counting`] and not yet freed (requested sizes, without the
/// allocator's own headers and rounding).
pub fn live_bytes() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// What glibc's `malloc` holds, from `mallinfo2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malloc {
    /// Bytes `malloc` has from the system: its arenas (`arena`) and its own mappings of
    /// large blocks (`hblkhd`).
    pub held: usize,
    /// Of those, bytes in free chunks it keeps for reuse (`fordblks`).
    pub free: usize,
}

/// glibc's view of its heap; `None` where the C library is not glibc (the release
/// executables for Linux link musl statically, whose `malloc` reports nothing).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn malloc() -> Option<Malloc> {
    // SAFETY: mallinfo2 takes no arguments and only reads malloc's state under its locks.
    let info = unsafe { libc::mallinfo2() };
    Some(Malloc {
        held: info.arena + info.hblkhd,
        free: info.fordblks,
    })
}

/// glibc's view of its heap; `None` where the C library is not glibc.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn malloc() -> Option<Malloc> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_follows_alloc_realloc_and_free() {
        // The tests do not install Counting globally, so only the calls below move LIVE.
        let before = live_bytes();
        let layout = Layout::from_size_align(1000, 8).unwrap();
        // SAFETY: a non-zero layout, freed below with the layout of its last size.
        unsafe {
            let p = Counting.alloc(layout);
            assert!(!p.is_null());
            assert_eq!(live_bytes() - before, 1000);
            let p = Counting.realloc(p, layout, 3000);
            assert!(!p.is_null());
            assert_eq!(live_bytes() - before, 3000);
            Counting.dealloc(p, Layout::from_size_align(3000, 8).unwrap());
            let z = Counting.alloc_zeroed(layout);
            assert_eq!(*z.add(999), 0);
            assert_eq!(live_bytes() - before, 1000);
            Counting.dealloc(z, layout);
        }
        assert_eq!(live_bytes(), before);
    }

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn glibc_reports_what_it_holds_and_keeps_free() {
        let m = malloc().expect("glibc reports mallinfo2");
        assert!(m.held > 0 && m.free <= m.held, "{m:?}");
        // Above the largest mmap threshold (32 MiB), a block gets its own mapping, held
        // while allocated whatever other tests free meanwhile.
        let block = vec![0u8; 64 << 20];
        let during = malloc().expect("mallinfo2");
        assert!(during.held >= m.held + (48 << 20), "{m:?} then {during:?}");
        drop(block);
    }
}
