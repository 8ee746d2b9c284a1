// Anchors the tests' precompiled header; it holds no code of its own.
