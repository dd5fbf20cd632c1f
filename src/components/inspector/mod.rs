//! Inspector (being written).
