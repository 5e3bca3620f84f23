//! Versioned, compressed state in the URL fragment.
