//! Time-series charts (being written).
