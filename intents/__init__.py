"""Text to concerns: a keyword intent matcher whose lexicon is data."""
