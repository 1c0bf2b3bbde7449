"""Learned models shipped with the package: each a small versioned file trained by a script in train/."""
