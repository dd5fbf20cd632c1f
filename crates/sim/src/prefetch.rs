//! A hint that a record will be read soon.
//!
//! A busy design keeps more jobs in flight than the cache holds, and the next event's job was
//! a cache miss that stalled each step. Loading a field of it now and dropping the value makes
//! an out-of-order core start the fetch at once and finish it while it works on the event at
//! hand (WebAssembly has no prefetch instruction; this works there too). Nothing observable
//! changes.

#[inline(always)]
pub(crate) fn touch<T>(loaded: T) {
    std::hint::black_box(loaded);
}
